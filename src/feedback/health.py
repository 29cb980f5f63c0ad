"""What `/healthz` reports: each dependency's state, and whether the service can take responses.

The database is the one the service cannot work without: while it is down, `/healthz` answers
503. Redis holds the rate-limit counters; while it is down respondents are still served (their
posts are let through), so it is reported, with a 200. With Slack on, the queue of Slack
requests says whether a worker is answering them: nothing here hears from the worker itself,
so a request waiting longer than a worker leaves one is what "behind" means.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from .clock import as_utc
from .models import SlackRequest

UP, DOWN = "up", "down"
WORKER_BEHIND_SECONDS = 120  # a running worker takes a request within a second or two


@dataclass(frozen=True)
class Health:
    checks: dict[str, dict[str, Any]]

    @property
    def can_take_responses(self) -> bool:
        return self.checks["database"]["state"] == UP

    @property
    def status(self) -> str:
        if not self.can_take_responses:
            return "unavailable"
        return "ok" if all(c["state"] in (UP, "not used") for c in self.checks.values()) else "degraded"

    def as_json(self) -> dict[str, Any]:
        return {"status": self.status, "checks": self.checks}


def database_state(session: Session) -> dict[str, Any]:
    try:
        session.execute(text("SELECT 1"))
    except Exception as error:  # any failure to answer is the database being down, for this check
        return {"state": DOWN, "error": type(error).__name__}
    return {"state": UP}


def redis_state(storage_uri: str, storage) -> dict[str, Any]:
    """Ask the rate-limit storage whether it answers (Redis PING); memory:// has nothing to ask."""
    if storage_uri.startswith("memory://"):
        return {"state": "not used"}
    try:
        answers = bool(storage.check())
    except Exception as error:  # the storage library raises on some failures rather than saying False
        return {"state": DOWN, "error": type(error).__name__}
    return {"state": UP if answers else DOWN}


def slack_worker_state(session: Session, now: datetime) -> dict[str, Any]:
    """Whether Slack requests wait longer than a running worker would leave them."""
    oldest = session.execute(
        select(func.min(SlackRequest.next_attempt_at)).where(SlackRequest.done_at.is_(None),
                                                              SlackRequest.next_attempt_at <= now)
    ).scalar_one()
    if oldest is None:
        return {"state": UP, "oldest_waiting_seconds": 0}
    waited = max(0, int((now - as_utc(oldest)).total_seconds()))
    return {"state": UP if waited < WORKER_BEHIND_SECONDS else "behind", "oldest_waiting_seconds": waited}


def check(session: Session, storage_uri: str, storage, now: datetime, slack_on: bool) -> Health:
    """Look at each dependency in turn; nothing here raises."""
    checks = {"database": database_state(session), "redis": redis_state(storage_uri, storage)}
    if slack_on:
        if checks["database"]["state"] == UP:
            try:
                checks["slack_worker"] = slack_worker_state(session, now)
            except Exception as error:  # the database went between the two queries
                checks["slack_worker"] = {"state": "unknown", "error": type(error).__name__}
        else:
            checks["slack_worker"] = {"state": "unknown"}
    return Health(checks)
