"""Bad requests get a clear problem+json answer naming what is wrong, never a 500."""

import pytest

PROBLEM = "application/problem+json"


def raw_post(api, path: str, body: bytes, content_type: str = "application/json",
             status: int = 400):
    response = api.app.post(path, body, headers={**api.headers, "Content-Type": content_type},
                            status=status, expect_errors=True)
    assert response.content_type == PROBLEM
    return response.json


@pytest.mark.parametrize("body, detail", [
    (b"{", "not valid JSON"),
    (b"", "not valid JSON"),
    (b"[1, 2]", "must be a JSON object"),
    (b'"text"', "must be a JSON object"),
    (b'{"name": NaN}', "not valid JSON"),
    (b"\xff\xfe{}", "not valid UTF-8"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
])
def test_malformed_json_is_400(api, body, detail):
    assert detail in raw_post(api, "/api/v1/categories", body)["detail"]


def test_a_huge_number_is_400_or_422_never_500(api):
    huge = b'{"sku": "A", "name": "A", "price": 1' + b"0" * 5000 + b"}"
    assert raw_post(api, "/api/v1/products", huge, status="*")["status"] in (400, 422)
    big = b'{"sku": "A", "name": "A", "price": "1", "stock": 1' + b"0" * 30 + b"}"
    assert "stock" in raw_post(api, "/api/v1/products", big, status=422)["errors"]


def test_wrong_content_type_is_415(api):
    problem = raw_post(api, "/api/v1/categories", b"name=Tools",
                       content_type="application/x-www-form-urlencoded", status=415)
    assert "application/json" in problem["detail"]


def test_a_body_over_the_limit_is_413(api):
    body = b'{"name": "' + b"x" * 2_100_000 + b'"}'
    raw_post(api, "/api/v1/categories", body, status=413)


def test_unknown_paths_and_methods(api):
    problem = api.get("/api/v1/nothing-here", status=404).json
    assert problem["title"] == "Not found"
    response = api.app.put("/api/v1/categories", headers=api.headers, status=405)
    assert response.content_type == PROBLEM
    assert "GET" in response.headers["Allow"]


def test_sql_injection_text_is_stored_and_returned_literally(api):
    name = "Robert'); DROP TABLE products;--"
    created = api.product("SQL-1", name=name)
    assert api.get(f"/api/v1/products/{created['id']}").json["name"] == name
    assert api.get("/api/v1/products", q="robert").json["items"][0]["name"] == name


def test_nul_bytes_are_refused_with_the_field_named(api):
    problem = api.post("/api/v1/customers", {"name": "a\x00b"}, status=422).json
    assert "name" in problem["errors"]


def test_invalid_utf8_in_the_query_string_is_400(api):
    response = api.app.get("/api/v1/products?q=%ff%fe", headers=api.headers, status=400)
    assert "UTF-8" in response.json["detail"]


def test_a_very_long_query_value_is_a_400_naming_it(api):
    assert "q" in api.get("/api/v1/products", status=400, q="x" * 5000).json["errors"]


def test_a_query_parameter_given_twice_is_a_400_naming_it(api):
    response = api.app.get("/api/v1/products?limit=5&limit=500", headers=api.headers,
                           status=400)
    assert response.json["errors"] == {"limit": ["Give this parameter once."]}


@pytest.mark.parametrize("body", [
    b'{"sku": "A-1", "sku": "A-2", "name": "Drill", "price": "9.00"}',
    b'{"customer_id": 1, "lines": [{"product_id": 1, "quantity": 1, "quantity": 900}]}',
], ids=["top level", "nested"])
def test_a_key_given_twice_in_a_body_is_a_400_naming_it(api, body):
    """Which of the two counts is up to each parser: a proxy that checked the first
    must not let the second through. So neither counts, and nothing is written."""
    path = "/api/v1/products" if b"sku" in body else "/api/v1/orders"
    detail = raw_post(api, path, body)["detail"]
    assert "given twice" in detail and ('"sku"' in detail or '"quantity"' in detail)
    assert api.get("/api/v1/products").json["items"] == []


def test_every_response_carries_the_security_headers(api):
    for response in (api.get("/api/v1/products"), api.get("/api/v1/nope", status=404),
                     api.app.get("/api/v1/products", status=401)):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["Referrer-Policy"] == "same-origin"
