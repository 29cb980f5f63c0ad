"""A digest or an alert reaches Slack once, even when Slack's reply to the post is lost.

The stand-in takes the post (it lands in the channel) and then drops the connection, or says
nothing past the client's timeout, or fails with a 500. The command says so in one line and
exits non-zero; the next run looks in the channel's history for the message's metadata and
records it rather than posting it again.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

from sqlalchemy import select, update

from feedback.clock import utcnow
from feedback.models import DigestPost, SlackOutbox, SlackRequest
from tests.slack.conftest import (
    BOT_TOKEN,
    CHANNEL,
    SIGNING_SECRET,
    action_body,
    answers,
    post_command,
    signed_headers,
)
from tests.slack.test_alerts import PIE, outbox, store

PERIOD = "2011-12"


def digest_rows(db) -> list[DigestPost]:
    db.commit()
    db.expire_all()
    return db.scalars(select(DigestPost)).all()


def handled(result) -> bool:
    """The command ended through click (a message and an exit code), not an exception."""
    return result.exception is None or isinstance(result.exception, SystemExit)


def test_a_digest_whose_reply_was_lost_is_found_not_posted_again(runner, demo_returns, slack, db):
    slack.drop_reply_next("chat.postMessage")
    lost = runner.invoke(args=["digest", "--period", PERIOD])
    assert lost.exit_code == 1 and handled(lost), lost.output
    assert "Traceback" not in lost.output
    [line] = lost.stderr.strip().splitlines()
    assert "may have been posted" in line and "reply was lost" in line and "unconfirmed" in line
    [row] = digest_rows(db)
    assert (row.state, row.message_ts) == ("unconfirmed", None)
    [message] = slack.posted(CHANNEL)
    assert message["metadata"] == {"event_type": "feedback_digest",
                                   "event_payload": {"period": PERIOD, "language": "en", "channel": CHANNEL}}

    again = runner.invoke(args=["digest", "--period", PERIOD])
    assert again.exit_code == 0, again.output
    assert "was already in C0DIGEST" in again.output and message["ts"] in again.output
    [history] = slack.calls("conversations.history")
    assert history.body["include_all_metadata"] in ("1", "true") and history.body["channel"] == CHANNEL
    assert len(slack.posted(CHANNEL)) == 1 and len(slack.calls("chat.postMessage")) == 1
    [row] = digest_rows(db)
    assert (row.state, row.message_ts) == (None, message["ts"])

    third = runner.invoke(args=["digest", "--period", PERIOD])
    assert third.exit_code == 0 and "was already posted to C0DIGEST" in third.output
    assert len(slack.posted(CHANNEL)) == 1


def test_with_every_reply_lost_any_number_of_runs_leave_one_digest(runner, demo_returns, slack, db):
    slack.drop_every_reply("chat.postMessage")
    runs = [runner.invoke(args=["digest", "--period", PERIOD, "--language", "both"]) for _ in range(4)]
    assert runs[0].exit_code == 1 and handled(runs[0]) and "Traceback" not in runs[0].output
    assert all(handled(run) for run in runs)
    # The English one lost, the first run stopped; the next found it and posted the Welsh, lost too;
    # the third found that; the fourth had nothing to do.
    assert [run.exit_code for run in runs] == [1, 1, 0, 0]
    posted = slack.posted(CHANNEL)
    assert sorted(m["metadata"]["event_payload"]["language"] for m in posted) == ["cy", "en"]
    assert sorted((r.language, r.state, r.message_ts) for r in digest_rows(db)) == [
        ("cy", None, posted[1]["ts"]), ("en", None, posted[0]["ts"])]


def test_a_post_answered_with_silence_past_the_timeout_is_looked_for(app, runner, demo_returns, slack, db):
    app.config["SLACK_TIMEOUT_SECONDS"] = 1
    slack.stall_next("chat.postMessage", 3)
    silent = runner.invoke(args=["digest", "--period", PERIOD])
    assert silent.exit_code == 1 and handled(silent), silent.output
    assert "no reply before the timeout" in silent.stderr
    again = runner.invoke(args=["digest", "--period", PERIOD])
    assert again.exit_code == 0 and "was already in C0DIGEST" in again.output
    assert len(slack.posted(CHANNEL)) == 1


def test_a_500_is_an_unknown_outcome_and_the_next_run_posts_once_not_finding_it(runner, demo_returns, slack, db):
    slack.fail_next("chat.postMessage", "internal_error", status=500)
    failed = runner.invoke(args=["digest", "--period", PERIOD])
    assert failed.exit_code == 1 and handled(failed) and "Slack answered 500" in failed.output
    assert slack.posted(CHANNEL) == []
    again = runner.invoke(args=["digest", "--period", PERIOD])
    assert again.exit_code == 0 and "Posted the English digest" in again.output
    assert len(slack.calls("conversations.history")) == 1 and len(slack.posted(CHANNEL)) == 1
    [row] = digest_rows(db)
    assert row.message_ts == slack.posted(CHANNEL)[0]["ts"] and row.state is None


def test_when_history_cannot_be_read_nothing_is_posted(runner, demo_returns, slack, db):
    slack.drop_reply_next("chat.postMessage")
    runner.invoke(args=["digest", "--period", PERIOD])
    slack.drop_reply_next("conversations.history")
    unsure = runner.invoke(args=["digest", "--period", PERIOD])
    assert unsure.exit_code == 1 and handled(unsure)
    assert "may already be in C0DIGEST" in unsure.output and "Nothing was posted" in unsure.output
    assert len(slack.calls("chat.postMessage")) == 1
    [row] = digest_rows(db)
    assert row.state == "unconfirmed"
    settled = runner.invoke(args=["digest", "--period", PERIOD])
    assert settled.exit_code == 0 and "was already in C0DIGEST" in settled.output
    assert len(slack.posted(CHANNEL)) == 1


def test_a_run_killed_while_posting_leaves_a_claim_settled_after_its_lease(runner, demo_returns, slack, db):
    slack.drop_reply_next("chat.postMessage")
    runner.invoke(args=["digest", "--period", PERIOD])
    # As a run killed mid-post leaves it: "posting", claimed a moment ago.
    db.execute(update(DigestPost).values(state="posting", claimed_at=utcnow()))
    db.commit()
    busy = runner.invoke(args=["digest", "--period", PERIOD])
    assert busy.exit_code == 0 and "being posted to C0DIGEST by another run" in busy.output
    assert slack.calls("conversations.history") == []
    db.execute(update(DigestPost).values(claimed_at=utcnow() - timedelta(hours=1)))
    db.commit()
    settled = runner.invoke(args=["digest", "--period", PERIOD])
    assert settled.exit_code == 0 and "was already in C0DIGEST" in settled.output
    assert len(slack.posted(CHANNEL)) == 1


def test_the_digest_command_exits_non_zero_without_a_traceback(database_url, demo_returns, slack, tmp_path):
    """As an operator runs it: the console script, Slack dropping the reply to every post."""
    slack.drop_every_reply("chat.postMessage")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_", "FEEDBACK_"))}
    env.update(DATABASE_URL=database_url, SECRET_KEY="test-secret-key", SLACK_BOT_TOKEN=BOT_TOKEN,
               SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_DIGEST_CHANNEL=CHANNEL, SLACK_API_URL=slack.api_url,
               RATELIMIT_STORAGE_URI="memory://")
    command = [sys.executable, "-m", "feedback.cli", "digest", "--period", PERIOD]
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert first.returncode == 1, first.stderr
    assert "Traceback" not in first.stderr
    [line] = first.stderr.strip().splitlines()
    assert line.startswith("Error: The English digest for 2011–12 may have been posted to C0DIGEST")
    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert len(slack.posted(CHANNEL)) == 1


# --- Alerts -----------------------------------------------------------------------------------

def make_due(db) -> None:
    """Let the minutes of backoff pass."""
    db.execute(update(SlackOutbox).where(SlackOutbox.sent_at.is_(None))
               .values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.commit()


def test_two_alerts_with_every_reply_lost_reach_the_channel_once_each(app, demo_data, runner, slack):
    store(app, demo_data, "post-inspection-evaluation", PIE, "pie-lost-1")
    store(app, demo_data, "post-inspection-evaluation", PIE, "pie-lost-2")
    first, second = outbox(demo_data)
    slack.drop_every_reply("chat.postMessage")
    lost = runner.invoke(args=["slack", "send-alerts"])
    assert lost.exit_code == 1 and handled(lost), lost.output
    assert "Traceback" not in lost.output
    [line] = lost.stderr.strip().splitlines()
    assert line.startswith(f"Error: Alerts {first.id}, {second.id} may be in C0DIGEST, but Slack's reply was lost")
    assert [item.state for item in outbox(demo_data)] == ["unconfirmed", "unconfirmed"]
    for _ in range(3):
        make_due(demo_data)
        again = runner.invoke(args=["slack", "send-alerts"])
        assert again.exit_code == 0 and handled(again), again.output
    posted = slack.posted(CHANNEL)
    assert [m["metadata"] for m in posted] == [
        {"event_type": "feedback_alert", "event_payload": {"alert_id": item.id}} for item in outbox(demo_data)]
    assert len(slack.calls("chat.postMessage")) == 2
    items = outbox(demo_data)
    assert [(i.sent_at is not None, i.message_ts, i.state) for i in items] == [
        (True, posted[0]["ts"], None), (True, posted[1]["ts"], None)]


def test_an_alert_whose_reply_was_lost_is_looked_for_and_a_missing_one_posted(app, demo_data, runner, slack):
    store(app, demo_data, "post-inspection-evaluation", PIE, "pie-lost-3")
    slack.fail_next("chat.postMessage", "internal_error", status=500)  # Slack failed: nothing in the channel
    failed = runner.invoke(args=["slack", "send-alerts"])
    assert failed.exit_code == 1 and "Slack answered 500" in failed.output
    make_due(demo_data)
    sent = runner.invoke(args=["slack", "send-alerts"])
    assert sent.exit_code == 0 and "Sent 1 alert." in sent.output
    assert len(slack.calls("conversations.history")) == 1 and len(slack.posted(CHANNEL)) == 1


def test_an_alert_whose_sender_was_killed_is_looked_for_after_its_lease(app, demo_data, runner, slack):
    store(app, demo_data, "post-inspection-evaluation", PIE, "pie-lost-4")
    slack.drop_reply_next("chat.postMessage")
    runner.invoke(args=["slack", "send-alerts"])
    # As a sender killed mid-post leaves it: claimed ("sending"), its lease over.
    demo_data.execute(update(SlackOutbox).values(state="sending"))
    make_due(demo_data)
    found = runner.invoke(args=["slack", "send-alerts"])
    [item] = outbox(demo_data)
    assert found.exit_code == 0 and f"Found alert {item.id} in C0DIGEST already" in found.output
    assert len(slack.posted(CHANNEL)) == 1


def test_a_rate_limited_alert_waits_and_is_posted_once(app, demo_data, runner, slack, sleeps):
    store(app, demo_data, "post-inspection-evaluation", PIE, "pie-429")
    slack.rate_limit_next("chat.postMessage", retry_after=5)
    sent = runner.invoke(args=["slack", "send-alerts"])
    assert sent.exit_code == 0 and "Sent 1 alert." in sent.output
    assert sleeps == [5.0] and len(slack.posted(CHANNEL)) == 1
    assert slack.calls("conversations.history") == []


# --- The worker ---------------------------------------------------------------------------------

def test_a_shared_answer_whose_reply_was_lost_is_not_shared_twice(client, slack, worker, db, demo_returns):
    post_command(client, slack, "post-inspection-evaluation 2011-12")
    worker.drain()
    [reply] = answers(slack)
    [actions] = [b for b in reply.body["blocks"] if b["type"] == "actions"]
    body = action_body(actions["elements"][0]["value"], slack.response_url("share"))
    assert client.post("/slack/events", data=body, headers=signed_headers(body)).status_code == 200
    slack.drop_reply_next("response_url")
    worker.drain()
    worker.now = lambda: utcnow() + timedelta(minutes=5)  # any retry would be due by now
    worker.drain()
    shared = [c for c in answers(slack, "share") if c.body.get("response_type") == "in_channel"]
    assert len(shared) == 1
    db.commit()
    request = db.scalars(select(SlackRequest).where(SlackRequest.kind == "share")).one()
    assert request.outcome == "given_up" and "may be in the channel already" in request.last_error
