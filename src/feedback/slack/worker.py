"""Answer the Slack requests the web process acknowledged and queued (`feedback worker`'s
slack-requests job, feedback.jobs; `feedback slack worker` runs it alone).

The web process stores each request (feedback.slack.pending) and acknowledges at once; this
worker, in processes of its own, claims the requests one at a time, works each answer out with
the same domain code as ever (commands.answer, commands.with_share_button, commands.shared_by,
home.home_view: feedback.results, suppression included) and sends it: a command's answer or a
shared answer to the request's response URL, the App Home through views.publish.

A post that fails is tried again after 1, 2, 4 ... seconds (a minute at most; longer if Slack
says so with Retry-After) until the response URL expires, 30 minutes after the request: then
the worker gives up and logs an error. A refusal no retry can mend (Slack's 4xx: the URL used
up or expired, the payload refused) is given up at once; so is a shared answer whose reply was
lost, or whose worker stopped mid-post (it may be in the channel, and everyone would see it
twice). An answer that cannot be
worked out is not retried: the person gets the sorry text, as before.

The person's language comes from their Slack locale (users.info, asked once an hour a user at
most); the share button carries the language it was answered in.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

from flask import Flask
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from ..clock import utcnow
from . import commands, home, pending, posting, response_urls
from .blocks import Message
from .pending import Claimed

logger = logging.getLogger("feedback.slack.worker")

POLL_SECONDS = 0.2  # how often an idle worker looks for requests
RESPONSE_TIMEOUT = 10  # seconds, for a post to a response URL
TIDY_EVERY = 600.0  # seconds between deletions of long-finished requests


class UserLanguages:
    """Which language to answer a Slack user in: Welsh if their Slack locale is Welsh.

    users.info (with include_locale) is asked once an hour a user at most; any failure means
    English, not an error.
    """

    def __init__(self, ttl: float = 3600.0, size: int = 2000):
        self.ttl = ttl
        self.size = size
        self._cache: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def language(self, client: WebClient, user_id: str | None) -> str:
        if not user_id:
            return "en"
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(user_id)
        if cached is not None and cached[1] > now:
            return cached[0]
        try:
            found = posting.call("users.info", lambda: client.users_info(user=user_id, include_locale=True), 1)
            locale = str((found.get("user") or {}).get("locale") or "")
        except Exception as error:  # Slack unreachable or refusing: answer in English
            logger.warning("users.info failed for a Slack user (%s); answering in English", error)
            return "en"
        language = "cy" if locale.lower().startswith("cy") else "en"
        with self._lock:
            if len(self._cache) >= self.size:
                self._cache.clear()
            self._cache[user_id] = (language, now + self.ttl)
        return language


class NotDelivered(Exception):
    """Slack did not take the answer. `final`: no retry can mend it; `wait`: Retry-After;
    `unknown`: Slack may have taken it after all (the reply lost, or a 5xx)."""

    def __init__(self, reason: str, final: bool = False, wait: float | None = None, unknown: bool = False):
        super().__init__(reason)
        self.final = final
        self.wait = wait
        self.unknown = unknown


def send_to_response_url(url: str, payload: dict[str, Any], timeout: int = RESPONSE_TIMEOUT) -> None:
    """Post to a response URL; raise NotDelivered unless Slack took it."""
    try:
        # No blind retry by the client: the queue tries again, after a backoff, and says so.
        response = WebhookClient(url, timeout=timeout, retry_handlers=[],
                                 logger=logging.getLogger("feedback.slack.sdk")).send_dict(payload)
    except Exception as error:  # unreachable, timed out: worth another try
        said = posting.connection_failure(error) or type(error).__name__
        raise NotDelivered(f"response URL: {said}", unknown=not said.startswith("could not connect")) from None
    status, body = response.status_code, (response.body or "").strip()
    if status == 200:
        try:
            refused = isinstance(found := json.loads(body), dict) and found.get("ok") is False
        except ValueError:  # Slack answers "ok", as text
            refused = False
        if not refused:
            return
        raise NotDelivered(f"response URL: 200 {body[:200]}")
    reason = f"response URL: {status} {body[:200]}"
    if status == 429:
        raise NotDelivered(reason, wait=posting.retry_after(response.headers))
    if 400 <= status < 500 and status != 408:  # used, expired, or a payload Slack refuses
        raise NotDelivered(reason, final=True)
    raise NotDelivered(reason, unknown=status >= 500)


def message_payload(message: Message, **how: Any) -> dict[str, Any]:
    """What slack-bolt's respond() sent for a message: text, blocks, and how to show it."""
    payload: dict[str, Any] = {"text": message.text}
    if message.blocks:
        payload["blocks"] = message.blocks
    payload.update(how)
    return payload


