"""Counting stored responses into answer_counts in batches, shortly after they arrive.

store_response writes a response and its answers (counted = false) and nothing more, so a
submission costs the same few statements however many counts it touches. The counting comes
a moment later: after a response has gone back to whoever sent it (web.counting), or from
`feedback counts catch-up`, up to BATCH waiting responses are counted together in one
transaction: their counts added up in memory and written once a key, the responses marked
counted. A hundred kiosk responses from one office cost a few hundred row updates, not 2,700,
and no submission waits for a lock on a national count.

Results never wait for it: results/query.py adds the responses still waiting from the raw
tables (through ix_responses_waiting_count), and reads them with answer_counts as one state
(`reading_counts`).
"""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from typing import Callable, Iterator

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from .db import READ_ONLY, machine_turn
from .models import Answer, Response, add_counts, count_rows

BATCH = 1000
# Set in a session's info by responses.store_response: web.counting counts after the reply.
STORED = "stored_responses"
# The PostgreSQL advisory lock under which a batch commits and results read (any fixed number).
SNAPSHOT_LOCK = 0x636F756E74  # "count"
# The PostgreSQL advisory lock a batch holds while it counts: one batch at a time.
COUNTING_LOCK = SNAPSHOT_LOCK + 1

_responses = Response.__table__.c
_answers = Answer.__table__.c


def count_waiting(session: Session, limit: int = BATCH, *, wait: bool = True) -> int:
    """Count up to `limit` waiting responses (oldest first) and commit; return how many.

    One batch counts at a time: batches begun together would read the same responses (on
    SQLite all but one would then be thrown away) or wait on each other's rows of
    answer_counts (on PostgreSQL). With `wait` False, a batch that finds another under way
    leaves the responses to it and returns 0 (web.counting, after a reply).

    On PostgreSQL the responses are also locked (SKIP LOCKED), and a batch commits only while
    no results are being read (see `reading_counts`): if some are, it is rolled back, returns
    0, and the responses wait for the next batch.
    """
    if session.get_bind().dialect.name == "postgresql":
        return _count_waiting_postgresql(session, limit, wait)
    with machine_turn(session.get_bind().url, "counting", wait=wait) as ours:
        return _count_waiting_sqlite(session, limit) if ours else 0


def _count_waiting_sqlite(session: Session, limit: int) -> int:
    """Read and add up before the write lock is taken (writers take turns there, and every
    submission would wait for the adding up); then mark the responses counted only if all are
    still waiting (one may have been deleted meanwhile), or else read the batch again."""
    for _attempt in range(3):
        with session.get_bind().connect() as reading:  # a connection of its own, taking no turn
            reading = reading.execution_options(**{READ_ONLY: True})
            waiting = reading.execute(_waiting(limit)).all()
            counts = _added_up(reading, waiting)
        if not waiting:
            session.rollback()
            return 0
        ids = [row.id for row in waiting]
        connection = session.connection()
        marked = connection.execute(update(Response.__table__).where(
            _responses.id.in_(ids), _responses.counted.is_(False)).values(counted=True)).rowcount
        if marked == len(ids):
            add_counts(connection, counts)
            session.commit()
            return len(ids)
        session.rollback()  # some were counted or deleted meanwhile
    return 0


def _count_waiting_postgresql(session: Session, limit: int, wait: bool) -> int:
    connection = session.connection()
    # Counts are made from the responses, which are already durable: the batch's commit need
    # not wait for its WAL to reach the disk. Were the server to stop before it did, the batch
    # would be lost whole, counts and marks together, and its responses counted again later.
    # Waiting cost the submissions committing behind it: their p99 fell by a quarter without it.
    connection.execute(text("SET LOCAL synchronous_commit = off"))
    if wait:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": COUNTING_LOCK})
    elif not connection.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": COUNTING_LOCK}).scalar_one():
        session.rollback()
        return 0
    waiting = connection.execute(_waiting(limit).with_for_update(skip_locked=True)).all()
    if not waiting:
        session.rollback()
        return 0
    ids = [row.id for row in waiting]
    add_counts(connection, _added_up(connection, waiting))
    connection.execute(update(Response.__table__).where(_responses.id.in_(ids)).values(counted=True))
    if not connection.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": SNAPSHOT_LOCK}).scalar_one():
        session.rollback()  # results are being read: this batch would change them halfway
        return 0
    session.commit()
    return len(ids)


def _waiting(limit: int):
    return (
        select(_responses.id, _responses.questionnaire_version_id, _responses.submitted_at,
               _responses.inspection_id, _responses.channel, _responses.language)
        .where(_responses.counted.is_(False)).order_by(_responses.id).limit(limit)
    )


def _added_up(connection, waiting) -> Counter:
    """The counts the waiting responses add, by answer_counts key."""
    given: dict[int, list[tuple[str, str]]] = {}
    if waiting:
        for response_id, question, value in connection.execute(
                select(_answers.response_id, _answers.question_code, _answers.value)
                .where(_answers.response_id.in_([row.id for row in waiting]))):
            given.setdefault(response_id, []).append((question, value))
    counts: Counter = Counter()
    for row in waiting:
        count_rows(row.id, row.questionnaire_version_id, row.submitted_at, row.inspection_id, row.channel,
                   row.language, given.get(row.id, []), into=counts)
    return counts


def count_all_waiting(session: Session, progress: Callable[[int], None] | None = None) -> int:
    """Count every waiting response, a batch at a time; return how many were counted."""
    total = 0
    while True:
        counted = count_waiting(session)
        if not counted:
            return total
        total += counted
        if progress is not None:
            progress(counted)


def waiting_count(session: Session) -> int:
    """How many stored responses are not in answer_counts yet."""
    return session.execute(select(func.count()).where(_responses.counted.is_(False))).scalar_one()


@contextmanager
def reading_counts(session: Session) -> Iterator[None]:
    """Read answer_counts and the responses still waiting as one state.

    SQLite: a transaction reads one snapshot already. PostgreSQL (READ COMMITTED): each
    statement has its own, so a batch committing between reading answer_counts and reading the
    waiting responses would be counted twice or not at all. Readers hold this shared lock to
    the end of their transaction; a batch commits only if it can take it exclusively.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock_shared(:key)"), {"key": SNAPSHOT_LOCK})
    yield
