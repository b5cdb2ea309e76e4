"""Logging, set up once per process: plain text for people, JSON lines for log collectors.

Every record may carry a request id (``extra={"request_id": ...}``); waitress' own
loggers flow through the same handler, and its per-request "Task queue depth" warnings
are demoted to debug so a busy server does not flood its log.
"""

import datetime as dt
import json
import logging
import sys

# Fields a record may carry beyond the message, written by both formatters.
EXTRA_FIELDS = ("request_id", "method", "path", "status", "duration_ms", "user",
                "queries", "db_ms")


class TextFormatter(logging.Formatter):
    """2026-11-24T10:00:00Z INFO tinyapp.request [4f2a..] GET /api/v1/products 200 3.1ms"""

    def format(self, record: logging.LogRecord) -> str:
        stamp = dt.datetime.fromtimestamp(record.created, dt.UTC)
        request_id = getattr(record, "request_id", None)
        prefix = f"{stamp:%Y-%m-%dT%H:%M:%SZ} {record.levelname} {record.name}"
        if request_id:
            prefix += f" [{request_id}]"
        line = f"{prefix} {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
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
    queue = logging.getLogger("waitress.queue")
    if not any(isinstance(f, _DemoteQueueWarnings) for f in queue.filters):
        queue.addFilter(_DemoteQueueWarnings())
    # peewee logs every statement at DEBUG with its parameters: never let that through.
    logging.getLogger("peewee").setLevel(logging.INFO)
