"""CSV import of products: every row is checked first, then all are written, or none.

The rows go through the same ProductSchema as the API and the forms. Any invalid row
means nothing is written and the answer lists every problem by line number; a valid
file creates new SKUs and updates existing ones in one transaction.
"""

import csv
import io

from marshmallow import ValidationError

from tinyapp.db import transactional
from tinyapp.models import Category, Product, User
from tinyapp.schemas.catalog import ProductSchema
from tinyapp.services import audit, catalog
from tinyapp.services.stock import move_stock

COLUMNS = ("sku", "name", "description", "category", "price", "stock", "reorder_level",
           "is_active")
REQUIRED = ("sku", "name", "price")
MAX_ROWS = 10_000


class ImportRejected(ValidationError):
    """The file has problems; ``messages`` maps line numbers to field errors."""


def read_rows(text: str) -> list[tuple[int, dict]]:
    """Parse CSV text into (line number, row) pairs, or raise ImportRejected."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    if missing or unknown:
        problems = [f"missing column(s): {', '.join(missing)}"] if missing else []
        problems += [f"unknown column(s): {', '.join(unknown)}"] if unknown else []
        raise ImportRejected({"header": problems + [f"columns are: {', '.join(COLUMNS)}"]})
    reader.fieldnames = header
    rows = []
    for row in reader:
        if None in row:
            raise ImportRejected({str(reader.line_num): {"_row": ["Too many values."]}})
        rows.append((reader.line_num, {k: (v or "").strip() for k, v in row.items()}))
        if len(rows) > MAX_ROWS:
            raise ImportRejected({"file": [f"At most {MAX_ROWS} rows per import."]})
    if not rows:
        raise ImportRejected({"file": ["The file has a header but no rows."]})
    return rows


@transactional
def import_products(text: str, user: User | None = None) -> dict:
    """Create or update the products in a CSV file; return counts, or raise ImportRejected."""
    rows = read_rows(text)
    categories = {c.name.lower(): c.id for c in Category.select()}
    loaded, errors = [], {}
    seen: dict[str, int] = {}
    for line, row in rows:
        category = row.pop("category", "")
        try:
            data = ProductSchema().load({k: v for k, v in row.items() if v != ""})
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
        data["category_id"] = categories.get(category.lower()) if category else None
        loaded.append((data, "stock" in row and row["stock"] != ""))
    if errors:
        raise ImportRejected(errors)
    return _write(loaded, user)


def _write(loaded: list[tuple[dict, bool]], user: User | None) -> dict:
    existing = {p.sku: p for p in Product.select().where(
        Product.sku.in_([data["sku"] for data, _ in loaded]))}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for data, has_stock in loaded:
        product = existing.get(data["sku"])
        if product is None:
            catalog.create_product(data, user=user)
            counts["created"] += 1
            continue
        stock = data.pop("stock")
        changes = {k: v for k, v in data.items() if getattr(product, k) != v}
        if changes:
            catalog.update_product(product.id, changes, product.version, user=user)
        if has_stock and stock != product.stock:
            move_stock(product.id, stock - product.stock, "CSV import", user=user)
        counts["updated" if changes or (has_stock and stock != product.stock)
               else "unchanged"] += 1
    audit.record("products.import", user, "product", "", **counts)
    return counts
