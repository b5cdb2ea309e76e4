"""Migrations on every engine: up, down, status, and a schema identical to the models'."""

import peewee
import pytest

from tests.support import databases
from tinyapp import db, migrations
from tinyapp.cli import main
from tinyapp.models import MODELS


@pytest.fixture(autouse=True)
def _scratch_bound(request):
    """The tests below look, through the models, at the database the commands changed."""
    if "scratch_url" in request.fixturenames:
        databases.use(request.getfixturevalue("scratch_url"))


def test_up_down_and_status_through_the_command_line(scratch_url, capsys, tmp_path):
    flags = ["--database-url", scratch_url, "--data-dir", str(tmp_path)]
    names = [m.name for m in migrations.Migration.load_directory(str(migrations.DIRECTORY))]
    assert names == ["0001_initial", "0002_list_indexes", "0003_sales_figures",
                     "0004_exact_text", "0005_ranges_and_token_scopes",
                     "0006_barcodes_and_substring_search", "0007_journal_and_outbox",
                     "0008_commit_receipts_and_figures_zone", "0009_order_search_entries_due",
                     "0010_one_index_for_order_lines"]

    assert main(["migrate", "status", *flags]) == 0
    out = capsys.readouterr().out
    assert all(f"[ ] {name}" in out for name in names)

    assert main(["migrate", "up", *flags]) == 0
    assert capsys.readouterr().out.splitlines() == [f"applied {name}" for name in names]
    assert main(["migrate", "status", *flags]) == 0
    out = capsys.readouterr().out
    assert all(f"[x] {name}" in out for name in names)
    assert main(["migrate", "up", *flags]) == 0
    assert "nothing to do" in capsys.readouterr().out

    assert main(["migrate", "down", *flags]) == 0
    assert capsys.readouterr().out.strip() == f"reverted {names[-1]}"
    with db.database.connection_context():
        assert migrations.pending() == names[-1:]
        assert ["order_id"] in [i.columns for i in db.database.get_indexes("order_lines")]

    assert main(["migrate", "down", "0009_order_search_entries_due", *flags]) == 0
    with db.database.connection_context():
        assert "order_search_entries_due" not in db.database.get_tables()
        assert "commit_receipts" in db.database.get_tables()

    assert main(["migrate", "down", "0006_barcodes_and_substring_search", *flags]) == 0
    with db.database.connection_context():
        assert "change_journal" not in db.database.get_tables()
        assert "audit_events" in db.database.get_tables()
        assert "search_documents" not in db.database.get_tables()
        assert "barcode" not in {c.name for c in db.database.get_columns("products")}

    assert main(["migrate", "down", "0003_sales_figures", *flags]) == 0
    with db.database.connection_context():
        assert "product_daily_sales" not in db.database.get_tables()
        assert "scope" not in {c.name for c in db.database.get_columns("api_tokens")}

    assert main(["migrate", "down", "0002_list_indexes", *flags]) == 0
    with db.database.connection_context():
        assert "needs_reorder" not in {c.name for c in db.database.get_columns("products")}
        assert {i.name for i in db.database.get_indexes("products")} >= {"products_name"}

    assert main(["migrate", "down", "0001_initial", *flags]) == 0
    with db.database.connection_context():
        assert migrations.pending() == names
        tables = set(db.database.get_tables())
    assert not tables & {m._meta.table_name for m in MODELS}


def test_the_reorder_flag_migration_fills_existing_rows(scratch_url, tmp_path):
    flags = ["--database-url", scratch_url, "--data-dir", str(tmp_path)]
    assert main(["migrate", "up", "0001_initial", *flags]) == 0
    with db.database.connection_context():
        db.database.execute_sql(
            "INSERT INTO products (sku, name, description, price, stock, reorder_level, "
            "is_active, version, created_at, updated_at) VALUES "
            "('LOW', 'Low', '', 100, 2, 5, %(t)s, 1, %(now)s, %(now)s), "
            "('OK', 'Ok', '', 100, 9, 5, %(t)s, 1, %(now)s, %(now)s)"
            .replace("%(t)s", "TRUE" if db.current_engine() != "sqlite" else "1")
            .replace("%(now)s", "'2026-01-01 00:00:00'"))
    assert main(["migrate", "up", *flags]) == 0
    with db.database.connection_context():
        rows = dict(db.database.execute_sql(
            "SELECT sku, needs_reorder FROM products ORDER BY sku").fetchall())
    assert {sku: bool(flag) for sku, flag in rows.items()} == {"LOW": True, "OK": False}


