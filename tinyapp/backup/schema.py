"""What tinyapp's migrations create, so that a backup holding anything else is refused.

A backup is a file someone hands tinyapp: it may have been edited. Restoring never runs
the backup's own schema (tables are always made by tinyapp's migrations, then only rows
are copied in), and every table, column, index, constraint, sequence, trigger, view or
function the backup declares is compared with what the migrations made: anything more
is refused by name, before a single row is restored.
"""

from dataclasses import dataclass, field

import peewee

from tinyapp.backup.manifest import BackupError

# Kinds of schema objects, as named in messages: "the backup holds a trigger promote_all".
KINDS = ("table", "column", "index", "constraint", "sequence", "trigger", "view",
         "function", "type", "extension", "schema", "event", "rule", "policy")


@dataclass
class Schema:
    """The schema objects of a database: its tables' columns, and every other object by kind."""

    columns: dict[str, set[str]] = field(default_factory=dict)        # table -> its columns
    objects: set[tuple[str, str]] = field(default_factory=set)        # (kind, name)

    def add_table(self, name: str, columns) -> None:
        self.columns[name] = set(columns)

    def without(self, other: "Schema") -> "Schema":
        """The objects of this schema that other does not have (what migrations just made)."""
        return Schema({table: columns for table, columns in self.columns.items()
                       if table not in other.columns}, self.objects - other.objects)

    def unexpected(self, kind: str, name: str, table: str | None = None) -> str | None:
        """Describe an object this schema lacks ("a trigger 'x'"), or None when it has it."""
        if kind == "table":
            known = name in self.columns
        elif kind == "column":
            known = name in self.columns.get(table, set())
        else:
            known = (kind, name) in self.objects
        return None if known else describe(kind, name, table)

    def refuse_extras(self, found: "Schema") -> None:
        """Raise BackupError naming every object of found that this schema does not have."""
        extras = [self.unexpected("table", table) for table in sorted(found.columns)]
        for table in sorted(set(found.columns) & set(self.columns)):
            extras += [self.unexpected("column", column, table)
                       for column in sorted(found.columns[table])]
        extras += [self.unexpected(kind, name) for kind, name in sorted(found.objects)]
        refuse([extra for extra in extras if extra])


def describe(kind: str, name: str, table: str | None = None) -> str:
    """Name an object for people: "a trigger 'promote'", "an index 'x' on table 'users'"."""
    where = f" on table '{table}'" if table and kind != "table" else ""
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} '{name}'{where}"


def refuse(extras: list[str]) -> None:
    """Raise the BackupError that names what a backup holds beyond tinyapp's schema."""
    if extras:
        shown = ", ".join(extras[:10]) + (f" and {len(extras) - 10} more" if len(extras) > 10
                                          else "")
        raise BackupError(f"the backup holds {shown}, which no backup made by tinyapp holds: "
                          "it was made elsewhere or has been altered; refused")


def of_database(db: peewee.Database) -> Schema:
    """Read every schema object of a database from its catalog (tinyapp's or a backup's)."""
    if isinstance(db, peewee.SqliteDatabase):
        return _of_sqlite(db)
    if isinstance(db, peewee.PostgresqlDatabase):
        return _of_postgresql(db)
    return _of_mysql(db)


def _of_sqlite(db) -> Schema:
    schema = Schema()
    for kind, name in db.execute_sql("SELECT type, name FROM sqlite_master").fetchall():
        if kind == "table":
            # table_xinfo also lists hidden and generated columns, which table_info hides
            columns = db.execute_sql(f'PRAGMA table_xinfo("{_sqlite_name(name)}")').fetchall()
            schema.add_table(name, [column[1] for column in columns])
            # generated columns (hidden 2, 3) compute values: a tampered backup's could lie
            schema.objects |= {("column", f"{name}.{c[1]}") for c in columns if c[6] > 1}
        else:
            schema.objects.add((kind, name))
    return schema


def _sqlite_name(name: str) -> str:
    return name.replace('"', '""')


def _rows(db, sql: str) -> list[tuple]:
    return db.execute_sql(sql).fetchall()


def _of_postgresql(db) -> Schema:
    schema = Schema()
    here = "current_schema()"
    for table, column in _rows(db, "SELECT c.relname, a.attname FROM pg_class c "
                               "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 "
                               "AND NOT a.attisdropped WHERE c.relkind IN ('r', 'p') AND "
                               f"c.relnamespace = {here}::regnamespace"):
        schema.columns.setdefault(table, set()).add(column)
    catalog = {
        "index": f"SELECT c.relname FROM pg_class c WHERE c.relkind = 'i' AND "
                 f"c.relnamespace = {here}::regnamespace",
        "sequence": f"SELECT relname FROM pg_class WHERE relkind = 'S' AND "
                    f"relnamespace = {here}::regnamespace",
        "view": f"SELECT relname FROM pg_class WHERE relkind IN ('v', 'm') AND "
                f"relnamespace = {here}::regnamespace",
        "constraint": f"SELECT conname FROM pg_constraint WHERE "
                      f"connamespace = {here}::regnamespace",
        "trigger": "SELECT tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                   f"WHERE NOT t.tgisinternal AND c.relnamespace = {here}::regnamespace",
        "function": f"SELECT proname FROM pg_proc WHERE pronamespace = {here}::regnamespace",
        "rule": f"SELECT rulename FROM pg_rules WHERE schemaname = {here}",
        "policy": f"SELECT policyname FROM pg_policies WHERE schemaname = {here}",
    }
    for kind, sql in catalog.items():
        schema.objects |= {(kind, name) for (name,) in _rows(db, sql)}
    return schema


def _of_mysql(db) -> Schema:
    schema = Schema()
    here = "TABLE_SCHEMA = DATABASE()"
    for table, column in _rows(db, "SELECT c.TABLE_NAME, c.COLUMN_NAME FROM "
                               "information_schema.COLUMNS c JOIN information_schema.TABLES t "
                               "ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = "
                               "c.TABLE_NAME WHERE t.TABLE_TYPE = 'BASE TABLE' AND "
                               "c.TABLE_SCHEMA = DATABASE()"):
        schema.columns.setdefault(table, set()).add(column)
    catalog = {
        "index": f"SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS WHERE {here}",
        "constraint": "SELECT CONSTRAINT_NAME FROM information_schema.TABLE_CONSTRAINTS "
                      "WHERE CONSTRAINT_SCHEMA = DATABASE()",
        "view": f"SELECT TABLE_NAME FROM information_schema.VIEWS WHERE {here}",
        "trigger": "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS "
                   "WHERE TRIGGER_SCHEMA = DATABASE()",
        "function": "SELECT ROUTINE_NAME FROM information_schema.ROUTINES "
                    "WHERE ROUTINE_SCHEMA = DATABASE()",
        "event": "SELECT EVENT_NAME FROM information_schema.EVENTS "
                 "WHERE EVENT_SCHEMA = DATABASE()",
    }
    for kind, sql in catalog.items():
        schema.objects |= {(kind, name) for (name,) in _rows(db, sql)}
    return schema
