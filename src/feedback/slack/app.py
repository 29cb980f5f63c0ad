"""The Slack app: slack-bolt wiring from Slack's requests to the domain modules, and nothing more.

Built by `build_slack_app(flask_app)` when Slack is configured, never at import time. Every
listener acknowledges at once (Slack allows three seconds) and does its work in a lazy
listener: the answer follows through the response URL. With the default
process_before_response=False, acknowledging and the lazy work both run on the executor's
threads; some threads are kept free of lazy work, so a stuck database can slow answers but
never an acknowledgement.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from flask import Flask
from slack_bolt import App
from slack_sdk import WebClient

from ..clock import utcnow
from . import commands, home, posting
from .blocks import Message

logger = logging.getLogger("feedback.slack")

WORKERS = 8
KEPT_FOR_ACKNOWLEDGING = 2


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
        except Exception:  # Slack unreachable or refusing: answer in English
            logger.warning("users.info failed for a Slack user; answering in English", exc_info=True)
            return "en"
        language = "cy" if locale.lower().startswith("cy") else "en"
        with self._lock:
            if len(self._cache) >= self.size:
                self._cache.clear()
            self._cache[user_id] = (language, now + self.ttl)
        return language


@dataclass
class SlackBot:
    """The bolt App and what it owns; `close` waits for answers still being sent."""

    bolt: App
    executor: Executor
    languages: UserLanguages

    def close(self) -> None:
        self.executor.shutdown(wait=True)


def build_slack_app(flask_app: Flask, *, executor: Executor | None = None,
                    process_before_response: bool = False) -> SlackBot:
    """Build the bolt App for this service's configuration, with its listeners."""
    config = flask_app.config
    base_url = config["PUBLIC_BASE_URL"]
    digest_channel = config.get("SLACK_DIGEST_CHANNEL") or None
    client = posting.client_from_config(config)
    # Lazy work may take at most this many threads, so acknowledging always finds one.
    slots = None
    if executor is None:
        executor = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="slack")
        slots = threading.BoundedSemaphore(WORKERS - KEPT_FOR_ACKNOWLEDGING)
    bolt = App(
        client=client,  # the token lives in the client only (stack notes, pitfall 12)
        signing_secret=config["SLACK_SIGNING_SECRET"],
        token_verification_enabled=False,  # no auth.test while the service starts
        process_before_response=process_before_response,
        listener_executor=executor,
        logger=logger,
        name="feedback",
    )
    languages = UserLanguages()

    def database():
        return flask_app.extensions["database"].session()

    @contextmanager
    def slot() -> Iterator[bool]:
        taken = slots.acquire(blocking=False) if slots is not None else True
        try:
            yield taken
        finally:
            if taken and slots is not None:
                slots.release()

    def answer(respond, language: str, work: Callable[[], Message], **how: Any) -> bool:
        """Do the work in the app's context and send the answer; say sorry rather than fail."""
        answered = False
        with slot() as free, flask_app.app_context():
            if not free:
                message = commands.busy(language)
            else:
                try:
                    message, answered = work(), True
                except Exception:
                    logger.exception("a Slack answer failed")
                    message = commands.failed(language)
        if not answered:
            how = {"response_type": "ephemeral", "replace_original": False}
        respond(text=message.text, blocks=message.blocks, **how)
        return answered

    def acknowledge(ack) -> None:
        ack()

    def answer_command(body, respond, client) -> None:
        text = body.get("text") or ""
        language = languages.language(client, body.get("user_id"))

        def work() -> Message:
            with database() as session:
                found = commands.answer(session, text, language, base_url, utcnow(), digest_channel)
            return commands.with_share_button(found, text, language)

        answer(respond, language, work, response_type="ephemeral")

    def share_in_channel(body, respond) -> None:
        action = (body.get("actions") or [{}])[0]
        text, language = commands.read_share_value(action.get("value"))
        user_id = (body.get("user") or {}).get("id", "")

        def work() -> Message:
            with database() as session:
                found = commands.answer(session, text, language, base_url, utcnow(), digest_channel)
            return commands.shared_by(found, user_id, language)

        if answer(respond, language, work, response_type="in_channel", replace_original=False):
            respond(delete_original=True)  # the private copy, now that everyone can see it

    def publish_home(event, client) -> None:
        if event.get("tab", "home") != "home" or not event.get("user"):
            return
        user_id = event["user"]
        language = languages.language(client, user_id)
        with slot() as free:
            if not free:
                return
            try:
                with flask_app.app_context(), database() as session:
                    view = home.home_view(session, language, base_url, utcnow())
                posting.call("views.publish", lambda: client.views_publish(user_id=user_id, view=view))
            except Exception:
                logger.exception("publishing the App Home failed")

    bolt.command(commands.COMMAND)(ack=acknowledge, lazy=[answer_command])
    bolt.action(commands.SHARE_ACTION)(ack=acknowledge, lazy=[share_in_channel])
    bolt.event("app_home_opened")(ack=acknowledge, lazy=[publish_home])
    return SlackBot(bolt, executor, languages)
