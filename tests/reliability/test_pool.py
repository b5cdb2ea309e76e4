"""Connection exhaustion: more slow requests at once than the pool has connections.

A test-only route holds its connection in a real server-side sleep (PostgreSQL
``pg_sleep``, MariaDB ``SLEEP``). With POOL_MAX_CONNECTIONS=2, two of eight
concurrent requests get a connection; the other six wait POOL_TIMEOUT, then answer 503.
Afterwards no connection is left checked out, and the app serves normally.
"""

import threading
import time

import pytest
import requests

from tests.reliability.conftest import serve_in_thread
from tinyapp import db
from tinyapp.security.permissions import PUBLIC

pytestmark = pytest.mark.slow

POOL_TIMEOUT = 2
HOLD_SECONDS = 4
SLEEP_SQL = {"postgresql": "SELECT pg_sleep(%s)", "mysql": "SELECT SLEEP(%s)"}


@pytest.mark.parametrize("engine", ["postgresql", "mysql"], indirect=True)
def test_requests_beyond_the_pool_wait_pool_timeout_then_get_503(engine, database,
                                                                  make_settings, migrated_url):
    settings = make_settings(DATABASE_URL=migrated_url, POOL_MAX_CONNECTIONS=2,
                             POOL_TIMEOUT=POOL_TIMEOUT)

    def hold_a_connection():
        db.database.execute_sql(SLEEP_SQL[engine], (HOLD_SECONDS,))
        return {"slept": HOLD_SECONDS}

    answers: list[tuple[int, float, str]] = []
    with serve_in_thread(settings, threads=10) as (url, app):
        app.bottle.route("/api/v1/test-sleep", "GET", hold_a_connection, permission=PUBLIC)
        app.bottle.reset()  # the route was added after start-up: rebuild the router

        def call():
            started = time.monotonic()
            reply = requests.get(f"{url}/api/v1/test-sleep", timeout=30)
            answers.append((reply.status_code, time.monotonic() - started,
                            reply.headers.get("Content-Type", "")))

        callers = [threading.Thread(target=call) for _ in range(8)]
        for caller in callers:
            caller.start()
        for caller in callers:
            caller.join(timeout=60)
        after = requests.get(f"{url}/readyz", timeout=30)
        status = app.database.pool_status()

    served = [seconds for code, seconds, _ in answers if code == 200]
    refused = [seconds for code, seconds, kind in answers
               if code == 503 and kind == "application/problem+json"]
    assert len(served) == 2 and len(refused) == 6, answers
    assert all(HOLD_SECONDS - 0.2 < s < HOLD_SECONDS + 2 for s in served), served
    assert all(POOL_TIMEOUT - 0.2 < s < POOL_TIMEOUT + 1.5 for s in refused), refused
    assert after.status_code == 200  # the pool works again
    assert status["in_use"] == 0 and status["idle"] <= 2, status
    print(f"{engine}: 2 served in {max(served):.2f} s, 6 refused after "
          f"{min(refused):.2f}-{max(refused):.2f} s, pool afterwards {status}")
