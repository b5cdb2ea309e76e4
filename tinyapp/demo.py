"""Deterministic sample data: ``tinyapp demo --size small`` (a shop's year), medium or large.

The same size always gives the same rows (a seeded random generator), dated relative to
today so the charts show recent sales. Rows are written with bulk inserts in batches,
not one by one through the services, but they keep every rule the services keep: stock
equals the sum of movements, totals equal their lines, and sold orders took stock.
"""

import datetime as dt
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from tinyapp import faults
from tinyapp.db import database, reset_sequences
from tinyapp.errors import Conflict
from tinyapp.models import (
    Category,
    Customer,
    DailySales,
    Order,
    OrderLine,
    Product,
    ProductDailySales,
    SearchDocument,
    StockMovement,
    from_cents,
    utcnow,
)
from tinyapp.progress import Progress
from tinyapp.unit_of_work import Work, unit_of_work

BATCH = 2000


@dataclass(frozen=True)
class Size:
    categories: int
    products: int
    customers: int
    orders: int
    days: int


SIZES = {
    "small": Size(categories=8, products=48, customers=30, orders=700, days=365),
    "medium": Size(categories=16, products=20_000, customers=2_000, orders=30_000, days=365),
    "large": Size(categories=24, products=100_000, customers=5_000, orders=344_500, days=730),
}

ADJECTIVES = ("Cordless", "Compact", "Heavy-duty", "Classic", "Precision", "Stainless",
              "Folding", "Magnetic", "Insulated", "Lightweight", "Pro", "Mini", "Large",
              "Ergonomic", "Digital", "Solar", "Rubber", "Bamboo", "Oak", "Steel")
NOUNS = ("Drill", "Hammer", "Saw", "Wrench", "Screwdriver", "Lamp", "Kettle", "Chair",
         "Ladder", "Tape", "Glue", "Brush", "Rake", "Spade", "Hose", "Bucket", "Clamp",
         "Level", "Pliers", "Sander", "Torch", "Mat", "Shelf", "Hook", "Box")
CATEGORY_NAMES = ("Power tools", "Hand tools", "Garden", "Kitchen", "Lighting", "Furniture",
                  "Paint", "Plumbing", "Electrical", "Storage", "Safety", "Fasteners",
                  "Cleaning", "Outdoor", "Heating", "Flooring", "Doors", "Windows",
                  "Adhesives", "Measuring", "Ladders", "Workwear", "Automotive", "Pets")
FIRST = ("Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Margaret", "Ken", "Radia",
         "Linus", "Frances", "John", "Hedy", "Dennis", "Katherine", "Tim", "Sophie", "Guido")
LAST = ("Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Hamilton",
        "Thompson", "Perlman", "Torvalds", "Allen", "Backus", "Lamarr", "Ritchie", "Johnson")


@dataclass(frozen=True)
class Line:
    order: int
    product: int
    quantity: int
    status: str
    placed_at: dt.datetime
    customer: int

    @property
    def takes_stock(self) -> bool:
        return self.status in ("placed", "fulfilled")


def load_demo(size_name: str, today: dt.date | None = None) -> dict[str, int]:
    """Fill an empty database with the demo data of that size; return row counts.

    All of it or nothing: one unit of work, so an interruption (Ctrl-C, a full disk, a
    kill) leaves the database exactly as it was. Bulk rows, not services: the journal
    gets one entry for the whole load.
    """
    return _load_demo(size_name, today)


@unit_of_work
def _load_demo(work: Work, size_name: str, today: dt.date | None) -> dict[str, int]:
    if Product.select().exists() or Order.select().exists():
        raise Conflict("the database already has products or orders, and demo data goes "
                       "into an empty one: give it a folder of its own, e.g. "
                       "`tinyapp demo --data-dir /tmp/tinyapp-demo`, then `tinyapp serve "
                       "--data-dir /tmp/tinyapp-demo`")
    size = SIZES[size_name]
    today = today or utcnow().date()
    rng = random.Random(f"tinyapp-demo-{size_name}")
    start = dt.datetime.combine(today - dt.timedelta(days=size.days), dt.time(8),
                                tzinfo=dt.UTC)
    catalogue = _Catalogue(rng, size)
    order_seed = rng.random()

    sold = [0] * (size.products + 1)  # a first pass over the orders: what will be sold
    for line in order_lines(size, order_seed, start):
        if line.takes_stock:
            sold[line.product] += line.quantity

    with database.atomic():
        Category.insert_many([(n + 1, CATEGORY_NAMES[n]) for n in range(size.categories)],
                             fields=[Category.id, Category.name]).execute()
    _write_products(catalogue, start - dt.timedelta(days=30), sold)
    names = _write_customers(rng, size, start)
    counts = _write_orders(size, order_seed, start, catalogue.prices, names)
    reset_sequences([Category, Product, Customer, Order, OrderLine, StockMovement])
    work.record("demo", size_name, "load")
    return {"categories": size.categories, "products": size.products,
            "customers": size.customers, **counts}


