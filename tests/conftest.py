"""Fixtures: an application on a fresh database, on SQLite and on PostgreSQL.

Every test that uses `app` runs once per backend. FEEDBACK_TEST_BACKENDS (comma-separated)
narrows the list; PostgreSQL being unreachable is a failure, never a silent skip.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from alembic import command as alembic_command
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from feedback import create_app
from feedback.config import Config
from feedback.migrations import alembic_config
from feedback.models import Base

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


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """Migrate one SQLite file; each test gets a copy of it."""
    path = tmp_path_factory.mktemp("sqlite") / "template.sqlite3"
    alembic_command.upgrade(alembic_config(f"sqlite:///{path}"), "head")
    return path


@pytest.fixture(scope="session")
def postgres_url():
    """Create a throwaway PostgreSQL database for this run, migrated to head."""
    name = f"feedback_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # pragma: no cover - environment problem
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {error}")
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    alembic_command.upgrade(alembic_config(url), "head")
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        path = tmp_path / "feedback.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("postgres_url")
    yield url
    engine = create_engine(url)
    with engine.begin() as connection:
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


def test_config(database_url: str, **overrides) -> Config:
    config = Config(
        SECRET_KEY="test-secret-key",
        DATABASE_URL=database_url,
        TESTING=True,
        PUBLIC_BASE_URL="http://localhost",
        RATELIMIT_STORAGE_URI="memory://",
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
def demo_data(app, db):
    from feedback.demo.load import load_catalogue

    with app.app_context():
        load_catalogue(db)
        db.commit()
    return db


@pytest.fixture
def demo_returns(app, demo_data):
    """The demo catalogue and its synthetic returns (the annual report's figures)."""
    from feedback.demo.returns import load_demo_returns

    with app.app_context():
        load_demo_returns(demo_data)
        demo_data.commit()
    return demo_data
