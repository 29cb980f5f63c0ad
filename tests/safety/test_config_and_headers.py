"""check-config and rate limiting, form tokens' lifetime, and whose request id is trusted."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest

from feedback import UnsafeConfiguration, create_app
from feedback.config import Config
from feedback.log import JsonFormatter
from tests.conftest import test_config
from tests.helpers.pages import Browser
from tests.test_production import production
from tests.test_staff import PASSWORD, sign_in


def test_production_refuses_rate_limiting_switched_off():
    config = production(RATELIMIT_ENABLED=False)
    assert any("RATELIMIT_ENABLED" in problem for problem in config.problems())
    with pytest.raises(UnsafeConfiguration):
        create_app(config)


def test_check_config_says_rate_limiting_is_off(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "FEEDBACK_ENV": "production", "SECRET_KEY": "s" * 40,
           "DATABASE_URL": "postgresql://db/feedback", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
           "PUBLIC_BASE_URL": "https://feedback.example", "RATELIMIT_ENABLED": "false"}
    result = subprocess.run([sys.executable, "-m", "feedback.cli", "check-config"], env=env,
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Problem: RATELIMIT_ENABLED is off: rate limits must be on in production"]


@pytest.mark.parametrize("asked", [None, 7 * 24 * 3600, 13 * 3600])
def test_a_form_token_lives_no_longer_than_a_staff_session(asked):
    config = Config(WTF_CSRF_TIME_LIMIT=asked)
    mapping = config.as_flask_mapping()
    assert mapping["WTF_CSRF_TIME_LIMIT"] == config.STAFF_ABSOLUTE_HOURS * 3600
    assert Config(WTF_CSRF_TIME_LIMIT=600).as_flask_mapping()["WTF_CSRF_TIME_LIMIT"] == 600


def test_a_form_older_than_a_staff_session_is_refused(app, client, runner, monkeypatch):
    runner.invoke(args=["users", "add", "tokens@justice.gov.uk", "--role", "admin", "--password-stdin"],
                  input=PASSWORD + "\n")
    browser = Browser(client)
    sign_in(browser, "tokens@justice.gov.uk")
    token = browser.page.csrf_token()
    import itsdangerous.timed

    real = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() + 12 * 3600 + 60)
    with client.session_transaction() as session:  # the staff session itself is not what ends it
        session["staff_seen_at"] = real() + 12 * 3600 + 60
        session["staff_signed_in_at"] = real() + 12 * 3600
    refused = client.post("/staff/sign-out", data={"csrf_token": token})
    assert refused.status_code == 400


def request_ids(app, caplog, headers):
    caplog.set_level(logging.INFO, logger="feedback.requests")
    response = app.test_client().get("/accessibility", headers=headers)
    return response.headers["X-Request-Id"]


@pytest.fixture
def logging_app(database_url):
    def make(**overrides):
        application = create_app(test_config(database_url, TESTING=False, **overrides))
        made.append(application)
        return application

    made = []
    yield make
    for application in made:
        application.extensions["database"].dispose()


def test_a_request_id_is_taken_only_from_our_own_proxy(logging_app, caplog):
    direct = logging_app()
    given = request_ids(direct, caplog, {"X-Request-Id": "forged-by-a-client"})
    assert given != "forged-by-a-client" and len(given) == 32
    proxied = logging_app(PROXY_COUNT=1)
    assert request_ids(proxied, caplog, {"X-Request-Id": "abc-123.proxy"}) == "abc-123.proxy"
    # Even from the proxy, only a plain id: nothing that could forge a log line or a header.
    for odd in ("x" * 65, 'a"b', "a b"):
        assert request_ids(proxied, caplog, {"X-Request-Id": odd}) != odd
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "feedback.requests"]
    assert not any("forged" in (line.get("request_id") or "") for line in lines)
