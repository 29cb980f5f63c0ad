"""`feedback worker` answers Slack, posts alerts and counts, and a restart loses and repeats nothing.

A worker stopped dead part-way through each job (after claiming a Slack request, after Slack
took an alert but before it was recorded, in the middle of a counting batch) leaves the work in
the database; the next worker finishes it, once. On SQLite and on PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from feedback import counting
from feedback.clock import utcnow
from feedback.counting import waiting_count
from feedback.jobs import jobs_for
from feedback.models import SlackRequest
from feedback.slack import alerts, pending
from feedback.slack.posting import Poster
from feedback.slack.worker import Worker
from feedback.worker import run_once, start, wait_for
from tests.slack.conftest import (
    BASE_URL,
    BOT_TOKEN,
    CHANNEL,
    SIGNING_SECRET,
    action_body,
    answers,
    post_command,
    signed_headers,
)
from tests.slack.test_alerts import PIE, outbox, store
from tests.test_answer_counts import recount, stored_counts

ROOT = Path(__file__).resolve().parents[2]


class Killed(BaseException):
    """The worker stopped dead (SIGKILL, the machine lost): no `except Exception` runs after it."""


def later(seconds: float):
    moment = utcnow() + timedelta(seconds=seconds)
    return lambda: moment


def requests(db) -> list[SlackRequest]:
    db.commit()
    db.expire_all()
    return list(db.scalars(select(SlackRequest).order_by(SlackRequest.id)))


def waiting(db) -> int:
    db.commit()  # a new transaction: see what the workers committed
    return waiting_count(db)


def by_name(found) -> dict:
    return {job.name: job for job in found.jobs}


def test_the_worker_runs_the_jobs_its_configuration_calls_for(app):
    found = jobs_for(app)
    assert [job.name for job in found.jobs] == ["slack-requests", "alerts", "counting"]
    assert found.off == ["GOV.UK Notify is not configured (NOTIFY_API_KEY is empty): no emails to send."]
    app.config.update(SLACK_BOT_TOKEN="", NOTIFY_API_KEY="key-" + "0" * 72)
    found = jobs_for(app)
    assert [job.name for job in found.jobs] == ["counting", "emails"]
    assert len(found.off) == 2 and "Slack is not configured" in found.off[0]


def test_a_worker_stopped_mid_round_leaves_each_job_to_the_next_worker_done_once(
        app, client, slack, demo_data, monkeypatch):
    db = demo_data
    assert post_command(client, slack, "help", name="restart").status_code == 200
    store(app, db, "post-inspection-evaluation", PIE, "pie-restart")  # an alert, and a response to count
    assert waiting(db) == 1 and len(outbox(db)) == 1

    real_post = Poster.post

    def posted_then_killed(self, *args, **kwargs):
        real_post(self, *args, **kwargs)  # Slack has it ...
        raise Killed  # ... and the worker dies before recording so

    def killed(*args, **kwargs):
        raise Killed

    with monkeypatch.context() as dying:
        dying.setattr(Worker, "deliver", killed)  # the request claimed, its answer not yet sent
        dying.setattr(Poster, "post", posted_then_killed)
        dying.setattr(counting, "add_counts", killed)  # part-way through a batch
        first = by_name(jobs_for(app))
        for name in ("slack-requests", "alerts", "counting"):
            with pytest.raises(Killed):
                run_once([first[name]])

    [request] = requests(db)
    assert request.done_at is None and request.attempts == 1  # claimed, leased to the dead worker
    assert answers(slack, "restart") == []
    [item] = outbox(db)
    assert item.sent_at is None and item.state == alerts.SENDING and len(slack.posted(CHANNEL)) == 1
    assert waiting(db) == 1  # the batch rolled back whole

    # Restarted at once, the work is still leased to the dead worker: nothing is done twice.
    assert run_once(jobs_for(app).jobs) == []
    assert answers(slack, "restart") == [] and len(slack.posted(CHANNEL)) == 1
    assert waiting(db) == 0  # counting holds no lease: the batch is simply counted again

    # Once the leases are over, the next worker finishes each, once.
    after_leases = later(max(pending.LEASE, alerts.LEASE).total_seconds() + 1)
    for _ in range(2):
        assert run_once(jobs_for(app, now=after_leases).jobs) == []
    [reply] = answers(slack, "restart")
    assert "/feedback digest" in reply.body["text"]
    [request] = requests(db)
    assert (request.outcome, request.attempts) == ("answered", 2)
    assert len(slack.calls("chat.postMessage")) == 1 and len(slack.posted(CHANNEL)) == 1  # found, not posted again
    [item] = outbox(db)
    assert item.sent_at is not None and item.message_ts == slack.posted(CHANNEL)[0]["ts"] and item.state is None
    assert stored_counts(db) == recount(db)


def test_a_share_whose_worker_died_mid_post_is_not_shared_twice(app, client, slack, demo_returns):
    db = demo_returns
    post_command(client, slack, "post-inspection-evaluation 2011-12")
    assert run_once(jobs_for(app).jobs) == []
    [reply] = answers(slack)
    [actions] = [b for b in reply.body["blocks"] if b["type"] == "actions"]
    body = action_body(actions["elements"][0]["value"], slack.response_url("share"))
    assert client.post("/slack/events", data=body, headers=signed_headers(body)).status_code == 200

    real_respond = Worker._respond

    def posted_then_killed(self, *args, **kwargs):
        real_respond(self, *args, **kwargs)  # everyone in the channel can see it ...
        raise Killed  # ... and the worker dies before recording so

    dying = by_name(jobs_for(app))["slack-requests"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Worker, "_respond", posted_then_killed)
        with pytest.raises(Killed):
            run_once([dying])
    after_lease = later(pending.LEASE.total_seconds() + 1)
    assert run_once(jobs_for(app, now=after_lease).jobs) == []
    shared = [c for c in answers(slack, "share") if c.body.get("response_type") == "in_channel"]
    assert len(shared) == 1
    share = [r for r in requests(db) if r.kind == "share"][0]
    assert share.outcome == "given_up" and "may be in the channel already" in share.last_error


def test_two_workers_at_once_answer_each_request_and_post_each_alert_once(app, client, slack, demo_data):
    db = demo_data
    names = [f"c{number}" for number in range(12)]
    for name in names:
        post_command(client, slack, "help", name=name, user_id=f"U0{name.upper()}")
    for number in range(4):
        store(app, db, "post-inspection-evaluation", PIE, f"pie-both-{number}")
    db.commit()
    stop = threading.Event()
    threads = start(jobs_for(app).jobs, stop) + start(jobs_for(app).jobs, stop)  # two workers' worth
    try:
        slack.wait_for("response_url", len(names), timeout=60)
        slack.wait_for("chat.postMessage", 4, timeout=60)
        deadline = time.monotonic() + 30
        while waiting(db) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)  # anything done twice would be done by now
    finally:
        stop.set()
        wait_for(threads)
    assert sorted(call.path.rsplit("/", 1)[-1] for call in slack.calls("response_url")) == sorted(names)
    assert {(r.outcome, r.attempts) for r in requests(db)} == {("answered", 1)}
    posted = [m["metadata"]["event_payload"]["alert_id"] for m in slack.posted(CHANNEL)]
    assert sorted(posted) == [item.id for item in outbox(db)] and len(set(posted)) == 4
    assert all(item.sent_at is not None and item.attempts == 1 for item in outbox(db))
    assert waiting(db) == 0 and stored_counts(db) == recount(db)


def test_feedback_worker_does_every_job_and_stops_cleanly_on_sigterm(app, client, slack, demo_data, database_url):
    db = demo_data
    post_command(client, slack, "help", name="served")
    store(app, db, "post-inspection-evaluation", PIE, "pie-served")
    db.commit()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_", "FEEDBACK_", "NOTIFY_"))}
    env.update(DATABASE_URL=database_url, SECRET_KEY="test-secret-key", PUBLIC_BASE_URL=BASE_URL,
               SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_DIGEST_CHANNEL=CHANNEL,
               SLACK_API_URL=slack.api_url, RATELIMIT_STORAGE_URI="memory://",
               SLACK_RESPONSE_URL_PREFIXES=slack.base_url + "/")
    worker = subprocess.Popen([sys.executable, "-m", "feedback.cli", "worker"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        slack.wait_for("response_url", timeout=120)  # a loaded machine takes a while to start Python
        slack.wait_for("chat.postMessage", timeout=60)
        deadline = time.monotonic() + 30
        while waiting(db) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert waiting(db) == 0
        worker.send_signal(signal.SIGTERM)
        _, said = worker.communicate(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()
    assert worker.returncode == 0, said
    assert "Worker running: slack-requests, alerts, counting" in said
    assert "Stopping (signal 15): finishing the jobs under way." in said
    assert "Traceback" not in said
    [request] = requests(db)
    assert request.outcome == "answered"
    assert [item.sent_at is not None for item in outbox(db)] == [True]
