"""Structured logs: one JSON object a line, never a token, a password or a free-text answer."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import traceback
import uuid

from flask import Flask, g, has_request_context, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map

SAFE_FIELDS = ("event", "method", "route", "endpoint", "status", "duration_ms", "request_id", "level", "logger", "time")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            # The exception's type and where it happened; not its message, which may hold data
            # (a multi-line message, such as SQLAlchemy's with its parameters, included).
            exc_type = record.exc_info[0].__name__ if record.exc_info[0] else "Exception"
            entry["exception"] = exc_type
            frames = traceback.extract_tb(record.exc_info[2])[-1:] if record.exc_info[2] else []
            entry["traceback"] = [f'File "{f.filename}", line {f.lineno}, in {f.name}' for f in frames]
        return json.dumps(entry, ensure_ascii=False)


# --- Paths in logs: the route's pattern, never a token ----------------------------------------

LONG_SEGMENT = re.compile(r"/[A-Za-z0-9_\-.~%]{20,}")
REQUEST_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<target>\S+) (?P<version>HTTP/[\d.]+)"')


def redact_path(target: str, url_map: Map | None = None, method: str = "GET") -> str:
    """Say which page a request was for without what its path carries: the matched rule
    ("/i/<token>"), or, where none matches, the path with long segments and the query cut."""
    path = target.split("?", 1)[0].split("#", 1)[0]
    if url_map is not None:
        try:
            rule, _ = url_map.bind("localhost").match(path, method=method, return_rule=True)
            return rule.rule
        except HTTPException:  # no such page, or not with this method: fall back below
            pass
        except Exception:  # a request line too odd to match: redact it as text
            pass
    return LONG_SEGMENT.sub("/<redacted>", path)


def request_route() -> str:
    """The route of the request being handled, for a log line."""
    if not has_request_context():
        return "(no request)"
    if request.url_rule is not None:
        return request.url_rule.rule
    return redact_path(request.path)


class RedactPaths(logging.Filter):
    """Rewrite request paths in log records of the web servers themselves: werkzeug's request
    lines ("GET /i/abc… HTTP/1.1") and gunicorn's "Error handling request /i/abc…"."""

    def __init__(self, url_map: Map | None = None):
        super().__init__()
        self.url_map = url_map

    def _line(self, text: str) -> str:
        return REQUEST_LINE.sub(
            lambda m: f'"{m["method"]} {redact_path(m["target"], self.url_map, m["method"])} {m["version"]}"',
            text)

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            if record.args and "request %s" in record.msg:  # gunicorn: the URI is an argument
                args = record.args if isinstance(record.args, tuple) else (record.args,)
                record.args = tuple(redact_path(a, self.url_map) if isinstance(a, str) and a.startswith("/")
                                    else a for a in args)
            else:
                record.msg = self._line(record.msg)
                if isinstance(record.args, tuple):
                    record.args = tuple(self._line(a) if isinstance(a, str) else a for a in record.args)
        return True


def log_exceptions_by_route(app: Flask) -> None:
    """Log an unhandled exception with the route ("/i/<token>"), not Flask's request.path."""

    def log_exception(exc_info) -> None:
        app.logger.error(
            "Exception on %s [%s]", request_route(), request.method if has_request_context() else "-",
            exc_info=exc_info,
            extra={"fields": {"event": "exception", "route": request_route(),
                              "request_id": g.get("request_id") if has_request_context() else None}},
        )

    app.log_exception = log_exception  # type: ignore[method-assign]


REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def trusted_request_id(app: Flask) -> str | None:
    """The X-Request-Id our own reverse proxy set (PROXY_COUNT > 0), if it is a plain id; a
    client's is never taken, so nobody can write what they like into the logs."""
    if not app.config.get("PROXY_COUNT"):
        return None
    given = request.headers.get("X-Request-Id", "")
    return given if REQUEST_ID.match(given) else None


def configure_logging(app: Flask) -> None:
    log_exceptions_by_route(app)
    if app.testing:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("feedback")
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    root.propagate = False
    app.logger.handlers[:] = [handler]
    # The development server's own request lines (`flask run`, `make run`).
    werkzeug = logging.getLogger("werkzeug")
    werkzeug.filters[:] = [f for f in werkzeug.filters if not isinstance(f, RedactPaths)]
    werkzeug.addFilter(RedactPaths(app.url_map))

    @app.before_request
    def _start_timer():
        g.request_started = time.perf_counter()
        g.request_id = trusted_request_id(app) or uuid.uuid4().hex

    @app.after_request
    def _log_request(response):
        started = g.get("request_started")
        # The route pattern ("/i/<token>"), never the path: paths can carry tokens.
        route = request.url_rule.rule if request.url_rule is not None else "(no route)"
        logging.getLogger("feedback.requests").info(
            "request",
            extra={"fields": {
                "event": "request",
                "method": request.method,
                "route": route,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
                "request_id": g.get("request_id"),
            }},
        )
        response.headers.setdefault("X-Request-Id", g.get("request_id", ""))
        return response
