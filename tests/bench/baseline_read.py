"""The read-path baseline: GET /api/v1/products written directly on sqlite3, no framework.

It does the work tinyapp does for that request (bearer token lookup, the same query,
the same JSON) and nothing else, served by waitress with tinyapp's settings.
Run: python baseline_read.py DATABASE_FILE PORT THREADS
"""

import base64
import hashlib
import json
import sqlite3
import sys
import threading
from urllib.parse import parse_qs

import waitress

DATABASE = sys.argv[1]
_local = threading.local()

QUERY = """SELECT p.id, p.sku, p.name, p.description, p.category_id, p.price, p.stock,
  p.reorder_level, p.is_active, p.version, p.created_at, p.updated_at, c.id, c.name
FROM products p LEFT JOIN categories c ON c.id = p.category_id
ORDER BY p.name, p.id LIMIT ?"""


def connection() -> sqlite3.Connection:
    if not hasattr(_local, "connection"):
        db = sqlite3.connect(DATABASE, isolation_level=None)
        for pragma in ("journal_mode=wal", "foreign_keys=1", "synchronous=full",
                       "cache_size=-16000", "temp_store=memory", "busy_timeout=10000"):
            db.execute("PRAGMA " + pragma)
        _local.connection = db
    return _local.connection


def iso(text: str) -> str:
    return text.replace(" ", "T") + "+00:00"


def app(environ, start_response):
    if environ["PATH_INFO"] != "/api/v1/products":
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [b'{"status": 404}']
    secret = environ.get("HTTP_AUTHORIZATION", "").partition(" ")[2]
    db = connection()
    found = db.execute(
        "SELECT t.id FROM api_tokens t JOIN users u ON u.id = t.user_id "
        "WHERE t.token_hash = ? AND u.is_active = 1",
        (hashlib.sha256(secret.encode()).hexdigest(),)).fetchone()
    if found is None:
        start_response("401 Unauthorized", [("Content-Type", "application/problem+json")])
        return [b'{"status": 401}']
    limit = int(parse_qs(environ.get("QUERY_STRING", "")).get("limit", ["50"])[0])
    rows = db.execute(QUERY, (limit + 1,)).fetchall()
    items = [{"id": r[0], "sku": r[1], "name": r[2], "description": r[3],
              "category_id": r[4], "category": {"id": r[12], "name": r[13]} if r[12] else None,
              "price": f"{r[5] // 100}.{r[5] % 100:02d}", "stock": r[6],
              "reorder_level": r[7], "is_active": bool(r[8]), "version": r[9],
              "created_at": iso(r[10]), "updated_at": iso(r[11])} for r in rows[:limit]]
    cursor = None
    if len(rows) > limit:
        last = items[-1]
        cursor = base64.urlsafe_b64encode(json.dumps([last["name"], last["id"]]).encode()
                                          ).decode().rstrip("=")
    body = json.dumps({"items": items, "next_cursor": cursor}).encode()
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(body)))])
    return [body]


if __name__ == "__main__":
    server = waitress.create_server(app, host="127.0.0.1", port=int(sys.argv[2]),
                                    threads=int(sys.argv[3]), ident="baseline",
                                    channel_timeout=60, connection_limit=1000,
                                    clear_untrusted_proxy_headers=False)
    print(f"serving http://127.0.0.1:{server.effective_port}/", flush=True)
    server.run()
