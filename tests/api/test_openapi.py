"""The OpenAPI document is valid and describes every API route."""

from openapi_spec_validator import validate

from tinyapp.web.api.openapi import _PATH_PARAM


def test_the_document_is_valid_openapi_3(client):
    spec = client.get("/api/openapi.json").json
    validate(spec)
    assert spec["openapi"].startswith("3.")


def test_every_api_route_is_documented(client, app):
    spec = client.get("/api/openapi.json").json
    documented = {(method.upper(), path) for path, ops in spec["paths"].items()
                  for method in ops}
    routes = {(r.method, _PATH_PARAM.sub(r"{\1}", r.rule)) for r in app.bottle.routes
              if r.rule.startswith("/api/v1/")}
    assert routes and routes <= documented
    assert documented <= routes


def test_the_docs_page_is_readable_html(client):
    page = client.get("/api/docs")
    assert page.content_type == "text/html"
    assert "POST /api/v1/orders/{order_id}/place" in page.text
    assert "<script" not in page.text
