"""The Slack app: slack-bolt wiring from Slack's requests to the queue of requests to answer.

Built by `build_slack_app(flask_app)` when Slack is configured, never at import time. Bolt
verifies each request's signature; every listener then only stores the request
(feedback.slack.pending: one INSERT, committed) and acknowledges, in the request's own thread
(process_before_response=True: there is nothing left to do after the acknowledgement). No
Slack method is called while acknowledging, not even auth.test. The
answers are worked out and sent by `feedback worker` (feedback.slack.worker), in
processes of their own, so no answer ever holds up an acknowledgement: Slack allows three
seconds for it.

If the request cannot be stored (the database unreachable), a command is acknowledged with
the sorry text, in English and Welsh (the person's language is not known until Slack is asked).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask
from slack_bolt import App
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient

from ..clock import utcnow
from . import commands, pending, posting, response_urls
from .blocks import Message

logger = logging.getLogger("feedback.slack")


class _TokenUnusedOnPurpose(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment itself and warns that `authorize` leaves
    it unused: the listeners here call no Slack method, so that is the intent, not a problem."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not ("`token`" in message and ("will be unused" in message or "will be ignored" in message))


bolt_logger = logging.getLogger("feedback.slack.bolt")
bolt_logger.addFilter(_TokenUnusedOnPurpose())


@dataclass
class SlackBot:
    """The bolt App; the answers are the worker's."""

    bolt: App

    def close(self) -> None:
        """Nothing to wait for: the requests are in the database."""


def build_slack_app(flask_app: Flask) -> SlackBot:
    """Build the bolt App for this service's configuration, with its listeners."""
    config = flask_app.config

    def authorize(enterprise_id, team_id, user_id) -> AuthorizeResult:
        # The listeners call no Slack method (the worker does, with the bot token), so there is
        # nothing to authorise with: no auth.test on the first request, nor when Slack is down.
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id)

    bolt = App(
        client=WebClient(base_url=posting.client_from_config(config).base_url),  # no token here
        authorize=authorize,
        signing_secret=config["SLACK_SIGNING_SECRET"],
        process_before_response=True,  # store, then acknowledge: no thread pool, no lazy work
        logger=bolt_logger,
        name="feedback",
    )

    def store(kind: str, user_id: str | None, **what: str | None) -> bool:
        """Queue a request for the worker; False (and logged) if the database refused."""
        try:
            with flask_app.extensions["database"].session() as session:
                pending.enqueue(session, kind, user_id or "", utcnow(), **what)
        except Exception:
            logger.exception("a Slack request could not be queued")
            return False
        return True

    def sorry_in_both_languages() -> Message:
        with flask_app.app_context():
            english, welsh = commands.failed("en"), commands.failed("cy")
        return Message(f"{english.text}\n\n{welsh.text}", english.blocks + welsh.blocks)

    def queue_command(ack, body) -> None:
        response_url = body.get("response_url")
        if not response_urls.allowed(response_url, flask_app.config):  # nowhere of Slack's to answer
            ack()
            return
        if store(pending.COMMAND, body.get("user_id"), text=body.get("text") or "", response_url=response_url):
            ack()
        else:
            sorry = sorry_in_both_languages()
            ack(text=sorry.text, blocks=sorry.blocks)

    def queue_share(ack, body) -> None:
        ack()
        action = (body.get("actions") or [{}])[0]
        if response_urls.allowed(body.get("response_url"), flask_app.config):
            store(pending.SHARE, (body.get("user") or {}).get("id"), text=str(action.get("value") or ""),
                  response_url=body["response_url"])

    def queue_home(ack, event) -> None:
        ack()
        if event.get("tab", "home") == "home" and event.get("user"):
            store(pending.HOME, event["user"])

    bolt.command(commands.COMMAND)(queue_command)
    bolt.action(commands.SHARE_ACTION)(queue_share)
    bolt.event("app_home_opened")(queue_home)
    return SlackBot(bolt)