class _Catalogue:
    """The generated products: names, prices (Decimal), stock left on the shelf, reorder levels."""

    def __init__(self, rng: random.Random, size: Size):
        self.size = size
        self.names = [""] + [f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {n % 97 + 1}"
                             for n in range(1, size.products + 1)]
        self.prices = [Decimal(0)] + [from_cents(rng.randrange(199, 49999))
                                      for _ in range(size.products)]
        self.shelf = [0] + [rng.randrange(0, 60) for _ in range(size.products)]
        self.reorder = [0] + [rng.choice((0, 5, 10, 20)) for _ in range(size.products)]

    def ids(self) -> range:
        return range(1, self.size.products + 1)


def order_lines(size: Size, seed: float, start: dt.datetime) -> Iterator[Line]:
    """Yield every order line, order by order; the same seed yields the same lines."""
    rng = random.Random(seed)
    span = size.days * 86400
    for number in range(1, size.orders + 1):
        moment = start + dt.timedelta(seconds=span * number // size.orders)
        age_days = size.days - (moment - start).days
        roll = rng.random()
        status = ("cancelled" if roll < 0.03 else "draft" if roll < 0.04 and age_days < 14
                  else "placed" if age_days < 7 else "fulfilled")
        customer = rng.randrange(1, size.customers + 1)
        first = rng.randrange(1, size.products + 1)
        products = sorted({(first + rng.randrange(0, 40)) % size.products + 1
                           for _ in range(rng.choice((1, 2, 3, 3, 4, 5)))})
        for product in products:
            yield Line(number, product, rng.choice((1, 1, 1, 2, 2, 3, 5)), status, moment,
                       customer)


def _write_products(catalogue: _Catalogue, created: dt.datetime, sold: list[int]) -> None:
    progress = Progress("products", catalogue.size.products)
    for chunk in _chunks(catalogue.ids()):
        with database.atomic():
            Product.insert_many(
                [(n, f"SKU-{n:06d}", catalogue.names[n], demo_barcode(n),
                  (n - 1) % catalogue.size.categories + 1,
                  catalogue.prices[n], catalogue.shelf[n], catalogue.reorder[n],
                  catalogue.shelf[n] <= catalogue.reorder[n], created, created) for n in chunk],
                fields=[Product.id, Product.sku, Product.name, Product.barcode,
                        Product.category, Product.price,
                        Product.stock, Product.reorder_level, Product.needs_reorder,
                        Product.created_at, Product.updated_at]).execute()
            # Opening stock = what is on the shelf now + everything that will be sold.
            StockMovement.insert_many(
                [(n, catalogue.shelf[n] + sold[n], "opening stock", created) for n in chunk],
                fields=[StockMovement.product, StockMovement.delta, StockMovement.reason,
                        StockMovement.created_at]).execute()
            _index("product", [(n, f"SKU-{n:06d} {catalogue.names[n]} {demo_barcode(n)}")
                               for n in chunk])
        progress.advance(len(chunk))
        faults.point("demo:products")
    progress.finish()


def demo_barcode(n: int) -> str:
    """An EAN-13 for demo product n, from the range shops use for their own labels (20...)."""
    digits = f"20{n:010d}"
    check = -sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10
    return digits + str(check)


def _write_customers(rng: random.Random, size: Size, start: dt.datetime) -> list[str]:
    """Write the customers; return their names by id (index 0 unused)."""
    progress = Progress("customers", size.customers)
    people = [(n, f"{rng.choice(FIRST)} {rng.choice(LAST)}", f"customer{n}@example.com")
              for n in range(1, size.customers + 1)]
    for chunk in _chunks(people):
        with database.atomic():
            Customer.insert_many([(n, name, email, start) for n, name, email in chunk],
                                 fields=[Customer.id, Customer.name, Customer.email,
                                         Customer.created_at]).execute()
            _index("customer", [(n, f"{name} {email}") for n, name, email in chunk])
        progress.advance(len(chunk))
    progress.finish()
    return [""] + [name for _, name, _ in people]


def _index(kind: str, texts: list[tuple[int, str]]) -> None:
    SearchDocument.replace_many(kind, texts)


def _write_orders(size: Size, seed: float, start: dt.datetime,
                  prices: list[Decimal], names: list[str]) -> dict[str, int]:
    progress = Progress("orders", size.orders)
    counts = {"orders": 0, "order_lines": 0, "stock_movements": size.products}
    figures = _DailyFigures(size)
    batch: list[list[Line]] = []
    for order in _group_by_order(order_lines(size, seed, start)):
        batch.append(order)
        figures.count(order, prices)
        if len(batch) == BATCH // 4:
            _write_order_batch(batch, prices, names, counts)
            progress.advance(len(batch))
            batch = []
    _write_order_batch(batch, prices, names, counts)
    figures.flush()
    progress.advance(len(batch))
    progress.finish()
    return counts


class _DailyFigures:
    """Sum sold orders per day, and lines per product and day (orders come in time order)."""

    def __init__(self, size: Size):
        self.size = size
        self.day: dt.date | None = None
        self.orders, self.amount = 0, Decimal(0)
        self.sold: dict[int, list] = {}

    def count(self, order: list[Line], prices: list[Decimal]) -> None:
        head = order[0]
        if not head.takes_stock:
            return
        if head.placed_at.date() != self.day:
            self.flush()
            self.day = head.placed_at.date()
        self.orders += 1
        for line in order:
            figures = self.sold.setdefault(line.product, [0, Decimal(0)])
            figures[0] += line.quantity
            figures[1] += prices[line.product] * line.quantity
            self.amount += prices[line.product] * line.quantity

    def flush(self) -> None:
        if self.day is None:
            return
        rows = [(self.day, product, (product - 1) % self.size.categories + 1, quantity, amount)
                for product, (quantity, amount) in sorted(self.sold.items())]
        with database.atomic():
            DailySales.create(day=self.day, orders=self.orders, amount=self.amount)
            for chunk in _chunks(rows):
                ProductDailySales.insert_many(chunk, fields=[
                    ProductDailySales.day, ProductDailySales.product,
                    ProductDailySales.category, ProductDailySales.quantity,
                    ProductDailySales.amount]).execute()
        self.orders, self.amount, self.sold = 0, Decimal(0), {}


def _group_by_order(lines: Iterable[Line]) -> Iterator[list[Line]]:
    current: list[Line] = []
    for line in lines:
        if current and line.order != current[0].order:
            yield current
            current = []
        current.append(line)
    if current:
        yield current


def _write_order_batch(batch: list[list[Line]], prices: list[Decimal], names: list[str],
                       counts: dict) -> None:
    orders, lines, movements = [], [], []
    for order_lines_ in batch:
        head = order_lines_[0]
        closed = (head.placed_at + dt.timedelta(days=2)
                  if head.status in ("fulfilled", "cancelled") else None)
        total = sum(prices[line.product] * line.quantity for line in order_lines_)
        orders.append((head.order, f"SO-{head.order:06d}", head.customer, head.status, total,
                       head.placed_at, head.placed_at if head.takes_stock else None, closed))
        for line in order_lines_:
            lines.append((line.order, line.product, line.quantity, prices[line.product]))
            if line.takes_stock:
                movements.append((line.product, -line.quantity,
                                  f"order SO-{line.order:06d} placed", line.order,
                                  line.placed_at))
    with database.atomic():
        Order.insert_many(orders, fields=[Order.id, Order.number, Order.customer, Order.status,
                                          Order.total, Order.created_at, Order.placed_at,
                                          Order.closed_at]).execute()
        for chunk in _chunks(lines):
            OrderLine.insert_many(chunk, fields=[OrderLine.order, OrderLine.product,
                                                 OrderLine.quantity, OrderLine.unit_price]
                                  ).execute()
        for chunk in _chunks(movements):
            StockMovement.insert_many(chunk, fields=[
                StockMovement.product, StockMovement.delta, StockMovement.reason,
                StockMovement.order, StockMovement.created_at]).execute()
        _index("order", [(order[0], f"{order[1]} {names[order[2]]}") for order in orders])
    counts["orders"] += len(orders)
    counts["order_lines"] += len(lines)
    counts["stock_movements"] += len(movements)


def _chunks(items, size: int = BATCH // 4):
    items = list(items) if not isinstance(items, (list, range)) else items
    for start in range(0, len(items), size):
        yield items[start:start + size]
