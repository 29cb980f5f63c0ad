"""SQLite writers take turns (db.WriterTurn): one at a time, each woken as the one before ends.

Two Database objects on one file stand for two processes: each opens the lock file itself, and
flock(2) locks held through different open files exclude each other even in one process.
"""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy import text

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


def test_a_second_process_waits_for_the_first_writer_and_then_goes_at_once(sqlite_path):
    first, second = Database(f"sqlite:///{sqlite_path}"), Database(f"sqlite:///{sqlite_path}")
    started = threading.Event()

    def hold():
        with first.session() as session:
            session.execute(text("INSERT INTO events VALUES (:at, 'first')"), {"at": time.monotonic()})
            started.set()
            time.sleep(0.3)

    holder = threading.Thread(target=hold)
    holder.start()
    started.wait(5)
    began = time.monotonic()
    write(second, "second")
    waited = time.monotonic() - began
    holder.join(5)
    assert events(first) == ["first", "second"]
    # It waited for the first to commit, and not much longer: no polling sleeps of 100 ms.
    assert 0.2 < waited < 0.29 + 0.3
    first.dispose()
    second.dispose()
    assert (sqlite_path.parent / "turns.sqlite3.writer-lock").exists()


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
