"""Fixtures for the fault tests: the application reaching PostgreSQL through a proxy the test
can cut, and a redis-server of the test's own."""

from __future__ import annotations

import pytest
from sqlalchemy import make_url

from feedback import create_app
from tests.conftest import BACKENDS, test_config
from tests.faults.parts import TcpProxy, redis_server

# A cut between the service and its database is a network fault: PostgreSQL's alone.
POSTGRES_ONLY = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
# What Redis does to the service does not depend on the database.
ONE_BACKEND = pytest.mark.parametrize("database_url", BACKENDS[:1], indirect=True)


@pytest.fixture
def redis():
    yield from redis_server()


@pytest.fixture
def proxy(database_url):
    """A TCP proxy in front of the test's PostgreSQL (None on SQLite)."""
    if not database_url.startswith("postgresql"):
        yield None
        return
    url = make_url(database_url)
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    yield proxy
    proxy.close()


def through(database_url: str, proxy: TcpProxy | None) -> str:
    """The database URL the service uses: through the proxy, when there is one."""
    if proxy is None:
        return database_url
    return make_url(database_url).set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)


@pytest.fixture
def service_config(database_url, proxy):
    """Overrides for the service under test; tests add theirs before asking for `app`."""
    # Exceptions answered as a respondent would see them (the error page), not raised in the test.
    return {"PROPAGATE_EXCEPTIONS": False}


@pytest.fixture
def app(database_url, proxy, service_config):
    application = create_app(test_config(through(database_url, proxy), **service_config))
    yield application
    application.extensions["database"].dispose()
