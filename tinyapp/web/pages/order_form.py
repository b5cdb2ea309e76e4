"""Creating an order: choose the customer, then type the lines, all without JavaScript.

The form has a fixed number of line rows (SKU and quantity); "More lines" posts the form
back and shows it again with three more rows, everything typed kept. Rows are turned
into ``{"product_id", "quantity"}`` lines and loaded through OrderCreateSchema, the
same schema the API uses; each error is shown beside the row it belongs to.
"""

import bottle
from marshmallow import ValidationError

from tinyapp.errors import AppError
from tinyapp.models import Customer, Product
from tinyapp.schemas.sales import OrderCreateSchema
from tinyapp.services import orders
from tinyapp.web.auth import current_user
from tinyapp.web.pages.forms import Form, flash, friendly, posted
from tinyapp.web.pages.view import page, query_args, redirect

FIRST_ROWS = 4
MORE_ROWS = 3
MAX_ROWS = 100
PICK_LIST = 200  # products offered as suggestions in the SKU fields


def new_order_form():
    """Ask whose order it is, or show the line form for the chosen customer."""
    args = query_args("customer", "q")
    if "customer" not in args:
        return _choose_customer(args.get("q", ""))
    customer = _customer(args["customer"])
    return _form_page(customer, Form({"customer_id": customer.id}), FIRST_ROWS)


def create_order():
    """Create a draft order from the posted rows, or show the form again with the errors."""
    rows = min(_whole(bottle.request.forms.get("rows"), FIRST_ROWS), MAX_ROWS)
    names = [f"{kind}-{i}" for i in range(rows) for kind in ("sku", "quantity")]
    typed = posted(["customer_id", "notes", *names])
    customer = _customer(typed.get("customer_id", ""))
    if bottle.request.forms.get("action") == "more":
        return _form_page(customer, Form(typed), min(rows + MORE_ROWS, MAX_ROWS))
    lines, line_rows, row_errors = _lines(typed, rows)
    try:
        data = OrderCreateSchema().load({"customer_id": customer.id, "lines": lines,
                                         "notes": typed.get("notes", "")})
        if row_errors:
            raise ValidationError({})
        order = orders.create_order(data, user=current_user())
    except ValidationError as exc:
        form = _form_with_errors(typed, exc.messages, line_rows, row_errors)
        return _form_page(customer, form, rows, status=422)
    except AppError as exc:
        return _form_page(customer, Form(typed, problem=exc.message), rows, status=409)
    flash(f"Draft order {order.number} created. Check it, then place it.")
    redirect(f"/orders/{order.id}")


def _lines(typed: dict, rows: int) -> tuple[list[dict], list[int], dict]:
    """Turn the filled-in rows into order lines; return them, their rows, and SKU errors."""
    filled = [i for i in range(rows)
              if typed.get(f"sku-{i}", "").strip() or typed.get(f"quantity-{i}", "").strip()]
    products = Product.by_skus([typed.get(f"sku-{i}", "") for i in filled])
    lines, line_rows, errors = [], [], {}
    for i in filled:
        sku = typed.get(f"sku-{i}", "").strip().upper()
        if sku not in products:
            errors[f"sku-{i}"] = [f"There is no product with SKU {sku}." if sku
                                  else "Enter the SKU of a product."]
            continue
        lines.append({"product_id": products[sku].id,
                      "quantity": typed.get(f"quantity-{i}", "").strip() or None})
        line_rows.append(i)
    return lines, line_rows, errors


def _form_with_errors(typed: dict, messages, line_rows: list[int], row_errors: dict) -> Form:
    """Put each error beside its row: the schema numbers lines, the form numbers rows."""
    messages = friendly(messages) if isinstance(messages, dict) else {"": messages}
    errors = dict(row_errors)
    problems = list(messages.get("customer_id", [])) + list(messages.get("", []))
    lines = messages.get("lines", {})
    if isinstance(lines, list):
        problems += [] if row_errors else lines  # "1 to 100 lines" says nothing new then
    else:
        for index, fields in lines.items():
            row = line_rows[int(index)]
            for field, text in fields.items():
                name = "sku" if field == "product_id" else "quantity"
                errors[f"{name}-{row}"] = text
    errors.update({key: value for key, value in messages.items()
                   if key in ("notes",)})
    return Form(typed, errors, " ".join(problems))


def _choose_customer(search: str) -> str:
    found = (Customer.listing(active=True, search=search or None)
             .order_by(Customer.name, Customer.id).limit(20))
    return page("order_customer.tpl", "New order", section="orders", customers=list(found),
                form=Form({"q": search}))


def _form_page(customer: Customer, form: Form, rows: int, status: int = 200) -> str:
    pick = (Product.listing(active=True).order_by(Product.name, Product.id)
            .limit(PICK_LIST))
    return page("order_form.tpl", "New order", section="orders", customer=customer,
                form=form, rows=rows, products=list(pick), status=status)


def _customer(customer_id: str) -> Customer:
    customer = Customer.get_or_none(Customer.id == _whole(customer_id, 0))
    if customer is None or not customer.is_active:
        flash("Choose an active customer for the order.", "error")
        redirect("/orders/new")
    return customer


def _whole(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() and len(text) < 10 else default


def install(app: bottle.Bottle) -> None:
    """Add this area's pages to the app."""
    app.route("/orders/new", "GET", new_order_form, permission="orders:write")
    app.route("/orders", "POST", create_order, permission="orders:write")
