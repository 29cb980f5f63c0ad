"""Staff identity tests: an app that requires a second factor, as production does."""

from __future__ import annotations

import pytest

from feedback import create_app
from tests.conftest import test_config

PASSWORD = "correct horse battery staple"


@pytest.fixture
def app(database_url):
    application = create_app(test_config(database_url, STAFF_SECOND_FACTOR_REQUIRED=True))
    yield application
    application.extensions["database"].dispose()


@pytest.fixture
def add_staff(runner):
    def add(email: str, role: str = "analyst") -> str:
        result = runner.invoke(args=["users", "add", email, "--role", role, "--password-stdin"], input=PASSWORD + "\n")
        assert result.exit_code == 0, result.output
        return email

    return add

