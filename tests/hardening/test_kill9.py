"""`kill -9` of gunicorn (master and workers) in the middle of a load run, then a restart.

Every response the client saw acknowledged (the confirmation page) must be in the database
after the restart, matched by its submission key and by the respondent's own words; nothing
is stored twice; the database passes its integrity check (SQLite: PRAGMA integrity_check and
foreign_key_check; PostgreSQL: amcheck over every table and B-tree index) and its rows agree
with each other (each response has the draft that sent it, and each answer its response).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import Counter

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.conftest import sized

from .support import Gunicorn, drive, server_problems, stored

# Real gunicorn servers with 4 workers each: one such test at a time (pytest-xdist), not side by side.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("gunicorn")]

# Respondents at once, and acknowledged responses before the kill: at full size (make bench)
# 50 and 25; fewer in make test, where the kill still falls among journeys in flight.
CLIENTS = sized(20, 50)
KILL_AFTER = sized(10, 25)
MOST = 2000  # journeys the load may start (it is stopped by the kill long before)
TIME_LIMIT = 600  # seconds: a hang guard only, generous enough for a busy machine
AFTER_RESTART = sized(5, 20)


def test_kill9_mid_load_loses_no_acknowledged_response(served, redis_client, tmp_path, numbers):
    backend, url, link = served
    acknowledged_so_far = []
    stop = threading.Event()
    outcome = {}

    first = Gunicorn(url, tmp_path / "before-kill.log").start()
    try:
        loader = threading.Thread(
            target=lambda: outcome.update(result=drive(
                first.base_url, link, MOST, CLIENTS, TIME_LIMIT, stop=stop, on_ack=acknowledged_so_far.append,
            )),
            name="load",
        )
        loader.start()
        deadline = time.monotonic() + TIME_LIMIT
        while len(acknowledged_so_far) < KILL_AFTER and loader.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        acknowledged_at_kill = len(acknowledged_so_far)
        victims = first.kill9()
    finally:
        stop.set()
        if first.process.poll() is None:
            first.kill9()
    loader.join(timeout=120)
    assert not loader.is_alive(), "the load did not stop after the kill"
    result = outcome["result"]

    assert acknowledged_at_kill >= KILL_AFTER, "the load had not got going before the kill"
    assert len(victims) == 5, f"expected a master and 4 workers, killed {victims}"
    interrupted = [j for j in result.journeys if j.error and j.error.startswith("interrupted")]
    other_errors = [j.error for j in result.journeys if j.error and not j.error.startswith("interrupted")]
    assert not other_errors, other_errors[:5]
    assert interrupted, "the kill cut off no journey: it did not fall in the middle of the load"
    assert not [s for s in result.statuses if s >= 500], result.statuses
    problems = server_problems(first.log())
    assert not problems, problems[:5]
    acknowledged = result.acknowledged

    with Gunicorn(url, tmp_path / "after-restart.log") as second:
        with requests.Session() as probe:
            health = probe.get(second.base_url + "/healthz", timeout=10)
        assert health.status_code == 200 and health.json()["status"] == "ok", health.json()
        after = stored(url)

        missing = {j.draft_key for j in acknowledged} - set(after.keys)
        assert not missing, f"{len(missing)} acknowledged responses lost"
        assert not set(j.marker for j in acknowledged) - set(after.texts)
        assert not [k for k, n in Counter(after.keys).items() if n > 1], "a response was stored twice"
        assert not [t for t, n in Counter(after.texts).items() if n > 1]
        # Rows beyond the acknowledged ones can only be submissions cut off before their answer.
        in_flight = after.responses - len(acknowledged)
        assert 0 <= in_flight <= len(interrupted)
        consistency(url)

        # The restarted service takes responses as before.
        more = drive(second.base_url, link, AFTER_RESTART, clients=10, time_limit=60)
        assert len(more.acknowledged) == AFTER_RESTART, [j.error for j in more.journeys if j.error][:3]
        assert stored(url).responses == after.responses + AFTER_RESTART
    assert not server_problems(second.log())

    checked = integrity(backend, url)
    consistency(url)
    numbers(
        f"{backend}: killed {len(victims)} processes after {acknowledged_at_kill} acknowledgements "
        f"({result.seconds:.1f} s of load, {result.requests} requests); {len(acknowledged)} acknowledged, "
        f"{len(interrupted)} journeys cut off, {after.responses} rows after restart "
        f"({in_flight} cut off after their commit), 0 lost; {AFTER_RESTART} more after restart; "
        f"integrity: {checked}"
    )


def consistency(url: str) -> None:
    """Check that the rows agree: each response was sent by one draft, and has its answers."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            def scalar(sql: str) -> int:
                return connection.execute(text(sql)).scalar_one()

            responses = scalar("SELECT count(*) FROM responses")
            assert scalar("SELECT count(DISTINCT submission_key) FROM responses") == responses
            # A draft is marked sent in the same transaction that stores its response.
            assert scalar("SELECT count(*) FROM drafts WHERE response_id IS NOT NULL") == responses
            assert scalar(
                "SELECT count(*) FROM drafts d JOIN responses r ON r.id = d.response_id "
                "WHERE r.submission_key = d.key"
            ) == responses
            assert scalar(
                "SELECT count(*) FROM responses r WHERE NOT EXISTS "
                "(SELECT 1 FROM answers a WHERE a.response_id = r.id)"
            ) == 0
            assert scalar(
                "SELECT count(*) FROM answers a WHERE NOT EXISTS "
                "(SELECT 1 FROM responses r WHERE r.id = a.response_id)"
            ) == 0
    finally:
        engine.dispose()


def integrity(backend: str, url: str) -> str:
    """Run the database's own integrity check; say what was checked."""
    if backend == "sqlite":
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        finally:
            connection.close()
        return "PRAGMA integrity_check ok, foreign_key_check clean"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            available = connection.execute(
                text("SELECT count(*) FROM pg_available_extensions WHERE name = 'amcheck'")
            ).scalar_one()
            if not available:
                return "amcheck not installed on this server: checked counts and relations only"
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck"))
            tables = connection.execute(text(
                "SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind = 'r'"
            )).all()
            for oid, name in tables:
                corrupt = connection.execute(text("SELECT * FROM verify_heapam(:oid)"), {"oid": oid}).all()
                assert corrupt == [], (name, corrupt)
            indexes = connection.execute(text(
                "SELECT c.oid, c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am a ON a.oid = c.relam "
                "WHERE n.nspname = 'public' AND a.amname = 'btree'"
            )).all()
            for oid, _name in indexes:
                # heapallindexed: every heap tuple is found in the index as well
                connection.execute(text("SELECT bt_index_check(:oid, true)"), {"oid": oid})
        return f"amcheck: verify_heapam on {len(tables)} tables, bt_index_check(heapallindexed) on {len(indexes)} indexes"
    finally:
        engine.dispose()
