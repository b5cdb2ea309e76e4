"""Customers: create, change, archive (customers with orders are never deleted)."""

from tinyapp import cache
from tinyapp.db import transactional
from tinyapp.models import Customer, SearchTerm, User
from tinyapp.services import audit
from tinyapp.services.common import get_row, insert_row, stale_or_missing


@transactional
def create_customer(data: dict, user: User | None = None) -> Customer:
    """Add a customer."""
    customer = insert_row(Customer, **data)
    _index(customer)
    cache.invalidate("customers")
    return customer


@transactional
def update_customer(customer_id: int, changes: dict, version: int,
                    user: User | None = None) -> Customer:
    """Change a customer if ``version`` is still current (else StaleVersion)."""
    values = {getattr(Customer, name): value for name, value in changes.items()}
    values[Customer.version] = Customer.version + 1
    changed = (Customer.update(values)
               .where(Customer.id == customer_id, Customer.version == version).execute())
    if not changed:
        raise stale_or_missing(Customer, customer_id, version)
    customer = Customer.get_by_id(customer_id)
    if "name" in changes or "email" in changes:
        _index(customer)
    cache.invalidate("customers")
    return customer


@transactional
def archive_customer(customer_id: int, user: User | None = None) -> Customer:
    """Hide a customer from new orders; their orders stay."""
    customer = get_row(Customer, customer_id)
    if customer.is_active:
        (Customer.update(is_active=False, version=Customer.version + 1)
         .where(Customer.id == customer_id).execute())
        audit.record("customer.archive", user, "customer", customer_id)
        cache.invalidate("customers")
    return Customer.get_by_id(customer_id)


def _index(customer: Customer) -> None:
    SearchTerm.replace("customer", customer.id, customer.name, customer.email or "")
