"""Redis down: respondents are still served and their answers taken (the public posts' limit
fails open), and once Redis is back the limit applies again, without a restart."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from feedback import kiosk
from feedback.models import Inspection, Response
from tests.conftest import CHEAP_PASSWORD_HASH_METHOD
from tests.faults.conftest import ONE_BACKEND
from tests.kiosk.test_enrolment import bind
from tests.kiosk.test_sync import HEADERS, queued


@pytest.fixture
def service_config(service_config, redis):
    return {**service_config, "RATELIMIT_STORAGE_URI": redis.url, "RATELIMIT_PUBLIC_POSTS": "3 per minute"}


@ONE_BACKEND
def test_kiosk_answers_are_taken_while_redis_is_down_and_limited_again_once_it_is_back(
        app, client, demo_data, redis):
    db = demo_data
    inspection = db.execute(select(Inspection).where(Inspection.code == "cci-2011-birmingham")).scalar_one()
    with app.app_context():
        tablet = kiosk.enrol(db, "young-people", "Birmingham YOT", inspection=inspection,
                             method=CHEAP_PASSWORD_HASH_METHOD)
    db.commit()
    bind(client, tablet.path())

    redis.stop()
    for _ in range(5):  # more than the limit: nothing counts them, nothing refuses them
        response = client.post("/kiosk/api/responses", json=queued(), headers=HEADERS)
        assert response.status_code == 201
    db.commit()
    assert db.scalar(select(func.count()).select_from(Response)) == 5
    page = client.get("/kiosk/")
    assert page.status_code == 200

    redis.start()  # the same port, empty: the counters start again
    statuses = [client.post("/kiosk/api/responses", json=queued(), headers=HEADERS).status_code
                for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
