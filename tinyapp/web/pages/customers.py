"""Customer pages: the list, one customer with their orders, create, edit, archive."""

import bottle
from marshmallow import ValidationError

from tinyapp.errors import AppError
from tinyapp.models import Customer, Order
from tinyapp.schemas.sales import CustomerListQuery, CustomerPatchSchema, CustomerSchema
from tinyapp.services import customers
from tinyapp.services.common import StaleVersion, get_row
from tinyapp.web.pages.forms import (
    Form,
    flash,
    form_from_error,
    load_form,
    merge_after_conflict,
    posted,
    was,
)
from tinyapp.web.pages.history import recent_changes
from tinyapp.web.pages.lists import list_page
from tinyapp.web.pages.view import page, query_args, redirect, url

FIELDS = ("name", "email", "phone", "address", "notes")
SORTS = [("name", "Name (A–Z)"), ("-name", "Name (Z–A)"), ("-created_at", "Newest first")]


def list_customers():
    """List customers with search, sortable columns and pages."""
    filters = query_args("q", "active")
    sort = query_args("sort").get("sort", "name")
    shown = {**filters, "active": filters.get("active", "true")}  # archived when asked
    if shown["active"] == "all":
        del shown["active"]
    query = CustomerListQuery().load({**shown, "sort": sort})
    listing = list_page(Customer.listing(active=query["active"], search=query["q"]),
                        sort, "/customers", filters, default_sort="name")
    return page("customers.tpl", "Customers", section="customers", listing=listing,
                customers=listing.items, filters=Form({**filters, "sort": sort}), sorts=SORTS,
                export_link=url("/api/v1/exports/customers.csv", **shown),
                none_yet=not listing.items and not filters
                and not Customer.select().exists())


def show_customer(customer_id: int):
    """Show a customer and their orders, newest first."""
    customer = get_row(Customer, customer_id)
    listing = list_page(Order.listing(customer_id=customer_id), "-created_at",
                        f"/customers/{customer_id}", {}, default_sort="-created_at")
    return page("customer.tpl", customer.name, section="customers", customer=customer,
                orders=listing.items, listing=listing,
                changes=recent_changes("customer", customer_id))


def new_customer_form():
    """Show an empty customer form."""
    return _form_page(Form())


def create_customer():
    """Add a customer from the form."""
    try:
        customer = customers.create_customer(load_form(CustomerSchema, FIELDS))
    except (ValidationError, AppError) as exc:
        return _form_page(form_from_error(exc, posted(FIELDS)), status=422)
    flash(f"Customer {customer.name} added.")
    redirect(f"/customers/{customer.id}")


def edit_customer_form(customer_id: int):
    """Show the customer form filled in with the customer as they are now."""
    customer = get_row(Customer, customer_id)
    values = _values(customer)
    return _form_page(Form({**values, **was(values)}), customer=customer)


def update_customer(customer_id: int):
    """Save the edit if nobody changed the customer meanwhile; otherwise show what they
    changed beside what you typed, and keep the rest of your edit."""
    typed = posted((*FIELDS, "version", *was(dict.fromkeys(FIELDS))))
    try:
        data = load_form(CustomerPatchSchema, FIELDS + ("version",))
        version = data.pop("version")
        customers.update_customer(customer_id, data, version)
    except StaleVersion:
        current = get_row(Customer, customer_id)
        form, theirs = merge_after_conflict(
            FIELDS, _values(current), typed,
            "Someone else saved this customer while you were editing. Their changes are "
            "in the form now; check them and what you typed, then save again.")
        return _form_page(form, customer=current, status=409, theirs=theirs, typed=typed)
    except (ValidationError, AppError) as exc:
        return _form_page(form_from_error(exc, typed), customer=get_row(Customer, customer_id),
                          status=422)
    flash("Your changes are saved.")
    redirect(f"/customers/{customer_id}")


def confirm_archive(customer_id: int):
    """Ask before archiving a customer."""
    customer = get_row(Customer, customer_id)
    return page("confirm.tpl", f"Archive {customer.name}?", section="customers",
                question=f"Archive {customer.name}?",
                detail="They can no longer get new orders. Their orders stay.",
                action=f"/customers/{customer_id}/archive", button="Archive customer",
                back=f"/customers/{customer_id}", back_label="Keep them")


def archive_customer(customer_id: int):
    """Archive a customer and go back to them."""
    customer = customers.archive_customer(customer_id)
    flash(f"{customer.name} is archived.")
    redirect(f"/customers/{customer_id}")


def _values(customer: Customer) -> dict:
    return {"name": customer.name, "email": customer.email or "", "phone": customer.phone,
            "address": customer.address, "notes": customer.notes,
            "version": customer.version}


def _form_page(form: Form, customer: Customer | None = None, status: int = 200,
               theirs: list[str] | None = None, typed: dict | None = None) -> str:
    title = f"Edit {customer.name}" if customer else "New customer"
    return page("customer_form.tpl", title, section="customers", form=form,
                customer=customer, theirs=theirs or [], typed=typed or {}, fields=FIELDS,
                status=status)


def install(app: bottle.Bottle) -> None:
    """Add this area's pages to the app."""
    one = "/customers/<customer_id:int>"
    app.route("/customers", "GET", list_customers, permission="customers:read")
    app.route("/customers", "POST", create_customer, permission="customers:write")
    app.route("/customers/new", "GET", new_customer_form, permission="customers:write")
    app.route(one, "GET", show_customer, permission="customers:read")
    app.route(one, "POST", update_customer, permission="customers:write")
    app.route(one + "/edit", "GET", edit_customer_form, permission="customers:write")
    app.route(one + "/archive", "GET", confirm_archive, permission="customers:write")
    app.route(one + "/archive", "POST", archive_customer, permission="customers:write")
