"""Slack requests waiting for their answer: the queue between acknowledging and answering.

Slack wants its acknowledgement within three seconds; an answer (a digest, a questionnaire's
figures) takes a tenth of a second of CPU or more. So the web process only stores the request
(`enqueue`, one INSERT, committed before the 200 goes back) and `feedback worker` answers
it, in processes of its own.

A worker `claim`s the oldest request that is due: one UPDATE that adds an attempt and leases
the request to it until `next_attempt_at` (PostgreSQL: the candidate row is locked with
FOR UPDATE SKIP LOCKED, so workers never wait for each other nor take the same request; SQLite
runs one writer at a time). The claim is committed before the answer is worked out, so nothing
is locked while Slack answers, and a worker that dies leaves its request to be claimed again
when the lease ends (a shared answer excepted: one whose worker died mid-post may be in the
channel, and is given up rather than shared twice; see `mark_sharing`). Then `finish` (answered, or failed: the sorry text sent), `retry_later`
(the post failed: 1, 2, 4 ... seconds, a minute at most) or, once Slack's response URL has
expired (30 minutes), `finish` as given up.

Rows hold what the person typed and the response URL; finished rows are deleted after a day
(`forget_finished`). This module imports neither Flask nor slack-sdk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..clock import as_utc
from ..models import SlackRequest

COMMAND = "command"  # /feedback: text is what they typed
SHARE = "share"  # the "Share in channel" button: text is the button's value
HOME = "home"  # the App Home opened: no text, no response URL
KINDS = (COMMAND, SHARE, HOME)

ANSWERED = "answered"
FAILED = "failed"  # the answer could not be worked out; the person was told so
GIVEN_UP = "given_up"  # not delivered: the response URL expired, or Slack refused it for good
# Left in last_error while a shared answer is being posted: a worker that finds it there when it
# claims the request knows the last one stopped mid-post, so the answer may be in the channel.
SHARING = "a worker stopped while sharing it"

LIFETIME = timedelta(minutes=30)  # a response URL's life (Slack: 30 minutes, 5 uses)
LEASE = timedelta(minutes=2)  # a claimed request is left to its worker this long
KEPT = timedelta(days=1)  # finished requests are deleted after this
MAX_TEXT = 3000  # more than any command or button value


@dataclass(frozen=True)
class Claimed:
    """A request as its worker sees it: plain values, no session needed."""

    id: int
    kind: str
    user_id: str
    text: str
    response_url: str | None
    created_at: datetime
    expires_at: datetime
    attempts: int  # this one included
    last_error: str | None = None  # what the attempt before this one left


def enqueue(session: Session, kind: str, user_id: str, now: datetime, *, text: str = "",
            response_url: str | None = None) -> SlackRequest:
    """Store a request to answer, in the caller's transaction; due at once."""
    if kind not in KINDS:
        raise ValueError(f"not a kind of Slack request: {kind!r}")
    request = SlackRequest(kind=kind, user_id=(user_id or "")[:40], text=(text or "")[:MAX_TEXT],
                           response_url=response_url, created_at=now, expires_at=now + LIFETIME,
                           next_attempt_at=now, attempts=0)
    session.add(request)
    return request


def _due(now: datetime):
    return (SlackRequest.done_at.is_(None), SlackRequest.next_attempt_at <= now)


def any_due(session: Session, now: datetime) -> bool:
    """Whether a request is waiting to be claimed (a read: no lock on SQLite)."""
    return session.execute(select(SlackRequest.id).where(*_due(now)).limit(1)).first() is not None


def claim(session: Session, now: datetime, lease: timedelta = LEASE) -> Claimed | None:
    """Take the oldest due request for this worker, or None; commit before working on it."""
    oldest = (select(SlackRequest.id).where(*_due(now))
              .order_by(SlackRequest.next_attempt_at, SlackRequest.id).limit(1)
              .with_for_update(skip_locked=True)  # PostgreSQL; SQLite has one writer at a time
              .scalar_subquery())
    row = session.execute(
        update(SlackRequest)
        .where(SlackRequest.id == oldest, *_due(now))
        .values(attempts=SlackRequest.attempts + 1, next_attempt_at=now + lease)
        .returning(SlackRequest.id, SlackRequest.kind, SlackRequest.user_id, SlackRequest.text,
                   SlackRequest.response_url, SlackRequest.created_at, SlackRequest.expires_at,
                   SlackRequest.attempts, SlackRequest.last_error)
        .execution_options(synchronize_session=False)
    ).first()
    if row is None:
        return None
    return Claimed(row.id, row.kind, row.user_id, row.text, row.response_url, as_utc(row.created_at),
                   as_utc(row.expires_at), row.attempts, row.last_error)


def mark_sharing(session: Session, request_id: int) -> None:
    """Say, before a shared answer is posted, that it is being posted (see SHARING)."""
    session.execute(update(SlackRequest).where(SlackRequest.id == request_id)
                    .values(last_error=SHARING).execution_options(synchronize_session=False))


def finish(session: Session, request_id: int, now: datetime, outcome: str, error: str | None = None) -> None:
    """The request needs nothing more: answered, failed (told sorry), or given up."""
    session.execute(update(SlackRequest).where(SlackRequest.id == request_id)
                    .values(done_at=now, outcome=outcome, last_error=error)
                    .execution_options(synchronize_session=False))


def backoff(attempts: int) -> timedelta:
    """Wait 1, 2, 4 ... seconds after each failed attempt, a minute at most."""
    return timedelta(seconds=min(2 ** max(attempts - 1, 0), 60))


def retry_later(session: Session, request: Claimed, now: datetime, error: str,
                wait: timedelta | None = None) -> bool:
    """Schedule another attempt after a failure; False (and given up) if none is left.

    The wait is the backoff, or longer if `wait` (a 429's Retry-After) asks. No attempt is
    made after the response URL has expired: the request is finished as given up.
    """
    retry_at = now + max(backoff(request.attempts), wait or timedelta(0))
    if retry_at >= request.expires_at:
        finish(session, request.id, now, GIVEN_UP, error)
        return False
    session.execute(update(SlackRequest).where(SlackRequest.id == request.id)
                    .values(next_attempt_at=retry_at, last_error=error)
                    .execution_options(synchronize_session=False))
    return True


def forget_finished(session: Session, now: datetime, kept: timedelta = KEPT) -> int:
    """Delete the requests finished more than `kept` ago; return how many."""
    return session.execute(
        delete(SlackRequest).where(SlackRequest.done_at.is_not(None), SlackRequest.done_at < now - kept)
        .execution_options(synchronize_session=False)
    ).rowcount


def waiting_count(session: Session) -> int:
    from sqlalchemy import func

    return session.execute(select(func.count()).select_from(SlackRequest)
                           .where(SlackRequest.done_at.is_(None))).scalar_one()
