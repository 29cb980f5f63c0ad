"""Alerts: a post-inspection evaluation below "mainly" reaches the team once, through the outbox."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from feedback import questionnaires
from feedback.clock import utcnow
from feedback.models import Inspection, Organisation, Response, ResponseEvent, SlackOutbox
from feedback.responses import store_response
from feedback.slack import alerts
from feedback.slack.alerts import queue_new_alerts
from tests.slack.conftest import BASE_URL, CHANNEL, home_opened_body, post_command, section_text, signed_headers

INSPECTION = "omi2-2011-greater-manchester"
PIE = {
    "planning_clarity": "fully",
    "pre_inspection_planning": "mainly",
    "team_conduct": "partly",
    "requests_reasonable": "fully",
    "overall_management": "not_at_all",
}
HOSTILE = "Thanks <!channel> and <https://x|y> & <@U0BOSS>"


def store(app, db, code: str, answers: dict, key: str, inspection: str | None = INSPECTION, on_stored=None):
    inspection_id = None
    if inspection:
        inspection_id = db.execute(select(Inspection.id).where(Inspection.code == inspection)).scalar_one()
    with app.app_context():
        return store_response(db, questionnaires.get(code), answers, submission_key=key, channel="web",
                              language="en", inspection_id=inspection_id, on_stored=on_stored)


def outbox(db) -> list[SlackOutbox]:
    """The outbox, once the responses stored meanwhile are queued (as send-alerts does first)."""
    db.commit()
    queue_new_alerts(db)
    db.expire_all()  # read what the commands committed, not what this session remembers
    return db.scalars(select(SlackOutbox).order_by(SlackOutbox.id)).all()


def events(db) -> int:
    db.commit()
    return db.execute(select(func.count()).select_from(ResponseEvent)).scalar_one()


def test_a_partly_answer_is_queued_with_the_response_and_sent_once(app, demo_data, runner, slack):
    response = store(app, demo_data, "post-inspection-evaluation", {**PIE, "comments": "Helpful team."}, "pie-1")
    [item] = outbox(demo_data)
    assert item.kind == "low_evaluation" and item.sent_at is None and item.attempts == 0
    assert item.payload == {
        "response_id": response.id,
        "questionnaire": "post-inspection-evaluation",
        "low": [{"question": "team_conduct", "answer": "partly"},
                {"question": "overall_management", "answer": "not_at_all"}],
    }
    assert "Helpful" not in str(item.payload)  # no free text in the outbox

    sent = runner.invoke(args=["slack", "send-alerts"])
    assert sent.exit_code == 0, sent.output
    assert "Sent 1 alert." in sent.output
    [post] = slack.calls("chat.postMessage")
    assert post.body["channel"] == CHANNEL
    text = section_text(post.blocks)
    assert "Greater Manchester Probation Trust" in text
    assert "Offender Management Inspection 2 (OMI 2), fieldwork" in text
    assert "How satisfied were you with the conduct of the inspection team?: *Partly*" in text
    assert "Overall, how satisfied were you with the management of the inspection?: *Not at all*" in text
    assert "> Helpful team." in text
    assert f"<{BASE_URL}/staff/inspections/{INSPECTION}|" in text
    assert "Greater Manchester Probation Trust" in post.body["text"]

    again = runner.invoke(args=["slack", "send-alerts"])
    assert again.exit_code == 0 and "Sent 0 alerts." in again.output
    assert len(slack.calls("chat.postMessage")) == 1
    [item] = outbox(demo_data)
    assert item.sent_at is not None and item.attempts == 1 and item.last_error is None


def fail_before_commit(stored):
    raise RuntimeError("the database went away before commit")


def test_the_alert_is_in_the_responses_transaction(app, demo_data):
    with pytest.raises(RuntimeError):
        store(app, demo_data, "post-inspection-evaluation", PIE, "pie-rolled-back", on_stored=fail_before_commit)
    demo_data.rollback()
    assert outbox(demo_data) == []
    assert demo_data.execute(select(func.count()).select_from(Response)).scalar_one() == 0

    first = store(app, demo_data, "post-inspection-evaluation", PIE, "pie-twice")
    second = store(app, demo_data, "post-inspection-evaluation", PIE, "pie-twice")  # a double click
    assert first.id == second.id
    assert len(outbox(demo_data)) == 1


def test_storing_notes_the_response_and_the_queue_step_alerts_once_however_often_it_runs(app, demo_data):
    db = demo_data
    response = store(app, db, "post-inspection-evaluation", PIE, "pie-noted")
    assert db.scalars(select(ResponseEvent.response_id)).all() == [response.id]
    assert db.scalars(select(SlackOutbox)).all() == []  # nothing for Slack while the sender waits
    assert queue_new_alerts(db) == 1
    assert queue_new_alerts(db) == 0
    [item] = outbox(db)
    assert item.payload["response_id"] == response.id
    assert events(db) == 0


def test_a_store_rolled_back_leaves_nothing_to_queue(app, demo_data):
    with pytest.raises(RuntimeError):
        store(app, demo_data, "post-inspection-evaluation", PIE, "pie-rolled-back", on_stored=fail_before_commit)
    demo_data.rollback()
    assert events(demo_data) == 0
    assert queue_new_alerts(demo_data) == 0
    assert outbox(demo_data) == []


def test_two_queue_runs_at_once_queue_each_alert_once(app, demo_data, monkeypatch):
    db = demo_data
    low = [store(app, db, "post-inspection-evaluation", PIE, f"pie-{n}").id for n in range(3)]
    store(app, db, "post-inspection-evaluation", {**PIE, "team_conduct": "fully", "overall_management": "fully"},
          "pie-content")
    store(app, db, "sentencers", {"psr_quality": "partly", "liaison": "no"}, "sentencers")
    db.commit()
    first_run = threading.get_ident()
    inside, go_on = threading.Event(), threading.Event()
    looked_at = alerts.low_answers

    def held(definition, answers):  # the first run waits here, its events taken, not committed
        if threading.get_ident() == first_run and not inside.is_set():
            inside.set()
            assert go_on.wait(30)
        return looked_at(definition, answers)

    monkeypatch.setattr(alerts, "low_answers", held)
    database = app.extensions["database"]
    queued: list[int] = []

    def other_run():
        with database.session() as session:
            queued.append(queue_new_alerts(session))

    with database.session() as session:
        other = threading.Thread(target=other_run)

        def start_other():
            assert inside.wait(30)
            other.start()
            other.join(1)  # PostgreSQL: done, the events skipped; SQLite: waiting its turn to write
            go_on.set()

        starter = threading.Thread(target=start_other)
        starter.start()
        queued.append(queue_new_alerts(session))
        starter.join()
    other.join(30)
    assert not other.is_alive()
    assert sorted(queued) == [0, 3]
    assert sorted(item.payload["response_id"] for item in outbox(db)) == low
    assert events(db) == 0


@pytest.mark.parametrize("code, answers", [
    ("post-inspection-evaluation", {**PIE, "team_conduct": "mainly", "overall_management": "fully"}),
    ("sentencers", {"psr_quality": "partly", "liaison": "no", "court_staff_skills": "not_at_all",
                    "court_staffing_concern": "yes"}),
    ("youth-victims", {"service_satisfaction": "no", "concerns_heard": "no", "safety_attention": "no",
                       "comments": "I was not listened to."}),
])
def test_no_alert_unless_an_evaluation_is_below_mainly(app, demo_data, code, answers):
    store(app, demo_data, code, answers, f"key-{code}", inspection=None if code == "youth-victims" else INSPECTION)
    assert outbox(demo_data) == []


def test_a_failed_post_is_retried_later_with_backoff_and_given_up_after_the_limit(app, demo_data, runner, slack):
    store(app, demo_data, "post-inspection-evaluation", PIE, "pie-retry")
    slack.fail_next("chat.postMessage", "channel_not_found")
    failed = runner.invoke(args=["slack", "send-alerts"])
    assert failed.exit_code == 0
    assert "not sent (chat.postMessage: channel_not_found); it will be tried again" in failed.output
    [item] = outbox(demo_data)
    assert item.sent_at is None and item.attempts == 1 and "channel_not_found" in item.last_error
    retry_at = item.next_attempt_at if item.next_attempt_at.tzinfo else item.next_attempt_at.replace(tzinfo=timezone.utc)
    assert retry_at > utcnow()

    not_yet = runner.invoke(args=["slack", "send-alerts"])
    assert "Sent 0 alerts." in not_yet.output
    assert slack.calls("chat.postMessage") == []

    item.next_attempt_at = utcnow() - timedelta(seconds=1)
    demo_data.commit()
    sent = runner.invoke(args=["slack", "send-alerts"])
    assert "Sent 1 alert." in sent.output and len(slack.calls("chat.postMessage")) == 1

    store(app, demo_data, "post-inspection-evaluation", PIE, "pie-hopeless")
    slack.fail_next("chat.postMessage", "is_archived")
    gave_up = runner.invoke(args=["slack", "send-alerts", "--max-attempts", "1"])
    assert gave_up.exit_code == 1 and "given up" in gave_up.output
    assert runner.invoke(args=["slack", "send-alerts", "--max-attempts", "1"]).output.startswith("Sent 0 alerts.")


def test_send_alerts_needs_slack_configured(app, demo_data, runner):
    app.config["SLACK_BOT_TOKEN"] = ""
    outcome = runner.invoke(args=["slack", "send-alerts"])
    assert outcome.exit_code == 2 and "not configured" in outcome.output


def test_text_from_people_and_the_database_reaches_slack_escaped(app, demo_data, runner, slack, client, worker):
    organisation = demo_data.scalars(select(Organisation).where(Organisation.code == "trust-greater-manchester")).one()
    organisation.name = "Evil <!channel> Trust <https://x|y>"
    demo_data.commit()
    store(app, demo_data, "post-inspection-evaluation", {**PIE, "comments": HOSTILE}, "pie-hostile")
    assert runner.invoke(args=["slack", "send-alerts"]).exit_code == 0
    post_command(client, slack, "inspection trust-greater-manchester")
    post_command(client, slack, "post-inspection-evaluation 2011-12 trust-greater-manchester", name="2")
    assert worker.drain() == 2

    everything = slack.all_text()
    for raw in ("<!channel>", "<https://x|y>", "<@U0BOSS>"):
        assert raw not in everything
    [alert] = slack.calls("chat.postMessage")
    text = section_text(alert.blocks)
    assert "Evil &lt;!channel&gt; Trust &lt;https://x|y&gt;" in text
    assert "> Thanks &lt;!channel&gt; and &lt;https://x|y&gt; &amp; &lt;@U0BOSS&gt;" in text
    assert "Thanks &lt;!channel&gt;" in alert.body["text"]
    assert "Evil &lt;!channel&gt; Trust" in slack.calls("response_url")[0].text


def test_welsh_and_both_languages_for_alerts(app, demo_data, runner, slack):
    app.config["SLACK_DIGEST_LANGUAGE"] = "both"
    store(app, demo_data, "post-inspection-evaluation", PIE, "pie-both")
    assert runner.invoke(args=["slack", "send-alerts"]).exit_code == 0
    [post] = slack.calls("chat.postMessage")
    text = section_text(post.blocks)
    assert "How satisfied were you with the conduct of the inspection team?" in text
    assert "Pa mor fodlon oeddech chi ag ymddygiad y tîm arolygu?" in text
    assert len(post.blocks) <= 50


def test_victims_and_young_peoples_comments_never_reach_slack(app, demo_returns, runner, client, slack, worker):
    db = demo_returns
    secrets = {"youth-victims": "VICTIM-SECRET-1", "young-people": "CHILD-SECRET-2", "adult-victims": "VICTIM-SECRET-3",
               "adult-service-user": "SERVICE-USER-SECRET-4"}
    when = datetime(2011, 9, 1, 12, tzinfo=timezone.utc)
    for code, secret in secrets.items():
        definition = questionnaires.get(code)
        answers = {q.code: q.scale.codes[-1] for q in definition.questions if q.kind == "single"}
        answers["comments"] = secret
        with app.app_context():
            store_response(db, definition, answers, submission_key=f"secret-{code}", channel="kiosk",
                           language="en", inspection_id=None, now=when)
    store(app, db, "post-inspection-evaluation", {**PIE, "comments": "An evaluation comment."}, "pie-allowed")
    db.commit()

    assert runner.invoke(args=["digest", "--period", "2011-12"]).exit_code == 0
    assert runner.invoke(args=["slack", "send-alerts"]).exit_code == 0
    for text in ("youth-victims 2011-12", "young-people 2011-12", "adult-victims 2011-12", "digest 2011-12",
                 "inspection cci-2011-brent", "inspection greater manchester"):
        post_command(client, slack, text)
    body = home_opened_body()
    client.post("/slack/events", data=body, headers=signed_headers(body, content_type="application/json"))
    assert worker.drain() == 7

    everything = slack.all_text()
    assert "An evaluation comment." in everything  # the one comment an alert may carry
    for secret in secrets.values():
        assert secret not in everything
    assert {c.method for c in slack.calls()} >= {"chat.postMessage", "response_url", "views.publish"}


def test_the_store_imports_nothing_of_slack():
    script = (
        "import sys\n"
        "import feedback.responses\n"
        "assert not [m for m in sys.modules if m.startswith('feedback.slack')], 'imported'\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)


def test_queueing_alerts_imports_neither_slack_sdk_nor_bolt():
    script = (
        "import sys\n"
        "import feedback.responses, feedback.slack.alerts\n"
        "assert 'slack_sdk' not in sys.modules and 'slack_bolt' not in sys.modules, 'imported'\n"
        "import feedback.slack.alerts as a\n"
        "assert not hasattr(a, 'flask') and not hasattr(a, 'Flask')\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
