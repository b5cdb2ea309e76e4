"""The read-path baseline: GET /api/v1/products written directly on sqlite3, no framework.

It does the work tinyapp does for that request (the bearer token looked up in the
database on every request: live, of scope "all", its user active; keyset pages after
``cursor``, a product id; the same query and the same JSON) and nothing else, served by
waitress with tinyapp's settings.
Run: python baseline_read.py DATABASE_FILE PORT THREADS
"""

import datetime as dt
import hashlib
import json
import sqlite3
import sys
import threading
from urllib.parse import parse_qs

import waitress

DATABASE = sys.argv[1]
_local = threading.local()

TOKEN = """SELECT t.id FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.token_hash = ? AND t.scope = 'all' AND u.is_active = 1
  AND (t.expires_at IS NULL OR t.expires_at > ?)"""
QUERY = """SELECT p.id, p.sku, p.name, p.description, p.category_id, p.price, p.stock,
  p.reorder_level, p.is_active, p.version, p.created_at, p.updated_at, c.id, c.name, p.barcode
FROM products p LEFT JOIN categories c ON c.id = p.category_id
{after} ORDER BY p.name, p.id LIMIT ?"""
AFTER = "WHERE p.name > ? OR (p.name = ? AND p.id > ?)"


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
        return _answer(start_response, "404 Not Found", {"status": 404})
    secret = environ.get("HTTP_AUTHORIZATION", "").partition(" ")[2]
    db = connection()
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    found = db.execute(TOKEN, (hashlib.sha256(secret.encode()).hexdigest(), now)).fetchone()
    if found is None:
        return _answer(start_response, "401 Unauthorized", {"status": 401})
    query = parse_qs(environ.get("QUERY_STRING", ""))
    limit = int(query.get("limit", ["50"])[0])
    if "cursor" in query:
        last_id = int(query["cursor"][0])
        last = db.execute("SELECT name FROM products WHERE id = ?", (last_id,)).fetchone()
        if last is None:
            return _answer(start_response, "409 Conflict", {"status": 409})
        rows = db.execute(QUERY.format(after=AFTER),
                          (last[0], last[0], last_id, limit + 1)).fetchall()
    else:
        rows = db.execute(QUERY.format(after=""), (limit + 1,)).fetchall()
    items = [{"id": r[0], "sku": r[1], "name": r[2], "barcode": r[14], "description": r[3],
              "category_id": r[4], "category": {"id": r[12], "name": r[13]} if r[12] else None,
              "price": f"{r[5] // 100}.{r[5] % 100:02d}", "stock": r[6],
              "reorder_level": r[7], "is_active": bool(r[8]), "version": r[9],
              "created_at": iso(r[10]), "updated_at": iso(r[11])} for r in rows[:limit]]
    cursor = str(items[-1]["id"]) if len(rows) > limit else None
    return _answer(start_response, "200 OK", {"items": items, "next_cursor": cursor})


def _answer(start_response, status: str, data: dict) -> list[bytes]:
    body = json.dumps(data).encode()
    content_type = "application/json" if status.startswith("200") else "application/problem+json"
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]

if __name__ == "__main__":
    server = waitress.create_server(app, host="127.0.0.1", port=int(sys.argv[2]),
                                    threads=int(sys.argv[3]), ident="baseline",
                                    channel_timeout=60, connection_limit=1000,
                                    clear_untrusted_proxy_headers=False)
    print(f"serving http://127.0.0.1:{server.effective_port}/", flush=True)
    server.run()
