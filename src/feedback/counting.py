"""answer_counts, kept here alone: responses counted in batches shortly after they arrive, and
counted again as they end up when they are changed or deleted.

store_response writes a response, its answers (counted = false) and a note in response_events,
and nothing more, so a submission costs the same few statements however many counts it
touches. The counting comes a moment later: after a response has gone back to whoever sent it
(web.counting, so that the raw rows results must add stay few), in `feedback worker`'s
counting job, or from `feedback counts catch-up`, up to BATCH waiting responses are counted
together in one transaction: their counts added up in memory and written once a key, the
responses marked counted. No submission waits for a lock on a national count.

Results never wait for it: results/query.py adds the responses still waiting from the raw
tables (through ix_responses_waiting_count), and reads them with answer_counts as one state
(`reading_counts`).

A counted response is changed or deleted (a paper return corrected, say) inside `changing`,
which takes its old counts out and puts its new ones in, in the transaction that changes it.
Nothing else writes answer_counts: a plain ORM change to a counted response leaves them wrong.
"""

from __future__ import annotations

import functools
from collections import Counter
from contextlib import contextmanager
from datetime import date, datetime, timezone
from typing import Callable, Iterable, Iterator
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from .db import READ_ONLY, machine_turn
from .models import (
    ALL_INSPECTIONS,
    COUNT_ANSWERS,
    COUNT_EXTRA_CHOICES,
    COUNT_KEY,
    COUNT_RESPONSES,
    COUNT_SHARDS,
    NO_INSPECTION,
    SPAN_DAY,
    SPAN_MONTH,
    Answer,
    AnswerCount,
    Response,
)

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
    # Waiting would hold up the submissions committing behind it (bench/results.md).
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


_FACETS = (_responses.id, _responses.questionnaire_version_id, _responses.submitted_at,
           _responses.inspection_id, _responses.channel, _responses.language)


def _waiting(limit: int):
    return select(*_FACETS).where(_responses.counted.is_(False)).order_by(_responses.id).limit(limit)


def _added_up(connection, waiting) -> Counter:
    """The counts the waiting responses add, by answer_counts key."""
    return _counts_of(connection, waiting)


def _counts_of(connection, responses, sign: int = 1, into: Counter | None = None) -> Counter:
    """The counts these responses (rows of _FACETS) hold, as they stand, by answer_counts key
    (taken away, with sign -1; added to `into` if given)."""
    given: dict[int, list[tuple[str, str]]] = {}
    if responses:
        for response_id, question, value in connection.execute(
                select(_answers.response_id, _answers.question_code, _answers.value)
                .where(_answers.response_id.in_([row.id for row in responses]))):
            given.setdefault(response_id, []).append((question, value))
    counts: Counter = Counter() if into is None else into
    for row in responses:
        count_rows(row.id, row.questionnaire_version_id, row.submitted_at, row.inspection_id, row.channel,
                   row.language, given.get(row.id, []), sign=sign, into=counts)
    return counts


@contextmanager
def changing(session: Session, response_ids: Iterable[int]) -> Iterator[None]:
    """Keep answer_counts right while responses are changed or deleted in this transaction.

    Wrap the change (or the deletion) in it; the caller commits, counts and change together.
    The counts of each response counted already are read as it stands on entry, and on exit,
    once the change is flushed, replaced by its counts as it now stands (none if deleted), in
    one write: results see the old counts or the new, never half. A response still waiting
    needs nothing, as a batch counts it as it ends up; but no batch may read it halfway
    through: on PostgreSQL the responses are locked here to the end of the transaction
    (batches skip locked rows), and on SQLite the caller holds the "counting" machine turn.
    """
    connection = session.connection()
    statement = select(*_FACETS, _responses.counted).where(_responses.id.in_(sorted(set(response_ids))))
    if connection.dialect.name == "postgresql":
        statement = statement.with_for_update()  # waiting ones too: those a batch could take
    counted = [row for row in connection.execute(statement) if row.counted]
    counts = _counts_of(connection, counted, sign=-1)
    yield
    if not counted:
        return
    session.flush()
    now = connection.execute(select(*_FACETS).where(_responses.id.in_([row.id for row in counted]))).all()
    # One write, its keys in order, as a batch writes: taking out and adding back separately
    # could lock shared rows out of order and deadlock with a batch.
    add_counts(connection, _counts_of(connection, now, into=counts))


# --- The rows a response adds to answer_counts --------------------------------------------------

UK = ZoneInfo("Europe/London")


def uk_day(moment: datetime) -> date:
    """Return the UK calendar day of a stored (UTC) moment."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(UK).date()


def count_rows(response_id: int, version_id: int, submitted_at: datetime, inspection_id: int | None,
               channel: str, language: str, answers: Iterable[tuple[str, str]], sign: int = 1,
               into: Counter | None = None) -> Counter:
    """Add one response's counts (or take them away, sign=-1) to a Counter keyed by COUNT_KEY."""
    shard = response_id % COUNT_SHARDS
    into = Counter() if into is None else into
    day = uk_day(submitted_at)
    month = day.replace(day=1)
    levels = ((inspection_id or NO_INSPECTION, SPAN_MONTH, month),
              (ALL_INSPECTIONS, SPAN_DAY, day),
              (ALL_INSPECTIONS, SPAN_MONTH, month))
    per_question = Counter(question for question, _ in answers)
    for inspection, span, when in levels:
        head = (version_id, inspection, span, when, channel, language)
        into[head + (COUNT_RESPONSES, "", "", shard)] += sign
        for question, value in answers:
            into[head + (COUNT_ANSWERS, question, value, shard)] += sign
        for question, given in per_question.items():
            if given > 1:
                into[head + (COUNT_EXTRA_CHOICES, question, "", shard)] += sign * (given - 1)
    return into


def add_counts(connection, counts: Counter) -> None:
    """Add counts to answer_counts: INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n.

    Rows go in key order, so concurrent transactions lock shared rows in the same order and
    never deadlock on them. On PostgreSQL all the rows go as arrays in one statement (UNNEST):
    one round trip and one statement to run, rather than one a row; each key is in it once.
    """
    rows = [key + (n,) for key, n in sorted(counts.items()) if n]
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        columns = list(zip(*rows, strict=True))
        connection.execute(_ADD_COUNTS_UNNEST,
                           {name: list(column) for name, column in zip(_COUNT_COLUMNS, columns, strict=True)})
    else:
        connection.execute(_sqlite_add_counts(), [dict(zip(_COUNT_COLUMNS, row, strict=True)) for row in rows])


_COUNT_COLUMNS = COUNT_KEY + ("n",)
_COUNT_TYPES = ("integer", "integer", "varchar", "date", "varchar", "varchar", "varchar", "varchar", "varchar",
                "integer", "bigint")
_ADD_COUNTS_UNNEST = text(
    f"INSERT INTO answer_counts ({', '.join(_COUNT_COLUMNS)}) "
    "SELECT * FROM unnest("
    + ", ".join(f"CAST(:{name} AS {kind}[])" for name, kind in zip(_COUNT_COLUMNS, _COUNT_TYPES, strict=True))
    + f") ON CONFLICT ({', '.join(COUNT_KEY)}) DO UPDATE SET n = answer_counts.n + excluded.n"
)


@functools.cache
def _sqlite_add_counts():
    """SQLite runs an executemany in process, a row at a time, which costs it little."""
    from sqlalchemy.dialects.sqlite import insert

    table = AnswerCount.__table__
    statement = insert(table)
    return statement.on_conflict_do_update(
        index_elements=list(COUNT_KEY), set_={"n": table.c.n + statement.excluded.n}
    )


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
