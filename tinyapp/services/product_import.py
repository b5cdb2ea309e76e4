"""CSV import of products: every row is checked first, then all are written, or none.

The rows go through the same ProductSchema as the API and the forms. Any invalid row
means nothing is written and the answer lists every problem by line number; a valid
file creates new SKUs and updates existing ones in one unit of work. ``check_file``
does the checking alone, for the import page's preview, and runs outside the
transaction; the writing is bulk statements, so SQLite's single write lock is held for
about 1.4 s for the largest file (10,000 rows). A cell that starts with a quote loses it
(csv_cells.py: that is how exports keep formulas from running).
"""

import csv
import functools
import io
from dataclasses import dataclass, field

from marshmallow import ValidationError

from tinyapp import bulk
from tinyapp.csv_cells import from_cell
from tinyapp.db import current_engine, locking
from tinyapp.models import Category, Product, SearchDocument, utcnow
from tinyapp.models.search import prepare
from tinyapp.prepared import Prepared, as_model
from tinyapp.schemas.catalog import ProductSchema
from tinyapp.services import stock
from tinyapp.unit_of_work import Work, plain, unit_of_work, values_of

COLUMNS = ("sku", "name", "barcode", "description", "category", "price", "stock",
           "reorder_level", "is_active")
REQUIRED = ("sku", "name", "price")
MAX_ROWS = 10_000


class ImportRejected(ValidationError):
    """The file has problems; ``messages`` maps line numbers to field errors."""


def read_rows(text: str) -> list[tuple[int, dict]]:
    """Parse CSV text into (line number, row) pairs, or raise ImportRejected.

    Strict CSV: a stray quote ("Dr"ill) or one left open is refused, naming the line,
    where a lenient reader would guess, and might swallow the rest of the file.
    """
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        return _rows_of(reader)
    except csv.Error as exc:
        line = max(reader.reader.line_num, 1)  # the file's line: DictReader's lags a row
        raise ImportRejected({str(line): {"_row": [_csv_problem(exc)]}}) from None


