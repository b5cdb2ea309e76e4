"""Logging: one line per request, text or JSON, and waitress' queue noise kept down."""

import io
import json
import logging

import webtest

from tinyapp.logs import configure_logging
from tinyapp.web.app import create_app


def capture(fmt: str, level: str = "info") -> io.StringIO:
    stream = io.StringIO()
    configure_logging(level, fmt, stream=stream)
    return stream


def test_json_request_lines_carry_id_method_path_status_and_duration(make_settings):
    stream = capture("json")
    client = webtest.TestApp(create_app(make_settings()))
    response = client.get("/readyz", status="*", headers={"X-Request-ID": "abc12345-test"})
    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["request_id"] == "abc12345-test" == response.headers["X-Request-ID"]
    assert (line["method"], line["path"], line["status"]) == ("GET", "/readyz",
                                                              response.status_int)
    assert line["duration_ms"] >= 0
    assert line["logger"] == "tinyapp.request"


def test_text_request_lines_are_readable(make_settings):
    stream = capture("text")
    webtest.TestApp(create_app(make_settings())).get("/nothing-here", status=404)
    line = stream.getvalue().splitlines()[-1]
    assert "INFO tinyapp.request [" in line
    assert "GET /nothing-here 404" in line


def test_an_unsafe_request_id_is_replaced(make_settings):
    capture("text")
    client = webtest.TestApp(create_app(make_settings()))
    response = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert response.headers["X-Request-ID"] != "<script>"


def test_waitress_queue_warnings_become_debug():
    stream = capture("text", level="info")
    logging.getLogger("waitress.queue").warning("Task queue depth is %d", 3)
    assert stream.getvalue() == ""
    stream = capture("text", level="debug")
    logging.getLogger("waitress.queue").warning("Task queue depth is %d", 3)
    assert "DEBUG waitress.queue Task queue depth is 3" in stream.getvalue()


def test_other_waitress_warnings_still_show():
    stream = capture("text")
    logging.getLogger("waitress").warning("client disconnected")
    assert "WARNING waitress client disconnected" in stream.getvalue()


def test_a_line_break_in_the_path_cannot_forge_a_log_line(make_settings):
    stream = capture("text")
    client = webtest.TestApp(create_app(make_settings()))
    forged = "/x%0A2026-01-01T00:00:00Z INFO tinyapp.request [feedbeef] GET /admin 200"
    client.get(forged + "%0D%1B[31m%E2%80%AE", status=404)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1, lines
    assert "/x\\n2026-01-01T00:00:00Z INFO" in lines[0]
    assert "\\r\\x1b[31m\\u202e 404" in lines[0]


def test_json_lines_stay_one_object_per_line_whatever_the_path(make_settings):
    stream = capture("json")
    webtest.TestApp(create_app(make_settings())).get("/x%0Ay%E2%80%AE", status=404)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["path"] == "/x\ny\u202e"
