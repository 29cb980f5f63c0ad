"""Slow down guessing (passwords, API tokens) with counts kept in the database.

Each source of guesses (an email address, a client address, a browser that has signed in
before, an API client) has a row keyed by a hash of what it is. A few wrong guesses are free;
after that each one makes the source wait, twice as long each time, up to a limit. The
counts live in the database, so they hold across workers and machines, and whether Redis is
up makes no difference to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from math import ceil
from typing import Iterable

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from .clock import as_utc
from .models import GuessThrottle
from .tokens import hash_token

# A source that has made no wrong guess for this long starts again from nothing.
FORGET_AFTER = timedelta(hours=24)


@dataclass(frozen=True)
class Rule:
    """How many wrong guesses a kind of source may make before it waits, and how long."""

    kind: str
    free: int
    first_wait: timedelta
    longest_wait: timedelta

    def key(self, value: str) -> str:
        return hash_token(f"{self.kind}:{value}")

    def wait_after(self, failures: int) -> timedelta:
        if failures < self.free:
            return timedelta(0)
        return min(self.first_wait * 2 ** min(failures - self.free, 20), self.longest_wait)


# Signing in: by the address typed (known or not: both are counted alike), by the client's
# IP address, and by a browser that has signed in to that address before (its own count, so
# a stranger's guessing never keeps the member of staff out on their own browser).
ADDRESS = Rule("address", free=5, first_wait=timedelta(seconds=30), longest_wait=timedelta(minutes=15))
CLIENT = Rule("client", free=10, first_wait=timedelta(seconds=30), longest_wait=timedelta(minutes=15))
KNOWN_BROWSER = Rule("browser", free=5, first_wait=timedelta(seconds=30), longest_wait=timedelta(minutes=15))
# The results API: wrong bearer tokens by client IP address.
API_CLIENT = Rule("api-client", free=10, first_wait=timedelta(seconds=30), longest_wait=timedelta(minutes=15))


def seconds_to_wait(session: Session, keys: Iterable[str], now: datetime) -> int:
    """Return how many whole seconds the longest-waiting of these sources must still wait (0: none)."""
    keys = list(keys)
    if not keys:
        return 0
    until = session.execute(
        select(GuessThrottle.blocked_until).where(GuessThrottle.key.in_(keys))
    ).scalars().all()
    waits = [(as_utc(moment) - now).total_seconds() for moment in until if moment is not None]
    return max([ceil(w) for w in waits if w > 0], default=0)


def record_failure(session: Session, counted: Iterable[tuple[Rule, str]], now: datetime) -> int:
    """Count a wrong guess against each (rule, key); return the seconds now to wait (0: none)."""
    longest = 0
    for rule, key in counted:
        row = session.get(GuessThrottle, key, populate_existing=True)
        if row is not None and as_utc(row.last_failure_at) < now - FORGET_AFTER:
            session.execute(delete(GuessThrottle).where(GuessThrottle.key == key))
            session.expunge(row)
        _add_one(session, key, now)
        failures = session.execute(select(GuessThrottle.failures).where(GuessThrottle.key == key)).scalar_one()
        wait = rule.wait_after(failures)
        if wait:
            row = session.get(GuessThrottle, key, populate_existing=True)
            until = now + wait
            if row.blocked_until is None or as_utc(row.blocked_until) < until:
                row.blocked_until = until
            longest = max(longest, ceil(wait.total_seconds()))
    session.flush()
    return longest


def clear(session: Session, keys: Iterable[str]) -> None:
    """Forget the wrong guesses of these sources (after a right one)."""
    keys = list(keys)
    if keys:
        session.execute(delete(GuessThrottle).where(GuessThrottle.key.in_(keys)))


def _add_one(session: Session, key: str, now: datetime) -> None:
    """Add one failure in one statement, so that guesses made at the same moment all count."""
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = GuessThrottle.__table__
    statement = insert(table).values(key=key, failures=1, last_failure_at=now, blocked_until=None)
    session.execute(statement.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"failures": table.c.failures + 1, "last_failure_at": now},
    ))
