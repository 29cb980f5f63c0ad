"""The current time, in one place so tests can move it."""

from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(moment: datetime) -> datetime:
    """Treat a naive timestamp read back from SQLite as the UTC it was stored as."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
