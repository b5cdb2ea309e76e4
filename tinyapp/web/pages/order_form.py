"""Making and changing an order: choose the customer, then scan, find and edit its lines.

One form does it all, without JavaScript. At its top is the scan field (a barcode, or
a SKU typed by hand) with an "Add" button, the form's first button: Enter, which is
what a barcode scanner sends after the code, adds a line and never places the order.
"Find" shows matching products, each with an "Add" button. Every post carries every
line as shown (product, quantity), so an edit is never lost when another is made.

A new order becomes a draft with its first line; a draft is saved by each action and
placed with "Place order", which saves and places in one transaction. A short line
then gets its error beside its quantity, with the rest as typed. app.js makes the
same posts without reloading the page, so a scanner can keep scanning.
"""

from dataclasses import dataclass
from decimal import Decimal

import bottle
from marshmallow import ValidationError

from tinyapp.errors import AppError, NotFound
from tinyapp.models import Customer, Order, Product
from tinyapp.pagination import count_at_most
from tinyapp.schemas.sales import MAX_QUANTITY, OrderCreateSchema, OrderPatchSchema
from tinyapp.services import orders
from tinyapp.services.common import StaleVersion
from tinyapp.services.stock import OutOfStock
from tinyapp.web.pages.forms import Form, flash, friendly
from tinyapp.web.pages.lists import list_page
from tinyapp.web.pages.view import page, query_args, redirect, whole_number

MAX_LINES = 100
FOUND = 10  # products shown for a search; how many more match is said, never hidden


@dataclass
class Line:
    """A line as the editor shows it: the product as it is now, the quantity as typed."""

    product: Product
    quantity: str

    @property
    def count(self) -> int | None:
        return whole_number(self.quantity, digits=6)

    @property
    def total(self) -> Decimal | None:
        return None if self.count is None else self.product.price * self.count

    @property
    def short(self) -> bool:
        """More is asked for than is on the shelf now (placing would be refused)."""
        return self.count is not None and self.count > self.product.stock


# -- choosing the customer --

def new_order():
    """Ask whose order it is, or show the empty order for the chosen customer."""
    args = query_args("customer", "q", "find")
    if "customer" not in args:
        return _choose_customer("/orders/new", args.get("q", ""), "New order")
    customer = _customer(args["customer"])
    find = args.get("find", "")
    return _editor(None, customer, [], Form({"add_quantity": "1", "find": find}), find=find)


def _choose_customer(path: str, search: str, title: str, order: Order | None = None):
    found = list_page(Customer.listing(active=True, search=search or None), "name", path,
                      {"q": search}, default_sort="name")
    return page("order_customer.tpl", title, section="orders", listing=found,
                customers=found.items, form=Form({"q": search}), order=order)


def change_customer_form(order_id: int):
    """Choose another customer for a draft."""
    order = _draft(order_id)
    return _choose_customer(f"/orders/{order_id}/customer", query_args("q").get("q", ""),
                            f"Another customer for {order.number}", order)


def change_customer(order_id: int):
    """Give a draft to another customer."""
    order = _draft(order_id)
    chosen = _whole(bottle.request.forms.get("customer_id"))
    version = _whole(bottle.request.forms.get("version"))
    try:
        order = orders.update_order(order_id, {"customer_id": chosen}, version)
    except (ValidationError, AppError) as exc:
        flash(_message(exc), "error")
    else:
        flash(f"{order.number} is now for {Customer.get_by_id(chosen).name}.")
    redirect(f"/orders/{order_id}")


# -- the editor --

def draft_page(order: Order, form: Form | None = None, status: int = 200, find: str = ""):
    """Show a draft as the editor: its lines with today's price and stock, and the total."""
    lines = [Line(line.product, str(line.quantity)) for line in order.lines]
    return _editor(order, order.customer, lines,
                   form or Form({"notes": order.notes, "add_quantity": "1", "find": find}),
                   status=status, find=find)


