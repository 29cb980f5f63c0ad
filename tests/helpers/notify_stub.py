"""A local stand-in for the GOV.UK Notify API: records what it is sent, answers like Notify.

    with NotifyStub() as notify:
        app.config["NOTIFY_BASE_URL"] = notify.base_url
        ...
        [request] = notify.requests

It listens on 127.0.0.1 on a free port, in a thread of its own, and stops cleanly on exit.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

SERVICE_ID = "6f1e3f7a-2d4b-4c1e-9a55-0d5b1f0c2a11"
SECRET = "c3d2a1b0-9e8f-4a7b-8c6d-5e4f3a2b1c0d"
# Notify keys are "<key name>-<service id>-<secret>".
API_KEY = f"feedback_tests-{SERVICE_ID}-{SECRET}"


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: Any

    @property
    def authorization(self) -> str:
        return self.headers.get("Authorization", "")


class NotifyStub:
    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self._failures: list[tuple[int, dict]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.created: list[dict] = []  # the emails Notify took, as its status lookup returns them
        self.silent_seconds = 0.0  # take the next email, then say nothing for this long

    # Control

    def fail_next(self, status: int, message: str = "Something went wrong", error: str | None = None) -> None:
        """Answer the next request with an error, in Notify's error format."""
        body = {
            "status_code": status,
            "errors": [{"error": error or ("BadRequestError" if status < 500 else "Exception"), "message": message}],
        }
        with self._lock:
            self._failures.append((status, body))

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def emails(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == "/v2/notifications/email"]

    # Lifecycle

    def __enter__(self) -> "NotifyStub":
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # one request a connection: nothing left open

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                with stub._lock:
                    stub.requests.append(RecordedRequest("POST", self.path, dict(self.headers), body))
                    failure = stub._failures.pop(0) if stub._failures else None
                if failure is not None:
                    self._answer(*failure)
                elif self.path == "/v2/notifications/email" and isinstance(body, dict):
                    created = stub._email_created(body)
                    with stub._lock:
                        stub.created.append({"id": created["id"], "reference": body.get("reference"),
                                             "email_address": body.get("email_address"), "status": "sending",
                                             "type": "email"})
                        silence, stub.silent_seconds = stub.silent_seconds, 0.0
                    if silence:
                        time.sleep(silence)  # taken, but the client gives up before the answer
                    try:
                        self._answer(201, created)
                    except BrokenPipeError:
                        pass
                else:
                    self._answer(404, {"status_code": 404, "errors": [{"error": "NotFound", "message": "Not found"}]})

            def do_GET(self) -> None:  # noqa: N802 - the status lookup by reference
                parts = urlsplit(self.path)
                with stub._lock:
                    stub.requests.append(RecordedRequest("GET", self.path, dict(self.headers), None))
                    found = list(stub.created)
                if parts.path != "/v2/notifications":
                    self._answer(404, {"status_code": 404, "errors": [{"error": "NotFound", "message": "Not found"}]})
                    return
                reference = parse_qs(parts.query).get("reference", [None])[0]
                matching = [n for n in found if reference is None or n["reference"] == reference]
                self._answer(200, {"notifications": matching, "links": {"current": self.path}})

            def _answer(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format, *args) -> None:  # keep test output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _email_created(self, body: dict) -> dict:
        """What Notify answers to POST /v2/notifications/email."""
        notification_id = str(uuid.uuid4())
        template_id = body.get("template_id", "")
        return {
            "id": notification_id,
            "reference": body.get("reference"),
            "content": {
                "subject": "Feedback on your inspection",
                "body": "Rendered by GOV.UK Notify from the template.",
                "from_email": "feedback@notifications.service.gov.uk",
                "one_click_unsubscribe_url": None,
            },
            "uri": f"{self.base_url}/v2/notifications/{notification_id}",
            "template": {
                "id": template_id,
                "version": 1,
                "uri": f"{self.base_url}/services/{SERVICE_ID}/templates/{template_id}",
            },
            "scheduled_for": None,
        }
