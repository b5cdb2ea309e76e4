"""Keyset pages on every engine: forward with ``cursor``, back with ``before``, ties on
the sort column broken by id, and a total that stops counting at its cap."""

from tinyapp import db
from tinyapp.models import Customer
from tinyapp.pagination import count_at_most, paginate
from tinyapp.services import customers


def names(page) -> list[str]:
    return [f"{c.name}#{c.id}" for c in page.items]


def test_pages_go_forward_and_back_to_the_same_rows_even_with_ties(database):
    with db.database.connection_context():
        for n in range(11):  # three of each name: the id orders them
            customers.create_customer({"name": f"Buyer {n // 3}"})
        for sort in ("name", "-name", "-created_at"):
            query = Customer.select()
            first = paginate(query, sort, 4)
            assert first.prev_cursor is None and first.next_cursor
            second = paginate(query, sort, 4, cursor=first.next_cursor)
            third = paginate(query, sort, 4, cursor=second.next_cursor)
            assert len(third.items) == 3 and third.next_cursor is None
            seen = names(first) + names(second) + names(third)
            assert len(set(seen)) == 11, sort
            back = paginate(query, sort, 4, before=third.prev_cursor)
            assert names(back) == names(second), sort
            assert back.next_cursor and back.prev_cursor
            start = paginate(query, sort, 4, before=back.prev_cursor)
            assert names(start) == names(first) and start.prev_cursor is None, sort


def test_a_total_is_counted_up_to_its_cap(database):
    with db.database.connection_context():
        for n in range(6):
            customers.create_customer({"name": f"Buyer {n}"})
        assert count_at_most(Customer.select(), 10) == 6
        assert count_at_most(Customer.select(), 4) == 5  # "more than 4"
