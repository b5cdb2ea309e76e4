"""Read pg_dump and mysqldump files as data: never as SQL, never through psql or mysql.

A dump is a script. Fed to psql or mysql it runs whatever it says, client commands
included: ``\\! id > /tmp/x`` at the top of an edited dump starts a program as the user
who restores. So tinyapp reads its dumps itself. It takes only the rows (pg_dump's COPY
blocks, mysqldump's INSERT values); every other statement must be one the dump tools
write about tinyapp's own objects (SET, CREATE TABLE/INDEX/SEQUENCE, ADD CONSTRAINT,
LOCK TABLES...). A client command, a trigger, a function, a view, or a table, column,
index or constraint that tinyapp's migrations do not make refuses the whole backup, by
name. Nothing the dump says is ever executed: the rows go, as parameters, into tables
that tinyapp's migrations made.

The dump tools write one statement per line or group of lines ending in ``;`` (the
data of a COPY block is one row per line), which is all this reader relies on. A file
that does not look like that is refused, not guessed at.
"""

import gzip
import re
from collections.abc import Iterator
from pathlib import Path

from tinyapp.backup.common import TableRows, bounded_lines
from tinyapp.backup.manifest import BackupError
from tinyapp.backup.schema import Schema, describe, refuse


def tables_in(payload: Path, engine: str, expected: Schema) -> Iterator[TableRows]:
    """Read a dump's rows table by table; refuse it at the first statement that is not data."""
    read = _postgresql_tables if engine == "postgresql" else _mysql_tables
    try:
        with gzip.open(payload, "rt", encoding="utf-8", newline="\n") as handle:
            yield from read(_Lines(bounded_lines(handle)), expected)
    except (OSError, EOFError, UnicodeDecodeError, ValueError) as exc:
        raise BackupError(f"{payload.name} cannot be read: {exc}") from None


class _Lines:
    """The lines of a dump with their numbers, for messages such as 'line 3'."""

    def __init__(self, lines: Iterator[str]):
        self.lines = lines
        self.number = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.number += 1
        return line


def _statements(lines: _Lines, mysql: bool = False) -> Iterator[str]:
    """Group lines into statements; a line starting with a backslash is a client command.

    mysql's DELIMITER command (which dumps use around triggers) changes what ends a
    statement; it is followed here, so that the trigger is read and refused by name.
    """
    parts: list[str] = []
    delimiter = ";"
    for line in lines:
        text = line.rstrip("\n")
        stripped = text.strip()
        if stripped.startswith("--") or (mysql and stripped == _SANDBOX):
            continue
        if not parts:
            if not stripped:
                continue
            if mysql and stripped.upper().startswith("DELIMITER "):
                delimiter = stripped.split()[1]
                continue
            if stripped.startswith("\\"):
                yield stripped  # a client command: the caller decides
                continue
        parts.append(text)
        if text.rstrip().endswith(delimiter):
            yield "\n".join(parts)
            parts = []
    if parts:
        raise ValueError(f"the dump ends inside a statement (line {lines.number})")


def _head(statement: str) -> str:
    """The start of a statement in capitals with single spaces, for recognising it."""
    return " ".join(statement[:400].split()).upper()


def _elements(body: str) -> list[str]:
    """Split the inside of CREATE TABLE (...) at the commas that are not nested or quoted."""
    elements, depth, start, quote = [], 0, 0, None
    for index, char in enumerate(body):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"`":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            elements.append(body[start:index].strip())
            start = index + 1
    elements.append(body[start:].strip())
    return [element for element in elements if element]


def _table_body(statement: str) -> str:
    return statement[statement.index("(") + 1: statement.rindex(")")]


def _unexpected_statement(statement: str, where: str) -> str:
    """Describe a statement tinyapp's dumps never hold, naming the object it would make."""
    flat = " ".join(re.sub(r"/\*!?M?!?\d*|\*/", " ", statement[:400]).split())
    made = re.search(r"\b(TRIGGER|FUNCTION|PROCEDURE|VIEW|EVENT|RULE|POLICY|TYPE|EXTENSION|"
                     r"SCHEMA|DATABASE|USER|ROLE|SERVER|TABLE|INDEX)\s+(?:IF NOT EXISTS\s+)?"
                     r"([`\"\w.]+)", flat, re.IGNORECASE)
    if made:
        name = made.group(2).strip('`"')
        return f"{describe(made.group(1).lower(), name)} ({where})"
    return f"a statement tinyapp's dumps never hold, {flat[:60]!r} ({where})"


# -- pg_dump --

_PG_META = re.compile(r"\\(un)?restrict [A-Za-z0-9]+")  # pg_dump's own guard lines
# The extensions tinyapp's migrations use: plpgsql (PostgreSQL's own), pg_trgm (0006).
_PG_EXTENSIONS = ("PLPGSQL", "PG_TRGM")
_PG_ALLOWED = ("SET ", "SELECT PG_CATALOG.SET_CONFIG(", "SELECT PG_CATALOG.SETVAL(",
               *(f"CREATE EXTENSION IF NOT EXISTS {name} " for name in _PG_EXTENSIONS),
               *(f"COMMENT ON EXTENSION {name} " for name in _PG_EXTENSIONS))
