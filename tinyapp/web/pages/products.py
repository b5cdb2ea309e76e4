"""Product pages: the list (search, filter, sort, pages), one product, create, edit, archive."""

import bottle
from marshmallow import ValidationError

from tinyapp import reports
from tinyapp.errors import AppError, NotFound
from tinyapp.models import Category, Product, StockMovement
from tinyapp.schemas.catalog import (
    ProductListQuery,
    ProductPatchSchema,
    ProductSchema,
    StockActionSchema,
)
from tinyapp.services import catalog, stock
from tinyapp.services.common import StaleVersion
from tinyapp.web.pages.forms import (
    Form,
    flash,
    form_from_error,
    load_form,
    merge_after_conflict,
    posted,
    was,
)
from tinyapp.web.pages.history import recent_changes
from tinyapp.web.pages.lists import list_page
from tinyapp.web.pages.view import page, query_args, redirect, url

CREATE_FIELDS = ("sku", "name", "barcode", "description", "category_id", "price", "stock",
                 "reorder_level")
EDIT_FIELDS = ("sku", "name", "barcode", "description", "category_id", "price",
               "reorder_level")
STOCK_FIELDS = ("action", "quantity", "reason")
STOCK_ACTIONS = {  # what the form's choice does, and how its flash message reads
    "count": (stock.count_stock, "Stock counted: {moved}."),
    "receive": (stock.receive_stock, "{quantity} received."),
    "remove": (stock.remove_stock, "{quantity} removed."),
}
SORTS = [("name", "Name (A–Z)"), ("-name", "Name (Z–A)"), ("sku", "SKU"),
         ("price", "Price (low first)"), ("-price", "Price (high first)"),
         ("stock", "Stock (low first)"), ("-stock", "Stock (high first)"),
         ("-created_at", "Newest first")]


def list_products():
    """List products with search, filters, sortable columns and pages."""
    filters = query_args("q", "category", "active", "low_stock")
    sort = query_args("sort").get("sort", "name")
    shown = {**filters, "active": filters.get("active", "true")}  # archived when asked
    if shown["active"] == "all":
        del shown["active"]
    query = ProductListQuery().load({**shown, "sort": sort})
    listing = list_page(Product.listing(category_id=query["category"], active=query["active"],
                                        low_stock=query["low_stock"], search=query["q"]),
                        sort, "/products", filters, default_sort="name")
    return page("products.tpl", "Products", section="products", listing=listing,
                products=listing.items, filters=Form({**filters, "sort": sort}),
                categories=list(Category.by_name()), sorts=SORTS,
                export_link=url("/api/v1/exports/products.csv", **shown),
                catalogue_empty=not listing.items and not filters
                and not Product.select().exists())


def show_product(product_id: int):
    """Show a product, its stock history, and what is often bought with it."""
    return _product_page(product_id, Form({"action": "count", "quantity": "", "reason": ""}))


def change_stock(product_id: int):
    """Count, receive or remove stock, with the reason; the history records who and why."""
    typed = posted(STOCK_FIELDS)
    try:
        data = load_form(StockActionSchema, STOCK_FIELDS)
        service, done = STOCK_ACTIONS[data["action"]]
        movement = service(product_id, data["quantity"], data["reason"])
    except (ValidationError, AppError) as exc:
        return _product_page(product_id, form_from_error(exc, typed), status=_status(exc))
    moved = ("it matches, recorded as a check" if movement.delta == 0
             else f"{movement.delta:+d} to {data['quantity']}")
    flash(done.format(moved=moved, quantity=data["quantity"]))
    redirect(f"/products/{product_id}#movements")


def _product_page(product_id: int, stock_form: Form, status: int = 200) -> str:
    product = _product(product_id)
    movements = list_page(StockMovement.history(product_id), "-id", f"/products/{product_id}",
                          {}, default_sort="-id")
    return page("product.tpl", product.name, section="products", product=product,
                movements=with_balance(product_id, movements.items), listing=movements,
                suggestions=reports.suggestions(product_id)["items"], stock_form=stock_form,
                changes=recent_changes("product", product_id), status=status)


def with_balance(product_id: int, movements: list) -> list:
    """Pair each movement (newest first) with the stock it left behind."""
    if not movements:
        return []
    balance = StockMovement.balance_after(product_id, movements[0].id)
    paired = []
    for move in movements:
        paired.append((move, balance))
        balance -= move.delta
    return paired


