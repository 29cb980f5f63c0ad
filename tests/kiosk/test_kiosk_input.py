"""What a kiosk sends that is not what it should be: too big however it arrives, the wrong JSON
shape or type, text over the question's limit, or a time before the tablet was set up."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from feedback.clock import as_utc
from feedback.models import Answer, Device

from .test_sync import HEADERS, queued, rows, tablet  # noqa: F401 (a fixture)

URL = "/kiosk/api/responses"


def post_chunked(client, body: bytes):
    """Post as a client sending Transfer-Encoding: chunked does through gunicorn: no
    Content-Length, and a stream the server ends (wsgi.input_terminated)."""
    return client.post(URL, input_stream=io.BytesIO(body), content_type="application/json", headers={
        **HEADERS, "Transfer-Encoding": "chunked"}, environ_overrides={"wsgi.input_terminated": True})


def test_a_two_mebibyte_response_is_refused_however_it_arrives(client, tablet, db):  # noqa: F811
    body = json.dumps(queued(answers={**queued()["answers"], "comments": "x" * 2_048_000})).encode()
    assert len(body) > 2_000_000
    chunked = post_chunked(client, body)
    assert chunked.status_code == 413, chunked.get_data(as_text=True)[:300]
    assert client.post(URL, data=body, content_type="application/json", headers=HEADERS).status_code == 413
    assert rows(db) == []
    # A response of an ordinary size still arrives chunked.
    assert post_chunked(client, json.dumps(queued()).encode()).status_code == 201


def test_every_request_is_held_to_one_limit_however_it_arrives(app, client):
    body = b"answer=" + b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    chunked = client.post("/i/" + "x" * 43, input_stream=io.BytesIO(body),
                          content_type="application/x-www-form-urlencoded",
                          headers={"Transfer-Encoding": "chunked"}, environ_overrides={"wsgi.input_terminated": True})
    assert chunked.status_code == 413
    assert client.post("/staff/sign-in", data=body, content_type="application/x-www-form-urlencoded").status_code == 413


@pytest.mark.parametrize(("change", "field"), [
    ({"comments": 5}, "answers.comments"),
    ({"comments": ["a", "b"]}, "answers.comments"),
    ({"comments": {"a": "b"}}, "answers.comments"),
    ({"comments": True}, "answers.comments"),
    ({"comments": "ŵ" * 2001}, "answers.comments"),
    ({"comments": "a\ud800b"}, "answers.comments"),
    ({"less_likely": ["yes"]}, "answers.less_likely"),
    ({"less_likely": 1}, "answers.less_likely"),
    ({"less_likely": "maybe"}, "answers.less_likely"),
])
def test_an_answer_of_the_wrong_type_or_too_long_is_refused_naming_it(client, tablet, db, change, field):  # noqa: F811
    item = queued(answers={**queued()["answers"], **change})
    response = client.post(URL, json=item, headers=HEADERS)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["field"] == field
    assert response.get_json()["error"].startswith(field)
    assert rows(db) == []


def test_text_at_the_limit_is_stored_as_given(client, tablet, db):  # noqa: F811
    text = "ŵ" * 1998 + "\r\n"  # with the "a", 2,000 characters once the line break is a newline
    response = client.post(URL, json=queued(answers={**queued()["answers"], "comments": "a" + text}), headers=HEADERS)
    assert response.status_code == 201
    db.commit()
    stored = db.execute(select(Answer.text).where(Answer.question_code == "comments")).scalar_one()
    assert stored == "a" + "ŵ" * 1998


@pytest.mark.parametrize(("change", "field"), [
    ({"version": True}, "version"), ({"version": "1"}, "version"), ({"version": 1.5}, "version"),
    ({"include_about_you": "yes"}, "include_about_you"), ({"include_about_you": 1}, "include_about_you"),
    ({"finished_at": 1733000000}, "finished_at"), ({"answers": ["less_likely", "yes"]}, "answers"),
    ({"language": ["cy"]}, "language"), ({"key": 7}, "key"),
])
def test_a_field_of_the_wrong_type_is_refused_naming_it(client, tablet, db, change, field):  # noqa: F811
    response = client.post(URL, json=queued(**change), headers=HEADERS)
    assert response.status_code == 422
    assert response.get_json()["field"] == field
    assert rows(db) == []


@pytest.mark.parametrize("body", [b"{", b'{"key": }', b"\xff\xfe", b"[" * 50_000 + b"]" * 50_000,
                                  b'{"a":' * 20_000 + b"1" + b"}" * 20_000, b"nul\x00"])
def test_malformed_or_deeply_nested_json_is_a_400(client, tablet, db, body):  # noqa: F811
    assert len(body) < 64 * 1024 * 2
    response = client.post(URL, data=body, content_type="application/json", headers=HEADERS)
    assert response.status_code in (400, 413), response.status_code
    if len(body) <= 64 * 1024:
        assert response.status_code == 400
    assert rows(db) == []


@pytest.mark.parametrize("body", [b"null", b"[]", b"5", b'"text"', b"{}"])
def test_json_that_is_not_an_object_of_the_right_shape_is_a_422(client, tablet, db, body):  # noqa: F811
    response = client.post(URL, data=body, content_type="application/json", headers=HEADERS)
    assert response.status_code == 422
    assert response.get_json()["field"] in (None, "key")


def test_a_response_cannot_be_dated_before_its_tablet_was_set_up(client, tablet, db):  # noqa: F811
    db.expire_all()
    device = db.get(Device, tablet.device.id)
    # Enrolled an hour ago, so that a second after it is in the past, not the future.
    device.bound_at = as_utc(device.bound_at) - timedelta(hours=1)
    db.commit()
    bound = as_utc(device.bound_at)
    before = queued(finished_at=(bound - timedelta(hours=1)).isoformat())
    after = queued(finished_at=(bound + timedelta(seconds=1)).isoformat())
    for item in (before, after):
        assert client.post(URL, json=item, headers=HEADERS).status_code == 201
    times = {r.submission_key: as_utc(r.submitted_at) for r in rows(db)}
    assert times[before["key"]] > bound, "dated before the tablet was enrolled"
    assert times[after["key"]] == bound + timedelta(seconds=1)


def test_a_late_arrival_is_dated_when_it_arrives(client, tablet, db):  # noqa: F811
    db.expire_all()
    device = db.get(Device, tablet.device.id)
    device.bound_at = datetime.now(timezone.utc) - timedelta(days=30)
    db.commit()
    week_old = datetime.now(timezone.utc) - timedelta(days=6)
    too_old = datetime.now(timezone.utc) - timedelta(days=8)
    kept, moved = queued(finished_at=week_old.isoformat()), queued(finished_at=too_old.isoformat())
    for item in (kept, moved):
        assert client.post(URL, json=item, headers=HEADERS).status_code == 201
    times = {r.submission_key: as_utc(r.submitted_at) for r in rows(db)}
    assert abs(times[kept["key"]] - week_old) < timedelta(seconds=1)
    assert datetime.now(timezone.utc) - times[moved["key"]] < timedelta(minutes=1)


def test_a_paper_return_holds_free_text_to_the_question_limit(client, staff_user, db):
    from tests.helpers.pages import Browser

    from .conftest import STAFF_PASSWORD

    browser = Browser(client)
    browser.get("/staff/sign-in?next=/staff/paper/young-people/enter")
    browser.submit({"email": staff_user, "password": STAFF_PASSWORD})
    too_long = "ŵ" * 2001
    page = browser.submit({"less_likely": "yes", "comments": too_long}, button=("then", "another"))
    assert page.status == 400
    assert page.error_summary() == [("Your answer must be 2000 characters or fewer", "#comments")]
    assert page.soup.find("textarea", {"name": "comments"}).get_text() == too_long
    assert rows(db) == []
