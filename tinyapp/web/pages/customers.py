"""Customer pages: the list, one customer with their orders, create, edit, archive."""

import bottle
from marshmallow import ValidationError

from tinyapp.errors import AppError
from tinyapp.models import Customer, Order
from tinyapp.pagination import paginate
from tinyapp.schemas.sales import CustomerListQuery, CustomerPatchSchema, CustomerSchema
from tinyapp.services import customers
from tinyapp.services.common import StaleVersion, get_row
from tinyapp.web.auth import current_user
from tinyapp.web.pages.forms import Form, flash, form_from_error, load_form, posted
from tinyapp.web.pages.view import page, page_size, query_args, redirect, url

FIELDS = ("name", "email", "phone", "address", "notes")
SORTS = [("name", "Name (A–Z)"), ("-name", "Name (Z–A)"), ("-created_at", "Newest first")]


def list_customers():
    """List customers with search and keyset pages."""
    args = query_args("q", "active", "sort", "cursor")
    args.setdefault("active", "true")
    shown = {k: v for k, v in args.items() if not (k == "active" and v == "all")}
    query = CustomerListQuery().load({**shown, "limit": page_size()})
    found = paginate(Customer.listing(active=query["active"], search=query["q"]),
                     query["sort"], query["limit"], query["cursor"])
    filters = {k: v for k, v in args.items() if k != "cursor"}
    return page("customers.tpl", "Customers", section="customers", customers=found.items,
                filters=Form(filters), sorts=SORTS, cursor=query["cursor"],
                next_link=url("/customers", **filters, cursor=found.next_cursor)
                if found.next_cursor else "", first_link=url("/customers", **filters))


def show_customer(customer_id: int):
    """Show a customer and their orders, newest first."""
    customer = get_row(Customer, customer_id)
    cursor = query_args("cursor").get("cursor")
    found = paginate(Order.listing(customer_id=customer_id), "-created_at", page_size(),
                     cursor)
    return page("customer.tpl", customer.name, section="customers", customer=customer,
                orders=found.items, cursor=cursor,
                next_link=url(f"/customers/{customer_id}", cursor=found.next_cursor)
                if found.next_cursor else "", first_link=f"/customers/{customer_id}")


def new_customer_form():
    """Show an empty customer form."""
    return _form_page(Form())


def create_customer():
    """Add a customer from the form."""
    try:
        customer = customers.create_customer(load_form(CustomerSchema, FIELDS),
                                             user=current_user())
    except (ValidationError, AppError) as exc:
        return _form_page(form_from_error(exc, posted(FIELDS)), status=422)
    flash(f"Customer {customer.name} added.")
    redirect(f"/customers/{customer.id}")


def edit_customer_form(customer_id: int):
    """Show the customer form filled in with the customer as they are now."""
    customer = get_row(Customer, customer_id)
    return _form_page(Form(_values(customer)), customer=customer)


def update_customer(customer_id: int):
    """Save the edit if nobody changed the customer meanwhile; otherwise say so."""
    typed = posted((*FIELDS, "version"))
    try:
        data = load_form(CustomerPatchSchema, FIELDS + ("version",))
        version = data.pop("version")
        customers.update_customer(customer_id, data, version, user=current_user())
    except StaleVersion as exc:
        current = get_row(Customer, customer_id)
        return _form_page(Form(_values(current), problem=exc.message), customer=current,
                          status=409, theirs=typed)
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
    customer = customers.archive_customer(customer_id, user=current_user())
    flash(f"{customer.name} is archived.")
    redirect(f"/customers/{customer_id}")


def _values(customer: Customer) -> dict:
    return {"name": customer.name, "email": customer.email or "", "phone": customer.phone,
            "address": customer.address, "notes": customer.notes,
            "version": customer.version}


def _form_page(form: Form, customer: Customer | None = None, status: int = 200,
               theirs: dict | None = None) -> str:
    title = f"Edit {customer.name}" if customer else "New customer"
    return page("customer_form.tpl", title, section="customers", form=form,
                customer=customer, theirs=theirs or {}, status=status)


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
