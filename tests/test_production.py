"""Production mode refuses unsafe configuration; logs carry no secrets; purge applies retention."""

import json
import logging
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from feedback import UnsafeConfiguration, create_app
from feedback.clock import utcnow
from feedback.config import Config
from feedback.log import JsonFormatter
from feedback.models import Answer, Draft, Invitation, Response
from tests.test_web_journey import answer_pie, make_link, stored_responses


def production(**overrides) -> Config:
    config = Config(
        ENVIRONMENT="production",
        SECRET_KEY="x" * 40,
        DATABASE_URL="postgresql+psycopg://db/feedback",
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379",
        PUBLIC_BASE_URL="https://feedback.example",
        SESSION_COOKIE_SECURE=True,
    )
    for key, value in overrides.items():
        setattr(config, key, value)
    return config


def test_a_safe_production_configuration_has_no_problems():
    assert production().problems() == []


@pytest.mark.parametrize("overrides, problem", [
    ({"SECRET_KEY": "development-only-not-secret"}, "SECRET_KEY"),
    ({"SECRET_KEY": ""}, "SECRET_KEY"),
    ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": ""}, "SLACK_SIGNING_SECRET"),
    ({"DATABASE_URL": "sqlite:///x"}, "PostgreSQL"),
    ({"RATELIMIT_STORAGE_URI": "memory://"}, "Redis"),
])
def test_production_refuses_to_start_when_unsafe(overrides, problem):
    config = production(**overrides)
    assert any(problem in p for p in config.problems())
    with pytest.raises(UnsafeConfiguration):
        create_app(config)


def test_check_config_says_what_is_wrong_without_starting_the_service(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "FEEDBACK_ENV": "production", "SECRET_KEY": "short", "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "feedback.cli", "check-config"], env=env,
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1
    assert "Problem: SECRET_KEY" in result.stderr
    assert "Problem: DATABASE_URL is SQLite" in result.stderr


def test_request_logs_name_the_route_never_the_token(app, caplog):
    formatter = JsonFormatter()
    record = logging.LogRecord("feedback.requests", logging.INFO, __file__, 1, "request", None, None)
    record.fields = {"event": "request", "route": "/i/<token>", "status": 404}
    line = json.loads(formatter.format(record))
    assert line["route"] == "/i/<token>" and line["level"] == "info"


def test_purge_blanks_old_comments_and_clears_finished_links(browser, demo_data, runner):
    db = demo_data
    browser.get(make_link(db))
    browser.submit()
    answer_pie(browser, comment="Private words")
    browser.submit()
    [response] = stored_responses(db)
    response.submitted_at = utcnow() - timedelta(days=731)
    invitation = db.get(Invitation, response.invitation_id)
    invitation.used_at = utcnow() - timedelta(days=91)
    db.commit()
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "Blanked 1 comments" in result.output
    db.expire_all()
    comment = db.execute(select(Answer).where(Answer.question_code == "comments")).scalar_one()
    assert comment.text is None and comment.value == "text"
    assert db.execute(select(func.count()).select_from(Invitation)).scalar_one() == 0
    assert db.execute(select(func.count()).select_from(Draft)).scalar_one() == 0
    assert db.execute(select(func.count()).select_from(Response)).scalar_one() == 1