def _csv_problem(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return f"A cell is longer than {csv.field_size_limit():,} characters."
    return (f"Not valid CSV: {exc}. A cell with a quote or a comma in it goes in quotes, "
            'with each quote inside doubled ("say ""hi""").')


def _rows_of(reader: csv.DictReader) -> list[tuple[int, dict]]:
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    # Which of two "sku" columns a program reads differs: tinyapp reads neither.
    twice = sorted({name for name in header if header.count(name) > 1})
    if missing or unknown or twice:
        problems = [f"missing column(s): {', '.join(missing)}"] if missing else []
        problems += [f"unknown column(s): {', '.join(unknown)}"] if unknown else []
        problems += [f"column(s) given twice: {', '.join(twice)}"] if twice else []
        raise ImportRejected({"header": problems + [f"columns are: {', '.join(COLUMNS)}"]})
    reader.fieldnames = header
    rows = []
    for row in reader:
        if None in row:
            raise ImportRejected({str(reader.line_num): {"_row": ["Too many values."]}})
        rows.append((reader.line_num, {k: from_cell((v or "").strip())
                                       for k, v in row.items()}))
        if len(rows) > MAX_ROWS:
            raise ImportRejected({"file": [f"At most {MAX_ROWS} rows per import."]})
    if not rows:
        raise ImportRejected({"file": ["The file has a header but no rows."]})
    return rows


@dataclass
class PlannedRow:
    """One valid line of the file and what importing it will do."""

    line: int
    data: dict
    action: str = "create"  # "create", "update" or "unchanged"
    changes: list[str] = field(default_factory=list)  # the fields an update changes
    stock_change: int = 0


def check_file(text: str) -> tuple[list[PlannedRow], dict]:
    """Check every line and plan what each would do; return (plan, errors by line).

    Reads only: this is the preview an import page shows before anything is written.
    Raises ImportRejected when the file itself is unusable (header, size).
    """
    rows = read_rows(text)
    categories = {c.name.lower(): c.id for c in Category.select()}
    planned, errors = [], {}
    seen: dict[str, int] = {}
    schema = ProductSchema()  # one for all rows: loading keeps no state on it
    for line, row in rows:
        category = row.pop("category", None)
        try:
            data = schema.load({k: v for k, v in row.items() if v != ""})
        except ValidationError as exc:
            errors[str(line)] = exc.messages
            continue
        if category and category.lower() not in categories:
            errors[str(line)] = {"category": [f"No category named {category!r}."]}
            continue
        if data["sku"] in seen:
            errors[str(line)] = {"sku": [f"Also on line {seen[data['sku']]}."]}
            continue
        seen[data["sku"]] = line
        # Only the file's columns change a product: a file without "barcode" keeps them.
        data = {k: v for k, v in data.items() if k in row}
        if category is not None:
            data["category_id"] = categories[category.lower()] if category else None
        planned.append(PlannedRow(line, data))
    _plan(planned)
    return planned, errors


def _plan(planned: list[PlannedRow]) -> None:
    """Compare each row with the product of its SKU (if any): create, update or nothing."""
    existing = {p.sku: p for p in Product.select().where(
        Product.sku.in_([row.data["sku"] for row in planned]))} if planned else {}
    for row in planned:
        product = existing.get(row.data["sku"])
        if product is None:
            continue
        row.changes = [k for k, v in row.data.items() if k != "stock" and getattr(product, k) != v]
        row.stock_change = row.data["stock"] - product.stock if "stock" in row.data else 0
        row.action = "update" if row.changes or row.stock_change else "unchanged"


def import_products(text: str) -> dict:
    """Create or update the products in a CSV file; return counts, or raise ImportRejected.

    Every row is checked first, outside any transaction; then one short unit of work
    writes them all (or, if anything fails, none).
    """
    planned, errors = check_file(text)
    if errors:
        raise ImportRejected(errors)
    # Worked out before the write lock is taken: every row's search words, and each
    # new product's columns and journal entry (for 10,000 rows, a second of Python).
    search = {row.data["sku"]: prepare(" ".join(
        str(row.data.get(name) or "") for name in ("sku", "name", "barcode")))
        for row in planned}
    fresh = {row.data["sku"]: _creation(row.data) for row in planned if row.action == "create"}
    return _write(planned, search, fresh)


BATCH = 500  # rows per statement: 12 columns x 500 stays under every engine's limits
FIELDS = ("sku", "name", "barcode", "description", "category_id", "price", "reorder_level",
          "is_active")
DEFAULTS = {"barcode": None, "description": "", "category_id": None, "reorder_level": 0,
            "is_active": True}


@unit_of_work
def _write(work: Work, planned: list[PlannedRow], search: dict[str, tuple[str, str]],
           fresh: dict[str, tuple[dict, dict]]) -> dict:
    """Write the planned rows in bulk: products, their stock through the ledger, the index.

    Row by row through catalog.create_product, 10,000 rows took 8 statements each and
    held SQLite's write lock for 12-40 s while every other writer waited. Here the same
    rules (opening stock as a movement, needs_reorder, search words, a journal entry
    per product) take a few statements per 500 rows, their SQL built once (bulk.py).
    New products are inserted with their opening stock. The products are read again
    with a locking read, so a product changed since the check is written as it is now.
    """
    existing = {}
    for batch in _batches([row.data["sku"] for row in planned]):
        existing.update({row["sku"]: as_model(Product, row)
                         for row in _PRODUCTS_LOCKED.rows(skus=batch)})
    now, counts = utcnow(), {"created": 0, "updated": 0, "unchanged": 0}
    new, changed = [], []
    moves: dict[str, list] = {"CSV import": []}
    for row in planned:
        product = existing.get(row.data["sku"])
        before = {**DEFAULTS} if product is None else {f: getattr(product, f) for f in FIELDS}
        after = {**before, **{k: v for k, v in row.data.items() if k in FIELDS}}
        wanted_stock = row.data.get("stock", 0 if product is None else product.stock)
        if product is not None and after == before and wanted_stock == product.stock:
            counts["unchanged"] += 1
            continue
        counts["created" if product is None else "updated"] += 1
        if product is None:  # its columns and journal entry: worked out already (fresh)
            new.append((after, row.data))
        else:
            changed.append((product, before, after, wanted_stock))
    creations = [fresh.get(after["sku"]) or _creation(data) for after, data in new]
    bulk.insert(Product, [{**columns, "created_at": now, "updated_at": now}
                          for columns, _ in creations])
    ids = {sku: product.id for sku, product in existing.items()}
    for batch in _batches([after["sku"] for after, _ in new]):
        ids.update((row["sku"], row["id"]) for row in _IDS.rows(skus=batch))
    times = {"created_at": [None, plain(now)], "updated_at": [None, plain(now)]}
    for columns, changes in creations:
        work.record("product", ids[columns["sku"]], "create", {**changes, **times},
                    note="CSV import")
    stock.opened(work, [(ids[columns["sku"]], columns["stock"]) for columns, _ in creations])
    for batch in _batches([c for c in changed if c[1] != c[2]]):
        _update(batch, now)
    for product, before, after, wanted in changed:
        if before != after:
            work.updated(product, before, after, note="CSV import")
        if wanted != product.stock:
            moves["CSV import"].append((product.id, wanted - product.stock))
    for batch in _batches(sorted(moves["CSV import"])):
        stock.move(work, batch, "CSV import")
    SearchDocument.replace_prepared("product", [
        (ids[after["sku"]], *search[after["sku"]]) for after, _ in new], new=True)
    SearchDocument.replace_prepared("product", [
        (ids[after["sku"]], *search[after["sku"]]) for _, before, after, _ in changed
        if (before.get("sku"), before.get("name"), before.get("barcode")) !=
           (after["sku"], after["name"], after["barcode"])])
    work.record("product", "", "import", details=counts)
    return counts


# Read in batches of 500 SKUs: built once per batch size (tinyapp/prepared.py).
_PRODUCTS_LOCKED = Prepared(lambda skus: locking(Product.select().where(Product.sku.in_(skus)))
                            .dicts())
_IDS = Prepared(lambda skus: Product.select(Product.sku, Product.id)
                .where(Product.sku.in_(skus)).dicts())


def _creation(data: dict) -> tuple[dict, dict]:
    """A new product's columns, and its journal entry's changes (both without times).

    The entry is what ``work.created(product)`` would record: every field that has a
    value, the defaults included, as changed from nothing.
    """
    after = {**DEFAULTS, **{name: value for name, value in data.items() if name in FIELDS}}
    stock_ = data.get("stock", 0)
    columns = {**_columns(after), "stock": stock_,
               "needs_reorder": stock_ <= after["reorder_level"]}
    values = {**_defaults(), **{name: plain(value) for name, value in columns.items()}}
    return columns, {name: [None, value] for name, value in values.items()
                     if value is not None and name not in ("created_at", "updated_at")}


@functools.cache
def _defaults() -> dict:
    """What a product has before its values are given: the fields' defaults."""
    return values_of(Product())


def _columns(values: dict) -> dict:
    row = {name: values[name] for name in FIELDS}
    row["category"] = row.pop("category_id")
    return row


def _update(batch: list, now) -> None:
    """Write changed products, one upsert per batch (an existing SKU: new values, new version)."""
    updated = [Product.name, Product.barcode, Product.description, Product.category,
               Product.price, Product.reorder_level, Product.is_active, Product.updated_at]
    target = {} if current_engine() == "mysql" else {"conflict_target": [Product.sku]}
    rows = [{**_columns(after), "stock": product.stock, "updated_at": now,
             "created_at": product.created_at} for product, _, after, _ in batch]
    (Product.insert_many(rows)
     .on_conflict(preserve=updated, update={Product.version: Product.version + 1}, **target)
     .execute())
    Product.update(needs_reorder=Product.stock <= Product.reorder_level).where(
        Product.id.in_([product.id for product, _, _, _ in batch])).execute()


def _batches(items: list) -> list[list]:
    return [items[start:start + BATCH] for start in range(0, len(items), BATCH)]
