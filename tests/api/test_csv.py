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


def test_a_column_given_twice_is_refused_naming_it(api):
    """Which of the two a program reads differs; tinyapp reads neither."""
    problem = post_csv(api, "sku,name,price,SKU \nA-1,Drill,9.00,A-2\n", 422).json
    assert "column(s) given twice: sku" in problem["errors"]["header"]
    assert api.get("/api/v1/products").json["items"] == []


def test_a_file_that_is_not_valid_csv_is_a_422_naming_the_line(api):
    huge = post_csv(api, "sku,name,price\nA-1,Drill,9.00\nA-2,\"" + "x" * 200_000
                    + "\",9.00\n", 422).json
    assert huge["errors"] == {"3": {"_row": ["A cell is longer than 131,072 characters."]}}
    stray = post_csv(api, 'sku,name,price\nA-1,"Dr"ill,9.00\n', 422).json
    assert "Not valid CSV" in stray["errors"]["2"]["_row"][0]
    unended = post_csv(api, 'sku,name,price\nA-1,"Drill,9.00\nA-2,Saw,1.00\n', 422).json
    assert "Not valid CSV" in unended["errors"]["3"]["_row"][0]
    assert api.get("/api/v1/products").json["items"] == []


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


FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"Click\")", "+1+1", "-2+3", "@SUM(A1)",
            "'quoted already", "=1\t+2"]


def test_exports_neutralise_cells_a_spreadsheet_would_run(api):
    """OWASP's rule: a cell starting with = + - @ (or tab, CR) gets a leading quote."""
    for n, text in enumerate(FORMULAS):
        product = api.product(f"F-{n}", name=text, description=text)
        api.order(api.customer(text)["id"], (product["id"], 1))
    products = list(csv.DictReader(io.StringIO(api.get("/api/v1/exports/products.csv").text)))
    orders = list(csv.DictReader(io.StringIO(api.get("/api/v1/exports/orders.csv").text)))
    for row in products:
        for column in ("name", "description"):
            assert not row[column].startswith(("=", "+", "-", "@", "\t", "\r")), row
            assert row[column].startswith("'")
    assert all(row["customer"].startswith("'") for row in orders)


def test_neutralised_cells_import_back_unchanged(api):
    for n, text in enumerate(FORMULAS):
        api.product(f"F-{n}", name=text, description=text)
    exported = api.get("/api/v1/exports/products.csv").text
    api_rows = {p["sku"]: p for p in api.get("/api/v1/products", limit=50).json["items"]}
    renamed = exported.replace("F-", "G-")  # import them as new products
    assert post_csv(api, renamed, 200).json["created"] == len(FORMULAS)
    after = {p["sku"]: p for p in api.get("/api/v1/products", limit=50).json["items"]}
    for sku, product in api_rows.items():
        twin = after[sku.replace("F-", "G-")]
        assert (twin["name"], twin["description"]) == (product["name"],
                                                       product["description"])
    assert post_csv(api, exported, 200).json["unchanged"] == len(FORMULAS)


def rows_of(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.text)))


def test_exports_keep_the_filters_of_the_list(api):
    tools = api.category("Tools")
    api.product("SD-12", name="Cordless Screwdriver", category_id=tools["id"])
    api.product("DR-1", name="Drill", category_id=tools["id"])
    api.product("GL-1", name="Glue")
    assert [r["sku"] for r in rows_of(api.get("/api/v1/exports/products.csv",
                                              q="driver"))] == ["SD-12"]
    assert sorted(r["sku"] for r in rows_of(api.get("/api/v1/exports/products.csv",
                                                    category=tools["id"]))) == ["DR-1",
                                                                                "SD-12"]
    ada, grace = api.customer("Ada Lovelace"), api.customer("Grace Hopper")
    assert [r["name"] for r in rows_of(api.get("/api/v1/exports/customers.csv",
                                               q="hopp"))] == ["Grace Hopper"]
    api.placed_order(ada["id"], (api.get("/api/v1/products", q="glue").json["items"][0]["id"],
                                 1))
    api.order(grace["id"], (api.get("/api/v1/products", q="drill").json["items"][0]["id"], 1))
    assert [r["customer"] for r in rows_of(api.get("/api/v1/exports/orders.csv",
                                                   params={"status": "draft"}))] == [
        "Grace Hopper"]
    assert [r["customer"] for r in rows_of(api.get("/api/v1/exports/orders.csv",
                                                   q="lovel"))] == ["Ada Lovelace"]
    api.get("/api/v1/exports/orders.csv", params={"status": "lost"}, status=400)


def test_barcodes_round_trip_and_a_file_without_them_keeps_them(api):
    api.product("SD-12", barcode="4006381333931")
    exported = api.get("/api/v1/exports/products.csv").text
    assert rows_of(api.get("/api/v1/exports/products.csv"))[0]["barcode"] == "4006381333931"
    assert post_csv(api, exported, 200).json["unchanged"] == 1
    assert post_csv(api, "sku,name,price\nSD-12,Screwdriver,1.00\n", 200).json == {
        "created": 0, "updated": 1, "unchanged": 0}
    product = api.get("/api/v1/products").json["items"][0]
    assert (product["name"], product["barcode"]) == ("Screwdriver", "4006381333931")


def test_a_barcode_belongs_to_one_product(api):
    api.product("SD-12", barcode="4006381333931")
    problem = api.post("/api/v1/products", {"sku": "SD-13", "name": "Other", "price": "1",
                                            "barcode": "4006381333931"}, status=409).json
    assert "already on product SD-12" in problem["detail"]
    api.post("/api/v1/products", {"sku": "SD-14", "name": "Spaced", "price": "1",
                                  "barcode": "400 638"}, status=422)


def test_reports_export_as_csv(api):
    product = api.product("DR-1", price="2.50", name="Drill")
    api.placed_order(api.customer("Ada")["id"], (product["id"], 2))
    sales = rows_of(api.get("/api/v1/exports/sales.csv"))
    assert sum(int(r["orders"]) for r in sales) == 1 and len(sales) == 30
    assert rows_of(api.get("/api/v1/exports/top-products.csv")) == [
        {"sku": "DR-1", "name": "Drill", "quantity": "2", "amount": "5.00"}]
    assert rows_of(api.get("/api/v1/exports/categories.csv"))[0]["amount"] == "5.00"


def test_an_imported_product_has_the_history_of_one_created_by_hand(api):
    """The import writes its products' journal in bulk: it says what a single create says."""
    tools = api.category("Tools")
    by_hand = api.product("HAND-1", name="Hammer", price="12.50", stock=4,
                          category_id=tools["id"], reorder_level=5)
    post_csv(api, "sku,name,price,stock,category,reorder_level\n"
                  "CSV-1,Hammer,12.50,4,Tools,5\n", 200)
    imported = next(p for p in api.get("/api/v1/products").json["items"] if p["sku"] == "CSV-1")

    def created(product):
        entry = api.get(f"/api/v1/products/{product['id']}/history").json["items"][-1]
        assert entry["action"] == "create"
        return {name: change for name, change in entry["changes"].items()
                if name not in ("sku", "stock", "created_at", "updated_at")}  # stock: below

    assert created(imported) == created(by_hand)
    # By hand, the opening stock is a movement after the create; an import creates with it.
    assert api.get(f"/api/v1/products/{imported['id']}/history").json["items"][-1][
        "changes"]["stock"] == [None, 4]
