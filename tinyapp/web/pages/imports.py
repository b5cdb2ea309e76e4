"""Importing products from a CSV file: upload, see what would happen, then import.

The upload is only checked (services.product_import.check_file): the preview lists each
line, what importing it would do, and every problem by line number. Nothing is written
until "Import" is pressed; the file's text travels in the preview's form, is checked
again, and goes in all at once or not at all.
"""

import bottle

from tinyapp.services import product_import
from tinyapp.services.product_import import COLUMNS, REQUIRED, ImportRejected
from tinyapp.web.pages.forms import Form, flash
from tinyapp.web.pages.view import page, redirect


def import_form():
    """Show the upload form and the columns a file may have."""
    return _page(Form())


def preview_import():
    """Check an uploaded (or pasted) file and show what importing it would do."""
    text, problem = _uploaded_text()
    if problem:
        return _page(Form(problem=problem), status=422)
    try:
        planned, errors = product_import.check_file(text)
    except ImportRejected as exc:
        if _by_line(exc):  # a line the CSV reader itself could not take
            return _page(Form(), text=text, planned=[], errors=exc.messages, status=422)
        return _page(Form(problem=_file_problem(exc)), status=422)
    return _page(Form(), text=text, planned=planned, errors=errors,
                 status=422 if errors else 200)


def run_import():
    """Import the previewed file: every line, or (if one is wrong now) none."""
    text = bottle.request.forms.getunicode("csv") or ""
    try:
        counts = product_import.import_products(text)
    except ImportRejected as exc:
        if not _by_line(exc):
            return _page(Form(problem=_file_problem(exc)), status=422)
        return _page(Form(problem="Nothing was imported: the file has problems now (the "
                                  "products changed since the preview)."),
                     text=text, planned=[], errors=exc.messages, status=422)
    flash(f"Import done: {counts['created']} created, {counts['updated']} updated, "
          f"{counts['unchanged']} unchanged.")
    redirect("/products")


def _uploaded_text() -> tuple[str, str]:
    """The CSV text from the file field (or the text box), or a problem to show."""
    upload = bottle.request.files.get("file")
    raw = upload.file.read() if upload is not None else b""
    if not raw:
        raw = (bottle.request.forms.getunicode("pasted") or "").encode()
    if not raw.strip():
        return "", "Choose a CSV file (or paste its text) first."
    try:
        return raw.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        return "", "The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again."


def _by_line(exc: ImportRejected) -> bool:
    return all(str(key).isdigit() for key in exc.messages)


def _file_problem(exc: ImportRejected) -> str:
    return " ".join(str(message) for messages in exc.messages.values()
                    for message in (messages if isinstance(messages, list) else [messages]))


def _page(form: Form, status: int = 200, text: str = "", planned=None, errors=None) -> str:
    return page("import.tpl", "Import products", section="products", form=form, text=text,
                planned=planned, errors=errors or {}, columns=COLUMNS, required_columns=REQUIRED,
                status=status)


def install(app: bottle.Bottle) -> None:
    """Add this area's pages to the app."""
    app.route("/imports/products", "GET", import_form, permission="catalog:write")
    app.route("/imports/products", "POST", preview_import, permission="catalog:write")
    app.route("/imports/products/run", "POST", run_import, permission="catalog:write")
