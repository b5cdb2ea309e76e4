"""/api/v1/orders: from draft to placed to fulfilled, or cancelled."""

from tinyapp.models import Order
from tinyapp.pagination import paginate
from tinyapp.schemas.sales import (
    OrderCreateSchema,
    OrderListQuery,
    OrderPatchSchema,
    OrderSchema,
    OrderSummarySchema,
)
from tinyapp.services import orders
from tinyapp.services.common import get_row
from tinyapp.web.api.endpoint import Endpoint


def list_orders(query):
    """List orders (without their lines), filtered and sorted, one page at a time."""
    found = orders.listing(status=query["status"], customer_id=query["customer"],
                           created_from=query["created_from"], created_to=query["created_to"],
                           search=query["q"])
    return paginate(found, query["sort"], query["limit"], query["cursor"])


def get_order(order_id):
    """Show one order with its lines."""
    return _order(order_id)


def create_order(body):
    """Start a draft order; nothing is taken from stock until it is placed."""
    return orders.create_order(body)  # the order as stored, lines and all: no re-read


def update_order(order_id, body, version):
    """Change a draft order's customer, notes or lines."""
    orders.update_order(order_id, body, version)
    return _order(order_id)


def delete_order(order_id):
    """Delete a draft order (placed orders are cancelled instead)."""
    orders.delete_order(order_id)


def place_order(order_id):
    """Place a draft: take stock for every line and fix the prices, or change nothing (409)."""
    return orders.place_order(order_id)  # as placed, lines and all: no re-read


def fulfill_order(order_id):
    """Mark a placed order as delivered."""
    orders.fulfill_order(order_id)
    return _order(order_id)


def cancel_order(order_id):
    """Cancel a draft or placed order; a placed order's stock is returned."""
    orders.cancel_order(order_id)
    return _order(order_id)


def _order(order_id: int) -> Order:
    """The order as it is now, with its lines: a read's answer, and that of the writes
    whose service does not hold the lines (create and place answer with their own)."""
    return get_row(Order, order_id, fetch=Order.with_lines)


ID = "/api/v1/orders/<order_id:int>"
ENDPOINTS = [
    Endpoint("GET", "/api/v1/orders", list_orders, "orders:read", query=OrderListQuery,
             response=OrderSummarySchema, many=True,
             cached_reads=("orders", "customers", "search_documents", "search_terms")),
    Endpoint("POST", "/api/v1/orders", create_order, "orders:write", body=OrderCreateSchema,
             response=OrderSchema, status=201, errors=(409,)),
    Endpoint("GET", ID, get_order, "orders:read", response=OrderSchema, errors=(404,)),
    Endpoint("PATCH", ID, update_order, "orders:write", body=OrderPatchSchema, patch=True,
             response=OrderSchema, errors=(404, 409)),
    Endpoint("DELETE", ID, delete_order, "orders:write", status=204, errors=(404, 409)),
    Endpoint("POST", ID + "/place", place_order, "orders:write", response=OrderSchema,
             errors=(404, 409)),
    Endpoint("POST", ID + "/fulfill", fulfill_order, "orders:write", response=OrderSchema,
             errors=(404, 409)),
    Endpoint("POST", ID + "/cancel", cancel_order, "orders:write", response=OrderSchema,
             errors=(404, 409)),
]
