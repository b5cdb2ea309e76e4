"""Customers: create, change, archive (customers with orders are never deleted)."""

from tinyapp.models import Customer, Order, SearchDocument
from tinyapp.services import search
from tinyapp.services.common import get_row, insert_row, update_row, update_versioned
from tinyapp.unit_of_work import Work, unit_of_work


@unit_of_work
def create_customer(work: Work, data: dict) -> Customer:
    """Add a customer."""
    customer = insert_row(work, Customer, **data)
    SearchDocument.add("customer", customer.id, customer.name, customer.email or "")
    return customer


@unit_of_work
def update_customer(work: Work, customer_id: int, changes: dict, version: int) -> Customer:
    """Change a customer if ``version`` is still current (else StaleVersion)."""
    customer = update_versioned(work, Customer, customer_id, changes, version)
    if "name" in changes or "email" in changes:
        _index(customer)
    if "name" in changes:  # orders are found by their customer's name too
        search.note_changed(work, Order.select(Order.id).where(Order.customer == customer.id),
                            soon=True)
    return customer


@unit_of_work
def archive_customer(work: Work, customer_id: int) -> Customer:
    """Hide a customer from new orders; their orders stay."""
    customer = get_row(Customer, customer_id)
    if customer.is_active:
        update_row(work, customer, "archive", is_active=False, version=customer.version + 1)
    return customer


@unit_of_work
def restore_customer(work: Work, customer_id: int) -> Customer:
    """Offer an archived customer for new orders again (undoing an archive)."""
    customer = get_row(Customer, customer_id)
    if not customer.is_active:
        update_row(work, customer, "restore", is_active=True, version=customer.version + 1)
    return customer


def _index(customer: Customer) -> None:
    """Make the customer findable by any part of their name or e-mail address."""
    SearchDocument.replace("customer", customer.id, customer.name, customer.email or "")

