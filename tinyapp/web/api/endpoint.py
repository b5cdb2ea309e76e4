"""How an API route is declared, and the one wrapper that validates its input and output.

An ``Endpoint`` names the method, path, handler and permission, plus the schemas of
its query string, body and response. The wrapper loads the query and body through
those schemas before the handler runs (so handlers receive clean values) and dumps
what the handler returns; ``openapi.py`` documents the API from the same declarations.
"""

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import bottle
from marshmallow import Schema

from tinyapp import cache
from tinyapp.pagination import Page
from tinyapp.schemas.common import InvalidQuery, load_body, load_patch, load_query
from tinyapp.schemas.dumpers import ObjectDumper, RowDumper
from tinyapp.web.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # a Bottle rule, e.g. /api/v1/products/<product_id:int>
    handler: Callable
    permission: str
    query: type[Schema] | None = None
    body: type[Schema] | None = None
    patch: bool = False      # body is a PATCH: fields optional, "version" required
    response: type[Schema] | None = None
    many: bool = False       # answers a page: {"items": [response...], "next_cursor"}
    status: int = 200
    errors: tuple[int, ...] = ()  # statuses worth documenting beyond 400/401/403/422
    produces: str = "application/json"
    consumes: str = "application/json"
    body_pattern: str | None = None  # what the document says of a body that is not JSON
    cached_reads: tuple[str, ...] = ()  # cache the answer until one of these tables is written
    rows: bool = False  # the handler returns plain rows (dicts): tinyapp/schemas/dumpers.py

    @property
    def summary(self) -> str:
        return (self.handler.__doc__ or "").strip().splitlines()[0]


def register(app: bottle.Bottle, endpoints: list[Endpoint]) -> None:
    """Add each endpoint to the app behind the input/output wrapper."""
    for endpoint in endpoints:
        app.route(endpoint.path, endpoint.method, _wrap(endpoint),
                  permission=endpoint.permission, endpoint=endpoint)


def _wrap(endpoint: Endpoint) -> Callable:
    def call(**url_args):
        if endpoint.cached_reads and bottle.request.app.config["tinyapp.settings"].CACHE_LISTS:
            return _cached_answer(endpoint, url_args)
        return _answer(endpoint, url_args)

    call.__name__ = endpoint.handler.__name__
    return call


def _cached_answer(endpoint: Endpoint, url_args: dict):
    """Answer from the cache when the same list was asked for since its data last changed.

    The answer is the same for everyone allowed to read it (the guard checked that
    already), so the key is just the path and its query string.
    """
    params = {"path": bottle.request.path, "query": sorted(query_args().items())}
    text = cache.cached("answer", params, lambda: json.dumps(_answer(endpoint, url_args)),
                        reads=endpoint.cached_reads, ttl=60)  # kept as JSON: ready to send
    bottle.response.status = endpoint.status
    bottle.response.content_type = "application/json"
    return text


def _answer(endpoint: Endpoint, url_args: dict):
    """Load the query and body through their schemas, call the handler, dump its result."""
    kwargs = dict(url_args)
    if endpoint.query is not None:
        kwargs["query"] = load_query(endpoint.query, query_args())
    if endpoint.body is not None and endpoint.consumes == "application/json":
        data = read_json()
        if endpoint.patch:
            kwargs["body"], kwargs["version"] = load_patch(endpoint.body, data)
        else:
            kwargs["body"] = load_body(endpoint.body, data)
    return _respond(endpoint, endpoint.handler(**kwargs))


def _respond(endpoint: Endpoint, result):
    if isinstance(result, bottle.HTTPResponse):
        return result
    if result is None:
        bottle.response.status = 204
        return ""
    bottle.response.status = endpoint.status
    dumper = endpoint.response and _dumper(endpoint.response, endpoint.rows)
    if isinstance(result, Page):
        items = dumper.dump_many(result.items) if dumper else result.items
        return {"items": items, "next_cursor": result.next_cursor, **result.extra}
    return dumper.dump(result) if dumper else result


