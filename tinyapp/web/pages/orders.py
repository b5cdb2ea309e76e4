"""Order pages: the list, one (printable) order, and its steps: fulfil, cancel, delete.

Making and changing a draft, and placing it, is in order_form.py: a draft's page is its
editor. Each step here is a POST that calls the service and comes back to the order
with a flash message; a refusal (already cancelled) is shown the same way, and nothing
has changed.
"""

import datetime as dt

import bottle

from tinyapp.errors import AppError, NotFound
from tinyapp.models import ORDER_STATUSES, Customer, Order
from tinyapp.schemas.sales import OrderListQuery
from tinyapp.services import orders
from tinyapp.web import formats
from tinyapp.web.auth import can
from tinyapp.web.pages import order_form
from tinyapp.web.pages.forms import Form, flash
from tinyapp.web.pages.history import recent_changes
from tinyapp.web.pages.lists import list_page
from tinyapp.web.pages.view import page, query_args, redirect, url

SORTS = [("-created_at", "Newest first"), ("created_at", "Oldest first"),
         ("-number", "Number (high first)")]


def list_orders():
    """List orders, found by number or customer and filtered by status and dates."""
    filters = query_args("q", "status", "from", "to", "customer")
    sort = query_args("sort").get("sort", "-created_at")
    exact = {k: formats.as_iso(v) if k in ("from", "to") else v for k, v in filters.items()}
    query = OrderListQuery().load({**exact, "sort": sort})
    listing = list_page(orders.listing(status=query["status"], customer_id=query["customer"],
                                       created_from=query["created_from"],
                                       created_to=query["created_to"], search=query["q"]),
                        sort, "/orders", filters, default_sort="-created_at")
    customer = (Customer.get_or_none(Customer.id == query["customer"])
                if query["customer"] else None)
    return page("orders.tpl", "Orders", section="orders", listing=listing,
                orders=listing.items, sorts=SORTS, statuses=ORDER_STATUSES, customer=customer,
                filters=Form({**filters, "sort": sort,
                              "from": formats.day(query["created_from"]),
                              "to": formats.day(query["created_to"])}),
                example=formats.day(dt.datetime.now(dt.UTC).date()),
                without_customer=listing.link(customer=None),
                export_link=url("/api/v1/exports/orders.csv", **exact),
                none_yet=not listing.items and not filters and not Order.select().exists())


def show_order(order_id: int):
    """Show an order with its lines and the steps it can take next (a draft: its editor)."""
    order = _order(order_id)
    if order.status == "draft" and can("orders:write"):
        return order_form.draft_page(order, find=query_args("find").get("find", ""))
    return page("order.tpl", f"Order {order.number}", section="orders", order=order,
                changes=recent_changes("order", order_id))


def fulfill_order(order_id: int):
    """Mark a placed order as delivered."""
    return _step(order_id, orders.fulfill_order, "is fulfilled.")


def confirm_cancel(order_id: int):
    """Ask before cancelling an order."""
    order = _order(order_id)
    detail = ("Its stock goes back on the shelf." if order.status == "placed"
              else "It has not taken any stock yet.")
    return page("confirm.tpl", f"Cancel {order.number}?", section="orders",
                question=f"Cancel order {order.number} for {order.customer.name}?",
                detail=detail, action=f"/orders/{order_id}/cancel", button="Cancel order",
                back=f"/orders/{order_id}", back_label="Keep the order")


def cancel_order(order_id: int):
    """Cancel a draft or placed order; a placed order's stock comes back."""
    return _step(order_id, orders.cancel_order, "is cancelled.")


def confirm_delete(order_id: int):
    """Ask before deleting a draft."""
    order = _order(order_id)
    return page("confirm.tpl", f"Delete {order.number}?", section="orders",
                question=f"Delete the draft order {order.number}?",
                detail="Drafts have taken no stock; nothing else changes.",
                action=f"/orders/{order_id}/delete", button="Delete draft",
                back=f"/orders/{order_id}", back_label="Keep the draft")


def delete_order(order_id: int):
    """Delete a draft order and go back to the list."""
    order = _order(order_id)
    try:
        orders.delete_order(order_id)
    except AppError as exc:
        flash(exc.message, "error")
        redirect(f"/orders/{order_id}")
    flash(f"Draft {order.number} deleted.")
    redirect("/orders")


def _step(order_id: int, service, done: str):
    """Run one step of the order's life, then show the order with the outcome."""
    try:
        order = service(order_id)
    except NotFound:
        raise
    except AppError as exc:
        flash(exc.message, "error")
    else:
        flash(f"Order {order.number} {done}")
    redirect(f"/orders/{order_id}")


def _order(order_id: int) -> Order:
    order = Order.with_lines(order_id)
    if order is None:
        raise NotFound(f"There is no order with id {order_id}.")
    return order


def install(app: bottle.Bottle) -> None:
    """Add this area's pages to the app."""
    one = "/orders/<order_id:int>"
    app.route("/orders", "GET", list_orders, permission="orders:read")
    app.route(one, "GET", show_order, permission="orders:read")
    app.route(one + "/fulfill", "POST", fulfill_order, permission="orders:write")
    app.route(one + "/cancel", "GET", confirm_cancel, permission="orders:write")
    app.route(one + "/cancel", "POST", cancel_order, permission="orders:write")
    app.route(one + "/delete", "GET", confirm_delete, permission="orders:write")
    app.route(one + "/delete", "POST", delete_order, permission="orders:write")
