"""The query inspector: with SHOW_SQL on, admins see the SQL each request ran.

For learning and debugging: every page gets a panel listing its statements with their
times and the engine's plan (EXPLAIN), and every JSON object the API answers gets the
same list under ``"_sql"``. Never on by default, never for anyone but admins.
"""

import html
import json

from tinyapp.db import database
from tinyapp.explain import explain

MAX_STATEMENTS = 100


def wanted(environ) -> bool:
    """Show the SQL only to a signed-in admin."""
    identity = environ.get("tinyapp.identity")
    return identity is not None and identity.user.role == "admin"


def report(environ) -> list[dict]:
    """The request's statements with their times and, for SELECTs, their plans."""
    rows = []
    with database.connection_context():
        for query in environ["tinyapp.queries"].statements[:MAX_STATEMENTS]:
            plan = []
            if query.sql.lstrip().upper().startswith("SELECT"):
                try:
                    plan = explain(query.sql, query.params)
                except Exception as exc:  # noqa: BLE001 - a plan is a nicety, not a need
                    plan = [f"(no plan: {exc.__class__.__name__})"]
            rows.append({"sql": query.sql, "ms": round(query.ms, 2), "plan": plan})
    return rows


def annotate(environ, headers: list[tuple[str, str]], body) -> tuple[list[bytes], list]:
    """Add the SQL report to an HTML page or a JSON object; other bodies pass unchanged."""
    content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
    if not content_type.startswith(("text/html", "application/json")):
        return body, headers
    payload = b"".join(body)
    statements = report(environ)
    if content_type.startswith("text/html") and b"</body>" in payload:
        payload = payload.replace(b"</body>", _panel(statements).encode() + b"</body>", 1)
    elif content_type.startswith("application/json") and payload.startswith(b"{"):
        payload = json.dumps({**json.loads(payload), "_sql": statements}).encode()
    headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
    headers.append(("Content-Length", str(len(payload))))
    return [payload], headers


def _panel(statements: list[dict]) -> str:
    total = sum(s["ms"] for s in statements)
    items = "".join(
        f"<li><pre class=\"sql\">{html.escape(s['sql'])}</pre>"
        f"<p>{s['ms']:.2f} ms</p>"
        + (f"<pre class=\"plan\">{html.escape(chr(10).join(s['plan']))}</pre>"
           if s["plan"] else "") + "</li>" for s in statements)
    return (f'<link rel="stylesheet" href="/static/inspector.css">'
            f'<aside class="sql-inspector" aria-label="SQL run by this page">'
            f"<details><summary>SQL: {len(statements)} statements, {total:.1f} ms</summary>"
            f"<ol>{items}</ol></details></aside>")
