"""Hostile input over real HTTP, on every engine: nothing a client sends gets a 5xx or
stores something other than what was sent. This module: bodies and encodings.

Each test walks a table of payloads and reports every one that misbehaved at once.
tests/api/test_errors.py already covers the basic cases through WSGI (one malformed body
of each kind, NUL in a name, a 100,000-deep array, one SQL-injection name); these go
through waitress, reach every endpoint and field, and try the variants.
"""

import itertools
import json
import re

from tests.reliability.rawhttp import (
    LIMIT,
    PROBLEM,
    check_all,
    expect,
    raw_bytes,
    raw_request,
    signed_in_browser,
)

# -- malformed, mis-encoded and wrongly shaped JSON --

BAD_JSON = [  # each a 400: the body is not a JSON object in UTF-8
    b'{"name": "x"', b'{"name": "x"} trailing', b"{'name': 'x'}", b'// comment\n{"name": "x"}',
    b'{"name": Infinity}', b'{"name": -Infinity}', b'{"name": "x",}', b'{name: "x"}',
    b'\xef\xbb\xbf{"name": "bom"}', '{"name": "x"}'.encode("utf-16"), b'{"name": "a\x00b"}',
    b'{"name": "\xc0\xaf"}', b'{"name": "\xed\xa0\x80"}', b'{"name": "\xe2\x82"}',
    b'{"name": "\xf8\x88\x80\x80\x80"}', b'{"name": "\\ud800"}', b'{"name": "\\udfff x"}',
    b'{"name": ["\\ud83d"]}', b"null", b"12", b"true", b'"{}"', b"[{}]",
    b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
]
WRONG_SHAPE = [  # each a 422: JSON, but not what the schema takes
    ("/api/v1/categories", {"name": json.loads("[" * 500 + "]" * 500)}),
    ("/api/v1/categories", {"name": {"nested": {"deeper": ["x"]}}}),
    ("/api/v1/categories", {"name": 12}), ("/api/v1/categories", {"name": True}),
    ("/api/v1/categories", {"name": None}), ("/api/v1/categories", {"name": "x" * 10_000}),
    ("/api/v1/categories", {"name": "x" * 1_000_000}),
    ("/api/v1/categories", {"name": "ok", "unknown": 1}),
    ("/api/v1/customers", {"name": "ok", "notes": ["a"]}),
]
NUMERIC_FIELDS = [  # (path, body without the number, the field that gets it)
    ("/api/v1/products", {"sku": "N-1", "name": "n", "price": "1", "stock": 1}, "price"),
    ("/api/v1/products", {"sku": "N-1", "name": "n", "price": "1", "stock": 1}, "stock"),
    ("/api/v1/products", {"sku": "N-1", "name": "n", "price": "1", "stock": 1},
     "reorder_level"),
    ("/api/v1/products", {"sku": "N-1", "name": "n", "price": "1", "stock": 1}, "category_id"),
    ("/api/v1/orders", {"lines": [{"product_id": 1, "quantity": 1}]}, "customer_id"),
    ("/api/v1/stock-adjustments", {"product_id": 1, "reason": "count"}, "delta"),
    ("/api/v1/stock-adjustments", {"delta": 1, "reason": "count"}, "product_id"),
    ("/api/v1/tokens", {"name": "n"}, "expires_in_days"),
]
HUGE_NUMBERS = [b"1e309", b"-1e309", b"1" + b"0" * 400, b"-" + b"9" * 400, b"9223372036854775808",
                b"-9223372036854775809", b"2147483648", b"1e-400", b"0.000000000000000001",
                b'"1e400"', b'"' + b"9" * 5000 + b'"', b'"0x10"', b'"1_000"', b'"1e2"',
                b"1.005", b'" 1 2 "', b"[1]", b'{"n": 1}']


def test_malformed_or_mis_encoded_json_is_a_400_on_every_endpoint(live):
    bodies = [(path, body) for path in ("/api/v1/categories", "/api/v1/orders",
                                        "/api/v1/products/1")
              for body in BAD_JSON]

    def attempt(case):
        path, body = case
        method = live.session.patch if path.endswith("/1") else live.session.post
        reply = method(live.url + path, data=body, timeout=30,
                       headers={**live.headers, "Content-Type": "application/json"})
        return expect(reply, 400)

    tried = check_all(bodies, attempt)
    assert live.get("/api/v1/categories").json()["items"] == []
    print(f"{tried} malformed bodies")


