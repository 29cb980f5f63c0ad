"""Fixtures for the hardening proofs, and a summary of their numbers at the end of the run."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from feedback import create_app
from feedback.models import Inspection, Programme
from tests.conftest import BACKENDS, test_config
from tests.test_web_journey import make_link

from .flows import LINKED
from .support import REDIS_DB, REDIS_URL, catalogue_database, seed

NUMBERS_KEY = pytest.StashKey[list]()


@pytest.fixture
def numbers(request):
    """Record a line for the run's summary (requests, rows, durations, throughput)."""
    lines = request.config.stash.setdefault(NUMBERS_KEY, [])
    return lambda line: lines.append(f"{request.node.name}: {line}")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    lines = config.stash.get(NUMBERS_KEY, [])
    if lines:
        terminalreporter.section("hardening numbers")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(params=BACKENDS)
def served(request, tmp_path, templates):
    """A throwaway database for a real server, with the demo catalogue and a shared link."""
    with catalogue_database(templates, request.param, tmp_path) as url:
        yield request.param, url, seed(url)


@pytest.fixture(scope="session")
def redis_client():
    """The Redis database the servers keep their rate-limit counters in; it must be up."""
    import redis

    client = redis.Redis.from_url(f"{REDIS_URL}/{REDIS_DB}")
    try:
        client.ping()
    except redis.ConnectionError as error:
        client.close()
        pytest.fail(f"Redis is not answering at {REDIS_URL} (make test-setup starts it): {error}")
    yield client
    client.close()


@pytest.fixture
def app(database_url):
    """The application, with public posts limited far above what a proof sends."""
    application = create_app(test_config(
        database_url, RATELIMIT_PUBLIC_POSTS="100000 per minute", RATELIMIT_API="100000 per minute",
    ))
    yield application
    application.extensions["database"].dispose()


@pytest.fixture
def links(app, demo_data):
    """A link for each questionnaire a link can open: shared ones made once, single-use ones each time."""
    db = demo_data

    def link_for(definition) -> str:
        inspection = db.execute(
            select(Inspection.code).join(Programme).where(Programme.code.in_(definition.programmes))
            .order_by(Inspection.code)
        ).scalars().first()
        return make_link(db, inspection, definition.code)

    shared = {d.code: link_for(d) for d in LINKED if d.invitation_mode == "shared"}
    return lambda definition: shared.get(definition.code) or link_for(definition)
