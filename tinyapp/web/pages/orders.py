"""Order pages: the list, one (printable) order, and its steps: place, fulfil, cancel.

Creating an order is in order_form.py. Each step is a POST that calls the service and
comes back to the order with a flash message; a refusal (not enough stock, already
cancelled) is shown the same way, and nothing has changed.
"""

import bottle

from tinyapp.errors import AppError, NotFound
from tinyapp.models import ORDER_STATUSES, Order
from tinyapp.pagination import paginate
from tinyapp.schemas.sales import OrderListQuery
from tinyapp.services import orders
from tinyapp.web.auth import current_user
from tinyapp.web.pages.forms import Form, flash
from tinyapp.web.pages.view import page, page_size, query_args, redirect, url

SORTS = [("-created_at", "Newest first"), ("created_at", "Oldest first"),
         ("-number", "Number (high first)")]


def list_orders():
    """List orders, filtered by status and dates, newest first."""
    args = query_args("status", "from", "to", "sort", "cursor", "customer")
    query = OrderListQuery().load({**args, "limit": page_size()})
    found = paginate(Order.listing(status=query["status"], customer_id=query["customer"],
                                   created_from=query["created_from"],
                                   created_to=query["created_to"]),
                     query["sort"], query["limit"], query["cursor"])
    filters = {k: v for k, v in args.items() if k != "cursor"}
    return page("orders.tpl", "Orders", section="orders", orders=found.items,
                filters=Form(filters), sorts=SORTS, statuses=ORDER_STATUSES,
                cursor=query["cursor"], first_link=url("/orders", **filters),
                next_link=url("/orders", **filters, cursor=found.next_cursor)
                if found.next_cursor else "")


def show_order(order_id: int):
    """Show an order with its lines and the steps it can take next."""
    order = _order(order_id)
    return page("order.tpl", f"Order {order.number}", section="orders", order=order)


def place_order(order_id: int):
    """Place a draft: take the stock for every line, or change nothing and say why."""
    return _step(order_id, orders.place_order, "is placed; its stock is taken.")


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
        orders.delete_order(order_id, user=current_user())
    except AppError as exc:
        flash(exc.message, "error")
        redirect(f"/orders/{order_id}")
    flash(f"Draft {order.number} deleted.")
    redirect("/orders")


def _step(order_id: int, service, done: str):
    """Run one step of the order's life, then show the order with the outcome."""
    try:
        order = service(order_id, user=current_user())
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
    app.route(one + "/place", "POST", place_order, permission="orders:write")
    app.route(one + "/fulfill", "POST", fulfill_order, permission="orders:write")
    app.route(one + "/cancel", "GET", confirm_cancel, permission="orders:write")
    app.route(one + "/cancel", "POST", cancel_order, permission="orders:write")
    app.route(one + "/delete", "GET", confirm_delete, permission="orders:write")
    app.route(one + "/delete", "POST", delete_order, permission="orders:write")
