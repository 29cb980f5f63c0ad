"""A local stand-in for the Slack Web API: records every call, answers as Slack does.

    with SlackRecorder() as slack:
        config.SLACK_API_URL = slack.api_url            # http://127.0.0.1:<port>/api/
        response_url = slack.response_url("cmd-1")      # where a command's answer goes
        ...
        [post] = slack.calls("chat.postMessage")

It listens on 127.0.0.1 on a port the system chooses (port 0), in a thread of its own, one
request a connection, and stops cleanly on exit. It answers auth.test, chat.postMessage,
chat.postEphemeral, users.info (locales set in `locales`), views.publish and response URLs,
and can answer the next call of a method with 429 and Retry-After, or with an error (a
response URL's 404 or 500 too).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

RESPONSE_PREFIX = "/response/"


@dataclass
class Call:
    method: str  # "chat.postMessage", ..., or "response_url"
    path: str
    headers: dict[str, str]
    body: Any
    status: int = 200
    ok: bool = True  # what Slack answered: a refusal is 200 with "ok": false

    @property
    def text(self) -> str:
        """Everything the call carried, as one string (non-ASCII as written)."""
        return json.dumps(self.body, ensure_ascii=False)

    @property
    def blocks(self) -> list[dict]:
        blocks = self.body.get("blocks") if isinstance(self.body, dict) else None
        if isinstance(blocks, str):  # form-encoded calls carry blocks as a JSON string
            blocks = json.loads(blocks)
        return blocks or []


@dataclass
class SlackRecorder:
    locales: dict[str, str] = field(default_factory=dict)
    log: list[tuple] = field(default_factory=list)  # ("call", method, status) and anything tests add

    def __post_init__(self) -> None:
        self.received: list[Call] = []
        self._lock = threading.Lock()
        self._scripted: dict[str, list[tuple[int, dict, dict]]] = {}
        self._ts = itertools.count(1)
        self._server: HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- Addresses and control ------------------------------------------------------------

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/"

    def response_url(self, name: str = "1") -> str:
        return self.base_url + RESPONSE_PREFIX + name

    def rate_limit_next(self, method: str, retry_after: int) -> None:
        """Answer the next call of `method` with 429 Too Many Requests and Retry-After."""
        with self._lock:
            self._scripted.setdefault(method, []).append(
                (429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)}))

    def fail_next(self, method: str, error: str = "channel_not_found", status: int = 200) -> None:
        """Answer the next call of `method` as Slack refuses: 200 with ok false, or `status`."""
        with self._lock:
            self._scripted.setdefault(method, []).append((status, {"ok": False, "error": error}, {}))

    def calls(self, method: str | None = None, ok_only: bool = True) -> list[Call]:
        with self._lock:
            found = list(self.received)
        return [c for c in found if (method is None or c.method == method) and (not ok_only or c.ok)]

    def all_text(self) -> str:
        """Every payload the service sent to Slack, concatenated."""
        return "\n".join(call.text for call in self.calls(ok_only=False))

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.calls(method)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"expected {count} {method} call(s), got {len(self.calls(method))}")

    # --- Answers ------------------------------------------------------------------------------

    def _answer(self, method: str, body: dict) -> dict:
        if method == "auth.test":
            return {"ok": True, "url": "https://inspectorate.slack.com/", "team": "Inspectorate",
                    "user": "feedback", "team_id": "T0TEAM", "user_id": "U0BOT", "bot_id": "B0BOT",
                    "is_enterprise_install": False}
        if method == "chat.postMessage":
            ts = f"1700000000.{next(self._ts):06d}"
            return {"ok": True, "channel": body.get("channel"), "ts": ts,
                    "message": {"type": "message", "text": body.get("text"), "ts": ts}}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1700000000.{next(self._ts):06d}"}
        if method == "users.info":
            user = body.get("user", "")
            return {"ok": True, "user": {"id": user, "name": user.lower(),
                                         "locale": self.locales.get(user, "en-GB")}}
        if method == "views.publish":
            return {"ok": True, "view": {"id": "V0HOME", **(body.get("view") or {})}}
        return {"ok": False, "error": "unknown_method"}

    def __enter__(self) -> "SlackRecorder":
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # one request a connection: nothing left open

            def _handle(self, raw: bytes) -> None:
                parts = urlsplit(self.path)
                content_type = self.headers.get("Content-Type", "")
                body: Any = dict(parse_qsl(parts.query))
                if raw and "json" in content_type:
                    body.update(json.loads(raw))
                elif raw:
                    body.update(dict(parse_qsl(raw.decode("utf-8"))))
                if isinstance(body.get("view"), str):
                    body["view"] = json.loads(body["view"])
                if parts.path.startswith(RESPONSE_PREFIX):
                    method = "response_url"
                else:
                    method = parts.path.rsplit("/", 1)[-1]
                with recorder._lock:
                    scripted = recorder._scripted.get(method) or []
                    status, payload, headers = scripted.pop(0) if scripted else (200, None, {})
                    refused = status != 200 or (payload is not None and not payload.get("ok", True))
                    recorder.received.append(Call(method, parts.path, dict(self.headers), body, status, not refused))
                    recorder.log.append(("call", method, status))
                if method == "response_url" and payload is None:
                    return self._send(200, b"ok", "text/plain", {})
                payload = payload if payload is not None else recorder._answer(method, body)
                self._send(status, json.dumps(payload).encode("utf-8"), "application/json", headers)

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                self._handle(b"")

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                self._handle(self.rfile.read(length) if length else b"")

            def _send(self, status: int, data: bytes, content_type: str, headers: dict) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format, *args) -> None:  # keep test output quiet
                pass

        self._server = HTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
