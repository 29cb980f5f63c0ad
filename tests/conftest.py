"""Fixtures: an application on a fresh database, on SQLite and on PostgreSQL.

Every test that uses `app` runs once per backend. FEEDBACK_TEST_BACKENDS (comma-separated)
narrows the list; PostgreSQL being unreachable is a failure, never a silent skip.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from contextlib import closing
from pathlib import Path

import pytest
from alembic import command as alembic_command
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from feedback import create_app
from feedback.config import Config
from feedback.migrations import alembic_config

BACKENDS = [b.strip() for b in os.environ.get("FEEDBACK_TEST_BACKENDS", "sqlite,postgresql").split(",") if b.strip()]
POSTGRES_ADMIN_URL = os.environ.get(
    "FEEDBACK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

pytest_plugins = ["tests.helpers.pages", "tests.helpers.browser"]

# Property and fuzz tests draw the same examples on every run by default, so `make test` and CI
# pass or fail on the code alone and a failure reproduces. HYPOTHESIS_PROFILE=explore draws
# new examples each run, to look for new cases.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

# The proofs (load, kill -9, fuzzing, Schemathesis) run every test and every assertion in make
# test, at a size that finds the same faults in less time; make bench runs them at full size
# (bench/proofs.py sets FEEDBACK_PROOF_SCALE=full).
FULL_SIZE = os.environ.get("FEEDBACK_PROOF_SCALE", "") == "full"


def sized(ordinary: int, full: int) -> int:
    """How many requests, respondents or examples a proof uses: `full` in make bench."""
    return full if FULL_SIZE else ordinary


CHEAP_PASSWORD_HASH_METHOD = "scrypt:128:8:1"

# Each xdist worker (or the one process without xdist) keeps its own templates and databases.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
# How far a test's database is prepared before the test starts, from nothing to everything.
LEVELS = ("migrated", "catalogue", "returns")
COPIED_AT: dict[str, str] = {}  # the URL of each test's database -> the level it was copied at
DROP_BATCH = 20  # finished tests' PostgreSQL databases are dropped this many at a time


def level_wanted(fixturenames) -> str:
    """Return how far to prepare a test's database, from the fixtures the test asks for."""
    if "demo_returns" in fixturenames:
        return "returns"
    if "demo_data" in fixturenames:
        return "catalogue"
    return "migrated"


class Templates:
    """One backend's prepared databases for this worker, each made once and copied per test:
    migrated to head; with the demo catalogue; with the catalogue and the demo returns."""

    def __init__(self, backend: str, folder: Path):
        self.backend = backend
        self.folder = folder
        self.run = f"{WORKER}_{uuid.uuid4().hex[:8]}"
        self.made: dict[str, str] = {}  # level -> SQLite path or PostgreSQL database name
        self.returns_loaded: dict[str, int] = {}
        self.to_drop: list[str] = []  # PostgreSQL databases of finished tests, not yet dropped
        self._admin = None

    # PostgreSQL ---------------------------------------------------------------------------

    def admin(self):
        if self._admin is None:
            self._admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
            try:
                with self._admin.connect() as connection:
                    connection.execute(text("SELECT 1"))
            except Exception as error:  # pragma: no cover - environment problem
                pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {error}")
        return self._admin

    def _pg_create(self, name: str, template: str | None = None) -> str:
        # FILE_COPY copies the template's files; the default (WAL_LOG) also writes every page to
        # the log, which is slower for databases this small (bench/results.md, "Test databases").
        clause = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
        with self.admin().connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{clause}'))
        return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"

    def _pg_drop(self, name: str) -> None:
        with self.admin().connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    # Both ---------------------------------------------------------------------------------

    def _url(self, made: str) -> str:
        if self.backend == "sqlite":
            return f"sqlite:///{made}"
        return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{made}"

    def template(self, level: str) -> str:
        """Return the template of `level` (a SQLite path or a PostgreSQL name), made if need be."""
        if level in self.made:
            return self.made[level]
        below = LEVELS[LEVELS.index(level) - 1] if level != "migrated" else None
        if self.backend == "sqlite":
            made = str(self.folder / f"template-{level}.sqlite3")
            if below is None:
                alembic_command.upgrade(alembic_config(f"sqlite:///{made}"), "head")
            else:
                shutil.copy(self.template(below), made)
        else:
            made = f"feedback_test_{self.run}_{level}"
            if below is None:
                alembic_command.upgrade(alembic_config(self._pg_create(made)), "head")
            else:
                self._pg_create(made, self.template(below))
        if below is not None:
            self._load(level, self._url(made))
        if self.backend == "sqlite":
            # Everything in the main file, so that copying the file copies the database.
            with closing(sqlite3.connect(made)) as connection:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.made[level] = made
        return made

    def _load(self, level: str, url: str) -> None:
        """Load what `level` adds, the way the demo_data and demo_returns fixtures used to."""
        from feedback.demo.load import load_catalogue
        from feedback.demo.returns import load_demo_returns

        application = create_app(test_config(url))
        engine = create_engine(url)
        try:
            with application.app_context(), sessionmaker(engine)(info={"app": application}) as session:
                if level == "catalogue":
                    load_catalogue(session)
                else:
                    self.returns_loaded = load_demo_returns(session)
                session.commit()
        finally:
            engine.dispose()
            application.extensions["database"].dispose()  # a template must have no connections

    def copy(self, level: str, folder: Path) -> str:
        """Return the URL of a new database copied from the template of `level`."""
        template = self.template(level)
        if self.backend == "sqlite":
            path = folder / "feedback.sqlite3"
            shutil.copy(template, path)
            url = f"sqlite:///{path}"
        else:
            url = self._pg_create(f"feedback_test_{WORKER}_{uuid.uuid4().hex[:12]}", template)
        COPIED_AT[url] = level
        return url

    def discard(self, url: str) -> None:
        COPIED_AT.pop(url, None)
        if self.backend == "postgresql":
            # Dropped in batches: the first CREATE DATABASE after a DROP DATABASE is many times
            # slower than the next ones (bench/results.md, "Test databases").
            self.to_drop.append(url.rsplit("/", 1)[1])
            if len(self.to_drop) >= DROP_BATCH:
                self._drop_waiting()

    def _drop_waiting(self) -> None:
        while self.to_drop:
            self._pg_drop(self.to_drop.pop())

    def close(self) -> None:
        if self.backend == "postgresql" and self._admin is not None:
            self._drop_waiting()
            for name in reversed(list(self.made.values())):
                self._pg_drop(name)
            self._admin.dispose()


