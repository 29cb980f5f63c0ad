"""Redis (where the per-minute limits are counted) down: staff sign-in and the API still answer,
guarded by the throttle kept in the database, and the limits come back with Redis, unrestarted."""

from __future__ import annotations

import pytest

from feedback import create_app
from tests.conftest import test_config
from tests.helpers.pages import parse
from tests.helpers.redis_server import OwnRedis
from tests.safety.test_sign_in import attempt, client_at
from tests.test_staff import PASSWORD

LIMITED = "Too many attempts"  # the per-minute limit's page


@pytest.fixture
def redis():
    with OwnRedis() as server:
        yield server


@pytest.fixture
def app(database_url, redis):
    application = create_app(test_config(
        database_url, RATELIMIT_STORAGE_URI=redis.url, RATELIMIT_SIGN_IN="3 per minute", RATELIMIT_API="3 per minute",
    ))
    yield application
    application.extensions["database"].dispose()


@pytest.fixture
def member(runner):
    result = runner.invoke(args=["users", "add", "member@justice.gov.uk", "--role", "analyst", "--password-stdin"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    return "member@justice.gov.uk"


def test_sign_in_with_redis_down_keeps_the_database_throttle_and_the_limit_returns(app, member, runner, redis, caplog):
    runner.invoke(args=["users", "add", "colleague@justice.gov.uk", "--role", "admin", "--password-stdin"],
                  input=PASSWORD + "\n")
    # Redis up: the fourth post in a minute from one client meets the per-minute limit.
    statuses = [attempt(app, "first@justice.gov.uk", f"wrong {n}", "198.51.100.40")[0].status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]

    redis.stop()
    answers = [attempt(app, member, f"wrong {n}", "198.51.100.41") for n in range(12)]
    assert all(response.status_code < 500 for response, _ in answers), [r.status_code for r, _ in answers]
    # Not the per-minute limit (Redis is down): the database's throttle, after five wrong passwords.
    assert [response.status_code for response, _ in answers] == [200] * 4 + [429] * 8
    assert all(page.h1 == "Sign in" for _, page in answers)
    assert answers[-1][1].error_summary()[0][0].startswith("Too many attempts to sign in. Wait")
    # Sign-in still works: a colleague's right password, from a client that has not been guessing.
    response, _ = attempt(app, "colleague@justice.gov.uk", PASSWORD, "198.51.100.42")
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    assert "rate limit storage unreachable" in caplog.text

    redis.start()  # the same port, nothing restarted in the service
    statuses = [attempt(app, "someone@justice.gov.uk", f"wrong {n}", "198.51.100.43")[0].status_code
                for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert parse(attempt(app, "someone@justice.gov.uk", "x", "198.51.100.43")[0]).h1 == LIMITED


def test_the_api_with_redis_down_keeps_the_database_throttle_and_the_limit_returns(app, runner, redis):
    token = runner.invoke(args=["api-tokens", "add", "redis-down"]).stdout.strip()
    url = "/api/v1/results?questionnaire=sentencers"
    redis.stop()
    guesser = client_at(app, "203.0.113.140")
    statuses = [guesser.get(url, headers={"Authorization": f"Bearer {n:043d}"}).status_code for n in range(12)]
    assert statuses == [401] * 10 + [429] * 2
    good = client_at(app, "203.0.113.141")
    assert [good.get(url, headers={"Authorization": f"Bearer {token}"}).status_code for _ in range(5)] == [200] * 5

    redis.start()
    statuses = [good.get(url, headers={"Authorization": f"Bearer {token}"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
