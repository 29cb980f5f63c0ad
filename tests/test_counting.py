"""Counting responses in batches after they are stored (feedback.counting, web.counting).

A response is stored waiting (counted = false); results must give the same figures whether or
not it has been counted yet, and a batch must count each response exactly once.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import sessionmaker

from feedback import counting, questionnaires
from feedback.counting import count_all_waiting, count_waiting, reading_counts, waiting_count
from feedback.db import machine_turn
from feedback.models import AnswerCount, Inspection, Response
from feedback.responses import store_response
from feedback.results import query
from feedback.results.compute import Counts
from feedback.results.query import _count_raw, count, load_scope
from tests.conftest import test_config
from tests.test_answer_counts import BY, FILTERS, assert_counts_hold, enrol_kiosk, kiosk_item

ADULT = {"working_relationship": "yes", "plan_involvement": "no", "progress_discussed": "yes",
         "help_received": ["accommodation", "money"], "think_about_offending": "yes",
         "victim_awareness": "no", "less_likely": "yes", "about_gender": "male"}
# On the days at either end of FILTERS' periods, inside their whole months, and a UK midnight
# (23:30 UTC on 14 April 2011 is 00:30 on the 15th in the UK).
MOMENTS = [datetime(2011, 4, 14, 23, 30, tzinfo=timezone.utc), datetime(2011, 6, 10, 12, tzinfo=timezone.utc),
           datetime(2011, 12, 1, 9, tzinfo=timezone.utc), datetime(2012, 2, 3, 16, tzinfo=timezone.utc),
           datetime(2012, 2, 4, 10, tzinfo=timezone.utc)]


def store_waiting(app, db, codes=("omi2-2011-london", None)) -> int:
    """Store adult responses, by paper, at MOMENTS, with and without an inspection; not counted."""
    definition = questionnaires.get("adult-service-user")
    inspections = [db.execute(select(Inspection.id).where(Inspection.code == code)).scalar_one() if code else None
                   for code in codes]
    stored = 0
    with app.app_context():
        for index, moment in enumerate(MOMENTS):
            for inspection_id in inspections:
                answers = dict(ADULT, help_received=["accommodation", "money", "health"][: 1 + index % 3])
                store_response(db, definition, answers, submission_key=f"waiting-{index}-{inspection_id}",
                               channel="paper", language="cy" if index % 2 else "en", inspection_id=inspection_id,
                               now=moment)
                stored += 1
    return stored


def figures(db, code: str) -> dict:
    scope = load_scope(db, questionnaires.get(code))
    found = {}
    for filters in FILTERS:
        for by in BY:
            if by in ("quarter", "month") and filters.period is None:
                continue
            for key, counts in count(db, scope, filters, by).items():
                found[(repr(filters), by, key)] = (counts.responses_by_version, counts.values, counts.respondents)
            raw = _count_raw(db, scope, filters, by)
            raw = {None: raw.get(None, Counts())} if by is None else raw
            for key, counts in raw.items():
                truth = (counts.responses_by_version, counts.values, counts.respondents)
                assert found.get((repr(filters), by, key)) == truth, (code, filters, by, key)
    return found


@pytest.mark.parametrize("by_id", [2000, 3], ids=["waiting-read-by-id", "too-many-to-list"])
def test_results_are_the_same_before_and_after_waiting_responses_are_counted(app, demo_returns, monkeypatch, by_id):
    monkeypatch.setattr(query, "WAITING_BY_ID", by_id)
    db = demo_returns
    stored = store_waiting(app, db)
    db.commit()
    assert waiting_count(db) == stored == 10
    before = figures(db, "adult-service-user")  # each equal to a recount from the raw rows
    assert count_all_waiting(db) == stored
    assert waiting_count(db) == 0
    assert figures(db, "adult-service-user") == before
    assert_counts_hold(db)


def test_a_batch_takes_the_oldest_waiting_responses_and_counts_each_once(app, demo_data):
    db = demo_data
    store_waiting(app, db)
    db.commit()
    assert count_waiting(db, limit=3) == 3
    first_three = db.execute(select(Response.id).where(Response.counted.is_(True)).order_by(Response.id)).scalars().all()
    all_ids = db.execute(select(Response.id).order_by(Response.id)).scalars().all()
    assert first_three == all_ids[:3]
    assert count_waiting(db) == 7
    assert count_waiting(db) == 0
    assert_counts_hold(db)


@contextmanager
def another_batch_under_way(database_url):
    """Hold what a batch of another process holds while it counts."""
    if database_url.startswith("sqlite"):
        with machine_turn(database_url, "counting") as held:
            assert held
            yield
        return
    engine = create_engine(database_url)
    try:
        with engine.begin() as other:
            other.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": counting.COUNTING_LOCK})
            yield
    finally:
        engine.dispose()


def test_one_batch_counts_at_a_time_and_a_web_batch_leaves_the_responses_to_it(app, demo_data, database_url):
    stored = store_waiting(app, demo_data)
    demo_data.commit()
    with another_batch_under_way(database_url):
        assert count_waiting(demo_data, wait=False) == 0
        assert waiting_count(demo_data) == stored
    assert count_waiting(demo_data, wait=False) == stored
    assert waiting_count(demo_data) == 0
    assert_counts_hold(demo_data)


@pytest.mark.parametrize("meanwhile", ["counted", "deleted"])
def test_on_sqlite_a_batch_whose_responses_changed_meanwhile_reads_them_again(
        app, demo_data, database_url, monkeypatch, meanwhile):
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL batches lock their responses (SKIP LOCKED) and never read the same ones")
    store_waiting(app, demo_data)
    demo_data.commit()
    added_up = counting._added_up
    done: list[int] = []

    def changed_first(connection, waiting):
        counts = added_up(connection, waiting)
        if not done:  # after this batch has read and added up, before it writes
            done.append(0)
            with app.extensions["database"].session() as other:
                if meanwhile == "counted":  # by a batch that took no turn (a lock file by another path)
                    done[0] = counting._count_waiting_sqlite(other, limit=4)
                else:  # a paper return taken out by staff
                    other.delete(other.get(Response, waiting[0].id))
                    done[0] = 1
        return counts

    monkeypatch.setattr(counting, "_added_up", changed_first)
    # This batch finds what it read changed, reads again and counts the rest, each once.
    assert count_waiting(demo_data) == (6 if meanwhile == "counted" else 9)
    assert done == [4 if meanwhile == "counted" else 1]
    assert waiting_count(demo_data) == 0
    assert_counts_hold(demo_data)


def test_a_waiting_response_changed_or_deleted_is_counted_as_it_ends_up(app, demo_returns):
    db = demo_returns
    store_waiting(app, db)
    db.commit()
    counts_before = db.execute(select(func.sum(AnswerCount.n))).scalar_one()
    first, second = db.execute(select(Response).where(Response.counted.is_(False)).order_by(Response.id)
                               .limit(2)).scalars().all()
    first.channel = "web"
    db.delete(second)
    db.commit()
    # Neither was in answer_counts: there was nothing to take out of it.
    assert db.execute(select(func.sum(AnswerCount.n))).scalar_one() == counts_before
    assert_counts_hold(db)  # counts the rest, then equals a recount


def test_the_kiosk_reply_goes_first_then_the_response_is_counted(database_url, demo_data):
    from feedback import create_app

    app = create_app(test_config(database_url, COUNTS_CATCH_UP_SECONDS=0))
    client = app.test_client()
    db = demo_data
    enrol_kiosk(app, client, db)
    item = kiosk_item()
    # buffered: the test client reads the reply, then closes it as a server does after sending.
    reply = client.post("/kiosk/api/responses", json=item, headers={"X-Kiosk-Sync": "1"}, buffered=True)
    assert reply.status_code == 201 and reply.json == {"stored": True, "key": item["key"]}
    stored = db.execute(select(Response).where(Response.submission_key == item["key"])).scalar_one()
    assert stored.counted is True
    assert_counts_hold(db)
    app.extensions["database"].dispose()


def test_with_catching_up_turned_off_responses_wait_and_results_still_include_them(app, client, demo_data):
    app.config["COUNTS_CATCH_UP_SECONDS"] = None
    app.extensions["counting"].every = None
    db = demo_data
    enrol_kiosk(app, client, db)
    for _ in range(3):
        assert client.post("/kiosk/api/responses", json=kiosk_item(), headers={"X-Kiosk-Sync": "1"},
                           buffered=True).status_code == 201
    assert waiting_count(db) == 3
    scope = load_scope(db, questionnaires.get("adult-service-user"))
    assert count(db, scope)[None].responses_by_version == {scope.version_ids[0]: 3}


def test_feedback_counts_catch_up_and_status(app, runner, demo_data):
    store_waiting(app, demo_data)
    demo_data.commit()
    assert runner.invoke(args=["counts", "status"]).output == "10 responses waiting to be counted.\n"
    done = runner.invoke(args=["counts", "catch-up"])
    assert done.exit_code == 0, done.output
    assert "Counted 10 responses into answer_counts." in done.output
    assert runner.invoke(args=["counts", "status"]).output == "0 responses waiting to be counted.\n"
    assert_counts_hold(demo_data)


def test_on_postgresql_a_batch_does_not_commit_while_results_are_being_read(app, demo_data, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite reads one snapshot a transaction; PostgreSQL needs the lock")
    store_waiting(app, demo_data)
    demo_data.commit()
    engine = create_engine(database_url)
    reader = sessionmaker(engine)()
    try:
        with reading_counts(reader):
            assert count_waiting(demo_data) == 0  # rolled back: the reader would see it halfway
            assert waiting_count(demo_data) == 10
        reader.rollback()  # the reader's transaction ends, and its lock with it
        assert count_waiting(demo_data) == 10
    finally:
        reader.close()
        engine.dispose()
    assert_counts_hold(demo_data)


def test_on_postgresql_a_batch_does_not_wait_for_the_disk_but_a_submission_does(app, demo_data, database_url,
                                                                                 monkeypatch):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite in WAL mode with synchronous=NORMAL waits for the disk at checkpoints only")
    seen: list[str] = []
    added_up = counting._added_up

    def noting(connection, waiting):
        seen.append(connection.execute(text("SHOW synchronous_commit")).scalar_one())
        return added_up(connection, waiting)

    monkeypatch.setattr(counting, "_added_up", noting)
    store_waiting(app, demo_data)
    assert demo_data.execute(text("SHOW synchronous_commit")).scalar_one() == "on"  # storing responses
    demo_data.commit()
    assert count_waiting(demo_data) == 10
    assert seen == ["off"]
    assert demo_data.execute(text("SHOW synchronous_commit")).scalar_one() == "on"  # for that batch only
    assert_counts_hold(demo_data)