def test_an_unknown_target_fails_with_one_line(scratch_url, capsys, tmp_path):
    code = main(["migrate", "up", "9999_nope", "--database-url", scratch_url,
                 "--data-dir", str(tmp_path)])
    assert code == 1
    err = capsys.readouterr().err
    assert 'unknown migration "9999_nope"' in err
    assert "Traceback" not in err


def describe_schema(database: peewee.Database) -> dict:
    """Read the live schema: columns with types and nullability, indexes, foreign keys."""
    schema = {}
    for table in sorted(database.get_tables()):
        if table == "schema_migration":
            continue
        columns = sorted((c.name, c.data_type.lower(), c.null, c.primary_key)
                         for c in database.get_columns(table))
        indexes = sorted((tuple(i.columns), i.unique) for i in database.get_indexes(table))
        foreign_keys = sorted((f.column, f.dest_table, f.dest_column)
                              for f in database.get_foreign_keys(table))
        schema[table] = {"columns": columns, "indexes": indexes, "foreign_keys": foreign_keys}
    return schema


def check_constraints(database: peewee.Database, engine: str) -> list[str]:
    """List the CHECK constraints as the engine stores them, normalised for comparison."""
    if engine == "sqlite":
        rows = database.execute_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name != "
            "'schema_migration'").fetchall()
        return sorted(part.split(")")[0] for (sql,) in rows for part in sql.split("CHECK (")[1:])
    if engine == "postgresql":
        rows = database.execute_sql(
            "SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'c' AND connamespace = 'public'::regnamespace").fetchall()
    else:
        rows = database.execute_sql(
            "SELECT table_name, check_clause FROM information_schema.check_constraints "
            "WHERE constraint_schema = DATABASE()").fetchall()
    return sorted(f"{table}: {clause}" for table, clause in rows)


def test_the_migrated_schema_equals_the_models_schema(engine, scratch_url, migrated_url):
    from tinyapp.db import make_database

    from_models = make_database(scratch_url)
    with from_models.bind_ctx(MODELS):
        from_models.create_tables(MODELS)
    from_migrations = make_database(migrated_url)
    try:
        assert describe_schema(from_migrations) == describe_schema(from_models)
        assert check_constraints(from_migrations, engine) == check_constraints(from_models,
                                                                               engine)
        assert len(check_constraints(from_models, engine)) >= 6
    finally:
        from_models.close_all()
        from_migrations.close_all()


def test_no_index_repeats_the_start_of_another(migrated_url):
    """An index whose columns begin another index answers nothing that one cannot, and
    costs every write to its table: the migrated schema has none."""
    from tinyapp.db import make_database

    database = make_database(migrated_url)
    try:
        repeated = []
        for table in database.get_tables():
            indexes = [i for i in database.get_indexes(table)
                       if " WHERE " not in (i.sql or "").upper()]  # a partial index is its own
            repeated += [f"{table}: {short.name} {short.columns} begins {long.name} "
                         f"{long.columns}"
                         for short in indexes if not short.unique
                         for long in indexes if long is not short
                         and long.columns[:len(short.columns)] == short.columns
                         and (len(long.columns) > len(short.columns) or long.unique)]
        assert repeated == []
        assert any(i.columns == ["order_id", "product_id"]
                   for i in database.get_indexes("order_lines"))
    finally:
        database.close_all()


def _insert_product(stock: int) -> None:
    true = "TRUE" if db.current_engine() != "sqlite" else "1"
    db.database.execute_sql(
        "INSERT INTO products (sku, name, description, price, stock, reorder_level, "
        "is_active, version, created_at, updated_at, needs_reorder) VALUES "
        f"('BIG', 'Big', '', 100, {stock}, 5, {true}, 1, '2026-01-01 00:00:00', "
        f"'2026-01-01 00:00:00', {true})")


def test_the_range_migration_names_rows_that_already_break_a_range(scratch_url, tmp_path,
                                                                  capsys):
    flags = ["--database-url", scratch_url, "--data-dir", str(tmp_path)]
    assert main(["migrate", "up", "0003_sales_figures", *flags]) == 0
    with db.database.connection_context():
        _insert_product(2_000_000)  # what tinyapp 1.0 let repeated adjustments reach
    assert main(["migrate", "up", *flags]) == 1
    err = capsys.readouterr().err
    assert "products" in err and "stock <= 1000000" in err and "Traceback" not in err
    with db.database.connection_context():
        assert migrations.pending()[0] == "0005_ranges_and_token_scopes"
        db.database.execute_sql("UPDATE products SET stock = 1000000")
    assert main(["migrate", "up", *flags]) == 0


