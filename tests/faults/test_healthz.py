"""`/healthz` says which dependency is down, and answers 503 only when responses cannot be taken."""

from __future__ import annotations

from datetime import timedelta

import pytest

from feedback.clock import utcnow
from feedback.slack import pending
from tests.faults.conftest import ONE_BACKEND, POSTGRES_ONLY


@pytest.fixture
def service_config(service_config, redis):
    return {**service_config, "RATELIMIT_STORAGE_URI": redis.url}


def health(client):
    response = client.get("/healthz")
    assert response.headers["Cache-Control"] == "no-store"
    return response.status_code, response.get_json()


@POSTGRES_ONLY
def test_each_dependency_down_in_turn_and_back_without_a_restart(client, redis, proxy):
    assert health(client) == (200, {"status": "ok", "checks": {"database": {"state": "up"},
                                                                "redis": {"state": "up"}}})
    redis.stop()
    status, said = health(client)
    assert status == 200 and said["status"] == "degraded"
    assert said["checks"]["redis"]["state"] == "down" and said["checks"]["database"] == {"state": "up"}

    proxy.cut()
    status, said = health(client)
    assert status == 503 and said["status"] == "unavailable"
    assert said["checks"]["database"]["state"] == "down" and said["checks"]["redis"]["state"] == "down"

    redis.start()
    status, said = health(client)
    assert status == 503 and said["checks"]["redis"] == {"state": "up"}

    proxy.restore()
    assert health(client) == (200, {"status": "ok", "checks": {"database": {"state": "up"},
                                                                "redis": {"state": "up"}}})


@ONE_BACKEND
@pytest.mark.parametrize("service_config", [{}])  # no Redis needed here
def test_with_slack_on_a_request_left_waiting_says_the_worker_is_behind(app, client, db):
    app.config.update(SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET="secret")
    status, said = health(client)
    assert status == 200 and said["checks"]["slack_worker"] == {"state": "up", "oldest_waiting_seconds": 0}
    pending.enqueue(db, pending.COMMAND, "U0ANNE", utcnow() - timedelta(minutes=5), text="help",
                    response_url="https://hooks.example/1")
    db.commit()
    status, said = health(client)
    assert status == 200 and said["status"] == "degraded"
    assert said["checks"]["slack_worker"]["state"] == "behind"
    assert said["checks"]["slack_worker"]["oldest_waiting_seconds"] >= 300