def new_product_form():
    """Show an empty product form."""
    return _form_page(Form({"stock": "0", "reorder_level": "0"}))


def create_product():
    """Add a product from the form, or show the form again with what is wrong."""
    try:
        data = load_form(ProductSchema, CREATE_FIELDS)
        product = catalog.create_product(data)
    except (ValidationError, AppError) as exc:
        return _form_page(form_from_error(exc, posted(CREATE_FIELDS)), status=_status(exc))
    flash(f"Product {product.sku} added.")
    redirect(f"/products/{product.id}")


def edit_product_form(product_id: int):
    """Show the product form filled in with the product as it is now."""
    product = _product(product_id)
    values = _values(product)
    return _form_page(Form({**values, **was(values)}), product=product)


def update_product(product_id: int):
    """Save the edit if nobody changed the product meanwhile; otherwise show what they
    changed beside what you typed, and keep the rest of your edit."""
    typed = posted((*EDIT_FIELDS, "version", *was(dict.fromkeys(EDIT_FIELDS))))
    try:
        data = load_form(ProductPatchSchema, EDIT_FIELDS + ("version",))
        version = data.pop("version")
        catalog.update_product(product_id, data, version)
    except StaleVersion:
        current = _product(product_id)
        form, theirs = merge_after_conflict(
            EDIT_FIELDS, _values(current), typed,
            "Someone else saved this product while you were editing it. Their changes are "
            "in the form now; check them and what you typed, then save again.")
        return _form_page(form, product=current, status=409, theirs=theirs, typed=typed)
    except (ValidationError, AppError) as exc:
        return _form_page(form_from_error(exc, typed), product=_product(product_id),
                          status=_status(exc))
    flash("Your changes are saved.")
    redirect(f"/products/{product_id}")


def confirm_archive(product_id: int):
    """Ask before archiving a product."""
    product = _product(product_id)
    return page("confirm.tpl", f"Archive {product.name}?", section="products",
                question=f"Archive {product.name} ({product.sku})?",
                detail="It disappears from the catalogue and cannot be put on new orders. "
                       "Its orders and stock history stay.",
                action=f"/products/{product_id}/archive", button="Archive product",
                back=f"/products/{product_id}", back_label="Keep it")


def archive_product(product_id: int):
    """Archive a product and go back to it."""
    product = catalog.archive_product(product_id)
    flash(f"{product.name} is archived.")
    redirect(f"/products/{product_id}")


# -- helpers --

def _product(product_id: int) -> Product:
    product = Product.with_category(product_id)
    if product is None:
        raise NotFound(f"There is no product with id {product_id}.")
    return product


def _values(product: Product) -> dict:
    return {"sku": product.sku, "name": product.name, "barcode": product.barcode or "",
            "description": product.description,
            "category_id": product.category_id or "", "price": f"{product.price:.2f}",
            "reorder_level": product.reorder_level, "version": product.version}


def _status(exc: Exception) -> int:
    return 422 if isinstance(exc, ValidationError) else 409


def _form_page(form: Form, product: Product | None = None, status: int = 200,
               theirs: list[str] | None = None, typed: dict | None = None) -> str:
    title = f"Edit {product.name}" if product else "New product"
    return page("product_form.tpl", title, section="products", form=form, product=product,
                categories=list(Category.by_name()), theirs=theirs or [], typed=typed or {},
                fields=EDIT_FIELDS, status=status)


def install(app: bottle.Bottle) -> None:
    """Add this area's pages to the app."""
    one = "/products/<product_id:int>"
    app.route("/products", "GET", list_products, permission="catalog:read")
    app.route("/products", "POST", create_product, permission="catalog:write")
    app.route("/products/new", "GET", new_product_form, permission="catalog:write")
    app.route(one, "GET", show_product, permission="catalog:read")
    app.route(one, "POST", update_product, permission="catalog:write")
    app.route(one + "/stock", "POST", change_stock, permission="catalog:write")
    app.route(one + "/edit", "GET", edit_product_form, permission="catalog:write")
    app.route(one + "/archive", "GET", confirm_archive, permission="catalog:write")
    app.route(one + "/archive", "POST", archive_product, permission="catalog:write")