def test_the_range_migration_normalises_stored_emails(engine, scratch_url, tmp_path):
    flags = ["--database-url", scratch_url, "--data-dir", str(tmp_path)]
    assert main(["migrate", "up", "0003_sales_figures", *flags]) == 0
    emails = ["Kate@Example.ORG", "\uff4fps@example.org"]
    if engine != "mysql":  # MariaDB's collation (until 0004) holds these two as one
        emails.append("kate@example.org ")
    with db.database.connection_context():
        for email in emails:
            db.database.execute_sql(
                "INSERT INTO users (email, name, password_hash, role, is_active, "
                "preferences, created_at) VALUES (%s, 'x', 'h', 'staff', %s, '{}', "
                "'2026-01-01 00:00:00')".replace("%s", db.database.param),
                (email, True))
    assert main(["migrate", "up", *flags]) == 0
    with db.database.connection_context():
        emails = sorted(row[0] for row in db.database.execute_sql(
            "SELECT email FROM users").fetchall())
    # Kate's becomes kate@example.org; the one that would clash with it keeps its own.
    clash = ["kate@example.org "] if engine != "mysql" else []
    assert emails == ["kate@example.org", *clash, "ops@example.org"]


def test_the_search_migration_indexes_the_rows_that_exist(scratch_url, tmp_path):
    from tinyapp.models import Customer, Order, Product

    flags = ["--database-url", scratch_url, "--data-dir", str(tmp_path)]
    assert main(["migrate", "up", "0003_sales_figures", *flags]) == 0
    true = "TRUE" if db.current_engine() != "sqlite" else "1"
    with db.database.connection_context():
        db.database.execute_sql(
            "INSERT INTO products (sku, name, description, price, stock, reorder_level, "
            f"is_active, version, created_at, updated_at, needs_reorder) VALUES ('SD-1', "
            f"'Cordless Screwdriver', '', 100, 2, 5, {true}, 1, '2026-01-01 00:00:00', "
            f"'2026-01-01 00:00:00', {true})")
        db.database.execute_sql(
            "INSERT INTO customers (name, email, phone, address, notes, is_active, version, "
            f"created_at) VALUES ('Grete Müller', NULL, '', '', '', {true}, 1, "
            "'2026-01-01 00:00:00')")
        customer = db.database.execute_sql("SELECT id FROM customers").fetchone()[0]
        db.database.execute_sql(
            "INSERT INTO orders (number, customer_id, status, notes, total, created_at, "
            f"version) VALUES ('SO-000042', {customer}, 'draft', '', 0, "
            "'2026-01-01 00:00:00', 1)")
    assert main(["migrate", "up", *flags]) == 0
    with db.database.connection_context():
        assert [p.sku for p in Product.listing(search="driver")] == ["SD-1"]
        assert [c.name for c in Customer.listing(search="muller")] == ["Grete Müller"]
        assert [o.number for o in Order.listing(search="mull 042")] == ["SO-000042"]


def test_a_change_of_schema_empties_the_shared_cache(scratch_url, make_settings, redis_url):
    """Pages cached under the old schema lack what a new one adds, and Redis outlives
    the servers: after a migration, the next page is read from the database."""
    from tests.support.api import client_as, queries_of
    from tinyapp.web.app import create_app

    app = create_app(make_settings(DATABASE_URL=scratch_url, CACHE_URL=redis_url,
                                   MIGRATE_ON_START="false"))
    databases.use(app.database)
    with db.database.connection_context():
        migrations.upgrade()
    api = client_as(app, "admin")

    def queries_of_a_page() -> int:
        return queries_of(api.get("/api/v1/products?limit=20"))

    queries_of_a_page()
    assert queries_of_a_page() == 0  # from the cache
    with db.database.connection_context():
        reverted = migrations.downgrade()
    assert reverted and queries_of_a_page() > 0
    assert queries_of_a_page() == 0
    with db.database.connection_context():
        assert migrations.upgrade() == reverted
    assert queries_of_a_page() > 0