@functools.cache
def _dumper(schema_class: type[Schema], rows: bool) -> ObjectDumper | RowDumper:
    """The response schema's dumper (tinyapp/schemas/dumpers.py), made on first use:
    plain rows are dumped by column, objects (and dicts) as the schema dumps them."""
    return RowDumper(schema_class()) if rows else ObjectDumper(schema_class())


# -- reading the request --

def query_args() -> dict[str, str]:
    """The query string as a dict of text; bytes that are not UTF-8 are a 400.

    A parameter given twice is a 400 too: which of the two was meant is a guess.
    """
    args = {}
    for key in bottle.request.query.keys():
        value = bottle.request.query.getunicode(key)
        name = _utf8(key)
        if value is None or name is None:
            raise BadRequest("The query string is not valid UTF-8.")
        if len(bottle.request.query.getall(key)) > 1:
            raise InvalidQuery({name: ["Give this parameter once."]})
        args[name] = value
    return args


def _utf8(latin1: str) -> str | None:
    try:
        return latin1.encode("latin1").decode("utf8")
    except UnicodeError:
        return None


def read_body(content_types: tuple[str, ...]) -> bytes:
    """Read the raw body, refusing other content types (415) and big bodies (413)."""
    content_type = (bottle.request.content_type or "").split(";")[0].strip().lower()
    if content_type not in content_types:
        raise UnsupportedMediaType(
            f"Send the body as {' or '.join(content_types)} (got {content_type or 'none'}).")
    limit = bottle.request.app.config["tinyapp.settings"].MAX_BODY_BYTES
    if (bottle.request.content_length or 0) > limit:
        raise PayloadTooLarge(f"The body may be at most {limit} bytes.")
    body = bottle.request.body.read(limit + 1)
    if len(body) > limit:
        raise PayloadTooLarge(f"The body may be at most {limit} bytes.")
    return body


def read_json() -> dict:
    """Read the body as a JSON object, with a 400 that says what is wrong otherwise."""
    raw = read_body(("application/json",))
    try:
        text = raw.decode("utf-8")
        # Decimal, not float: 1e-400 would silently become 0.0, and money must be exact.
        data = json.loads(text, parse_constant=_no_constants, parse_float=Decimal,
                          object_pairs_hook=_keys_once)
    except UnicodeDecodeError:
        raise BadRequest("The body is not valid UTF-8.") from None
    except RecursionError:
        raise BadRequest("The JSON is nested too deeply.") from None
    except ValueError as exc:
        raise BadRequest(f"The body is not valid JSON: {_short(exc)}") from None
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object ({...}).")
    # UTF-8 cannot carry half a pair: only a \u escape can, so without one, no need to look.
    if "\\u" in text and _holds_lone_surrogate(data):
        raise BadRequest("The body is not valid text: a \\uD800-\\uDFFF escape "
                         "without its pair.")
    return data


_SURROGATE = re.compile("[\ud800-\udfff]")


def _holds_lone_surrogate(data) -> bool:
    """Find a string with half a UTF-16 pair ("\\ud800"): JSON allows it, no database does."""
    pending = [data]
    while pending:  # a loop, not recursion: the JSON may be nested deeply
        value = pending.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return True
        elif isinstance(value, dict):
            pending.extend(value)
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


def _no_constants(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _keys_once(pairs: list[tuple[str, object]]) -> dict:
    """Build a JSON object, refusing a key given twice.

    JSON leaves open which of the two counts (Python takes the last, others the
    first), so a proxy or a log could read another body than the one tinyapp saves.
    """
    data = dict(pairs)
    if len(data) < len(pairs):
        keys = [key for key, _ in pairs]
        repeated = next(key for key in keys if keys.count(key) > 1)
        raise ValueError(f"the key {json.dumps(repeated)} is given twice in one object")
    return data


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:120]
