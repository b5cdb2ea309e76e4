"""A crowd of sign-ins next to ordinary requests: does argon2 starve everyone else?

Starts `tinyapp serve` (SQLite, 8 threads, the real argon2 parameters), then measures
the latency of `GET /api/v1/products?limit=20` (bearer token) alone, and again while
64 clients sign in with the correct password as fast as they can. Done once with the
default bound on password hashes (LOGIN_SLOTS=2) and once with it out of the way
(LOGIN_SLOTS=64, as tinyapp 1.0 behaved). Prints p50/p95 and their ratio to the quiet
run, and how the sign-ins were answered.

    python tests/bench/bench_login.py [--seconds 10] [--clients 64]
"""

import argparse
import collections
import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import PYTHON, ROOT, clean_env, start_tinyapp, stop  # noqa: E402

EMAIL, PASSWORD = "crowd@example.org", "a long bench passphrase"


def request(base: str, method: str, path: str, body=None, headers=None):
    host, port = base.split("//")[1].rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    payload = json.dumps(body).encode() if body is not None else None
    connection.request(method, path, body=payload, headers={
        "Content-Type": "application/json", **(headers or {})})
    reply = connection.getresponse()
    data = reply.read()
    connection.close()
    return reply.status, data


def latencies(base: str, token: str, seconds: float) -> list[float]:
    found, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline or len(found) < 5:
        started = time.perf_counter()
        status, _ = request(base, "GET", "/api/v1/products?limit=20",
                            headers={"Authorization": f"Bearer {token}"})
        assert status == 200, status
        found.append(time.perf_counter() - started)
    return found


def run(slots: int, seconds: float, clients: int) -> dict:
    data = Path(tempfile.mkdtemp(prefix="bench-login-"))
    url = f"sqlite:///{data / 'tinyapp.db'}"
    subprocess.run([PYTHON, "-m", "tinyapp", "createuser", EMAIL, "--role", "staff",
                    "--password-stdin", "--data-dir", str(data), "--database-url", url],
                   input=PASSWORD + "\n", text=True, check=True, cwd=ROOT, env=clean_env(),
                   capture_output=True)
    server, base = start_tinyapp(url, data, extra=["--login-slots", str(slots),
                                                   "--log-level", "warning"])
    try:
        token = _token(base)  # for the measured requests, as a script would have
        quiet = latencies(base, token, seconds)
        stop_crowd, answers = threading.Event(), collections.Counter()

        def sign_in_forever():
            while not stop_crowd.is_set():
                answers[request(base, "POST", "/api/v1/auth/login",
                                {"email": EMAIL, "password": PASSWORD})[0]] += 1

        crowd = [threading.Thread(target=sign_in_forever) for _ in range(clients)]
        for thread in crowd:
            thread.start()
        time.sleep(1)  # let the crowd fill the server's queue before measuring
        busy = latencies(base, token, seconds)
        stop_crowd.set()
        for thread in crowd:
            thread.join()
    finally:
        stop(server)
    return {"quiet": quiet, "busy": busy, "answers": dict(answers)}


def _token(base: str) -> str:
    """Sign in over HTTP and create an API token with the session's CSRF token."""
    host, port = base.split("//")[1].rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    connection.request("POST", "/api/v1/auth/login", body=json.dumps(
        {"email": EMAIL, "password": PASSWORD}), headers={"Content-Type": "application/json"})
    reply = connection.getresponse()
    csrf = json.loads(reply.read())["csrf_token"]
    cookie = reply.getheader("Set-Cookie").split(";")[0]
    connection.request("POST", "/api/v1/tokens", body=json.dumps({"name": "bench"}),
                       headers={"Content-Type": "application/json", "Cookie": cookie,
                                "X-CSRF-Token": csrf})
    secret = json.loads(connection.getresponse().read())["token"]
    connection.close()
    return secret


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100)[int(share * 100) - 1] * 1000


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10, help="per phase (default 10)")
    parser.add_argument("--clients", type=int, default=64, help="signing in (default 64)")
    parser.add_argument("--slots", type=int, nargs="+", default=[2, 64],
                        help="LOGIN_SLOTS values to compare (default 2 64)")
    args = parser.parse_args(argv)
    for slots in args.slots:
        result = run(slots, args.seconds, args.clients)
        quiet50, quiet95 = percentile(result["quiet"], .5), percentile(result["quiet"], .95)
        busy50, busy95 = percentile(result["busy"], .5), percentile(result["busy"], .95)
        print(f"LOGIN_SLOTS={slots}: GET p50 {quiet50:.1f} -> {busy50:.1f} ms "
              f"({busy50 / quiet50:.1f}x), p95 {quiet95:.1f} -> {busy95:.1f} ms "
              f"({busy95 / quiet95:.1f}x), {len(result['busy'])} GETs; "
              f"sign-ins answered {result['answers']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
