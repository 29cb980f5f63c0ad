"""The worker answers only at Slack's response URLs, whatever a signed request carries."""

from __future__ import annotations

from sqlalchemy import select

from feedback.clock import utcnow
from feedback.models import SlackRequest
from feedback.slack import pending, response_urls
from tests.slack.conftest import command_body, post_command, signed_headers


def test_only_slacks_response_urls_are_allowed():
    config = {"SLACK_RESPONSE_URL_PREFIXES": ("https://hooks.slack.com/",)}
    assert response_urls.allowed("https://hooks.slack.com/commands/T0/1/abc", config)
    for url in ("https://hooks.slack.com.evil.example/x", "http://hooks.slack.com/commands/x",
                "https://evil.example/https://hooks.slack.com/", "https://hooks.slack.com", None, 5,
                "https://hooks.slack.com/x\r\nHost: evil", "http://169.254.169.254/latest/meta-data/"):
        assert not response_urls.allowed(url, config), url
    assert response_urls.allowed("https://hooks.slack.com/commands/x", {})  # Slack's by default


def test_a_command_with_another_response_url_is_not_queued(client, slack, worker, db):
    body = command_body("post-inspection-evaluation 2011-12", "http://127.0.0.1:9/elsewhere")
    assert client.post("/slack/events", data=body, headers=signed_headers(body)).status_code == 200
    assert db.execute(select(SlackRequest)).scalars().all() == []
    assert post_command(client, slack, "help").status_code == 200  # Slack's own (the stand-in's) is
    db.expire_all()
    assert len(db.execute(select(SlackRequest)).scalars().all()) == 1


def test_the_worker_will_not_post_to_a_url_that_is_not_slacks(app, client, slack, worker, db):
    with app.app_context():
        with app.extensions["database"].session() as session:
            pending.enqueue(session, pending.COMMAND, "U0ANNE", utcnow(), text="help",
                            response_url="http://127.0.0.1:9/x")
            session.commit()
    sent = []
    worker.send = lambda url, payload: sent.append(url)
    worker.drain()
    assert sent == []
    db.expire_all()
    [request] = db.execute(select(SlackRequest)).scalars().all()
    assert request.outcome == pending.GIVEN_UP