def create_order():
    """A new order's first action: add its first line (the draft begins), or find one."""
    typed = _typed()
    customer = _customer(typed["customer_id"])
    lines, form = _lines_with_addition(typed)
    if typed["action"] == "find" or form.errors or not lines:
        return _editor(None, customer, lines, form, find=typed["find"],
                       status=422 if form.errors else 200)
    try:
        data = OrderCreateSchema().load({"customer_id": customer.id, "notes": typed["notes"],
                                         "lines": _as_data(lines)})
        order = orders.create_order(data)
    except (ValidationError, AppError) as exc:
        return _editor(None, customer, lines, _with_errors(form, exc), status=_status(exc))
    flash(f"Draft {order.number} started. Keep adding lines, then place it.")
    redirect(f"/orders/{order.id}")


def change_draft(order_id: int):
    """Save what the draft's form says (and the line it adds); with "place", place it too."""
    order = _draft(order_id)
    typed = _typed()
    lines, form = _lines_with_addition(typed)
    if typed["action"] == "find" or form.errors:
        return _editor(order, order.customer, lines, form, find=typed["find"],
                       status=422 if form.errors else 200)
    changes = {"lines": _as_data(lines), "notes": typed["notes"]}
    try:
        changes = OrderPatchSchema(partial=("customer_id",)).load(
            {**changes, "version": typed["version"]})
        version = changes.pop("version")
        if typed["action"] == "place":
            placed = orders.save_and_place(order_id, changes, version)
        else:
            orders.update_order(order_id, changes, version)
    except StaleVersion:
        flash("Someone else changed this draft meanwhile: here it is as saved now. "
              "Make your change again.", "error")
        redirect(f"/orders/{order_id}")
    except (ValidationError, AppError) as exc:
        return _editor(order, order.customer, lines, _with_errors(form, exc, lines),
                       status=_status(exc))
    if typed["action"] == "place":
        flash(f"Order {placed.number} is placed; its stock is taken.")
    redirect(f"/orders/{order_id}")


def _editor(order: Order | None, customer: Customer, lines: list[Line], form: Form,
            status: int = 200, find: str = "") -> str:
    found, more = [], 0
    if find:
        query = Product.listing(active=True, search=find).order_by(Product.name, Product.id)
        found = list(query.limit(FOUND))
        total = count_at_most(query, 1000)  # what is not shown is said, never hidden
        more = None if total > 1000 else total - len(found)
    title = f"Order {order.number}" if order else f"New order for {customer.name}"
    return page("order_edit.tpl", title, section="orders", order=order, customer=customer,
                lines=lines, form=form, find=find, found=found, more=more,
                total=sum(line.total or 0 for line in lines), status=status)


# -- reading the form --

def _typed() -> dict:
    """Everything the editor posted, as text (lines as (product id, quantity) pairs)."""
    forms = bottle.request.forms
    text = lambda name: (forms.getunicode(name) or "").strip()  # noqa: E731
    removed = text("remove")
    rows = []
    for i in range(min(_whole(text("lines")), MAX_LINES)):
        product_id = _whole(text(f"line-{i}-product"))
        if product_id and str(i) != removed:
            rows.append((product_id, text(f"line-{i}-quantity")))
    return {"customer_id": text("customer_id"), "version": text("version"),
            "notes": forms.getunicode("notes") or "", "rows": rows, "code": text("code"),
            "add_quantity": text("add_quantity") or "1", "find": text("find"),
            "add_product": _whole(text("add_product")), "action": text("action")}


