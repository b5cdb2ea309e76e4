"""Hostile text over real HTTP, on every engine: SQL injection is stored and returned
literally, file names cannot leave their folder, impossible ids find nothing.
"""

from urllib.parse import quote

from tests.reliability.rawhttp import check_all, expect, raw_request, signed_in_browser

# -- SQL injection: stored and returned literally, found by search, tables intact --

INJECTIONS = [
    "Robert'); DROP TABLE products;--", "' OR '1'='1", "1; DELETE FROM customers", "\" OR 1=1 --",
    "admin'--", "' UNION SELECT password_hash FROM users--", "%' AND 1=0 UNION SELECT 1--",
    "\\'; DROP TABLE orders; --", "1' AND SLEEP(5)--", "'; SELECT pg_sleep(5);--",
    "$$; DROP TABLE users; $$", "x' COLLATE nocase --", "%_%", "\\", "' ; COMMIT; --",
]


def test_sql_injection_text_is_stored_and_returned_literally_everywhere(live):
    customer = live.post("/api/v1/customers", {"name": "Plain"}).json()
    stored = []
    for number, text in enumerate(INJECTIONS):
        category = live.post("/api/v1/categories", {"name": text}).json()
        product = live.post("/api/v1/products", {
            "sku": f"INJ-{number}", "name": text, "description": text, "price": "1.00",
            "stock": 5, "category_id": category["id"]}).json()
        person = live.post("/api/v1/customers", {"name": text, "notes": text,
                                                 "address": text}).json()
        order = live.post("/api/v1/orders", {"customer_id": customer["id"], "notes": text,
                                             "lines": [{"product_id": product["id"],
                                                        "quantity": 1}]}).json()
        adjustment = live.post("/api/v1/stock-adjustments", {
            "product_id": product["id"], "delta": 1, "reason": f"{text} (count)"})
        assert adjustment.status_code == 201, adjustment.text
        stored.append((text, category, product, person, order))

    problems = []
    for text, category, product, person, order in stored:
        reads = {
            "category": live.get(f"/api/v1/categories/{category['id']}").json()["name"],
            "product": live.get(f"/api/v1/products/{product['id']}").json()["name"],
            "description": live.get(f"/api/v1/products/{product['id']}").json()["description"],
            "customer": live.get(f"/api/v1/customers/{person['id']}").json()["name"],
            "notes": live.get(f"/api/v1/customers/{person['id']}").json()["notes"],
            "order notes": live.get(f"/api/v1/orders/{order['id']}").json()["notes"],
            "movement": live.get(f"/api/v1/products/{product['id']}/movements")
            .json()["items"][0]["reason"].removesuffix(" (count)"),
        }
        problems += [f"{where}: {got!r} != {text!r}" for where, got in reads.items()
                     if got != text]
        for search in (f"/api/v1/products?q={quote(text)}", f"/api/v1/customers?q={quote(text)}",
                       f"/api/v1/search?q={quote(text)}", f"/products?q={quote(text)}"):
            reply = live.get(search)
            if reply.status_code != 200:
                problems.append(f"{search}: {reply.status_code}")
        found = live.get(f"/api/v1/products?q={quote(text)}").json()["items"]
        if text.strip("%_\\") and product["id"] not in [p["id"] for p in found]:
            problems.append(f"searching for {text!r} did not find it")
    assert problems == []
    total = len(INJECTIONS)
    assert len(live.get("/api/v1/products?limit=100").json()["items"]) == total
    assert len(live.get("/api/v1/customers?limit=100").json()["items"]) == total + 1
    assert len(live.get("/api/v1/orders?limit=100").json()["items"]) == total
    assert live.get("/api/v1/users").status_code == 200
    print(f"{total} injection strings x 7 fields stored and read back, x 4 searches")


# -- paths that try to leave their folder --

TRAVERSALS = ["../../../etc/passwd", "..%2f..%2fsecret_key", "%2e%2e%2f%2e%2e%2fsecret_key",
              "..\\..\\secret_key", "....//....//secret_key", "%252e%252e%252fsecret_key",
              "/etc/passwd", "{made}/../../secret_key", "{made}%00.zip", "{made}/manifest.json",
              "..", ".", "~", "..／..／secret_key", "{made}\\..\\..\\secret_key", ""]


def test_backup_downloads_and_static_files_never_leave_their_folder(live, settings):
    settings.DATA_DIR.mkdir(exist_ok=True)
    (settings.DATA_DIR / "secret_key").write_text("do not serve me")
    made = live.post("/api/v1/backups", {}).json()["name"]
    cases = [f"/api/v1/backups/download?name={quote(name.format(made=made), safe='%')}"
             for name in TRAVERSALS]
    cases += [f"/api/v1/backups/download/{name.format(made=made)}" for name in TRAVERSALS[:8]]
    cases += ["/static/../../../etc/passwd", "/static/..%2f..%2f..%2fdb.py",
              "/static/%2e%2e/%2e%2e/%2e%2e/db.py", "/static/....//....//db.py",
              "/static/%252e%252e/db.py", "/static/..\\..\\db.py", "/static//etc/passwd"]

    def attempt(target):
        status, _, body = raw_request(live.url, "GET", target, headers=live.headers)
        if status not in (400, 403, 404, 422) or b"do not serve me" in body \
                or b"root:" in body or b"import" in body:
            return f"got {status} {body[:80]!r}"

    tried = check_all(cases, attempt)
    zipped = live.get(f"/api/v1/backups/download?name={made}")
    assert zipped.status_code == 200 and zipped.content[:2] == b"PK"  # the real one works
    print(f"{tried} traversal attempts")


def test_ids_no_row_can_have_are_404_on_the_api_and_the_pages(live):
    session, _ = signed_in_browser(live)
    ids = ["-1", "0", "2147483648", "9223372036854775808", "1" + "0" * 30]
    paths = ["/api/v1/products/{}", "/api/v1/orders/{}/place", "/api/v1/customers/{}",
             "/products/{}", "/orders/{}", "/customers/{}/edit", "/users/{}"]
    cases = [path.format(number) for path in paths for number in ids]

    def attempt(target):
        method = session.post if target.endswith("/place") else session.get
        reply = method(live.url + target, headers=live.headers, timeout=30)
        return expect(reply, 404, problem=target.startswith("/api"))

    print(f"{check_all(cases, attempt)} impossible ids")