_PG_NAME = r'(?:"[^"]+"|\w+)(?:\.(?:"[^"]+"|\w+))?'
_PG_COPY = re.compile(rf"COPY ({_PG_NAME}) \(([^)]*)\) FROM stdin;$")
# The statements pg_dump writes about objects; each must name tinyapp's own.
_PG_OBJECTS = [re.compile(pattern, re.IGNORECASE) for pattern in (
    rf"CREATE TABLE (?P<table>{_PG_NAME}) \(",
    rf"CREATE SEQUENCE (?P<sequence>{_PG_NAME})\b",
    rf"ALTER SEQUENCE (?P<sequence>{_PG_NAME}) OWNED BY ",
    rf"ALTER TABLE (?:ONLY )?(?P<table>{_PG_NAME}) ALTER COLUMN \S+ SET DEFAULT nextval\(",
    rf"ALTER TABLE (?:ONLY )?(?P<table>{_PG_NAME}) ADD CONSTRAINT (?P<constraint>{_PG_NAME}) ",
    rf"CREATE (?:UNIQUE )?INDEX (?P<index>{_PG_NAME}) ON (?:ONLY )?(?P<table>{_PG_NAME}) ",
)]


def _pg_name(qualified: str) -> str:
    """'public.products' or '"order"' -> the bare name; another schema stays in the name."""
    parts = [part if part.startswith('"') else part.lower() for part in qualified.split(".")]
    parts = [part.strip('"') for part in parts]
    return parts[-1] if len(parts) == 1 or parts[0] == "public" else ".".join(parts)


def _postgresql_tables(lines: _Lines, expected: Schema) -> Iterator[TableRows]:
    for statement in _statements(lines):
        where = f"line {lines.number}"
        if statement.startswith("\\"):
            if not _PG_META.fullmatch(statement):
                refuse([f"a psql command '{statement.split()[0]}' ({where})"])
            continue
        copy = _PG_COPY.match(statement.strip())
        if copy:
            columns = [_pg_name(column.strip()) for column in copy.group(2).split(",")]
            rows = _copy_rows(lines, len(columns))
            yield TableRows(_pg_name(copy.group(1)), columns, rows)
            for _ in rows:  # the rows the loader did not read
                pass
            continue
        if not _head(statement).startswith(_PG_ALLOWED):
            _check_pg_object(statement, where, expected)


def _check_pg_object(statement: str, where: str, expected: Schema) -> None:
    flat = " ".join(statement[:400].split())
    found = next((match for pattern in _PG_OBJECTS if (match := pattern.match(flat))), None)
    if found is None:
        refuse([_unexpected_statement(statement, where)])
    names = {kind: _pg_name(name) for kind, name in found.groupdict().items()}
    table = names.pop("table", None)
    problems = [expected.unexpected("table", table)] if table else []
    problems += [expected.unexpected(kind, name) for kind, name in names.items()]
    if flat.upper().startswith("CREATE TABLE"):
        problems += _pg_columns(statement, table, expected)
    refuse([f"{problem} ({where})" for problem in problems if problem])


def _pg_columns(statement: str, table: str, expected: Schema) -> list:
    problems = []
    for element in _elements(_table_body(statement)):
        first = element.split()[0]
        if first.upper() == "CONSTRAINT":
            problems.append(expected.unexpected("constraint", _pg_name(element.split()[1])))
        elif first.upper() not in ("PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "EXCLUDE"):
            problems.append(expected.unexpected("column", _pg_name(first), table))
    return problems


_COPY_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|(.))", re.DOTALL)
_COPY_CHARS = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def _unescape_copy(match: re.Match) -> str:
    octal, hexa, char = match.groups()
    if octal:
        return chr(int(octal, 8))
    if hexa:
        return chr(int(hexa, 16))
    return _COPY_CHARS.get(char, char)


def _copy_field(text: str) -> str | None:
    """One field of COPY's text format: \\N is NULL; backslash escapes as PostgreSQL reads them."""
    if text == "\\N":
        return None
    return _COPY_ESCAPE.sub(_unescape_copy, text) if "\\" in text else text


def _copy_rows(lines: _Lines, width: int) -> Iterator[list]:
    """The rows of a COPY block, up to its end marker '\\.'."""
    for line in lines:
        text = line[:-1] if line.endswith("\n") else line
        if text == "\\.":
            return
        fields = text.split("\t")
        if len(fields) != width:
            raise ValueError(f"line {lines.number} has {len(fields)} values for {width} columns")
        yield [_copy_field(field) for field in fields]
    raise ValueError("the dump ends inside a COPY block")


# -- mysqldump --

