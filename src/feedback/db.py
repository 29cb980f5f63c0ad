"""The database engine and sessions, usable with or without Flask; `get_db` and `db_session`
find the application's database and the request's session when there is an application.

SQLite writers take turns (WriterTurn, and machine_turn for counting batches) rather than
rely on WAL and busy_timeout alone, because without the turns submissions throughput measured
clearly lower (bench/results.md, "WAL and busy_timeout alone vs writer turns").
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from contextlib import contextmanager
from typing import Iterator

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

READ_ONLY = "feedback_read_only"
WRITING = "feedback_writing"


def lock_path(url, name: str) -> str | None:
    """The lock file `<database>.<name>-lock` beside a SQLite database; None for one in memory,
    which has no file beside it and one process alone uses."""
    database = make_url(url).database
    return None if not database or database == ":memory:" else f"{database}.{name}-lock"


class WriterTurn:
    """Writers to one SQLite database take turns, waiting in the kernel rather than polling.

    SQLite's busy handler polls for the write lock, sleeping up to 100 ms between tries, so
    with many writers the lock often stands free while they all sleep: throughput lost, and
    latencies of hundreds of milliseconds. Here a writer waits on flock(2) on a file beside
    the database and is woken the moment the writer before it is done. Threads of one process
    queue on a lock first, as a flock belongs to an open file, not a thread; a thread already
    writing (a second session inside the first) goes on. Writers that do not take turns (the
    sqlite3 shell, say) still meet SQLite's own lock and busy_timeout.
    """

    def __init__(self, url: str, wait_seconds: float = 30.0):
        self.path = lock_path(url, "writer")
        self.wait_seconds = wait_seconds  # as long as busy_timeout, within one process
        # A Lock, not an RLock: a connection the garbage collector gives back mid-transaction
        # ends its turn from another thread, which an RLock would refuse.
        self._threads = threading.Lock()
        self._owner: int | None = None
        self._depth = 0
        self._file: int | None = None
        self._pid = 0

    def acquire(self) -> None:
        me = threading.get_ident()
        if self._owner == me:
            self._depth += 1
            return
        if not self._threads.acquire(timeout=self.wait_seconds):
            raise sqlite3.OperationalError(f"database is locked: no write turn in {self.wait_seconds:g} s")
        try:
            if self.path is not None:
                if self._file is None or self._pid != os.getpid():  # a forked process opens its own
                    self._file = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                    self._pid = os.getpid()
                fcntl.flock(self._file, fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise
        self._owner, self._depth = me, 1

    def release(self) -> None:
        self._depth -= 1
        if self._depth > 0:
            return
        self._owner = None
        try:
            if self.path is not None and self._file is not None:
                fcntl.flock(self._file, fcntl.LOCK_UN)
        finally:
            self._threads.release()


@contextmanager
def machine_turn(url, name: str, wait: bool = True) -> Iterator[bool]:
    """Take flock(2) on a file beside a SQLite database (`<database>.<name>-lock`): one holder
    at a time on the machine, whatever the process or thread. Yield True once held; with
    `wait` False, yield False at once if another holds it. With a database in memory every
    caller goes on."""
    path = lock_path(url, name)
    if path is None:
        yield True
        return
    lock_file = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(lock_file)  # which ends the lock


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine with the settings each backend needs to be safe under load."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            # WAL lets readers work while one writer commits; busy_timeout waits for the lock
            # instead of failing with "database is locked".
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()
            # Take over transaction control from pysqlite (see "begin" below).
            dbapi_connection.isolation_level = None

        turn = WriterTurn(url)

        @event.listens_for(engine, "begin")
        def _sqlite_begin_immediate(connection):  # pragma: no cover - trivial
            # BEGIN IMMEDIATE takes the write lock up front, so a transaction that reads and
            # then writes waits its turn instead of failing with "database is locked" when
            # another writer committed in between. Sessions that only read (long exports) say
            # so, and take no lock: in WAL mode they never hold up a writer.
            if connection.get_execution_options().get(READ_ONLY):
                connection.exec_driver_sql("BEGIN DEFERRED")
                return
            turn.acquire()
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                turn.release()
                raise
            connection.info[WRITING] = True

        # The transaction ends here rather than in pysqlite's commit() and rollback() (which
        # then have nothing to do), so the turn passes on the moment it has ended.
        @event.listens_for(engine, "commit")
        def _sqlite_commit(connection):  # pragma: no cover - trivial
            _end(connection, "COMMIT")

        @event.listens_for(engine, "rollback")
        def _sqlite_rollback(connection):  # pragma: no cover - trivial
            _end(connection, "ROLLBACK")

        def _end(connection, statement: str) -> None:
            writing = connection.info.pop(WRITING, False)
            try:
                dbapi_connection = connection.connection.dbapi_connection
                if dbapi_connection.in_transaction:
                    dbapi_connection.execute(statement)
            finally:
                if writing:
                    turn.release()

        @event.listens_for(engine, "checkin")
        def _sqlite_checkin(_dbapi_connection, record):  # pragma: no cover - only after an error
            # A connection given back mid-transaction (invalidated by an error) ends its turn.
            if record.info.pop(WRITING, False):
                turn.release()

        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


class Database:
    """Own one engine and hand out sessions for it."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        self.read_only_sessionmaker = sessionmaker(
            self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )

    @contextmanager
    def session(self) -> Iterator[Session]:
        """Yield a session that commits on success and rolls back on error."""
        session = self.sessionmaker()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """Yield a session for reading only: on SQLite it takes no write lock."""
        session = self.read_only_sessionmaker()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def get_db(app: Flask | None = None) -> Database:
    """The application's Database (the current application's when none is given)."""
    return (app or current_app).extensions["database"]


def db_session() -> Session:
    """Return the request's database session, opened on first use."""
    if "db_session" not in g:
        g.db_session = get_db().sessionmaker()
    return g.db_session


def close_request_session(exc: BaseException | None = None) -> None:
    """Close the request's session, rolled back first if the request failed."""
    session = g.pop("db_session", None)
    if session is not None:
        if exc is not None:
            session.rollback()
        session.close()
