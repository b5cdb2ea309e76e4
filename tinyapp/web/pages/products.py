"""Product pages: the list (search, filter, sort, pages), one product, create, edit, archive."""

import bottle
from marshmallow import ValidationError

from tinyapp import reports
from tinyapp.errors import AppError, NotFound
from tinyapp.models import Category, Product, StockMovement
from tinyapp.pagination import paginate
from tinyapp.schemas.catalog import (
    ProductListQuery,
    ProductPatchSchema,
    ProductSchema,
    StockAdjustmentSchema,
)
from tinyapp.services import catalog, stock
from tinyapp.services.common import StaleVersion
from tinyapp.web.auth import current_user
from tinyapp.web.pages.forms import Form, flash, form_from_error, load_form, posted
from tinyapp.web.pages.view import page, page_size, query_args, redirect, url

CREATE_FIELDS = ("sku", "name", "description", "category_id", "price", "stock",
                 "reorder_level")
EDIT_FIELDS = ("sku", "name", "description", "category_id", "price", "reorder_level")
SORTS = [("name", "Name (A–Z)"), ("-name", "Name (Z–A)"), ("sku", "SKU"),
         ("price", "Price (low first)"), ("-price", "Price (high first)"),
         ("stock", "Stock (low first)"), ("-stock", "Stock (high first)"),
         ("-created_at", "Newest first")]
MOVEMENTS_PER_PAGE = 20


def list_products():
    """List products with search, filters, sort and keyset pages."""
    args = query_args("q", "category", "active", "low_stock", "sort", "cursor")
    args.setdefault("active", "true")  # archived products only when asked for
    shown = {k: v for k, v in args.items() if not (k == "active" and v == "all")}
    query = ProductListQuery().load({**shown, "limit": page_size()})
    found = paginate(Product.listing(category_id=query["category"], active=query["active"],
                                     low_stock=query["low_stock"], search=query["q"]),
                     query["sort"], query["limit"], query["cursor"])
    filters = {k: v for k, v in args.items() if k != "cursor"}
    return page("products.tpl", "Products", section="products", products=found.items,
                filters=Form(filters), categories=list(Category.by_name()), sorts=SORTS,
                next_link=url("/products", **filters, cursor=found.next_cursor)
                if found.next_cursor else "",
                first_link=url("/products", **filters), cursor=query["cursor"])


def show_product(product_id: int):
    """Show a product, its stock history, and what is often bought with it."""
    return _product_page(product_id, Form({"delta": "", "reason": ""}))


def adjust_stock(product_id: int):
    """Correct the stock by hand (a count, a delivery, breakage), with the reason."""
    try:
        data = load_form(StockAdjustmentSchema, ("delta", "reason"), product_id=product_id)
        stock.adjust_stock(product_id, data["delta"], data["reason"], user=current_user())
    except (ValidationError, AppError) as exc:
        form = form_from_error(exc, posted(("delta", "reason")))
        return _product_page(product_id, form, status=_status(exc))
    flash(f"Stock changed by {data['delta']:+d}.")
    redirect(f"/products/{product_id}")


def _product_page(product_id: int, adjust: Form, status: int = 200) -> str:
    product = _product(product_id)
    cursor = query_args("cursor").get("cursor")
    movements = paginate(StockMovement.for_product(product_id), "-id", MOVEMENTS_PER_PAGE,
                         cursor)
    return page("product.tpl", product.name, section="products", product=product,
                movements=movements.items, cursor=cursor,
                next_link=url(f"/products/{product_id}", cursor=movements.next_cursor)
                if movements.next_cursor else "",
                first_link=f"/products/{product_id}",
                suggestions=reports.suggestions(product_id)["items"], adjust=adjust,
                status=status)


def new_product_form():
    """Show an empty product form."""
    return _form_page(Form({"stock": "0", "reorder_level": "0"}))


def create_product():
    """Add a product from the form, or show the form again with what is wrong."""
    try:
        data = load_form(ProductSchema, CREATE_FIELDS)
        product = catalog.create_product(data, user=current_user())
    except (ValidationError, AppError) as exc:
        return _form_page(form_from_error(exc, posted(CREATE_FIELDS)), status=_status(exc))
    flash(f"Product {product.sku} added.")
    redirect(f"/products/{product.id}")


def edit_product_form(product_id: int):
    """Show the product form filled in with the product as it is now."""
    product = _product(product_id)
    return _form_page(Form(_values(product)), product=product)


def update_product(product_id: int):
    """Save the edit if nobody changed the product meanwhile; otherwise say so."""
    typed = posted((*EDIT_FIELDS, "version"))
    try:
        data = load_form(ProductPatchSchema, EDIT_FIELDS + ("version",))
        version = data.pop("version")
        catalog.update_product(product_id, data, version, user=current_user())
    except StaleVersion as exc:
        current = _product(product_id)
        form = Form(_values(current), problem=exc.message)
        return _form_page(form, product=current, status=409, theirs=typed)
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
    product = catalog.archive_product(product_id, user=current_user())
    flash(f"{product.name} is archived.")
    redirect(f"/products/{product_id}")


# -- helpers --

def _product(product_id: int) -> Product:
    product = Product.with_category(product_id)
    if product is None:
        raise NotFound(f"There is no product with id {product_id}.")
    return product


def _values(product: Product) -> dict:
    return {"sku": product.sku, "name": product.name, "description": product.description,
            "category_id": product.category_id or "", "price": f"{product.price:.2f}",
            "reorder_level": product.reorder_level, "version": product.version}


def _status(exc: Exception) -> int:
    return 422 if isinstance(exc, ValidationError) else 409


def _form_page(form: Form, product: Product | None = None, status: int = 200,
               theirs: dict | None = None) -> str:
    title = f"Edit {product.name}" if product else "New product"
    return page("product_form.tpl", title, section="products", form=form, product=product,
                categories=list(Category.by_name()), theirs=theirs or {}, status=status)


def install(app: bottle.Bottle) -> None:
    """Add this area's pages to the app."""
    one = "/products/<product_id:int>"
    app.route("/products", "GET", list_products, permission="catalog:read")
    app.route("/products", "POST", create_product, permission="catalog:write")
    app.route("/products/new", "GET", new_product_form, permission="catalog:write")
    app.route(one, "GET", show_product, permission="catalog:read")
    app.route(one, "POST", update_product, permission="catalog:write")
    app.route(one + "/stock", "POST", adjust_stock, permission="catalog:write")
    app.route(one + "/edit", "GET", edit_product_form, permission="catalog:write")
    app.route(one + "/archive", "GET", confirm_archive, permission="catalog:write")
    app.route(one + "/archive", "POST", archive_product, permission="catalog:write")
