"""The jobs `feedback worker` runs: each does one round of its work and says how much it did.

- `slack-requests`: answer the /feedback commands, Share buttons and App Homes the web process
  queued (feedback.slack.pending, feedback.slack.worker);
- `alerts`: post the alerts waiting in slack_outbox (feedback.slack.alerts);
- `counting`: count a batch of the responses still waiting for answer_counts (feedback.counting);
- `emails`: send the invitations scheduled for now, the one reminder each invitation gets, and
  settle emails GOV.UK Notify did not confirm (feedback.operations.invitations_sending).

A worker may be killed at any moment, and several may run at once: each job keeps its state in
the database, never in the worker. A Slack request or an alert is claimed with a lease (a
conditional UPDATE, committed before Slack is called; SKIP LOCKED on PostgreSQL), so another
worker takes it only once the lease is over; an alert that may have reached the channel is
looked for there before it is posted again; an email is written ahead; a counting batch marks
its responses counted in the transaction that adds them up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Mapping

from flask import Flask

from . import counting
from .clock import utcnow
from .db import Database, get_db
from .invitation_emails import EmailSettings
from .notify import NotifySender, is_configured
from .operations.invitations_sending import DueRun, send_due

if TYPE_CHECKING:  # pragma: no cover
    from .slack.alerts import SendReport
    from .slack.posting import Poster
    from .slack.worker import Worker as SlackWorker

logger = logging.getLogger("feedback.worker")

SLACK_POLL = 0.2  # seconds: someone in Slack is waiting for the answer
ALERTS_EVERY = 10.0
COUNTING_EVERY = 10.0  # the web process counts after each reply; this catches the tail up
SLACK_BATCH = 10  # requests answered a round, so that a stop is heard between rounds
DIGEST_LANGUAGES = ("en", "cy", "both")


@dataclass
class Job:
    """A named round of work: `run` does one round and returns how much it did (0: nothing due)."""

    name: str
    run: Callable[[], int]
    every: float  # seconds between rounds while there is nothing to do
    threads: int = 1


@dataclass
class Jobs:
    """The jobs this configuration runs, and why any are left out."""

    jobs: list[Job] = field(default_factory=list)
    off: list[str] = field(default_factory=list)


# --- The jobs -------------------------------------------------------------------------------------

def answer_slack_requests(worker: "SlackWorker", limit: int = SLACK_BATCH) -> int:
    """Answer up to `limit` queued Slack requests; when none is due, forget long-finished ones."""
    answered = worker.drain(limit)
    if not answered:
        worker.tidy()
    return answered


def alert_language(config: Mapping[str, Any]) -> str:
    """The language alerts are worded in: en, cy or both (SLACK_DIGEST_LANGUAGE)."""
    language = (config.get("SLACK_DIGEST_LANGUAGE") or "en").strip().lower()
    if language not in DIGEST_LANGUAGES:
        raise ValueError(f"SLACK_DIGEST_LANGUAGE is {language!r}: use en, cy or both.")
    return language


def send_alerts(app: Flask, poster: "Poster", *, max_attempts: int | None = None, limit: int = 100,
                now: Callable[[], datetime] = utcnow) -> "SendReport":
    """Post the alerts due in slack_outbox to SLACK_DIGEST_CHANNEL; return what happened to each."""
    from .slack import alerts

    config = app.config
    database = get_db(app)
    with app.app_context():  # alerts are worded in the configured language
        return alerts.send_alerts(database.session, poster, config["SLACK_DIGEST_CHANNEL"], alert_language(config),
                                  config["PUBLIC_BASE_URL"], max_attempts=max_attempts or alerts.DEFAULT_MAX_ATTEMPTS,
                                  limit=limit, now=now)


def describe_alerts(report: "SendReport") -> list[str]:
    """What went wrong with any alert, a line each (what was sent is counted, not listed)."""
    lines = [f"Alert {item_id} is in the channel already (an earlier attempt lost Slack's reply): recorded."
             for item_id in report.found]
    lines += [f"Alert {item_id} not sent ({reason}); it will be tried again." for item_id, reason in report.failed]
    lines += [f"Alert {item_id} may be in the channel; Slack's reply was lost ({reason}): it is looked for "
              "there before it is posted again." for item_id, reason in report.unconfirmed]
    lines += [f"Alert {item_id} given up after repeated failures: {reason}" for item_id, reason in report.abandoned]
    return lines


def catch_up_counting(database: Database) -> int:
    """Count one batch of the responses waiting for answer_counts; return how many.

    A batch under way elsewhere (a web process counting after its reply) is left to finish:
    this round counts nothing and the next takes what is left.
    """
    with database.session() as session:
        return counting.count_waiting(session, wait=False)


def send_due_emails(app: Flask, now: Callable[[], datetime] = utcnow) -> DueRun:
    """Settle unconfirmed emails, send the scheduled ones and the reminders that are due."""
    config = app.config
    settings = EmailSettings.from_config(config)
    with app.app_context(), NotifySender.from_config(config) as sender, get_db(app).session() as session:
        return send_due(session, sender, settings, now())


def describe_emails(run: DueRun) -> list[str]:
    lines = [f"Sent {len(run.sent)} scheduled email{'' if len(run.sent) == 1 else 's'}; "
             f"{len(run.reminders.sent)} reminder{'' if len(run.reminders.sent) == 1 else 's'}."]
    for invitation_id, state in run.settled:
        lines.append(f"Invitation {invitation_id}: an email not confirmed before is now settled as {state}.")
    for invitation_id in run.not_confirmed:
        lines.append(f"Invitation {invitation_id}: GOV.UK Notify did not answer; the email is not confirmed "
                     "and will be checked before anything sends it again.")
    for invitation_id, reason in run.failed + run.reminders.failed:
        lines.append(f"Invitation {invitation_id}: {reason}")
    return lines


# --- Which jobs run -------------------------------------------------------------------------------

def jobs_for(app: Flask, *, email_every: float | None = None, slack_threads: int = 2,
             say: Callable[[str], None] | None = None, now: Callable[[], datetime] = utcnow) -> Jobs:
    """The jobs the application's configuration calls for: Slack's when Slack is configured,
    the emails when GOV.UK Notify is, counting always. `say` hears what each round did."""
    config = app.config
    found = Jobs()

    if config.get("SLACK_BOT_TOKEN") and config.get("SLACK_SIGNING_SECRET"):
        from .slack.worker import Worker as SlackWorker

        slack_worker = SlackWorker.from_app(app, now=now)
        found.jobs.append(Job("slack-requests", lambda: answer_slack_requests(slack_worker), SLACK_POLL,
                              threads=slack_threads))
    else:
        found.off.append("Slack is not configured (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET): no Slack requests "
                         "to answer.")

    if config.get("SLACK_BOT_TOKEN") and config.get("SLACK_DIGEST_CHANNEL"):
        from .slack.posting import Poster, client_from_config

        poster = Poster(client_from_config(config))

        def alerts_round() -> int:
            report = send_alerts(app, poster, now=now)
            for line in describe_alerts(report):
                (say or logger.warning)(line)
            return len(report.sent) + len(report.found)

        found.jobs.append(Job("alerts", alerts_round, ALERTS_EVERY))
    else:
        found.off.append("Slack alerts are off (SLACK_BOT_TOKEN or SLACK_DIGEST_CHANNEL is empty): alerts stay "
                         "in the outbox.")

    database = get_db(app)
    found.jobs.append(Job("counting", lambda: catch_up_counting(database), COUNTING_EVERY))

    if is_configured(config):
        def emails_round() -> int:
            run = send_due_emails(app, now)
            if run.sent or run.settled or run.not_confirmed or run.failed or run.reminders.sent \
                    or run.reminders.failed:
                for line in describe_emails(run):
                    (say or logger.info)(line)
            return len(run.sent) + len(run.settled) + len(run.reminders.sent)

        every = email_every or float(config.get("WORKER_INTERVAL") or 30.0)
        found.jobs.append(Job("emails", emails_round, every))
    else:
        found.off.append("GOV.UK Notify is not configured (NOTIFY_API_KEY is empty): no emails to send.")
    return found
