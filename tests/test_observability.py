"""What operators and students can see: metrics, Server-Timing, slow queries, the SQL."""

import io
import re

import webtest

from tinyapp import querylog
from tinyapp.logs import configure_logging
from tinyapp.web.app import create_app


def test_metrics_count_requests_by_route_template_and_status(api_as):
    api = api_as("admin")
    for product_id in (1, 2, 3):
        api.get(f"/api/v1/products/{product_id}", status=404)
    api.get("/api/v1/products")
    text = api.get("/metrics").text
    assert 'route="/api/v1/products/<product_id:int>",status="404"} 3.0' in text
    assert re.search(r'tinyapp_request_duration_seconds_bucket\{le="0.1",method="GET",'
                     r'route="/api/v1/products",status="200"\} 1.0', text)
    assert "tinyapp_db_pool_connections{state=\"in_use\"}" in text
    assert "tinyapp_cache_lookups_total{result=\"hit\"}" in text
    assert 'tinyapp_db_queries_total{route="/api/v1/products"}' in text


def test_unknown_urls_share_one_metrics_series(client, api_as):
    for n in range(5):
        client.get(f"/no/such/page/{n}", status=404)
    text = api_as("admin").get("/metrics").text
    assert 'route="(unmatched)",status="404"} 5.0' in text
    assert "/no/such/page" not in text


def test_probes_stay_cheap(client):
    health = client.get("/healthz")
    assert 'desc="0 queries"' in health.headers["Server-Timing"]
    ready = client.get("/readyz")
    queries = int(re.search(r'desc="(\d+) queries"', ready.headers["Server-Timing"]).group(1))
    assert queries <= 3


def test_server_timing_reports_database_time_and_query_count(api):
    timing = api.get("/api/v1/products").headers["Server-Timing"]
    assert re.fullmatch(r'db;dur=[\d.]+;desc="\d+ queries", app;dur=[\d.]+', timing)


def test_slow_queries_are_logged_with_sql_and_request_id_but_no_values(make_settings,
                                                                     migrated_url, database,
                                                                     make_user):
    stream = io.StringIO()
    configure_logging("info", "text", stream=stream)
    app = create_app(make_settings(DATABASE_URL=migrated_url, SLOW_QUERY_MS=0,
                                   LOG_LEVEL="info"))
    user = make_user("staff")
    client = webtest.TestApp(app)
    client.post_json("/api/v1/auth/login", {"email": user.email,
                                            "password": "correct horse battery staple"},
                     headers={"X-Request-ID": "slow-req-42"})
    lines = [line for line in stream.getvalue().splitlines() if "slow query" in line]
    assert any("[slow-req-42]" in line and "FROM" in line for line in lines)
    assert all(user.email not in line for line in lines)  # values never reach the log
    recent = querylog.slow_queries()
    assert recent and recent[0].request_id == "slow-req-42"


def test_the_query_inspector_shows_admins_the_sql_and_plans(make_settings, migrated_url,
                                                            database, make_user):
    from tests.support.api import ApiClient
    from tinyapp import db
    from tinyapp.services import accounts

    app = create_app(make_settings(DATABASE_URL=migrated_url, SHOW_SQL="true"))
    clients = {}
    for role in ("admin", "staff"):
        with db.database.connection_context():
            _, secret = accounts.create_token(make_user(role), "inspect")
        clients[role] = ApiClient(webtest.TestApp(app), secret)
    shown = clients["admin"].get("/api/v1/products").json["_sql"]
    select = next(s for s in shown if "FROM \"products\"" in s["sql"]
                  or "FROM `products`" in s["sql"])
    assert select["ms"] >= 0 and select["plan"]
    assert "_sql" not in clients["staff"].get("/api/v1/products").json


def test_no_sql_is_shown_unless_show_sql_is_on(api_as):
    assert "_sql" not in api_as("admin").get("/api/v1/products").json


def test_the_system_page_lists_slow_queries_with_their_plan(make_settings, migrated_url,
                                                           database, make_user):
    from tests.conftest import PASSWORD

    app = create_app(make_settings(DATABASE_URL=migrated_url, SLOW_QUERY_MS=0))
    admin = make_user("admin")
    client = webtest.TestApp(app)
    form = client.get("/login").forms[0]
    form["email"], form["password"] = admin.email, PASSWORD
    form.submit(status=303)
    client.get("/api/v1/products")  # a SELECT on products, slow by the 0 ms threshold
    section = client.get("/system").html.select_one("#slow-queries")
    plans = [pre.text for pre in section.select("pre.plan")]
    assert any("products" in plan or "t1" in plan for plan in plans), section.text[:500]


def test_metrics_are_not_for_strangers(client, api_as):
    problem = client.get("/metrics", status=401).json
    assert problem["status"] == 401
    api_as("viewer").get("/metrics", status=403)
    api_as("staff").get("/metrics", status=403)
    assert "tinyapp_db_pool_connections" in api_as("admin").get("/metrics").text


def test_a_metrics_token_reads_metrics_and_nothing_else(api_as):
    admin = api_as("admin")
    created = admin.post("/api/v1/tokens", {"name": "prometheus", "scope": "metrics"},
                         status=201).json
    assert created["scope"] == "metrics"
    scraper = webtest.TestApp(admin.app.app)
    headers = {"Authorization": f"Bearer {created['token']}"}
    assert "tinyapp_request_duration_seconds" in scraper.get("/metrics", headers=headers).text
    scraper.get("/api/v1/products", headers=headers, status=403)
    scraper.get("/api/v1/me", headers=headers, status=403)


def test_only_admins_may_make_a_metrics_token(api_as):
    api_as("staff").post("/api/v1/tokens", {"name": "prometheus", "scope": "metrics"},
                         status=403)


def test_addresses_on_the_allow_list_read_metrics_without_a_token(database, make_settings,
                                                                   migrated_url):
    app = create_app(make_settings(DATABASE_URL=migrated_url,
                                   METRICS_ALLOW="10.0.0.0/8, 192.0.2.7"))
    for address, status in (("10.1.2.3", 200), ("192.0.2.7", 200), ("192.0.2.8", 401),
                            ("127.0.0.1", 401)):
        webtest.TestApp(app, extra_environ={"REMOTE_ADDR": address}).get("/metrics",
                                                                          status=status)


def test_a_write_counts_its_commit_with_its_time(database):
    """The COMMIT is where a write waits for the disk: a request's database time and
    the slow-query log must see it, on every engine."""
    from tinyapp.services import catalog

    with querylog.track(keep_statements=True) as log:
        catalog.create_category("Committed")

    commits = [query for query in log.statements if query.sql == "COMMIT"]
    assert len(commits) == 1 and commits[0].ms > 0
