"""The database engine and sessions, usable with or without Flask."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


READ_ONLY = "feedback_read_only"


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

        @event.listens_for(engine, "begin")
        def _sqlite_begin_immediate(connection):  # pragma: no cover - trivial
            # BEGIN IMMEDIATE takes the write lock up front, so a transaction that reads and
            # then writes waits its turn (busy_timeout) instead of failing with "database is
            # locked" when another writer committed in between. Sessions that only read (long
            # exports) say so, and take no lock: in WAL mode they never hold up a writer.
            if connection.get_execution_options().get(READ_ONLY):
                connection.exec_driver_sql("BEGIN DEFERRED")
            else:
                connection.exec_driver_sql("BEGIN IMMEDIATE")

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

    @contextmanager
    def read_before_writing(self, session: Session) -> Iterator[Session]:
        """Yield a session to read what a writing transaction in `session` needs first.

        On SQLite, a separate read-only one: a write transaction there holds the database's
        one write lock from its first statement, so reading in it would keep others waiting.
        Elsewhere `session` itself: one connection and one transaction, not two.
        """
        if self.engine.dialect.name == "sqlite":
            with self.read_session() as reading:
                yield reading
        else:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