def test_json_of_the_wrong_shape_or_size_is_a_422(live):
    created = live.post("/api/v1/categories", {"name": "[" * 50 + "]" * 50})
    assert created.status_code == 201  # brackets in a name are just text
    cases = WRONG_SHAPE + [
        (path, body, field, number) for path, body, field in NUMERIC_FIELDS
        for number in HUGE_NUMBERS]
    skus = itertools.count()

    def attempt(case):
        if len(case) == 2:
            reply = live.post(case[0], case[1])
        else:
            path, body, field, number = case
            if "sku" in body:  # a fresh SKU each time, so a wrong 201 shows, not a 409
                body = {**body, "sku": f"N-{next(skus)}"}
            rest = {key: value for key, value in body.items() if key != field}
            text = json.dumps(rest)[:-1].encode() + b', "' + field.encode() + b'": ' + number
            reply = live.session.post(live.url + path, data=text + b"}", timeout=30,
                                      headers={**live.headers,
                                               "Content-Type": "application/json"})
        return expect(reply, 422)

    tried = check_all(cases, attempt)
    print(f"{tried} wrongly shaped bodies, {len(NUMERIC_FIELDS) * len(HUGE_NUMBERS)} "
          "of them huge or odd numbers")


# -- content types and sizes --

WRONG_TYPES = ["text/plain", "application/x-www-form-urlencoded",
               "multipart/form-data; boundary=x", "application/xml", "text/json",
               "application/json-patch+json", None]


def test_every_endpoint_that_reads_a_body_refuses_other_content_types(live):
    spec = live.session.get(f"{live.url}/api/openapi.json", timeout=30).json()
    cases = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            accepted = list(operation.get("requestBody", {}).get("content", {}))
            if not accepted:
                continue
            target = re.sub(r"\{\w+\}", "1", path)
            wrong = WRONG_TYPES + (["application/json"] if accepted == ["text/csv"] else [])
            cases += [(method.upper(), target, content_type) for content_type in wrong]
    assert len(cases) > 100

    def attempt(case):
        method, path, content_type = case
        headers = dict(live.headers)
        if content_type:
            headers["Content-Type"] = content_type
        status, kind, body = raw_request(live.url, method, path, b'{"name": "x"}', headers)
        if status != 415 or kind != PROBLEM:
            return f"got {status} {kind} {body[:120]!r}"

    print(f"{check_all(cases, attempt)} requests with a wrong content type")


def test_bodies_over_the_limit_are_refused_before_they_are_read(live):
    session, csrf = signed_in_browser(live)
    over = b'{"name": "' + b"x" * (LIMIT + 10) + b'"}'

    def chunks():
        for _ in range(30):
            yield b"x" * 100_000

    replies = {
        "JSON with Content-Length": live.session.post(
            f"{live.url}/api/v1/categories", data=over, timeout=30,
            headers={**live.headers, "Content-Type": "application/json"}),
        "JSON sent chunked (no Content-Length)": live.session.post(
            f"{live.url}/api/v1/categories", data=chunks(), timeout=30,
            headers={**live.headers, "Content-Type": "application/json"}),
        "CSV import": live.session.post(
            f"{live.url}/api/v1/imports/products", data=b"sku,name\n" + b"x" * LIMIT,
            timeout=30, headers={**live.headers, "Content-Type": "text/csv"}),
    }
    for what, reply in replies.items():
        assert reply.status_code == 413, (what, reply.text[:300])
        assert reply.headers["Content-Type"] == PROBLEM, what
    form = session.post(f"{live.url}/categories", timeout=30,
                        data={"csrf_token": csrf, "name": "x" * 200_000})
    assert form.status_code == 413 and "text/html" in form.headers["Content-Type"]

    # A body announced as 50 MB is refused at once, without waiting for it to arrive.
    status, _, _ = raw_request(live.url, "POST", "/api/v1/categories", timeout=5, headers={
        **live.headers, "Content-Type": "application/json",
        "Content-Length": str(50_000_000)})
    assert status == 413
    assert live.get("/api/v1/categories").json()["items"] == []


# -- NUL bytes, invalid UTF-8, very long input --

TEXT_FIELDS = [  # every kind of text field a client can send
    ("/api/v1/categories", {}, "name"), ("/api/v1/customers", {}, "name"),
    ("/api/v1/customers", {"name": "c"}, "notes"), ("/api/v1/customers", {"name": "c"},
                                                    "address"),
    ("/api/v1/customers", {"name": "c"}, "email"), ("/api/v1/customers", {"name": "c"}, "phone"),
    ("/api/v1/products", {"sku": "S-1", "price": "1", "stock": 1}, "name"),
    ("/api/v1/products", {"name": "p", "price": "1", "stock": 1}, "sku"),
    ("/api/v1/products", {"sku": "S-1", "name": "p", "price": "1", "stock": 1}, "description"),
    ("/api/v1/tokens", {}, "name"), ("/api/v1/auth/login", {"password": "x" * 12}, "email"),
    ("/api/v1/auth/login", {"email": "a@example.com"}, "password"),
    ("/api/v1/users", {"email": "u@example.com", "password": "a long passphrase 2",
                       "role": "staff"}, "name"),
]
NUL_TEXTS = ["\x00", "a\x00b", "x" * 50 + "\x00", "\x00" * 1000]