@pytest.fixture(scope="session")
def templates(tmp_path_factory):
    """The prepared databases of each backend (made when first needed), by backend name."""
    made: dict[str, Templates] = {}

    class ByBackend(dict):
        def __missing__(self, backend: str) -> Templates:
            made[backend] = Templates(backend, tmp_path_factory.mktemp(f"templates-{backend}"))
            self[backend] = made[backend]
            return made[backend]

    yield ByBackend()
    for kept in made.values():
        kept.close()


@pytest.fixture(scope="session")
def sqlite_template(templates) -> Path:
    """One SQLite file migrated to head; copy it to get an empty database."""
    return Path(templates["sqlite"].template("migrated"))


@pytest.fixture(scope="session")
def postgres_url(templates):
    """A PostgreSQL database for this run (this worker), migrated to head."""
    url = templates["postgresql"].copy("migrated", Path())
    yield url
    templates["postgresql"].discard(url)


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path, templates):
    """A new database of its own for each test, copied from a template: migrated to head, and
    already holding the demo catalogue (and returns) when the test asks for demo_data
    (demo_returns)."""
    kept = templates[request.param]
    url = kept.copy(level_wanted(request.fixturenames), tmp_path)
    yield url
    kept.discard(url)


# Tests of logic that needs an application (a context, a locale) but no particular database:
# once, on the first backend, rather than on each.
one_backend = pytest.mark.parametrize("database_url", BACKENDS[:1], indirect=True)


def test_config(database_url: str, **overrides) -> Config:
    config = Config(
        SECRET_KEY="test-secret-key",
        DATABASE_URL=database_url,
        TESTING=True,
        PUBLIC_BASE_URL="http://localhost",
        RATELIMIT_STORAGE_URI="memory://",
        # scrypt with the least work it takes: the real parameters cost 0.1 s a hash, and are
        # tested once (tests/test_staff.py).
        PASSWORD_HASH_METHOD=CHEAP_PASSWORD_HASH_METHOD,
        # Off for the tests that sign in with a password alone; tests/identity turns it on.
        STAFF_SECOND_FACTOR_REQUIRED=False,
    )
    for key, value in overrides.items():
        setattr(config, key, value)
    return config


test_config.__test__ = False  # not a test, despite its name


@pytest.fixture
def app(database_url):
    application = create_app(test_config(database_url))
    yield application
    application.extensions["database"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app, database_url):
    """A session on the test database, for arranging and checking rows.

    It has an engine of its own, with SQLite's ordinary deferred transactions, so that reading
    in a test never holds the write lock the application's requests wait for.
    """
    engine = create_engine(database_url)
    session = sessionmaker(engine, expire_on_commit=False)(info={"app": app})
    yield session
    session.close()
    engine.dispose()


@pytest.fixture
def demo_data(app, db, database_url):
    """A session on a database holding the demo catalogue (copied in with the database)."""
    from feedback.demo.load import load_catalogue

    if COPIED_AT.get(database_url) not in ("catalogue", "returns"):
        with app.app_context():  # asked for in a way database_url could not see: load it here
            load_catalogue(db)
            db.commit()
    return db


@pytest.fixture
def demo_returns(app, demo_data, database_url):
    """The demo catalogue and its synthetic returns (the annual report's figures)."""
    from feedback.demo.returns import load_demo_returns

    if COPIED_AT.get(database_url) != "returns":
        with app.app_context():
            load_demo_returns(demo_data)
            demo_data.commit()
    return demo_data


@pytest.fixture
def demo_returns_loaded(demo_returns, database_url, templates) -> dict[str, int]:
    """What loading the demo returns into their template reported: returns per questionnaire."""
    kept = templates["sqlite" if database_url.startswith("sqlite") else "postgresql"]
    kept.template("returns")
    return kept.returns_loaded
