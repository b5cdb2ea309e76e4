"""Ask the database how it will run a query (EXPLAIN), in each engine's own dialect.

Used by the query inspector (SHOW_SQL), the system page's slow-query list and the
test that fails when a list or report would read a whole large table.
"""

import re

from tinyapp.db import current_engine, database

_ALIAS = re.compile(r'["`](\w+)["`] AS ["`](\w+)["`]')


def explain(sql: str, params=None) -> list[str]:
    """Return the engine's plan for a SELECT as readable lines."""
    engine = current_engine()
    if engine == "sqlite":
        cursor = database.execute_sql("EXPLAIN QUERY PLAN " + sql, params)
        return [row[3] for row in cursor.fetchall()]
    cursor = database.execute_sql("EXPLAIN " + sql, params)
    if engine == "postgresql":
        return [row[0] for row in cursor.fetchall()]
    names = [column[0] for column in cursor.description]
    return [" ".join(f"{name}={value}" for name, value in zip(names, row, strict=True)
                     if value is not None and name in ("table", "type", "key", "rows", "Extra"))
            for row in cursor.fetchall()]


def full_scans(sql: str, plan: list[str], tables: set[str]) -> list[str]:
    """Name the tables among ``tables`` that the plan reads from the first row to the last.

    A bare SQLite "SCAN t1", PostgreSQL "Seq Scan on products" or MySQL type=ALL reads
    the whole table. Walking a whole index counts too ("SCAN t1 USING INDEX ...",
    MySQL type=index), unless the query has a LIMIT: then the walk follows the ORDER BY
    and stops after a page. SQLite shows a full-text lookup as "SCAN t VIRTUAL TABLE
    INDEX ...": that reads the full-text index, not the table.
    """
    aliases = {alias: table for table, alias in _ALIAS.findall(sql)}
    stops_early = " LIMIT " in sql.upper()
    engine = current_engine()
    scanned = set()
    for line in plan:
        words = line.split()
        if engine == "sqlite" and words[:1] == ["SCAN"] and "VIRTUAL" not in words:
            if "USING" not in words or not stops_early:
                scanned.add(words[1])
        elif engine == "postgresql" and "Seq Scan on " in line:
            scanned.add(line.split("Seq Scan on ")[1].split()[0])
        elif engine == "mysql" and ("type=ALL" in words
                                    or "type=index" in words and not stops_early):
            scanned.add(dict(w.split("=", 1) for w in words if "=" in w).get("table", ""))
    return sorted({aliases.get(name, name) for name in scanned} & tables)


def unseeked(sql: str, plan: list[str], tables: set[str]) -> list[str]:
    """Name the tables among ``tables`` that the plan reads without seeking an index to a key.

    Stricter than full_scans, for a page deep in a list: there a walk along the ORDER
    BY index that stops after a page (which full_scans allows, with a LIMIT) still
    reads every row before the cursor. A seek is SQLite's "SEARCH ... USING INDEX",
    an index scan with an "Index Cond" on PostgreSQL, MySQL's type=range/ref/eq_ref/const.
    """
    aliases = {alias: table for table, alias in _ALIAS.findall(sql)}
    engine = current_engine()
    walked = set()
    for number, line in enumerate(plan):
        words = line.split()
        if engine == "sqlite" and words[:1] == ["SCAN"] and "VIRTUAL" not in words:
            walked.add(words[1])
        elif engine == "postgresql" and (found := re.search(
                r"(Seq Scan|Index Scan|Index Only Scan)(?: Backward)?(?: using \S+)? on (\S+)",
                line)):
            details = _node_details(plan, number)
            if found.group(1) == "Seq Scan" or not any("Index Cond" in d for d in details):
                walked.add(found.group(2))
        elif engine == "mysql" and ("type=ALL" in words or "type=index" in words):
            walked.add(dict(w.split("=", 1) for w in words if "=" in w).get("table", ""))
    return sorted({aliases.get(name, name) for name in walked} & tables)


def _node_details(plan: list[str], number: int) -> list[str]:
    """The lines that describe PostgreSQL plan node ``number`` (up to the next node)."""
    details = []
    for line in plan[number + 1:]:
        if "->" in line:
            break
        details.append(line)
    return details