def test_nul_bytes_are_refused_everywhere_and_nothing_is_stored(live):
    session, csrf = signed_in_browser(live)
    cases = [("json", path, {**body, field: text}) for path, body, field in TEXT_FIELDS
             for text in NUL_TEXTS]
    cases += [("get", path, None) for path in (
        "/api/v1/products?q=%00", "/api/v1/customers?q=a%00", "/api/v1/search?q=%00x",
        "/api/v1/backups/download?name=%00", "/products?q=%00", "/customers?q=%00")]
    cases += [("form", path, {"csrf_token": csrf, **fields}) for path, fields in (
        ("/categories", {"name": "a\x00b"}), ("/customers", {"name": "\x00"}),
        ("/products", {"sku": "F-1", "name": "a\x00", "price": "1", "stock": "1"}))]

    def attempt(case):
        kind, path, data = case
        if kind == "json":
            return expect(live.post(path, data), 422, 401)  # a NUL password: wrong login
        if kind == "get":
            reply = session.get(live.url + path, timeout=30)
            api = path.startswith("/api")  # a bad query parameter: 400 in the API
            return expect(reply, 400 if api else 422, problem=api)
        return expect(session.post(live.url + path, data=data, timeout=30), 422,
                      problem=False)

    tried = check_all(cases, attempt)
    for path, status in (("/api/v1/products/%00", 404), ("/products/%00", 404)):
        assert raw_request(live.url, "GET", path, headers=live.headers)[0] == status
    for listing in ("categories", "customers", "products"):
        assert live.get(f"/api/v1/{listing}").json()["items"] == [], listing
    print(f"{tried + 2} requests with NUL bytes")


def test_invalid_utf8_in_paths_queries_and_bodies_is_never_a_server_error(live):
    session, csrf = signed_in_browser(live)
    cookie = "; ".join(f"{name}={value}" for name, value in session.cookies.items())
    cases = [  # (method, target, body, content type, statuses allowed)
        ("GET", "/api/v1/products/%ff", b"", None, {404}),
        ("GET", "/api/v1/%ff%fe", b"", None, {404}),
        ("GET", "/products/%C0%AF", b"", None, {404}),
        ("GET", "/static/%ff.css", b"", None, {404}),
        ("GET", "/api/v1/products?q=%ff", b"", None, {400}),
        ("GET", "/api/v1/products?%ff=1", b"", None, {400}),
        ("GET", "/api/v1/search?q=%ed%a0%80", b"", None, {400}),
        ("GET", "/api/v1/customers?q=%c3", b"", None, {400}),
        ("GET", "/products?q=%ff", b"", None, {200, 400, 422}),
        ("GET", "/orders?status=%ff", b"", None, {200, 400, 422}),
        # A form that is not UTF-8 is refused whole (web/guard.py), never read as "".
        ("POST", "/categories", b"csrf_token=" + csrf.encode() + b"&name=%ff%fe",
         "application/x-www-form-urlencoded", {400}),
        ("POST", "/categories", b"csrf_token=" + csrf.encode() + b"&name=\xff\xfe",
         "application/x-www-form-urlencoded", {400}),
        ("POST", "/api/v1/imports/products", b"sku,name,price,stock\nU-1,\xff\xfe,1,1\n",
         "text/csv", {400, 422}),
        ("POST", "/api/v1/categories", b'{"name": "\xff"}', "application/json", {400}),
    ]

    def attempt(case):
        method, target, body, content_type, allowed = case
        headers = {**live.headers, "Cookie": cookie}
        if content_type:
            headers["Content-Type"] = content_type
        status, _, answer = raw_request(live.url, method, target, body, headers)
        if status not in allowed:
            return f"got {status} {answer[:120]!r}"

    tried = check_all(cases, attempt)
    # Bytes that are not even ASCII in the request line: waitress refuses them itself.
    for request in (b"GET /products/\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                    b"GET /api/v1/products?q=\xff HTTP/1.1\r\nHost: x\r\nConnection: close"
                    b"\r\n\r\n"):
        assert raw_bytes(live.url, request).split(b" ")[1] in (b"400", b"404")
    assert live.get("/api/v1/categories").json()["items"] == []
    print(f"{tried + 2} requests with invalid UTF-8")


def test_very_long_input_is_refused_cleanly_and_the_server_keeps_serving(live):
    cases = [
        ("GET", "/api/v1/products?q=" + "x" * 100_000, {400}),
        ("GET", "/api/v1/products?" + "&".join(f"f{n}=1" for n in range(20_000)), {400}),
        ("GET", "/products?q=" + "x" * 100_000, {422}),
        ("GET", "/" + "a" * 70_000, {404}),
        ("GET", "/api/v1/products/" + "9" * 5_000, {400, 404}),  # too long for int()
        ("GET", "/api/v1/backups/download?name=" + "a" * 100_000, {404, 400}),
    ]

    def attempt(case):
        method, target, allowed = case
        status, _, body = raw_request(live.url, method, target, headers=live.headers)
        if status not in allowed:
            return f"got {status} {body[:120]!r}"

    tried = check_all(cases, attempt)
    status, _, _ = raw_request(live.url, "GET", "/api/v1/me",
                               headers={**live.headers, "X-Long": "x" * 300_000})
    assert status == 431  # waitress: request header fields too large
    assert live.get("/api/v1/me").status_code == 200
    print(f"{tried + 1} very long requests")
