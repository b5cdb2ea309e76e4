"""The OpenAPI 3 document (/api/openapi.json) and a readable page of it (/api/docs).

Generated from the Endpoint declarations and their marshmallow schemas, the same
objects that validate requests, so the document cannot drift from the behaviour.
"""

import re
from functools import lru_cache

import bottle
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import INCLUDE, Schema, fields

from tinyapp import __version__
from tinyapp.db import MAX_ID
from tinyapp.security.permissions import PUBLIC
from tinyapp.web.api.endpoint import Endpoint
from tinyapp.web.errors import TITLES
from tinyapp.web.render import render

_PATH_PARAM = re.compile(r"<(\w+)(?::int)?>")


class ProblemSchema(Schema):
    class Meta:
        # RFC 9457 extension members: e.g. "field" (409 duplicate), "current_version"
        # (409 stale edit), "retry_after" (429), "database" (503 from /readyz).
        unknown = INCLUDE

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Dict(metadata={"description": "Invalid fields and what is wrong with "
                                                  "each (422)."})
    request_id = fields.String()


def _field_rules(converter, field, ret: dict, **kwargs) -> dict:
    """Add what a tinyapp field enforces beyond its type (``openapi()`` in schemas/fields.py)."""
    rules = field.openapi() if hasattr(field, "openapi") else {}
    if "type" in rules and rules["type"] is None:  # e.g. money: a string or a whole number
        rules = {k: v for k, v in rules.items() if k != "type"}
        ret.pop("type", None)
    return rules


def _page_schema(item: type[Schema]) -> type[Schema]:
    name = item.__name__.removesuffix("Schema") + "PageSchema"
    return type(name, (Schema,), {
        "items": fields.List(fields.Nested(item)),
        "next_cursor": fields.String(allow_none=True, metadata={
            "description": "Pass as ?cursor= for the next page; null on the last page."}),
        **getattr(item, "page_extras", {}),
    })


def build_spec(endpoints: list[Endpoint]) -> dict:
    """Describe every endpoint as an OpenAPI 3.0 document."""
    plugin = MarshmallowPlugin()
    spec = APISpec(title="tinyapp API", version=__version__, openapi_version="3.0.3",
                   plugins=[plugin], info={"description": (
                       "Inventory and orders. Authenticate with a bearer token (create one "
                       "at POST /api/v1/tokens) or the session cookie from POST "
                       "/api/v1/auth/login plus the X-CSRF-Token header on changes. Errors "
                       "are application/problem+json (RFC 9457). Money is a decimal string "
                       "with two places.")})
    plugin.converter.add_attribute_function(_field_rules)
    spec.components.schema("Problem", schema=ProblemSchema)
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme("cookieAuth", {"type": "apiKey", "in": "cookie",
                                                   "name": "tinyapp_session"})
    pages: dict[type, type] = {}
    paths: dict[str, dict] = {}
    for endpoint in endpoints:
        path = _PATH_PARAM.sub(r"{\1}", endpoint.path)
        paths.setdefault(path, {})[endpoint.method.lower()] = _operation(endpoint, pages)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def _operation(endpoint: Endpoint, pages: dict) -> dict:
    operation = {"summary": endpoint.summary, "operationId": endpoint.handler.__name__,
                 "tags": [endpoint.path.split("/")[3].split("?")[0]],
                 "parameters": [{"in": "path", "name": name, "required": True,
                                 "schema": {"type": "integer", "minimum": 1,
                                            "maximum": MAX_ID}}
                                for name in _PATH_PARAM.findall(endpoint.path)],
                 "responses": {}}
    if endpoint.query is not None:
        operation["parameters"].append({"in": "query", "schema": endpoint.query})
    if endpoint.consumes != "application/json":
        body = {"type": "string"}
        if endpoint.body_pattern:
            body["pattern"] = endpoint.body_pattern
        operation["requestBody"] = {"required": True, "content": {
            endpoint.consumes: {"schema": body}}}
    elif endpoint.body is not None:
        schema = endpoint.body
        if endpoint.patch:
            schema = schema(partial=[n for n in schema._declared_fields if n != "version"])
        operation["requestBody"] = {"required": True, "content": {
            endpoint.consumes: {"schema": schema}}}
    operation["responses"][str(endpoint.status)] = _success(endpoint, pages)
    for status in _error_statuses(endpoint):
        operation["responses"][str(status)] = {
            "description": TITLES[status],
            "content": {"application/problem+json": {"schema": "Problem"}}}
    if endpoint.permission != PUBLIC:
        operation["security"] = [{"bearerAuth": []}, {"cookieAuth": []}]
    return operation


def _success(endpoint: Endpoint, pages: dict) -> dict:
    if endpoint.status == 204:
        return {"description": "Done; no content."}
    if endpoint.produces != "application/json":
        return {"description": "OK", "content": {endpoint.produces: {
            "schema": {"type": "string"}}}}
    schema = endpoint.response
    if schema is None:
        return {"description": "OK", "content": {"application/json": {
            "schema": {"type": "object"}}}}
    if endpoint.many:
        schema = pages.setdefault(schema, _page_schema(schema))
    return {"description": "OK", "content": {"application/json": {"schema": schema}}}


def _error_statuses(endpoint: Endpoint) -> list[int]:
    statuses = {400, 503, *endpoint.errors}
    if endpoint.query is not None and "cursor" in endpoint.query._declared_fields:
        statuses.add(409)  # the cursor's row is gone
    if endpoint.permission != PUBLIC:
        statuses |= {401, 403}
    reads_body = endpoint.body is not None or endpoint.consumes != "application/json"
    if endpoint.query is not None or reads_body:
        statuses.add(422)
    if reads_body:
        statuses |= {413, 415}
    return sorted(statuses)


def install(app: bottle.Bottle, endpoints: list[Endpoint]) -> None:
    @lru_cache(maxsize=1)
    def document() -> dict:
        return build_spec(endpoints)

    def openapi_json():
        """The OpenAPI 3 document of this API."""
        return document()

    def api_docs():
        """A readable page of the API, generated from the OpenAPI document."""
        return render("api_docs.tpl", spec=document(), title="API reference")

    app.route("/api/openapi.json", "GET", openapi_json, permission=PUBLIC)
    app.route("/api/docs", "GET", api_docs, permission=PUBLIC)
