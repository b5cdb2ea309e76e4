"""PostgreSQL and MySQL/MariaDB: dumps made by the engines' own tools, pg_dump and mysqldump.

Only making them: a dump is restored by reading it as data (dumpfile.py), never by
running it through psql or mysql, which would run whatever an edited dump says.

Each tool takes one consistent snapshot by itself (pg_dump: a repeatable-read
transaction; mysqldump --single-transaction: a consistent-snapshot transaction), so
tinyapp keeps serving writes meanwhile. The rows are counted as the dump streams past
on its way into the gzip file, so the manifest describes exactly the rows in the file.
Passwords reach the tools through PGPASSWORD or a private option file, never through
the command line, which any user can read with ``ps``.

The tools talk to the server themselves, past tinyapp's own limits on waiting
(tinyapp/engines.py), so they get their own: pg_dump CONNECT_SECONDS to connect,
and a tool that prints nothing for SILENT_SECONDS (connecting or dumping) is
stopped. A network that goes silent (a stalled line still acknowledges every
packet, so no TCP timeout fires) held a dump, and the backup lock with it, for as
long as it stayed silent: every later backup, scheduled or clicked, was "already
running".
"""

import contextlib
import gzip
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from playhouse import db_url

from tinyapp.backup.common import Dump, ProgressFactory, table_names
from tinyapp.backup.files import HashingWriter
from tinyapp.backup.manifest import BackupError
from tinyapp.db import engine_of

PAYLOAD = "dump.sql.gz"
FORMAT = {"postgresql": "pg_dump", "mysql": "mysqldump"}
DUMP_TOOLS = {"postgresql": ("pg_dump",), "mysql": ("mysqldump", "mariadb-dump")}
CONNECT_SECONDS = 10  # for pg_dump's connection to be answered (mysqldump has no such limit)
SILENT_SECONDS = 60  # a tool that prints nothing for this long is stopped, connecting or not


def dump_tool(engine: str) -> str | None:
    """Find pg_dump or mysqldump on the PATH (None: not installed)."""
    return next((path for name in DUMP_TOOLS.get(engine, ()) if (path := shutil.which(name))),
                None)


@contextlib.contextmanager
def _client(url: str, tool: str) -> Iterator[tuple[list[str], dict[str, str]]]:
    """Yield the start of a command line and the environment that connect a tool to url."""
    engine = engine_of(url)
    params = db_url.parse(url, unquote_password=True, unquote_user=True)
    params.setdefault("password", params.pop("passwd", None))  # MySQL URLs say passwd
    # The child inherits our environment (PATH, HOME for ~/.pgpass) plus the connection.
    env = dict(os.environ)
    if engine == "postgresql":
        names = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER",
                 "password": "PGPASSWORD", "database": "PGDATABASE", "sslmode": "PGSSLMODE"}
        env.update({var: str(params[key]) for key, var in names.items() if params.get(key)})
        env["PGCONNECT_TIMEOUT"] = str(CONNECT_SECONDS)
        yield [tool], env
        return
    lines = ["[client]"] + [f'{key}="{_escape(str(params[key]))}"'
                            for key in ("host", "port", "user", "password") if params.get(key)]
    with tempfile.NamedTemporaryFile("w", prefix="tinyapp-", suffix=".cnf") as options:
        options.write("\n".join(lines) + "\n")  # the file is private to us (mode 0600)
        options.flush()
        yield [tool, f"--defaults-extra-file={options.name}"], env


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def _database_name(url: str) -> str:
    return db_url.parse(url)["database"]


# -- backing up --

