"""/api/v1/customers: who buys."""

from tinyapp.models import Customer
from tinyapp.pagination import paginate
from tinyapp.schemas.sales import CustomerListQuery, CustomerPatchSchema, CustomerSchema
from tinyapp.services import customers
from tinyapp.services.common import get_row
from tinyapp.web.api.endpoint import Endpoint


def list_customers(query):
    """List customers, filtered and sorted, one page at a time."""
    found = Customer.listing(active=query["active"], search=query["q"])
    return paginate(found, query["sort"], query["limit"], query["cursor"])


def get_customer(customer_id):
    """Show one customer (their orders: GET /api/v1/orders?customer=ID)."""
    return get_row(Customer, customer_id)


def create_customer(body):
    """Add a customer."""
    return customers.create_customer(body)


def update_customer(customer_id, body, version):
    """Change a customer; send the version you read (409 if someone changed it since)."""
    return customers.update_customer(customer_id, body, version)


def archive_customer(customer_id):
    """Archive a customer: no new orders for them; their orders stay."""
    return customers.archive_customer(customer_id)


def restore_customer(customer_id):
    """Offer an archived customer for new orders again."""
    return customers.restore_customer(customer_id)


ID = "/api/v1/customers/<customer_id:int>"
ENDPOINTS = [
    Endpoint("GET", "/api/v1/customers", list_customers, "customers:read",
             query=CustomerListQuery, response=CustomerSchema, many=True,
             cached_reads=("customers", "search_documents", "search_terms")),
    Endpoint("POST", "/api/v1/customers", create_customer, "customers:write",
             body=CustomerSchema, response=CustomerSchema, status=201, errors=(409,)),
    Endpoint("GET", ID, get_customer, "customers:read", response=CustomerSchema,
             errors=(404,)),
    Endpoint("PATCH", ID, update_customer, "customers:write", body=CustomerPatchSchema,
             patch=True, response=CustomerSchema, errors=(404, 409)),
    Endpoint("DELETE", ID, archive_customer, "customers:write", response=CustomerSchema,
             errors=(404,)),
    Endpoint("POST", ID + "/restore", restore_customer, "customers:write",
             response=CustomerSchema, errors=(404,)),
]
