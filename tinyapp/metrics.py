"""/metrics in Prometheus' text format: requests, latency, database pool, cache, backups.

Each app has its own registry (no global state between app instances). Request figures
are recorded by the middleware after every request; the pool, cache and backup figures
are read at scrape time, so /metrics costs nothing between scrapes.
"""

import bottle
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from tinyapp import cache, db

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


class Metrics:
    def __init__(self, settings):
        self.registry = CollectorRegistry()
        self.requests = Histogram(
            "tinyapp_request_duration_seconds", "Time to answer a request, by route.",
            ["method", "route", "status"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.queries = Counter("tinyapp_db_queries", "SQL statements run for requests.",
                               ["route"], registry=self.registry)
        self.registry.register(_ReadAtScrape(settings))

    def observe(self, environ, status: int, seconds: float, queries) -> None:
        """Record one finished request (called by the middleware)."""
        route = environ.get("bottle.route")  # set by Bottle once a route matched the URL
        # The route's pattern, not the URL: one series per endpoint, however many ids.
        template = route.rule if route is not None else "(unmatched)"
        method = environ.get("REQUEST_METHOD", "GET")
        self.requests.labels(method, template, str(status)).observe(seconds)
        if queries.count:
            self.queries.labels(template).inc(queries.count)

    def install(self, app: bottle.Bottle) -> None:
        def metrics():
            """Prometheus metrics (text exposition format)."""
            bottle.response.content_type = CONTENT_TYPE
            return generate_latest(self.registry)

        # Admins, a token with the "metrics" scope, or an address in METRICS_ALLOW.
        app.route("/metrics", "GET", metrics, permission="metrics:read")


class _ReadAtScrape:
    """Figures that are read when Prometheus asks, not counted as they happen."""

    def __init__(self, settings):
        self.settings = settings

    def collect(self):
        pool = db.current().pool_status()
        connections = GaugeMetricFamily("tinyapp_db_pool_connections",
                                        "Database connections in the pool, by state.",
                                        labels=["state"])
        connections.add_metric(["in_use"], pool["in_use"])
        connections.add_metric(["idle"], pool["idle"])
        yield connections
        yield GaugeMetricFamily("tinyapp_db_pool_max_connections",
                                "Most connections the pool opens.", value=pool["max"])
        lookups = CounterMetricFamily("tinyapp_cache_lookups", "Cache lookups, by result.",
                                      labels=["result"])
        stats = cache.current().stats
        lookups.add_metric(["hit"], stats.hits)
        lookups.add_metric(["miss"], stats.misses)
        yield lookups
        age = _last_backup_age(self.settings)
        if age is not None:
            yield GaugeMetricFamily("tinyapp_last_backup_age_seconds",
                                    "Seconds since the newest backup was made.", value=age)


def _last_backup_age(settings) -> float | None:
    from tinyapp import backup  # at scrape time: the backup package is not needed to start

    return backup.last_backup_age_seconds(settings)
