"""Structured logs: one JSON object a line, never a token, a password or a free-text answer."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid

from flask import Flask, g, request

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
            # The exception's type and where it happened; not its message, which may hold data.
            exc_type = record.exc_info[0].__name__ if record.exc_info[0] else "Exception"
            entry["exception"] = exc_type
            entry["traceback"] = self.formatException(record.exc_info).splitlines()[-3:-1]
        return json.dumps(entry, ensure_ascii=False)


REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def trusted_request_id(app: Flask) -> str | None:
    """The X-Request-Id our own reverse proxy set (PROXY_COUNT > 0), if it is a plain id; a
    client's is never taken, so nobody can write what they like into the logs."""
    if not app.config.get("PROXY_COUNT"):
        return None
    given = request.headers.get("X-Request-Id", "")
    return given if REQUEST_ID.match(given) else None


def configure_logging(app: Flask) -> None:
    if app.testing:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("feedback")
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    root.propagate = False
    app.logger.handlers[:] = [handler]

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
