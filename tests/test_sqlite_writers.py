"""SQLite writers take turns (db.WriterTurn): one at a time, each woken as the one before ends.

Two Database objects on one file stand for two processes: each opens the lock file itself, and
flock(2) locks held through different open files exclude each other even in one process.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import event, text

from feedback.db import Database


@pytest.fixture
def sqlite_path(tmp_path):
    path = tmp_path / "turns.sqlite3"
    database = Database(f"sqlite:///{path}")
    with database.session() as session:
        session.execute(text("CREATE TABLE events (at REAL, what TEXT)"))
    database.dispose()
    return path


def write(database: Database, what: str, hold: float = 0.0, fail: bool = False) -> None:
    with database.session() as session:
        session.execute(text("INSERT INTO events VALUES (:at, :what)"), {"at": time.monotonic(), "what": what})
        time.sleep(hold)
        if fail:
            raise RuntimeError("the writer fails halfway")


def events(database: Database) -> list[str]:
    with database.read_session() as session:
        return [row.what for row in session.execute(text("SELECT what FROM events ORDER BY at"))]


def waiters_on(path) -> int:
    """How many flock(2) requests on the file at `path` are waiting (/proc/locks marks them "->")."""
    inode = os.stat(path).st_ino
    lines = Path("/proc/locks").read_text().splitlines()
    return sum(1 for line in lines if "->" in line and line.split()[-3].endswith(f":{inode}"))


def test_a_second_process_waits_for_the_first_writer_and_then_goes_at_once(sqlite_path):
    first, second = Database(f"sqlite:///{sqlite_path}"), Database(f"sqlite:///{sqlite_path}")

    @event.listens_for(second.engine, "connect")
    def no_busy_handler(dbapi_connection, _record):
        # SQLite's busy handler polls (sleeping up to 100 ms between tries): without it, the
        # second writer can only get in by waiting for its turn and being woken by it.
        dbapi_connection.execute("PRAGMA busy_timeout=0")

    started, done = threading.Event(), threading.Event()

    def hold():
        with first.session() as session:
            session.execute(text("INSERT INTO events VALUES (:at, 'first')"), {"at": time.monotonic()})
            started.set()
            done.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    assert started.wait(10)
    failed = []
    writer = threading.Thread(target=lambda: catch(failed, write, second, "second"))
    writer.start()
    lock_file = sqlite_path.parent / "turns.sqlite3.writer-lock"
    for _ in range(1000):  # until the second writer waits in flock(2) for its turn (or 10 s)
        if waiters_on(lock_file):
            break
        time.sleep(0.01)
    assert waiters_on(lock_file) == 1, "the second writer waits in the kernel for the turn"
    assert writer.is_alive() and events(first) == []  # the first not yet committed, the second waiting
    done.set()  # the first commits, and hands the turn on
    holder.join(10)
    writer.join(10)
    assert not writer.is_alive() and failed == [], failed  # in at once, no "database is locked"
    assert events(first) == ["first", "second"]
    first.dispose()
    second.dispose()


def catch(failed: list, function, *args) -> None:
    try:
        function(*args)
    except Exception as error:  # noqa: BLE001 - reported by the test
        failed.append(error)


def test_threads_of_one_process_take_turns_and_a_failed_writer_passes_its_turn_on(sqlite_path):
    database = Database(f"sqlite:///{sqlite_path}")
    with pytest.raises(RuntimeError):
        write(database, "failed", fail=True)  # rolled back, and its turn ended with it
    threads = [threading.Thread(target=write, args=(database, f"w{n}", 0.01)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert not any(thread.is_alive() for thread in threads)
    assert sorted(events(database)) == sorted(f"w{n}" for n in range(8))
    database.dispose()


def test_readers_never_wait_for_a_writers_turn(sqlite_path):
    database = Database(f"sqlite:///{sqlite_path}")
    write(database, "committed")
    seen = []
    with database.session() as writer:
        writer.execute(text("INSERT INTO events VALUES (:at, 'uncommitted')"), {"at": time.monotonic()})
        reader = threading.Thread(target=lambda: seen.append(events(database)))
        reader.start()
        reader.join(5)
        assert not reader.is_alive(), "a reader waited for the writer"
    assert seen == [["committed"]]
    assert events(database) == ["committed", "uncommitted"]
    database.dispose()


def test_a_turn_ended_by_another_thread_passes_on_and_a_turn_not_given_is_refused(sqlite_path):
    """The garbage collector gives back an abandoned connection from its own thread."""
    from feedback.db import WriterTurn

    turn = WriterTurn(f"sqlite:///{sqlite_path}", wait_seconds=0.2)
    turn.acquire()
    turn.acquire()  # the same thread again (a second session inside the first)
    refused = []

    def wait_for_a_turn():
        try:
            turn.acquire()
        except sqlite3.OperationalError as error:
            refused.append(str(error))

    waiting = threading.Thread(target=wait_for_a_turn)
    waiting.start()
    waiting.join(5)  # refused after 0.2 s, like SQLite's busy_timeout: no endless wait
    assert refused == ["database is locked: no write turn in 0.2 s"]
    turn.release()
    ended = threading.Thread(target=turn.release)  # the last release, from elsewhere
    ended.start()
    ended.join(5)
    taken = []
    later = threading.Thread(target=lambda: (turn.acquire(), taken.append(True), turn.release()))
    later.start()
    later.join(5)
    assert taken == [True]
