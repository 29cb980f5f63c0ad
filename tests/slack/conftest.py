"""Fixtures: the service with Slack configured against a local recorder of the Web API.

`app` here replaces the project's: the same fresh database (SQLite and PostgreSQL), with
SLACK_* settings pointing at a SlackRecorder, and the bot as production builds it: requests are
queued and acknowledged, nothing more. `worker` answers them (feedback.slack.worker) when a test
says `worker.drain()`, so tests can assert on what reached Slack, and on what was stored, in
between.
"""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest
from slack_sdk.signature import SignatureVerifier

from feedback import create_app
from feedback.slack import posting
from feedback.slack.worker import Worker
from tests.conftest import test_config
from tests.slack.recorder import SlackRecorder

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-token"
CHANNEL = "C0DIGEST"
BASE_URL = "https://feedback.example"


@pytest.fixture
def slack():
    with SlackRecorder() as recorder:
        yield recorder


@pytest.fixture
def sleeps(monkeypatch, slack):
    """Replace posting's clock and sleep: time passes only by sleeping, and each wait is recorded
    in order with the calls Slack received."""
    waits: list[float] = []
    now = [1000.0]

    def fake_sleep(seconds: float) -> None:
        waits.append(seconds)
        slack.log.append(("sleep", seconds))
        now[0] += seconds

    monkeypatch.setattr(posting, "sleep", fake_sleep)
    monkeypatch.setattr(posting, "monotonic", lambda: now[0])
    return waits


@pytest.fixture
def app(database_url, slack):
    config = test_config(
        database_url,
        PUBLIC_BASE_URL=BASE_URL,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_DIGEST_CHANNEL=CHANNEL,
        SLACK_API_URL=slack.api_url,
        SLACK_RESPONSE_URL_PREFIXES=(slack.base_url + "/",),
    )
    application = create_app(config)
    yield application
    application.extensions["database"].dispose()


@pytest.fixture
def worker(app):
    """The worker that answers queued requests, on the test's app; tests call `drain()`."""
    return Worker.from_app(app)


# --- Requests signed as Slack signs them ------------------------------------------------------

def signed_headers(body: str, secret: str = SIGNING_SECRET, timestamp: int | None = None,
                   content_type: str = "application/x-www-form-urlencoded") -> dict[str, str]:
    """Slack's v0 scheme: HMAC-SHA256 of "v0:{timestamp}:{body}" with the signing secret."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature, "Content-Type": content_type}


def command_body(text: str, response_url: str, user_id: str = "U0ANNE") -> str:
    return urlencode({
        "token": "unused-verification-token",
        "team_id": "T0TEAM",
        "team_domain": "inspectorate",
        "channel_id": "C0TEAM",
        "channel_name": "feedback",
        "user_id": user_id,
        "user_name": user_id.lower(),
        "command": "/feedback",
        "text": text,
        "api_app_id": "A0FEEDBACK",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": "1234.5678.abcdef",
    })


def action_body(value: str, response_url: str, user_id: str = "U0ANNE", action_id: str = "feedback_share") -> str:
    payload = {
        "type": "block_actions",
        "team": {"id": "T0TEAM", "domain": "inspectorate"},
        "user": {"id": user_id, "username": user_id.lower(), "team_id": "T0TEAM"},
        "api_app_id": "A0FEEDBACK",
        "token": "unused-verification-token",
        "container": {"type": "message", "message_ts": "1700000000.000001", "channel_id": "C0TEAM",
                      "is_ephemeral": True},
        "trigger_id": "1234.5678.abcdef",
        "channel": {"id": "C0TEAM", "name": "feedback"},
        "response_url": response_url,
        "actions": [{"action_id": action_id, "block_id": "share", "type": "button", "value": value,
                     "text": {"type": "plain_text", "text": "Share in channel"},
                     "action_ts": "1700000001.000001"}],
    }
    return urlencode({"payload": json.dumps(payload)})


def home_opened_body(user_id: str = "U0ANNE") -> str:
    return json.dumps({
        "token": "unused-verification-token",
        "team_id": "T0TEAM",
        "api_app_id": "A0FEEDBACK",
        "type": "event_callback",
        "event_id": "Ev0HOME",
        "event_time": int(time.time()),
        "event": {"type": "app_home_opened", "user": user_id, "channel": "D0HOME", "tab": "home",
                  "event_ts": f"{time.time():.6f}"},
    })


def post_command(client, slack: SlackRecorder, text: str, user_id: str = "U0ANNE", name: str = "1"):
    body = command_body(text, slack.response_url(name), user_id)
    return client.post("/slack/events", data=body, headers=signed_headers(body))


def answers(slack: SlackRecorder, name: str = "1") -> list:
    return [c for c in slack.calls("response_url") if c.path.endswith("/" + name)]


def section_text(blocks: list[dict]) -> str:
    """The mrkdwn of every section and context block, in order."""
    parts = []
    for block in blocks:
        if block.get("type") == "section":
            parts.append(block["text"]["text"])
        elif block.get("type") == "context":
            parts.extend(e.get("text", "") for e in block["elements"])
        elif block.get("type") == "header":
            parts.append(block["text"]["text"])
    return "\n".join(parts)
