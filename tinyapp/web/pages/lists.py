"""What every list page shares: one page of rows, the links around it, a total, sorting.

A list handler loads its filters through the API's list schema, builds the model's
query, and hands both to ``list_page``; the templates draw the result with
``_sort.tpl`` (a column header that sorts) and ``_pager.tpl`` (previous, next, the
total and "rows per page"). Pages are keyset pages (see tinyapp/pagination.py): the
links carry the sort key of the first or last row, and a page number for people.
"""

from dataclasses import dataclass, field

import peewee

from tinyapp.pagination import count_at_most, paginate
from tinyapp.schemas.accounts import PAGE_SIZES
from tinyapp.web.pages.view import page_size, query_args, url, whole_number

COUNT_CAP = 1000  # count at most this many rows; more is shown as "more than 1,000"
PAGING = ("cursor", "before", "page", "size")


@dataclass
class ListPage:
    """One page of a list and everything its template needs to link to the others."""

    items: list
    path: str
    params: dict          # the filters and sort that every link keeps
    sort: str
    size: int
    number: int = 1
    total: int | None = None  # None when there are more than COUNT_CAP
    first_link: str = ""
    prev_link: str = ""
    next_link: str = ""
    sizes: tuple = field(default=PAGE_SIZES)

    def link(self, **changes) -> str:
        """This list with some parameters changed (e.g. another sort), from its first page."""
        return url(self.path, **{**self.params, **changes})

    def sort_link(self, key: str, descending_first: bool = False) -> str:
        """The header link for a column: sort by it, or reverse it when it is the sort."""
        if self.sort == key:
            return self.link(sort="-" + key)
        if self.sort == "-" + key:
            return self.link(sort=key)
        return self.link(sort=("-" + key) if descending_first else key)

    def aria_sort(self, key: str) -> str:
        if self.sort == key:
            return "ascending"
        return "descending" if self.sort == "-" + key else "none"

    @property
    def many(self) -> bool:
        return self.total is None


def list_page(query: peewee.ModelSelect, sort: str, path: str, filters: dict,
              default_sort: str) -> ListPage:
    """Read one page of query for a list page, with its links and its total."""
    args = query_args(*PAGING)
    size = _size(args.get("size"))
    number = _number(args.get("page"))
    found = paginate(query, sort, size, args.get("cursor"), args.get("before"))
    params = dict(filters)
    if sort != default_sort:
        params["sort"] = sort
    if size != page_size():
        params["size"] = size
    total = count_at_most(query, COUNT_CAP)
    listing = ListPage(found.items, path, params, sort, size, number,
                       total if total <= COUNT_CAP else None)
    if found.prev_cursor or args.get("cursor") or args.get("before"):
        listing.first_link = url(path, **params)
    if found.prev_cursor:
        listing.prev_link = url(path, **params, before=found.prev_cursor,
                                page=number - 1 if number > 2 else None)
    if found.next_cursor:
        listing.next_link = url(path, **params, cursor=found.next_cursor, page=number + 1)
    return listing


def _size(text: str | None) -> int:
    """Rows per page: ?size= when it is one of the offered sizes, else the user's own."""
    size = whole_number(text)
    return size if size in PAGE_SIZES else page_size()


def _number(text: str | None) -> int:
    return whole_number(text, digits=6) or 1
