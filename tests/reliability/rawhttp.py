"""Raw HTTP for the hostile-input tests: exact request lines, a cookie session, verdicts."""

import http.client
import socket
from urllib.parse import urlsplit

import requests

from tests.conftest import PASSWORD

PROBLEM = "application/problem+json"
LIMIT = 2_000_000  # MAX_BODY_BYTES by default


def raw_request(url: str, method: str, target: str, body: bytes = b"",
                headers: dict | None = None, timeout: float = 30) -> tuple[int, str, bytes]:
    """Send exactly this request line (no normalising of the path); return status, type, body."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.putrequest(method, target, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        if "Content-Length" not in (headers or {}) and (body or method != "GET"):
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body or None)
        reply = connection.getresponse()
        return reply.status, reply.getheader("Content-Type", ""), reply.read()
    finally:
        connection.close()


def raw_bytes(url: str, request: bytes) -> bytes:
    """Send raw bytes (even ones http.client refuses to) and return the status line."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(request)
        return sock.recv(4096).split(b"\r\n", 1)[0]


def signed_in_browser(live) -> tuple[requests.Session, str]:
    """A cookie session as the admin, and its CSRF token (for the HTML forms)."""
    session = requests.Session()
    reply = session.post(f"{live.url}/api/v1/auth/login",
                         json={"email": live.admin.email, "password": PASSWORD}, timeout=30)
    assert reply.status_code == 200, reply.text
    return session, reply.json()["csrf_token"]


def check_all(cases, attempt) -> int:
    """Run attempt(case) for every case; fail listing each case whose problem it returned."""
    problems = [f"{case!r:.120}: {problem}" for case in cases if (problem := attempt(case))]
    assert problems == [], "\n".join(problems)
    return len(cases)


def expect(reply: requests.Response, *statuses: int, problem: bool = True) -> str | None:
    """Describe what is wrong with a reply (None when it is one of the statuses)."""
    if reply.status_code not in statuses:
        return f"got {reply.status_code} {reply.text[:150]!r}, expected {statuses}"
    if problem and reply.headers.get("Content-Type") != PROBLEM:
        return f"got content type {reply.headers.get('Content-Type')}"
    return None
