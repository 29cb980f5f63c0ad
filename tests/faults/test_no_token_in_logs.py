"""No token in any log line: an exception on any route with something secret in its path
leaves the route's pattern in the log ("/i/<token>"), never the path."""

from __future__ import annotations

import io
import json
import logging
import secrets

from flask import request
from werkzeug.routing import AnyConverter, IntegerConverter

from feedback import create_app
from feedback.log import JsonFormatter, RedactPaths
from tests.conftest import test_config


def provoke(app) -> None:
    """Make every request to a route with variables fail before anything else runs."""

    def explode():
        if request.url_rule is not None and request.url_rule.arguments:
            raise RuntimeError("provoked for the test")

    app.before_request_funcs.setdefault(None, []).insert(0, explode)


def test_an_exception_on_any_route_with_a_secret_in_its_path_logs_none_of_them(database_url, capsys):
    app = create_app(test_config(database_url, TESTING=False, PROPAGATE_EXCEPTIONS=False,
                                 SLACK_BOT_TOKEN="xoxb-x", SLACK_SIGNING_SECRET="s"))
    provoke(app)
    client = app.test_client()
    adapter = app.url_map.bind("localhost")
    secret_paths: dict[str, str] = {}
    for rule in app.url_map.iter_rules():
        if not rule.arguments:
            continue
        values = {}
        for name in rule.arguments:
            converter = rule._converters[name]
            if isinstance(converter, IntegerConverter):
                values[name] = 7
            elif isinstance(converter, AnyConverter):
                values[name] = "csv"  # the export formats: csv or ods
            else:
                values[name] = "S3CRET" + secrets.token_urlsafe(24)
        path = adapter.build(rule.endpoint, values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method)
            assert response.status_code == 500, (method, path)
            secret_paths[f"{method} {rule.rule}"] = path
    assert {"GET /i/<token>", "POST /i/<token>", "GET /kiosk/enrol/<token>", "POST /kiosk/enrol/<token>"} \
        <= set(secret_paths)

    logged = capsys.readouterr().err
    assert "S3CRET" not in logged
    lines = [json.loads(line) for line in logged.splitlines() if line.startswith("{")]
    exceptions = [line for line in lines if line.get("event") == "exception"]
    assert len(exceptions) == len(secret_paths)
    assert {line["message"] for line in exceptions} >= {"Exception on /i/<token> [GET]",
                                                         "Exception on /kiosk/enrol/<token> [POST]"}
    assert all(line["exception"] == "RuntimeError" for line in exceptions)
    requests = [line for line in lines if line.get("event") == "request"]
    assert {line["route"] for line in requests} >= {"/i/<token>", "/kiosk/enrol/<token>"}
    for path in secret_paths.values():
        assert path not in logged


def test_an_exception_message_spanning_lines_stays_out_of_the_log_line():
    try:
        raise RuntimeError("(psycopg.OperationalError) lost\n[SQL: SELECT 1]\n[parameters: {'token': 'S3CRET'}]")
    except RuntimeError:
        record = logging.LogRecord("feedback", logging.ERROR, __file__, 1, "Exception on %s [%s]",
                                   ("/i/<token>", "GET"), exc_info=__import__("sys").exc_info())
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "Exception on /i/<token> [GET]" and line["exception"] == "RuntimeError"
    assert "S3CRET" not in json.dumps(line) and len(line["traceback"]) == 1


def server_log(app, logger_name: str, msg: str, *args) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    logger.addFilter(RedactPaths(app.url_map))
    try:
        logger.error(msg, *args)
    finally:
        logger.removeHandler(handler)
        logger.filters = [f for f in logger.filters if not isinstance(f, RedactPaths)]
    return stream.getvalue()


def test_the_web_servers_own_lines_name_the_route(app):
    token = "S3CRET" + secrets.token_urlsafe(32)
    # werkzeug's development server: the request line is written into the message.
    werkzeug = server_log(app, "werkzeug", f'127.0.0.1 - - [03/Dec/2026 14:00:00] "GET /i/{token}?lang=cy HTTP/1.1" 500 -')
    assert '"GET /i/<token> HTTP/1.1" 500' in werkzeug and token not in werkzeug
    # gunicorn: the URI is an argument; a path no rule matches has its long segments cut.
    gunicorn = server_log(app, "gunicorn.error", "Error handling request %s %s", "POST", f"/kiosk/enrol/{token}")
    assert gunicorn.strip() == "Error handling request POST /kiosk/enrol/<token>"
    unknown = server_log(app, "gunicorn.error", "Error handling request %s", f"/nowhere/{token}?t={token}")
    assert unknown.strip() == "Error handling request /nowhere/<redacted>"