_SANDBOX = "/*M!999999\\- enable the sandbox mode */"  # MariaDB's own guard line
_MY_ALLOWED = ("SET ", "UNLOCK TABLES;")
_MY_NAME = r"`((?:[^`]|``)+)`"
_MY_OBJECT = [
    (re.compile(rf"DROP TABLE IF EXISTS {_MY_NAME};"), "table"),
    (re.compile(rf"CREATE TABLE {_MY_NAME} \("), "table"),
    (re.compile(rf"LOCK TABLES {_MY_NAME} WRITE;"), "table"),
    (re.compile(rf"ALTER TABLE {_MY_NAME} (?:DISABLE|ENABLE) KEYS ?;"), "table"),
]
_MY_INSERT = re.compile(rf"INSERT INTO {_MY_NAME}\s*(?:\(([^)]*)\))?\s*VALUES\s*", re.DOTALL)


def _mysql_tables(lines: _Lines, expected: Schema) -> Iterator[TableRows]:
    columns_of: dict[str, list[str]] = {}  # from CREATE TABLE: the order of INSERT values
    for statement in _statements(lines, mysql=True):
        where = f"line {lines.number}"
        if statement.startswith("\\"):
            refuse([f"a mysql client command '{statement.split()[0]}' ({where})"])
        insert = _MY_INSERT.match(statement)
        if insert:
            table = insert.group(1).replace("``", "`")
            listed = insert.group(2)
            columns = ([name.strip().strip("`") for name in listed.split(",")] if listed
                       else columns_of.get(table))
            if columns is None:
                refuse([expected.unexpected("table", table) or
                        f"rows for table '{table}' before its CREATE TABLE ({where})"])
            yield TableRows(table, columns, _insert_rows(statement, insert.end(), where))
            continue
        # mysqldump wraps version-dependent statements in /*!40101 ... */: read inside them
        bare = statement.strip()
        if bare.startswith("/*!") and bare.endswith("*/;"):
            bare = re.sub(r"^/\*!\d*\s*", "", bare[:-3]).strip() + ";"
        head = _head(bare)
        if head.startswith(_MY_ALLOWED):
            continue
        columns = _check_mysql_object(bare, head, where, expected)
        if columns is not None:
            columns_of[columns[0]] = columns[1]


def _check_mysql_object(statement: str, head: str, where: str, expected: Schema):
    """Refuse anything but tinyapp's tables; for a CREATE TABLE return (table, columns)."""
    for pattern, _kind in _MY_OBJECT:
        found = pattern.match(" ".join(statement.split()))
        if not found:
            continue
        table = found.group(1).replace("``", "`")
        refuse([f"{problem} ({where})" for problem in [expected.unexpected("table", table)]
                if problem])
        if not head.startswith("CREATE TABLE"):
            return None
        columns, problems = [], []
        for element in _elements(_table_body(statement)):
            words = element.split()
            if element.startswith("`"):
                columns.append(words[0].strip("`"))
                problems.append(expected.unexpected("column", columns[-1], table))
            elif words[0].upper() == "CONSTRAINT":
                problems.append(expected.unexpected("constraint", words[1].strip("`")))
            elif words[0].upper() in ("KEY", "INDEX", "UNIQUE", "FULLTEXT", "SPATIAL"):
                name = next((w for w in words if w.startswith("`")), "")
                problems.append(expected.unexpected("index", name.strip("`")))
        refuse([f"{problem} ({where})" for problem in problems if problem])
        return table, columns
    refuse([_unexpected_statement(statement, where)])
    return None


# One value of a mysqldump INSERT: a string, NULL, a number, or a hex blob.
_MY_VALUE = re.compile(r"""\s*(?:'((?:[^'\\]|\\.|'')*)'|(NULL)|(-?\d+)(?![\d.eE])|
                        (-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)|0x([0-9A-Fa-f]*))\s*""",
                       re.DOTALL | re.VERBOSE)
_MY_ESCAPES = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a"}
_MY_ESCAPE = re.compile(r"\\(.)|''", re.DOTALL)


def _mysql_string(text: str) -> str:
    return _MY_ESCAPE.sub(lambda m: "'" if m.group(1) is None else
                          _MY_ESCAPES.get(m.group(1), m.group(1)), text)


def _insert_rows(statement: str, position: int, where: str) -> Iterator[list]:
    """The value tuples of INSERT ... VALUES (…),(…); nothing but literals is accepted."""
    end = len(statement.rstrip())
    while True:
        if statement[position] != "(":
            raise ValueError(f"unexpected text in the values of an INSERT ({where})")
        position += 1
        row = []
        while True:
            value = _MY_VALUE.match(statement, position)
            if not value:
                raise ValueError(f"a value that is not a literal in an INSERT ({where})")
            text, null, integer, number, hexa = value.groups()
            row.append(_mysql_string(text) if text is not None else None if null
                       else int(integer) if integer else number if number is not None
                       else bytes.fromhex(hexa))
            position = value.end()
            if statement[position] == ",":
                position += 1
                continue
            if statement[position] != ")":
                raise ValueError(f"unexpected text in the values of an INSERT ({where})")
            break
        yield row
        position += 1
        while statement[position] in " \n\t":
            position += 1
        if statement[position] == ";" and position == end - 1:
            return
        if statement[position] != ",":
            raise ValueError(f"unexpected text after the values of an INSERT ({where})")
        position += 1
        while statement[position] in " \n\t":
            position += 1
