"""Soak: mixed reads and writes against `tinyapp serve` on SQLite, with the server's
memory (RSS) and open file descriptors sampled from /proc while it runs.

No request may fail, and after a warm-up neither may grow beyond a stated bound.
CI runs it for 75 s; TINYAPP_SOAK_SECONDS=600 is the full ten-minute run (same test).
"""

import os
import random
import statistics
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.reliability.conftest import OrderClient, ServerProcess
from tinyapp.cache import MemoryCache

pytestmark = pytest.mark.slow

SECONDS = int(os.environ.get("TINYAPP_SOAK_SECONDS", "75"))
CLIENTS = 4
# Bounds on growth from the second quarter of the run (warmed up) to the last one: the
# list cache holds up to 32 MB of answers by design (cache.MemoryCache), and SQLite's
# page cache, per pooled connection, grows with the database file (up to 16 MB).
RSS_BOUND_MB = 40
FD_BOUND = 6
READS = ["/api/v1/products?limit=20", "/api/v1/products?q={word}", "/api/v1/products/{product}",
         "/api/v1/products/{product}/movements", "/api/v1/customers?limit=50",
         "/api/v1/orders?limit=20", "/api/v1/orders?status=placed", "/api/v1/search?q={word}",
         "/api/v1/reports/sales", "/api/v1/reports/top-products",
         "/api/v1/reports/low-stock", "/api/v1/me", "/readyz"]
WORDS = ["crash", "1", "2", "bulk", "x", "cr-00", "nothing"]


def _sample(pid: int) -> tuple[float, int]:
    """The process's resident memory in MB and its number of open file descriptors."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss_kb = int(next(line for line in status.splitlines()
                      if line.startswith("VmRSS:")).split()[1])
    return rss_kb / 1024, len(os.listdir(f"/proc/{pid}/fd"))


class Reader:
    """Reads pages of the API at random; counts answers and anything that is not 200."""

    def __init__(self, token, product_ids):
        self.headers = {"Authorization": f"Bearer {token}"}
        self.product_ids = product_ids
        self.count = 0
        self.errors: list[str] = []

    def run(self, url: str, stop: threading.Event, seed: int) -> None:
        rng, session = random.Random(seed), requests.Session()
        while not stop.is_set():
            path = rng.choice(READS).format(word=rng.choice(WORDS) + str(rng.randint(0, 99)),
                                            product=rng.choice(self.product_ids))
            reply = session.get(url + path, headers=self.headers, timeout=30)
            self.count += 1
            if reply.status_code != 200:
                self.errors.append(f"{path}: {reply.status_code} {reply.text[:120]}")


def test_mixed_load_runs_without_errors_or_growth(sqlite_shop):
    settings, path, token, product_ids, customer_id = sqlite_shop
    server = ServerProcess(settings.DATA_DIR, f"sqlite:///{path}", "--threads", "4",
                           "--log-level", "warning")
    writer = OrderClient(token, product_ids, customer_id)
    reader = Reader(token, product_ids)
    stop, samples = threading.Event(), []
    try:
        workers = [threading.Thread(target=reader.run, args=(server.url, stop, n))
                   for n in range(CLIENTS - 1)]
        workers.append(threading.Thread(target=writer.run, args=(server.url, stop, 7)))
        for worker in workers:
            worker.start()
        started = time.monotonic()
        while time.monotonic() - started < SECONDS and not (reader.errors or writer.unexpected):
            samples.append(_sample(server.pid))
            stop.wait(min(2.0, SECONDS / 40))  # the sampling period, not synchronisation
        stop.set()
        for worker in workers:
            worker.join(timeout=60)
        samples.append(_sample(server.pid))
    finally:
        stop.set()
        server.stop()

    assert reader.errors == [] and writer.unexpected == [] and writer.unavailable == []
    quarter = max(len(samples) // 4, 1)
    warm, last = samples[quarter:2 * quarter], samples[-quarter:]
    rss_growth = statistics.median(r for r, _ in last) - statistics.median(r for r, _ in warm)
    fd_growth = max(f for _, f in last) - max(f for _, f in warm)
    requests_made = reader.count + writer.acknowledged
    print(f"soak {SECONDS} s: {requests_made} requests ({reader.count} reads, "
          f"{writer.acknowledged} acknowledged writes), 0 errors; RSS {samples[0][0]:.1f} -> "
          f"{samples[quarter][0]:.1f} (warm) -> {samples[-1][0]:.1f} MB, growth after warm-up "
          f"{rss_growth:+.1f} MB; open fds {samples[0][1]} -> {samples[-1][1]} "
          f"(max {max(f for _, f in samples)}); database {path.stat().st_size / 1e6:.1f} MB")
    page_cache = 4 * min(path.stat().st_size / 1e6, 16)  # 4 connections, MB
    assert rss_growth <= RSS_BOUND_MB + page_cache, rss_growth
    assert fd_growth <= FD_BOUND, samples
    assert requests_made > SECONDS * 20  # the load really ran


def test_the_list_cache_is_bounded_in_bytes_not_only_in_entries():
    memory = MemoryCache(max_entries=10_000, max_bytes=50_000)
    for number in range(1_000):
        memory.set(f"page-{number}", "x" * 1_000, ttl=60)
    assert len(memory) == 50  # 50 answers of 1,000 bytes; the oldest went first
    assert memory.get("page-999") is not None and memory.get("page-0") is None
