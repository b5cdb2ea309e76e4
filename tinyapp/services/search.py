"""Orders' search entries: written after the orders, many at a time, before any order search.

An order is found by its number and its customer's name through its search entry
(tinyapp/models/search.py): a row in ``search_documents``, its trigrams in the engine's
substring index and its words in ``search_terms``. Written in the order's own
transaction, that entry was a quarter of the pages every order wrote, all of it inside
SQLite's one write lock. So a unit of work that makes or changes what an order is found
by notes the order as due instead (``note_new_order``, ``note_changed``: one small row,
OrderSearchEntryDue, in the unit's own transaction, so it commits exactly when the
order does), and the entries are written from those rows, many per transaction
(``write_due``):

- before every order search (``orders.listing``): a search finds every order that
  exists, including the one its caller made a moment ago;
- after every ``BATCH``-th order (by id) is made, by the unit of work that made it,
  once it has committed: the rows due stay few even when nobody searches (a few more
  where the engine skips ids); and after a customer is renamed.

Nothing is lost when the process dies in between: what is due is in the database, not
in memory, and the next search writes it. Two searches writing at once do not both
write an entry: the rows due are locked (``FOR UPDATE``), and the second, once the
first has committed, finds them gone. Products and customers, written far less often,
keep writing their entries themselves.
"""

import logging

import peewee

from tinyapp import bulk, db
from tinyapp.models import Customer, Order, OrderSearchEntryDue, SearchDocument
from tinyapp.unit_of_work import Work, unit_of_work

log = logging.getLogger(__name__)
BATCH = 100  # orders' entries written per transaction, and how often


def note_new_order(work: Work, order_id: int) -> None:
    """Note a new order's search entry as due, in work's transaction.

    It cannot be due already: a plain INSERT. Every BATCH-th new order has work write
    every entry due, once it has committed.
    """
    bulk.insert(OrderSearchEntryDue, [{"order": order_id}])
    if order_id % BATCH == 0:
        work.after_commit(write_due)


def note_changed(work: Work, orders: peewee.Select, soon: bool = False) -> None:
    """Note the entries of orders (a select of their ids) as due again, in work's
    transaction: what they are found by changed. One row each is enough, so an order
    due already stays as it is. ``soon``: work writes them once it has committed."""
    (OrderSearchEntryDue.insert_from(orders, fields=[OrderSearchEntryDue.order])
     .on_conflict_ignore().execute())
    if soon:
        work.after_commit(write_due)


def write_due() -> None:
    """Write the search entries of every order noted as due (before an order search).

    When the database cannot take the writes (a full disk; SQLite's lock held past
    POOL_TIMEOUT) it says so in the log and returns: a search still answers, with the
    orders whose entries are written, as reads go on working on a full disk; the next
    search writes the rest. A unit that has committed is not failed by it either.
    """
    try:
        with db.current().connection():
            if not OrderSearchEntryDue.select().exists():
                return
            while _write_some() == BATCH:
                pass
    except (peewee.DatabaseError, peewee.InterfaceError, db.DatabaseUnavailable) as exc:
        log.warning("orders' search entries were not written now (the next order search "
                    "writes them): %s", db.describe_error(exc))


@unit_of_work
def _write_some(work: Work) -> int:
    """Write up to BATCH due entries, in order id order; return how many were due."""
    due = [row.order_id for row in db.locking(
        OrderSearchEntryDue.select(OrderSearchEntryDue.order)
        .order_by(OrderSearchEntryDue.order).limit(BATCH))]
    if not due:
        return 0
    texts = [(order_id, f"{number} {name}") for order_id, number, name in
             Order.select(Order.id, Order.number, Customer.name).join(Customer)
             .where(Order.id.in_(due)).tuples()]
    written = {ref_id for ref_id, in SearchDocument.select(SearchDocument.ref_id).where(
        SearchDocument.kind == "order", SearchDocument.ref_id.in_(due)).tuples()}
    # A new order has no entry to delete first (see SearchDocument.replace_prepared).
    SearchDocument.replace_many("order", [t for t in texts if t[0] in written])
    SearchDocument.replace_many("order", [t for t in texts if t[0] not in written], new=True)
    OrderSearchEntryDue.delete().where(OrderSearchEntryDue.order.in_(due)).execute()
    return len(due)
