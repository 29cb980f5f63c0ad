"""The one long-running worker for scheduled work (started by `feedback worker`).

Every WORKER_INTERVAL seconds (30 by default) it runs what is due: emails scheduled for an
inspection's publication date, settling emails whose outcome was unknown, and the one reminder
each invitation gets before it expires (feedback.operations.invitations_sending.send_due).
Each job is idempotent, so a restarted worker, or two at once, sends nothing twice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any, Callable

from . import get_db
from .clock import utcnow
from .invitation_emails import EmailSettings
from .notify import NotifySender, is_configured
from .operations.invitations_sending import DueRun, send_due

logger = logging.getLogger("feedback.worker")

DEFAULT_INTERVAL = 30.0


def run_due_jobs(config: Mapping[str, Any]) -> DueRun | None:
    """Run every due job once; None when GOV.UK Notify is not configured (nothing to send)."""
    if not is_configured(config):
        return None
    settings = EmailSettings.from_config(config)
    with NotifySender.from_config(config) as sender, get_db().session() as session:
        return send_due(session, sender, settings, utcnow())


def describe(run: DueRun) -> list[str]:
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


def loop(job: Callable[[], Any], interval: float, stop: threading.Event) -> None:
    """Run `job` now and then every `interval` seconds until `stop` is set; log, never die, on errors."""
    while not stop.is_set():
        try:
            job()
        except Exception:  # the next round tries again; the error is in the log
            logger.exception("scheduled jobs failed")
        stop.wait(interval)
