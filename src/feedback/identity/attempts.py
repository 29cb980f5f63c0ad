"""Sign-ins under way, kept on the server: the browser's session carries only the row's id."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from ..clock import as_utc, utcnow
from ..models import SignInAttempt

SSO = "sso"
SECOND_FACTOR = "second_factor"
# Long enough to find a phone or a key; short enough that a half-finished sign-in left on a
# shared computer is soon worthless.
LIFETIME = timedelta(minutes=10)
# Wrong codes allowed in one attempt; then the password must be entered again (and that is
# throttled and locked out by feedback.staff).
MAX_FAILURES = 5
KEEP_ENDED = timedelta(days=1)


def start(session: Session, kind: str, *, user_id: int | None = None, next_path: str | None = None,
          now: datetime | None = None, **fields) -> SignInAttempt:
    """Record a new sign-in under way and return it (flushed, so it has an id)."""
    now = now or utcnow()
    # Sign-ins long over are of no further use: cleared here rather than by a job of their own.
    session.execute(delete(SignInAttempt).where(SignInAttempt.expires_at < now - KEEP_ENDED)
                    .execution_options(synchronize_session=False))
    attempt = SignInAttempt(kind=kind, staff_user_id=user_id, created_at=now, expires_at=now + LIFETIME,
                            failures=0, next_path=next_path, **fields)
    session.add(attempt)
    session.flush()
    return attempt


def find_open(session: Session, attempt_id: object, kind: str, now: datetime | None = None) -> SignInAttempt | None:
    """Return the attempt if it is of this kind, unused and unexpired; else None."""
    if not isinstance(attempt_id, int):
        return None
    attempt = session.get(SignInAttempt, attempt_id)
    now = now or utcnow()
    if attempt is None or attempt.kind != kind or attempt.used_at is not None or as_utc(attempt.expires_at) <= now:
        return None
    return attempt


def finish(session: Session, attempt: SignInAttempt, now: datetime | None = None) -> bool:
    """Mark the attempt used; False if another request already did (a replay, a double click)."""
    done = session.execute(
        update(SignInAttempt)
        .where(SignInAttempt.id == attempt.id, SignInAttempt.used_at.is_(None))
        .values(used_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    return done.rowcount == 1


def count_failure(session: Session, attempt: SignInAttempt, now: datetime | None = None) -> bool:
    """Count a wrong code; return True when the attempt has had too many and is ended."""
    attempt.failures = (attempt.failures or 0) + 1
    if attempt.failures >= MAX_FAILURES:
        attempt.used_at = now or utcnow()
        return True
    return False
