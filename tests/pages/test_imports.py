"""The import page without JavaScript: a preview that writes nothing, then all or nothing."""

from webtest import Upload

from tinyapp import db
from tinyapp.models import Product


def skus() -> list[str]:
    with db.database.connection_context():
        return sorted(p.sku for p in Product.select())


def upload(client, text: bytes, status: int):
    form = client.get("/imports/products").forms["import-form"]
    form["file"] = Upload("products.csv", text, "text/csv")
    return form.submit(status=status)


def test_a_preview_names_each_bad_line_and_writes_nothing(client, sign_in, shop):
    sign_in("staff")
    page = upload(client, b"sku,name,price\nHM-1,Hammer,12.50\nHM-2,Sledge,lots\n", 422)
    problems = page.html.select_one("#import-errors")
    assert "Line 3" in problems.text and "price" in problems.text
    assert not page.html.select('form[action="/imports/products/run"]')
    assert page.html.select_one("title").text.startswith("Error: ")
    assert skus() == ["BT-1", "DR-1"]


def test_a_good_file_is_previewed_then_imported(client, sign_in, shop):
    sign_in("staff")
    page = upload(client, b"sku,name,price,stock\nHM-1,Hammer,12.50,3\nDR-1,Drill,99.90,12\n",
                  200)
    rows = {tr["id"]: tr.text for tr in page.html.select("#preview tbody tr")}
    assert "new" in rows["line-2"] and "stock +2" in rows["line-3"]
    assert skus() == ["BT-1", "DR-1"]  # the preview wrote nothing
    page = page.forms["run-import-form"].submit(status=303).follow()
    assert "1 created, 1 updated" in page.text
    assert skus() == ["BT-1", "DR-1", "HM-1"]


def test_a_file_that_is_not_utf8_or_not_there_is_explained(client, sign_in, shop):
    sign_in("staff")
    page = upload(client, "sku,name,price\nA,\xe9,1\n".encode("latin-1"), 422)
    assert "not UTF-8" in page.html.select_one("#error-summary").text
    page = client.get("/imports/products").forms["import-form"].submit(status=422)
    assert "Choose a CSV file" in page.html.select_one("#error-summary").text
    page = upload(client, b"code,title\nA,B\n", 422)
    assert "missing column(s): sku, name, price" in page.text
