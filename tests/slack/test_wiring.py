"""The bot is wired only when configured, built by a function, and exempt from CSRF only where Slack calls."""

from __future__ import annotations

import os
import subprocess
import sys

from feedback import create_app
from feedback.config import Config
from tests.conftest import one_backend, test_config


def test_without_slack_configured_there_is_no_route_and_no_bolt(database_url, tmp_path):
    app = create_app(test_config(database_url))
    try:
        assert "slack" not in app.extensions
        assert not any(rule.rule == "/slack/events" for rule in app.url_map.iter_rules())
        assert app.test_client().post("/slack/events").status_code in (404, 405)
        assert {"digest", "slack"} <= set(app.cli.commands)
    finally:
        app.extensions["database"].dispose()
    script = (
        "import sys\n"
        "from feedback import create_app\n"
        f"create_app({{'DATABASE_URL': {'sqlite:///' + str(tmp_path / 'x.sqlite3')!r}}})\n"
        "assert 'slack_bolt' not in sys.modules, 'slack_bolt imported without Slack configured'\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    subprocess.run([sys.executable, "-c", script], check=True, env=env, cwd=tmp_path)


def test_with_slack_configured_the_route_exists_and_nothing_is_called_at_start(app, slack):
    assert any(rule.rule == "/slack/events" and "POST" in rule.methods for rule in app.url_map.iter_rules())
    assert slack.calls(ok_only=False) == []  # no auth.test while the service starts
    # Exempt from CSRF, yet refused: no signature.
    response = app.test_client().post("/slack/events", data="command=%2Ffeedback",
                                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 401


@one_backend
def test_other_posts_still_need_their_csrf_token(app):
    app.config["WTF_CSRF_ENABLED"] = True
    response = app.test_client().post("/staff/sign-out")
    assert response.status_code == 400


def test_the_digest_language_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("SLACK_DIGEST_LANGUAGE", "both")
    assert Config.from_env().SLACK_DIGEST_LANGUAGE == "both"
    assert Config().SLACK_DIGEST_LANGUAGE == "en"


def test_the_bot_acknowledges_without_the_token_and_says_nothing_about_it(app, monkeypatch, caplog):
    import logging

    from feedback.slack.app import build_slack_app

    monkeypatch.setenv("SLACK_BOT_TOKEN", app.config["SLACK_BOT_TOKEN"])  # slack-bolt reads it itself
    with caplog.at_level(logging.WARNING):
        bot = build_slack_app(app)
    assert bot.bolt.client.token is None  # only the worker calls Slack
    assert [r.getMessage() for r in caplog.records if r.name.startswith("feedback")] == []
