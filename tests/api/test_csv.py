"""CSV export and import through the API, on every engine."""

import csv
import io

CSV = "text/csv"


def post_csv(api, text: str, status: int):
    return api.app.post("/api/v1/imports/products", text.encode(), headers={
        **api.headers, "Content-Type": CSV}, status=status)


def test_export_products_round_trips_through_import(api):
    tools = api.category("Tools")
    api.product("DR-1", price="99.90", stock=3, name="Drill, cordless", category_id=tools["id"])
    api.product("BT-1", price="5.00", stock=0, name='Bits "HSS"')
    exported = api.get("/api/v1/exports/products.csv")
    assert exported.content_type == CSV
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [(r["sku"], r["name"], r["category"], r["price"]) for r in rows] == [
        ("DR-1", "Drill, cordless", "Tools", "99.90"), ("BT-1", 'Bits "HSS"', "", "5.00")]
    assert post_csv(api, exported.text, 200).json == {"created": 0, "updated": 0,
                                                      "unchanged": 2}


def test_import_creates_and_updates_and_records_stock_changes(api):
    api.category("Tools")
    api.product("DR-1", price="10.00", stock=5)
    result = post_csv(api, "sku,name,price,stock,category\n"
                           "DR-1,Drill,12.00,8,Tools\n"
                           "new-1,New thing,1.50,2,\n", 200).json
    assert result == {"created": 1, "updated": 1, "unchanged": 0}
    products = {p["sku"]: p for p in api.get("/api/v1/products").json["items"]}
    assert products["DR-1"]["price"] == "12.00" and products["DR-1"]["stock"] == 8
    assert products["NEW-1"]["stock"] == 2
    moves = api.get(f"/api/v1/products/{products['DR-1']['id']}/movements").json["items"]
    assert (moves[0]["delta"], moves[0]["reason"]) == (3, "CSV import")


def test_a_file_with_a_bad_row_writes_nothing_and_reports_every_problem(api):
    report = post_csv(api, "sku,name,price,stock\n"
                           "OK-1,Fine,1.00,1\n"
                           "bad sku,Broken,-5,1\n"
                           "OK-2,,1.00,x\n"
                           "OK-1,Twice,1.00,1\n", 422).json["errors"]
    assert set(report) == {"3", "4", "5"}
    assert set(report["3"]) == {"sku", "price"}
    assert set(report["4"]) == {"name", "stock"}
    assert report["5"] == {"sku": ["Also on line 2."]}
    assert api.get("/api/v1/products").json["items"] == []


def test_a_wrong_header_is_explained(api):
    problem = post_csv(api, "code,title\nA,B\n", 422).json
    assert "missing column(s): sku, name, price" in problem["errors"]["header"]


def test_import_wants_csv_in_utf8(api):
    api.app.post("/api/v1/imports/products", b"sku,name,price\n", headers={
        **api.headers, "Content-Type": "application/json"}, status=415)
    post_csv_bytes = api.app.post("/api/v1/imports/products", "sku,name,price\nA,\xe9,1\n"
                                  .encode("latin-1"), headers={**api.headers,
                                                               "Content-Type": CSV},
                                  status=400)
    assert "UTF-8" in post_csv_bytes.json["detail"]


def test_export_orders(api):
    customer = api.customer("Ada")
    product = api.product("DR-1", price="2.50")
    api.placed_order(customer["id"], (product["id"], 2))
    rows = list(csv.DictReader(io.StringIO(api.get("/api/v1/exports/orders.csv").text)))
    assert [(r["status"], r["customer"], r["total"]) for r in rows] == [
        ("placed", "Ada", "5.00")]
