"""A local stand-in for the Slack Web API: records every call, answers as Slack does.

    with SlackRecorder() as slack:
        config.SLACK_API_URL = slack.api_url            # http://127.0.0.1:<port>/api/
        response_url = slack.response_url("cmd-1")      # where a command's answer goes
        ...
        [post] = slack.calls("chat.postMessage")

It listens on 127.0.0.1 on a port the system chooses (port 0), a thread a connection, one
request a connection, and stops cleanly on exit. It answers auth.test, chat.postMessage,
chat.postEphemeral, users.info (locales set in `locales`), views.publish, response URLs and
conversations.history (what was posted to the channel, newest first, with each message's
metadata when include_all_metadata is asked for). It can answer the next call of a method with
429 and Retry-After, or with an error (a response URL's 404 or 500 too), and, as a network
failing does, take a call (a post lands in the channel) and then drop the connection without
replying (`drop_reply_next`, `drop_every_reply`) or say nothing past the client's timeout
(`stall_next`).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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
        self._scripted: dict[str, list[tuple]] = {}
        self._always: dict[str, tuple] = {}
        self._released = threading.Event()
        self.channel: list[dict] = []  # messages posted, oldest first, as history returns them
        self._ts = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
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

    def drop_reply_next(self, method: str, count: int = 1) -> None:
        """Take the next `count` calls of `method` (a post lands in the channel), then close
        the connection without a reply, as when the network fails on the way back."""
        with self._lock:
            self._scripted.setdefault(method, []).extend([("drop",)] * count)

    def drop_every_reply(self, method: str, drop: bool = True) -> None:
        """Take every call of `method` and drop its reply, until told otherwise."""
        with self._lock:
            if drop:
                self._always[method] = ("drop",)
            else:
                self._always.pop(method, None)

    def stall_next(self, method: str, seconds: float) -> None:
        """Take the next call of `method`, then say nothing for `seconds` (past the client's
        timeout), and close the connection."""
        with self._lock:
            self._scripted.setdefault(method, []).append(("stall", seconds))

    def posted(self, channel: str | None = None) -> list[dict]:
        """The messages in a channel (any channel if None), oldest first."""
        with self._lock:
            return [m for m in self.channel if channel is None or m["channel"] == channel]

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
            message = {"type": "message", "text": body.get("text"), "ts": ts, "bot_id": "B0BOT"}
            metadata = body.get("metadata")
            if isinstance(metadata, str):
                metadata = json.loads(metadata)
            with self._lock:
                self.channel.append({**message, "channel": body.get("channel"), "metadata": metadata,
                                     "at": time.time()})
            return {"ok": True, "channel": body.get("channel"), "ts": ts, "message": message}
        if method == "conversations.history":
            return self._history(body)
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1700000000.{next(self._ts):06d}"}
        if method == "users.info":
            user = body.get("user", "")
            return {"ok": True, "user": {"id": user, "name": user.lower(),
                                         "locale": self.locales.get(user, "en-GB")}}
        if method == "views.publish":
            return {"ok": True, "view": {"id": "V0HOME", **(body.get("view") or {})}}
        return {"ok": False, "error": "unknown_method"}

    def _history(self, body: dict) -> dict:
        oldest = float(body.get("oldest") or 0)
        with_metadata = str(body.get("include_all_metadata", "")).lower() in ("1", "true")
        limit = int(body.get("limit") or 100)
        start = int(body.get("cursor") or 0)
        found = []
        for message in reversed(self.posted(body.get("channel"))):
            if message["at"] > oldest:  # ts here are made-up ids: compare when each was posted
                shown = {k: v for k, v in message.items() if k not in ("channel", "metadata", "at")}
                if with_metadata and message.get("metadata"):
                    shown["metadata"] = message["metadata"]
                found.append(shown)
        page = found[start:start + limit]
        more = start + limit < len(found)
        return {"ok": True, "messages": page, "has_more": more,
                "response_metadata": {"next_cursor": str(start + limit) if more else ""}}

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
                    action = scripted.pop(0) if scripted else recorder._always.get(method, (200, None, {}))
                    status, payload, headers = action if len(action) == 3 else (200, None, {})
                    refused = status != 200 or (payload is not None and not payload.get("ok", True))
                    recorder.received.append(Call(method, parts.path, dict(self.headers), body, status, not refused))
                    recorder.log.append(("call", method, action[0]))
                if method == "response_url" and payload is None and len(action) == 3:
                    return self._send(200, b"ok", "text/plain", {})
                payload = payload if payload is not None else recorder._answer(method, body)
                if action[0] == "stall":  # taken, then silence past the client's timeout
                    recorder._released.wait(action[1])
                if action[0] in ("drop", "stall"):
                    self.close_connection = True
                    return
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

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
