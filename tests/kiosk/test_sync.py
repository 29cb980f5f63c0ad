"""Responses queued on a tablet reach the store exactly once, however often they are sent."""

from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from feedback.clock import as_utc
from feedback.models import Answer, Device, Response

from .test_enrolment import bind

HEADERS = {"X-Kiosk-Sync": "1"}


def queued(questionnaire="young-people", language="cy", **overrides):
    item = {
        "key": str(uuid.uuid4()),
        "questionnaire": questionnaire,
        "version": 1,
        "language": language,
        "answers": {"less_likely": "yes", "life_better": "no", "easy_to_understand": "yes",
                    "comments": "Mae'r TTI wedi helpu. Private words from a child."},
        "include_about_you": False,
        "finished_at": datetime.now(timezone.utc).isoformat(),
    }
    item.update(overrides)
    return item


@pytest.fixture
def tablet(client, enrol, demo_data):
    new = enrol("young-people", site="Birmingham YOT", inspection="cci-2011-birmingham")
    bind(client, new.path())
    return new


def rows(db):
    db.commit()
    return list(db.execute(select(Response)).scalars())


def test_a_queued_response_is_stored_once_however_often_it_is_sent(client, tablet, db):
    item = queued()
    first = client.post("/kiosk/api/responses", json=item, headers=HEADERS)
    assert first.status_code == 201
    # Only the key comes back: never the answers, and never a child's comments.
    assert first.get_json() == {"stored": True, "key": item["key"]}
    for _ in range(3):
        again = client.post("/kiosk/api/responses", json=item, headers=HEADERS)
        assert again.status_code == 200 and again.get_json() == {"stored": True, "key": item["key"]}
    [response] = rows(db)
    assert response.submission_key == item["key"]
    assert (response.channel, response.language) == ("kiosk", "cy")
    assert response.device_id == tablet.device.id
    assert response.inspection.code == "cci-2011-birmingham"
    answers = {a.question_code: (a.value, a.text) for a in response.answers}
    assert answers["comments"] == ("text", "Mae'r TTI wedi helpu. Private words from a child.")
    assert answers["life_better"] == ("no", None)


def test_simultaneous_retries_store_one_row(app, client, tablet, db):
    item = queued()
    cookie = client.get_cookie("kiosk_device", path="/kiosk").value
    statuses = []
    barrier = threading.Barrier(6)

    def send():
        other = app.test_client()
        other.set_cookie("kiosk_device", cookie, path="/kiosk")
        barrier.wait()
        response = other.post("/kiosk/api/responses", json=item, headers=HEADERS)
        statuses.append(response.status_code)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 5 + [201], statuses
    assert len(rows(db)) == 1


def test_three_responses_are_three_rows(client, tablet, db):
    items = [queued(language=lang) for lang in ("en", "cy", "en")]
    for item in items + items:
        assert client.post("/kiosk/api/responses", json=item, headers=HEADERS).status_code in (200, 201)
    assert sorted(r.submission_key for r in rows(db)) == sorted(i["key"] for i in items)


def test_the_tablet_clock_gives_the_time_only_when_plausible(client, tablet, db):
    earlier = datetime.now(timezone.utc) - timedelta(days=2)
    db.expire_all()
    db.get(Device, tablet.device.id).bound_at = earlier - timedelta(days=1)  # enrolled before it
    db.commit()
    client.post("/kiosk/api/responses", json=queued(finished_at=earlier.isoformat()), headers=HEADERS)
    client.post("/kiosk/api/responses", json=queued(finished_at="2001-01-01T00:00:00+00:00"), headers=HEADERS)
    times = sorted(r.submitted_at.replace(tzinfo=r.submitted_at.tzinfo or timezone.utc) for r in rows(db))
    assert abs(times[0] - earlier) < timedelta(seconds=1)
    assert datetime.now(timezone.utc) - times[1] < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"key": "not-a-uuid"}, "key must be a version 4 UUID"),
        ({"questionnaire": "adult-service-user"}, "this device does not collect that questionnaire"),
        ({"version": 99}, "questionnaire version no longer offered"),
        ({"language": "fr"}, "language must be en or cy"),
        ({"answers": {"less_likely": "yes"}}, "required questions not answered: life_better, easy_to_understand"),
    ],
)
def test_a_response_that_cannot_be_stored_is_refused(client, tablet, db, change, reason):
    response = client.post("/kiosk/api/responses", json=queued(**change), headers=HEADERS)
    assert response.status_code == 422
    assert response.get_json()["error"] == reason
    assert rows(db) == []


def test_sync_needs_an_enrolled_tablet_json_and_the_header(app, client, tablet, runner, db):
    item = queued()
    assert client.post("/kiosk/api/responses", data={"key": item["key"]}, headers=HEADERS).status_code == 400
    assert client.post("/kiosk/api/responses", json=item).status_code == 400
    stranger = app.test_client()
    assert stranger.post("/kiosk/api/responses", json=item, headers=HEADERS).status_code == 401
    runner.invoke(args=["kiosk", "revoke", str(tablet.device.id)])
    assert client.post("/kiosk/api/responses", json=item, headers=HEADERS).status_code == 401
    assert rows(db) == []


def test_a_tablet_revoked_after_it_has_sent_is_refused_at_once(client, tablet, runner, db):
    # The process now knows whose credential this is; it must still see the revocation.
    sent = queued()
    assert client.post("/kiosk/api/responses", json=sent, headers=HEADERS).status_code == 201
    runner.invoke(args=["kiosk", "revoke", str(tablet.device.id)])
    after = queued()
    for _ in range(2):  # the refusal that finds it revoked, then the next request
        refused = client.post("/kiosk/api/responses", json=after, headers=HEADERS)
        assert refused.status_code == 401  # 401: the tablet keeps the response queued
        assert refused.get_json() == {"error": "this tablet is not enrolled as a kiosk"}
    assert [r.submission_key for r in rows(db)] == [sent["key"]]


def test_when_a_tablet_was_last_seen_is_noted_at_most_every_few_minutes(app, client, tablet, db):
    from feedback import kiosk

    cookie = client.get_cookie("kiosk_device", path="/kiosk").value
    db.expire_all()
    bound_at = db.get(Device, tablet.device.id).last_seen_at
    later = as_utc(bound_at) + kiosk.SEEN_EVERY + timedelta(seconds=1)
    with app.app_context():
        database = app.extensions["database"]
        for minutes in (0, 1):  # the first notes the time; a minute later is not worth a write
            with database.session() as session:
                found = kiosk.sending_tablet(session, cookie)
                kiosk.store_queued(session, found, queued(), now=later + timedelta(minutes=minutes))
    db.expire_all()
    assert as_utc(db.get(Device, tablet.device.id).last_seen_at) == later


def test_a_web_response_key_cannot_be_claimed_by_a_kiosk(client, tablet, db):
    item = queued()
    assert client.post("/kiosk/api/responses", json=item, headers=HEADERS).status_code == 201
    db.commit()
    stored = db.execute(select(Response)).scalar_one()
    stored.channel = "web"  # as if a web response had this key
    db.commit()
    assert client.post("/kiosk/api/responses", json=item, headers=HEADERS).status_code == 422


def test_no_names_or_addresses_are_stored_with_kiosk_answers(client, tablet, db):
    client.post("/kiosk/api/responses", json=queued(), headers=HEADERS, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    db.commit()
    values = []
    for table in (Response.__table__, Answer.__table__):
        for row in db.execute(select(table)).mappings():
            values += [str(v) for v in row.values()]
    assert not any("203.0.113.9" in value for value in values)
