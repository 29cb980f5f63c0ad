"""The queue between acknowledging and answering: nothing worked out in the request, nothing lost.

A /feedback request is stored and acknowledged; `feedback slack worker` answers it with the
same domain code as before, retries a post Slack did not take, gives up (logged) once the
response URL has expired, never delivers one request twice when two workers run, and finds the
requests queued before a restart.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from feedback import create_app
from feedback.clock import as_utc, utcnow
from feedback.models import SlackRequest
from feedback.slack import commands, pending
from feedback.slack.worker import Worker, run_threads
from tests.conftest import test_config
from tests.slack.conftest import (
    BASE_URL,
    BOT_TOKEN,
    CHANNEL,
    SIGNING_SECRET,
    answers,
    command_body,
    post_command,
    section_text,
    signed_headers,
)

ROOT = Path(__file__).resolve().parents[2]
ASKED = "post-inspection-evaluation 2011-12"


def stored(db) -> list[SlackRequest]:
    db.expire_all()
    return list(db.scalars(select(SlackRequest).order_by(SlackRequest.id)))


def later(seconds: float):
    moment = utcnow() + timedelta(seconds=seconds)
    return lambda: moment


# --- Acknowledged without working the answer out -------------------------------------------------


def test_a_command_is_acknowledged_and_queued_without_working_the_answer_out(client, slack, worker, db,
                                                                            demo_returns, monkeypatch):
    worked_out = []
    real_answer = commands.answer
    monkeypatch.setattr(commands, "answer", lambda *a, **k: worked_out.append(a[1]) or real_answer(*a, **k))

    response = post_command(client, slack, ASKED, user_id="U0ANNE")

    assert response.status_code == 200 and response.get_data() == b""  # an empty 200: nothing shown yet
    assert worked_out == [] and slack.calls(ok_only=False) == []  # no figures, no Slack call (not even users.info)
    [request] = stored(db)
    assert (request.kind, request.user_id, request.text) == ("command", "U0ANNE", ASKED)
    assert request.response_url == slack.response_url("1")
    assert request.done_at is None and request.attempts == 0
    assert as_utc(request.expires_at) - as_utc(request.created_at) == timedelta(minutes=30)

    assert worker.drain() == 1
    assert worked_out == [ASKED]
    [reply] = answers(slack)
    assert "94% fully or mainly (48 answers)" in section_text(reply.body["blocks"])
    [request] = stored(db)
    assert request.outcome == "answered" and request.done_at is not None and request.attempts == 1
    assert worker.drain() == 0  # answered once


def test_the_acknowledgement_does_not_wait_for_a_slow_answer(client, slack, app, monkeypatch):
    real_answer = commands.answer
    happened = []
    database_answers = threading.Event()

    def slow_answer(*args, **kwargs):
        database_answers.wait(20)  # a database slow to answer, until the test lets it
        happened.append("answered")
        return real_answer(*args, **kwargs)

    monkeypatch.setattr(commands, "answer", slow_answer)
    stop = threading.Event()
    threads = run_threads(Worker.from_app(app), 1, stop, poll=0.05)  # a worker running beside the web process
    try:
        body = command_body("help", slack.response_url("slow"))
        response = client.post("/slack/events", data=body, headers=signed_headers(body))
        happened.append("acknowledged")
        assert response.status_code == 200
        database_answers.set()
        [reply] = slack.wait_for("response_url", timeout=20)
        assert happened == ["acknowledged", "answered"], "the acknowledgement came before the answer"
        assert "/feedback digest" in reply.body["text"] and reply.body["response_type"] == "ephemeral"
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=20)


def test_the_worker_sends_the_answer_the_domain_code_words(client, slack, worker, app, demo_returns):
    for name, words in (("figures", ASKED), ("inspection", "inspection greater manchester"), ("usage", "frobnicate")):
        post_command(client, slack, words, name=name)
    assert worker.drain() == 3
    with app.app_context(), app.extensions["database"].session() as session:
        for name, text in (("figures", ASKED), ("inspection", "inspection greater manchester"),
                           ("usage", "frobnicate")):
            expected = commands.with_share_button(
                commands.answer(session, text, "en", BASE_URL, utcnow(), CHANNEL), text, "en")
            [reply] = answers(slack, name)
            assert reply.body == {"text": expected.text, "blocks": expected.blocks, "response_type": "ephemeral"}


def test_a_request_that_cannot_be_queued_is_acknowledged_with_the_sorry_text_in_both_languages(
        client, slack, db, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database unreachable")

    monkeypatch.setattr(pending, "enqueue", broken)
    response = post_command(client, slack, ASKED)
    assert response.status_code == 200
    said = response.get_json()
    assert "the figures could not be fetched just now" in said["text"]
    assert "Mae'n ddrwg gennym, doedd dim modd nôl y ffigurau" in said["text"]
    assert "RuntimeError" not in said["text"] and stored(db) == []


# --- Retried, never lost; given up once the response URL has expired ----------------------------


def test_a_failed_post_is_retried_and_not_lost(client, slack, worker, db):
    slack.fail_next("response_url", "internal_error", status=500)
    post_command(client, slack, "help")

    assert worker.drain() == 1
    assert answers(slack) == [] and len(slack.calls("response_url", ok_only=False)) == 1
    [request] = stored(db)
    assert request.done_at is None and request.attempts == 1 and "500" in request.last_error
    retry_at = as_utc(request.next_attempt_at)
    assert timedelta(seconds=0.5) < retry_at - utcnow() <= timedelta(seconds=2)  # after a second
    assert worker.drain() == 0  # not before then

    worker.now = later(2)
    assert worker.drain() == 1
    [reply] = answers(slack)
    assert "/feedback digest" in reply.body["text"]
    [request] = stored(db)
    assert (request.outcome, request.attempts, request.last_error) == ("answered", 2, None)
    assert worker.drain() == 0


def test_slacks_retry_after_is_waited_out(client, slack, worker, db):
    slack.rate_limit_next("response_url", 45)
    post_command(client, slack, "help")
    worker.drain()
    [request] = stored(db)
    assert as_utc(request.next_attempt_at) - utcnow() > timedelta(seconds=40)
    worker.now = later(46)
    assert worker.drain() == 1 and len(answers(slack)) == 1


def test_the_worker_gives_up_with_an_error_once_the_response_url_has_expired(client, slack, worker, db, caplog):
    post_command(client, slack, "help")
    for _ in range(40):  # Slack refusing every time, for half an hour
        slack.fail_next("response_url", "internal_error", status=503)
    caplog.set_level(logging.WARNING, logger="feedback.slack.worker")
    attempts = 0
    while True:
        [request] = stored(db)
        if request.done_at is not None:
            break
        worker.now = (lambda moment: (lambda: moment))(as_utc(request.next_attempt_at))
        assert worker.drain() == 1
        attempts += 1
        assert attempts < 40
    assert request.outcome == "given_up" and "503" in request.last_error
    assert as_utc(request.done_at) <= as_utc(request.expires_at)
    assert answers(slack) == []
    waits = [r for r in caplog.records if r.levelno == logging.WARNING]
    [gave_up] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "given up" in gave_up.getMessage() and len(waits) == attempts - 1
    assert worker.drain() == 0


def test_a_request_found_after_its_response_url_expired_is_given_up_unsent(client, slack, worker, db, caplog):
    post_command(client, slack, "help")
    worker.now = later(31 * 60)
    with caplog.at_level(logging.ERROR, logger="feedback.slack.worker"):
        assert worker.drain() == 1
    assert slack.calls("response_url", ok_only=False) == []
    [request] = stored(db)
    assert request.outcome == "given_up" and "expired" in request.last_error
    assert "given up" in caplog.text


def test_a_refusal_no_retry_can_mend_is_given_up_at_once(client, slack, worker, db):
    slack.fail_next("response_url", "expired_url", status=404)
    post_command(client, slack, "help")
    assert worker.drain() == 1
    [request] = stored(db)
    assert request.outcome == "given_up" and "404" in request.last_error and request.attempts == 1


def test_finished_requests_are_forgotten_after_a_day(client, slack, worker, db):
    post_command(client, slack, "help", name="old")
    worker.drain()
    post_command(client, slack, "help", name="waiting")
    with worker.database.session() as session:
        assert pending.forget_finished(session, utcnow()) == 0
        assert pending.forget_finished(session, utcnow() + timedelta(days=1, minutes=1)) == 1
    [left] = stored(db)
    assert left.response_url.endswith("/waiting") and left.done_at is None


# --- Two workers, restarts ----------------------------------------------------------------------


def test_two_workers_never_deliver_one_request_twice(client, slack, app, db, database_url):
    names = [f"c{number}" for number in range(24)]
    for name in names:
        post_command(client, slack, "help", name=name, user_id=f"U0{name.upper()}")
    stop = threading.Event()
    first, second = Worker.from_app(app), Worker.from_app(app)  # two processes' worth: own caches
    threads = run_threads(first, 3, stop, poll=0.01) + run_threads(second, 3, stop, poll=0.01)
    try:
        slack.wait_for("response_url", len(names), timeout=60)
        time.sleep(0.5)  # anything delivered twice would arrive by now
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=20)
    delivered = sorted(call.path.rsplit("/", 1)[-1] for call in slack.calls("response_url"))
    assert delivered == sorted(names)
    requests = stored(db)
    assert {(r.outcome, r.attempts) for r in requests} == {("answered", 1)}


def test_a_request_locked_by_one_worker_is_skipped_by_another(client, slack, app, db, database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("FOR UPDATE SKIP LOCKED is PostgreSQL's; SQLite lets one writer in at a time")
    post_command(client, slack, "help", name="first")
    post_command(client, slack, "help", name="second")
    first, second = stored(db)
    db.commit()
    database = app.extensions["database"]
    with database.session() as holding:  # a worker part-way through claiming the first
        holding.execute(select(SlackRequest.id).where(SlackRequest.id == first.id).with_for_update())
        with database.session() as other:
            other.execute(text("SET LOCAL lock_timeout = '5s'"))  # waiting would fail the test, not hang it
            claimed = pending.claim(other, utcnow())
        assert claimed.id == second.id
    with database.session() as session:
        assert pending.claim(session, utcnow()).id == first.id
        assert pending.claim(session, utcnow()) is None


def test_a_request_claimed_by_a_worker_that_died_is_answered_when_its_lease_ends(client, slack, worker, db):
    post_command(client, slack, "help")
    with worker.database.session() as session:
        assert pending.claim(session, utcnow()) is not None  # ... and the worker is killed
    assert worker.drain() == 0  # leased to the dead worker
    worker.now = later(pending.LEASE.total_seconds() + 1)
    assert worker.drain() == 1
    [reply] = answers(slack)
    assert "/feedback digest" in reply.body["text"]
    [request] = stored(db)
    assert request.outcome == "answered" and request.attempts == 2


def test_a_queued_command_survives_a_restart(slack, database_url, demo_returns, db):
    def service():
        return create_app(test_config(database_url, PUBLIC_BASE_URL=BASE_URL, SLACK_BOT_TOKEN=BOT_TOKEN,
                                      SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_DIGEST_CHANNEL=CHANNEL,
                                      SLACK_API_URL=slack.api_url, SLACK_RESPONSE_URL_PREFIXES=(slack.base_url + "/",)))

    before = service()
    assert post_command(before.test_client(), slack, ASKED, name="restart").status_code == 200
    before.extensions["database"].dispose()  # the service stops with the command queued
    del before

    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_", "FEEDBACK_"))}
    env.update(DATABASE_URL=database_url, SECRET_KEY="test-secret-key", PUBLIC_BASE_URL=BASE_URL,
               SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_DIGEST_CHANNEL=CHANNEL,
               SLACK_API_URL=slack.api_url, RATELIMIT_STORAGE_URI="memory://",
               SLACK_RESPONSE_URL_PREFIXES=slack.base_url + "/")
    done = subprocess.run([sys.executable, "-m", "feedback.cli", "slack", "worker", "--once"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    [reply] = answers(slack, "restart")
    assert "94% fully or mainly (48 answers)" in section_text(reply.body["blocks"])
    [request] = stored(db)
    assert request.outcome == "answered"


def test_the_worker_without_slack_configured_says_so_and_stops(app, runner):
    app.config["SLACK_BOT_TOKEN"] = ""
    outcome = runner.invoke(args=["slack", "worker"])
    assert outcome.exit_code == 0 and "not configured" in outcome.output
