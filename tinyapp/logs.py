"""Logging, set up once per process: plain text for people, JSON lines for log collectors.

Every record may carry a request id (``extra={"request_id": ...}``); waitress' own
loggers flow through the same handler, and its per-request "Task queue depth" warnings
are demoted to debug so a busy server does not flood its log.

A log line holds text from the request (the path, the method): a ``%0A`` in a URL must
not start a fake line, nor an escape sequence recolour a terminal, nor a bidi control
reorder what an operator reads. The text format writes such characters escaped
(``\n``, ``\x1b``, ``\u202e``); JSON escapes them by itself.
"""

import datetime as dt
import json
import logging
import re
import sys
import time

# Fields a record may carry beyond the message, written by both formatters.
EXTRA_FIELDS = ("request_id", "method", "path", "status", "duration_ms", "user",
                "queries", "db_ms")


_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e"
                     r"\u2060-\u206f\ufeff\ufff9-\ufffb]")


def escape_controls(text: str) -> str:
    """Write control, line-breaking and bidi characters as escapes: one record, one line."""
    return _UNSAFE.sub(_escape, text)


def _escape(match: re.Match) -> str:
    char = match.group()
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char)
    if named:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class TextFormatter(logging.Formatter):
    """2026-11-24T10:00:00Z INFO tinyapp.request [4f2a..] GET /api/v1/products 200 3.1ms"""

    def format(self, record: logging.LogRecord) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created))
        request_id = getattr(record, "request_id", None)
        prefix = f"{stamp} {record.levelname} {record.name}"
        if request_id:
            prefix += f" [{request_id}]"
        line = f"{prefix} {escape_controls(record.getMessage())}"
        if record.exc_info:  # indented, so that no line of it looks like a record
            trace = self.formatException(record.exc_info).splitlines()
            line += "".join(f"\n    {escape_controls(part)}" for part in trace)
        return line


class JSONFormatter(logging.Formatter):
    """One JSON object per line, with the extra request fields as keys."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = dt.datetime.fromtimestamp(record.created, dt.UTC)
        entry = {"time": stamp.isoformat(timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name,
                 "message": record.getMessage()}
        for name in EXTRA_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class _DemoteQueueWarnings(logging.Filter):
    """Demote waitress' "Task queue depth is N": it comes per queued request and means load."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


def configure_logging(level: str = "info", fmt: str = "text", stream=None) -> None:
    """Send every logger (tinyapp's, peewee's, waitress') to one handler on stderr."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JSONFormatter() if fmt == "json" else TextFormatter())
    numeric = getattr(logging, level.upper())
    handler.setLevel(numeric)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(numeric)
    # A record is one line per request: skip what no line shows (the logging HOWTO's
    # "Optimization"): the caller's file and line (a walk up the stack), the thread's
    # and the process' names.
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    queue = logging.getLogger("waitress.queue")
    if not any(isinstance(f, _DemoteQueueWarnings) for f in queue.filters):
        queue.addFilter(_DemoteQueueWarnings())
    # peewee logs every statement at DEBUG with its parameters: never let that through.
    logging.getLogger("peewee").setLevel(logging.INFO)
    # tinyapp says itself which migrations it applied ("applied migration 0004_…").
    logging.getLogger("peewee.migrations").setLevel(logging.WARNING)