def dump(url: str, folder: Path, expected_rows: int, progress: ProgressFactory) -> Dump:
    """Run pg_dump or mysqldump into folder/dump.sql.gz, counting rows as they pass."""
    engine = engine_of(url)
    tool = dump_tool(engine)
    if tool is None:
        raise BackupError(f"{DUMP_TOOLS[engine][0]} is not installed")
    counter = CopyCounter() if engine == "postgresql" else InsertCounter()
    bar = progress("dumping rows", expected_rows)
    with _client(url, tool) as (command, env), tempfile.TemporaryFile() as errors, \
            open(folder / PAYLOAD, "wb") as raw:
        if engine == "postgresql":
            command += ["--format=plain", "--no-owner", "--no-privileges", "--encoding=UTF8"]
        else:
            command += ["--single-transaction", "--quick", "--skip-lock-tables",
                        "--complete-insert", "--no-tablespaces", "--default-character-set=utf8mb4",
                        "--skip-dump-date", "--hex-blob", _database_name(url)]
        out = HashingWriter(raw)
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, env=env)
        try:
            with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6, mtime=0) as packed, \
                    _SilenceWatch(process, SILENT_SECONDS) as watch:
                for line in process.stdout:
                    watch.heard()
                    bar.advance(counter.feed(line))
                    packed.write(line)
        except BaseException:  # e.g. a full disk: stop the tool too
            process.kill()
            raise
        finally:
            process.stdout.close()
            status = process.wait()
        if watch.silenced:
            raise BackupError(f"{Path(tool).name} printed nothing for {SILENT_SECONDS:g} s "
                              "(the database server or the network stopped answering), so "
                              "it was stopped; no backup was written")
        if status != 0:
            raise BackupError(f"{Path(tool).name} failed: {_first_error(errors)}")
    bar.finish()
    tables = {name: counter.rows.get(name, 0) for name in table_names()
              if name in counter.tables}
    return Dump(PAYLOAD, out.size, out.hash.hexdigest(), tables, None)


class _SilenceWatch:
    """Kills a process that has printed nothing for ``seconds`` (``heard`` each time it does)."""

    def __init__(self, process: subprocess.Popen, seconds: float):
        self.process, self.seconds = process, seconds
        self.silenced = False
        self._last = time.monotonic()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="tinyapp-dump-watch",
                                        daemon=True)

    def __enter__(self) -> "_SilenceWatch":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._done.set()
        self._thread.join()

    def heard(self) -> None:
        self._last = time.monotonic()

    def _watch(self) -> None:
        while not self._done.wait(min(1.0, self.seconds / 4)):
            if time.monotonic() - self._last > self.seconds:
                self.silenced = True
                self.process.kill()  # its output ends: the reading loop finishes
                return


class CopyCounter:
    """Count the rows in pg_dump's output: a line each, from 'COPY t (…) FROM stdin;' to '\\.'."""

    def __init__(self):
        self.rows: dict[str, int] = {}
        self.tables: set[str] = set()
        self.table: str | None = None

    def feed(self, line: bytes) -> int:
        if self.table is not None:
            if line == b"\\.\n":
                self.table = None
                return 0
            self.rows[self.table] += 1
            return 1
        if line.startswith(b"CREATE TABLE "):
            self.tables.add(_last_name(line.split(b" ")[2]))
        elif line.startswith(b"COPY "):
            self.table = _last_name(line.split(b" ")[1])
            self.rows.setdefault(self.table, 0)
        return 0


class InsertCounter:
    """Count the rows in mysqldump's output: the (…) tuples of each INSERT, strings removed.

    An INSERT may span lines (MariaDB puts each row on its own); it ends at the line
    whose last character outside strings is ';'. Strings never hold a raw line break.
    """

    STRING = re.compile(rb"'[^'\\]*(?:\\.[^'\\]*)*'", re.DOTALL)

    def __init__(self):
        self.rows: dict[str, int] = {}
        self.tables: set[str] = set()
        self.table: str | None = None

    def feed(self, line: bytes) -> int:
        if self.table is None:
            if line.startswith(b"CREATE TABLE `"):
                self.tables.add(_last_name(line.split(b" ")[2]))
            if not line.startswith(b"INSERT INTO `"):
                return 0
            self.table = _last_name(line.split(b" ")[2])
            line = line.split(b" VALUES", 1)[1]
        bare = self.STRING.sub(b"''", line)
        found = bare.count(b"(")
        self.rows[self.table] = self.rows.get(self.table, 0) + found
        if bare.rstrip().endswith(b";"):
            self.table = None
        return found


def _last_name(qualified: bytes) -> str:
    """'public.products' or '"order"' or '`users`' -> the bare table name."""
    return qualified.decode().split(".")[-1].strip('"`')


def _first_error(errors) -> str:
    errors.seek(0)
    lines = [line.strip() for line in errors.read().decode(errors="replace").splitlines()]
    wanted = [line for line in lines if "error" in line.lower()] or lines or ["no message"]
    return wanted[0][:300]