@dataclass
class Worker:
    """Claims and answers queued Slack requests; safe to run in many threads and processes."""

    flask_app: Flask
    client: WebClient
    languages: UserLanguages = field(default_factory=UserLanguages)
    now: Callable[[], datetime] = utcnow
    send: Callable[[str, dict[str, Any]], None] = send_to_response_url
    _next_tidy: float = field(default=0.0, init=False)
    unreachable: bool = field(default=False, init=False)  # with --once: the database could not be reached
    _tidy_lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    @classmethod
    def from_app(cls, flask_app: Flask, **kwargs: Any) -> "Worker":
        return cls(flask_app, posting.client_from_config(flask_app.config), **kwargs)

    @property
    def database(self):
        return self.flask_app.extensions["database"]

    # --- One request ------------------------------------------------------------------------

    def answer_one(self) -> bool:
        """Claim the oldest due request and answer it; False when none is due."""
        with self.database.read_session() as session:
            if not pending.any_due(session, self.now()):
                return False
        with self.database.session() as session:
            request = pending.claim(session, self.now())
        if request is None:  # another worker took it
            return True
        with self.flask_app.app_context():
            self.handle(request)
        return True

    def drain(self, limit: int = 1000) -> int:
        """Answer every request due now (tests, `--once`); return how many were taken."""
        taken = 0
        while taken < limit and self.answer_one():
            taken += 1
        return taken

    def handle(self, request: Claimed) -> None:
        """Work the answer out and send it; record the outcome, or when to try again."""
        about = {"request": request.id, "kind": request.kind, "attempt": request.attempts}
        if self.now() >= request.expires_at:
            self._give_up(request, "the response URL expired before the answer was sent", about)
            return
        if request.kind == pending.SHARE and request.last_error == pending.SHARING:
            # Everyone in the channel would see it twice: the person can press Share again.
            self._give_up(request, f"{pending.SHARING}; it may be in the channel already, so not sent again", about)
            return
        try:
            outcome = self.deliver(request)
        except NotDelivered as failure:
            reason = str(failure)[:500]
            if failure.final:
                self._give_up(request, reason, about)
                return
            if failure.unknown and request.kind == pending.SHARE:
                # Everyone in the channel would see it twice: the person can press Share again.
                self._give_up(request, f"{reason}; it may be in the channel already, so not sent again", about)
                return
            wait = timedelta(seconds=failure.wait) if failure.wait else None
            with self.database.session() as session:
                again = pending.retry_later(session, request, self.now(), reason, wait)
            if again:
                logger.warning("a Slack answer was not delivered; trying again", extra={"fields": about})
            else:
                logger.error("a Slack answer was not delivered before its response URL expired; given up",
                             extra={"fields": about})
            return
        with self.database.session() as session:
            pending.finish(session, request.id, self.now(), outcome)

    def _give_up(self, request: Claimed, reason: str, about: dict) -> None:
        with self.database.session() as session:
            pending.finish(session, request.id, self.now(), pending.GIVEN_UP, reason[:500])
        logger.error("a Slack answer could not be delivered; given up", extra={"fields": about})

    def deliver(self, request: Claimed) -> str:
        """Answer one request in the person's language; return the outcome to record."""
        if request.kind != pending.HOME and not response_urls.allowed(request.response_url, self.flask_app.config):
            raise NotDelivered("the response URL is not Slack's", final=True)
        if request.kind == pending.COMMAND:
            language = self.languages.language(self.client, request.user_id)
            return self._respond(request, language, lambda message: commands.with_share_button(
                message, request.text, language), response_type="ephemeral")
        if request.kind == pending.SHARE:
            text, language = commands.read_share_value(request.text)
            with self.database.session() as session:
                pending.mark_sharing(session, request.id)
            outcome = self._respond(request, language, lambda message: commands.shared_by(
                message, request.user_id, language), text=text, response_type="in_channel",
                replace_original=False)
            if outcome == pending.ANSWERED:
                try:  # the private copy, now that everyone can see it; no harm if it stays
                    self.send(request.response_url, {"text": "", "delete_original": True})
                except NotDelivered:
                    logger.warning("the private copy of a shared answer was not deleted",
                                   extra={"fields": {"request": request.id}})
            return outcome
        if request.kind == pending.HOME:
            return self._publish_home(request)
        raise NotDelivered(f"unknown kind {request.kind!r}", final=True)

    def _respond(self, request: Claimed, language: str, finish: Callable[[Message], Message], *,
                 text: str | None = None, **how: Any) -> str:
        config = self.flask_app.config
        try:
            with self.database.session() as session:
                found = commands.answer(session, request.text if text is None else text, language,
                                        config["PUBLIC_BASE_URL"], self.now(),
                                        config.get("SLACK_DIGEST_CHANNEL") or None)
            message, outcome = finish(found), pending.ANSWERED
        except Exception:
            logger.exception("a Slack answer failed", extra={"fields": {"request": request.id}})
            message, outcome = commands.failed(language), pending.FAILED
            how = {"response_type": "ephemeral", "replace_original": False}
        self.send(request.response_url, message_payload(message, **how))
        return outcome

    def _publish_home(self, request: Claimed) -> str:
        language = self.languages.language(self.client, request.user_id)
        try:
            with self.database.session() as session:
                view = home.home_view(session, language, self.flask_app.config["PUBLIC_BASE_URL"], self.now())
        except Exception:
            logger.exception("the App Home could not be worked out", extra={"fields": {"request": request.id}})
            return pending.FAILED
        try:
            posting.call("views.publish", lambda: self.client.views_publish(user_id=request.user_id, view=view), 0)
        except Exception as error:
            raise NotDelivered(f"views.publish: {getattr(error, 'error', type(error).__name__)}") from None
        return pending.ANSWERED

    # --- Running --------------------------------------------------------------------------------

    def tidy(self) -> None:
        """Now and then, delete the requests finished more than a day ago."""
        with self._tidy_lock:
            if time.monotonic() < self._next_tidy:
                return
            self._next_tidy = time.monotonic() + TIDY_EVERY
        with self.database.session() as session:
            pending.forget_finished(session, self.now())

    def run(self, stop: threading.Event, poll: float = POLL_SECONDS, once: bool = False) -> None:
        """Answer requests until `stop` is set (or, with `once`, until none is due)."""
        failures = 0
        while not stop.is_set():
            try:
                if self.answer_one():
                    failures = 0
                    continue
                self.tidy()
                failures = 0
            except Exception as error:  # the database unreachable: wait longer each time, then go on
                failures += 1
                # One line, no traceback: the error's type says enough (its text may hold SQL).
                logger.error("the Slack worker could not reach the database (%s); trying again",
                             type(error).__name__)
                if once:
                    self.unreachable = True
                    return
                stop.wait(min(2.0 ** failures, 60.0))
                continue
            if once:
                return
            stop.wait(poll)


def run_threads(worker: Worker, threads: int, stop: threading.Event, poll: float = POLL_SECONDS,
                once: bool = False) -> list[threading.Thread]:
    """Start `threads` threads running `worker` until `stop` is set; return them."""
    started = []
    for number in range(threads):
        thread = threading.Thread(target=worker.run, args=(stop, poll, once), name=f"slack-worker-{number + 1}",
                                  daemon=True)
        thread.start()
        started.append(thread)
    return started