def _lines_with_addition(typed: dict) -> tuple[list[Line], Form]:
    """The posted lines plus the one being added (a scanned code or a found product)."""
    ids = [product_id for product_id, _ in typed["rows"]]
    wanted = [typed["add_product"]] if typed["add_product"] else []
    products = {p.id: p for p in Product.select().where(Product.id.in_(ids + wanted))}
    lines = [Line(products[pid], quantity) for pid, quantity in typed["rows"] if pid in products]
    values = {"notes": typed["notes"], "code": typed["code"],
              "add_quantity": typed["add_quantity"], "find": typed["find"]}
    errors = {}
    adding = products.get(typed["add_product"]) if typed["add_product"] else None
    if typed["code"] and adding is None:
        adding = Product.by_code(typed["code"])
        if adding is None:
            errors["code"] = [f"No product has the barcode or SKU {typed['code']}. "
                              "Find it by name below."]
    if adding is not None and not adding.is_active:
        errors["code"] = [f"{adding.sku} ({adding.name}) is archived: it cannot be ordered."]
    elif adding is not None and whole_number(typed["add_quantity"], digits=6) is None:
        errors["add_quantity"] = ["Enter a whole number."]
    elif adding is not None:
        _add(lines, adding, whole_number(typed["add_quantity"], digits=6))
        values.update(code="", add_quantity="1")
    return lines, Form(values, errors)


def _add(lines: list[Line], product: Product, quantity: int) -> None:
    """Add to the product's line (scanning twice means two), or start a line for it."""
    for line in lines:
        if line.product.id == product.id:
            line.quantity = str(min((line.count or 0) + quantity, MAX_QUANTITY))
            return
    lines.append(Line(product, str(quantity)))


def _as_data(lines: list[Line]) -> list[dict]:
    return [{"product_id": line.product.id, "quantity": line.quantity or None}
            for line in lines]


def _with_errors(form: Form, exc: Exception, lines: list[Line] | None = None) -> Form:
    """Put each error beside its line (the schema numbers lines as the editor does)."""
    errors = dict(form.errors)
    if isinstance(exc, OutOfStock) and lines is not None:
        row = next(i for i, line in enumerate(lines)
                   if line.product.id == exc.details["product_id"])
        errors[f"line-{row}-quantity"] = [
            f"Only {exc.details['available']} in stock: lower the quantity or remove the line."]
        return Form(form.values, errors, "The order is not placed and nothing was taken "
                                         "from stock: fix the line below, then place it again.")
    if isinstance(exc, AppError):
        return Form(form.values, errors, exc.message)
    messages = friendly(exc.messages) if isinstance(exc.messages, dict) else {"": exc.messages}
    problem = ""
    for name, found in messages.items():
        if name == "lines" and isinstance(found, dict):
            for index, fields in found.items():
                for text in fields.values():
                    errors[f"line-{index}-quantity"] = text
        elif name == "lines":
            problem = ("Add a line first: an order has 1 to 100 lines. To drop the whole "
                       "order, delete the draft.")
        else:
            errors[name] = found
    return Form(form.values, errors, problem)


def _status(exc: Exception) -> int:
    return 422 if isinstance(exc, ValidationError) else 409


def _message(exc: Exception) -> str:
    if isinstance(exc, AppError):
        return exc.message
    return " ".join(str(m) for messages in exc.messages.values() for m in messages) \
        if isinstance(exc.messages, dict) else str(exc.messages)


def _draft(order_id: int) -> Order:
    order = Order.with_lines(order_id)
    if order is None:
        raise NotFound(f"There is no order with id {order_id}.")
    if order.status != "draft":
        flash(f"Order {order.number} is {order.status}: only drafts can be changed.", "error")
        redirect(f"/orders/{order_id}")
    return order


def _customer(customer_id: str) -> Customer:
    customer = Customer.get_or_none(Customer.id == _whole(customer_id))
    if customer is None or not customer.is_active:
        flash("Choose an active customer for the order.", "error")
        redirect("/orders/new")
    return customer


def _whole(text: str | None) -> int:
    return whole_number(text) or 0


def install(app: bottle.Bottle) -> None:
    """Add this area's pages to the app."""
    one = "/orders/<order_id:int>"
    app.route("/orders/new", "GET", new_order, permission="orders:write")
    app.route("/orders", "POST", create_order, permission="orders:write")
    app.route(one, "POST", change_draft, permission="orders:write")
    app.route(one + "/customer", "GET", change_customer_form, permission="orders:write")
    app.route(one + "/customer", "POST", change_customer, permission="orders:write")
