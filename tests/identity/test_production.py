"""In production a password alone opens no staff page, whatever STAFF_SECOND_FACTOR_REQUIRED says."""

from __future__ import annotations

import pytest

from feedback import UnsafeConfiguration, create_app
from feedback.config import Config
from tests.helpers.pages import Browser

from .conftest import PASSWORD


def production(database_url: str, **overrides) -> Config:
    config = Config(
        ENVIRONMENT="production", SECRET_KEY="x" * 40, DATABASE_URL=database_url,
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379", RATELIMIT_ENABLED=True,
        PUBLIC_BASE_URL="https://feedback.example", SESSION_COOKIE_SECURE=True,
    )
    for key, value in overrides.items():
        setattr(config, key, value)
    return config


def test_check_config_refuses_password_only_sign_in_in_production():
    config = production("postgresql+psycopg://db/feedback", STAFF_SECOND_FACTOR_REQUIRED=False)
    assert any("STAFF_SECOND_FACTOR_REQUIRED is off" in p for p in config.problems())
    with pytest.raises(UnsafeConfiguration):
        create_app(config)
    assert production("postgresql+psycopg://db/feedback").problems() == []


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_password_alone_reaches_no_staff_page_in_production(database_url):
    config = production(database_url)
    app = create_app(config)
    # Even were the setting turned off after the check, production still asks for a second factor.
    app.config["STAFF_SECOND_FACTOR_REQUIRED"] = False
    try:
        result = app.test_cli_runner().invoke(
            args=["users", "add", "ann@justice.gov.uk", "--role", "admin", "--password-stdin"], input=PASSWORD + "\n")
        assert result.exit_code == 0, result.output
        client = app.test_client()
        # As a browser on the service's https address: secure cookies, and the Referer that
        # CSRF protection checks on https.
        client.environ_base.update({"wsgi.url_scheme": "https", "HTTP_HOST": "feedback.example",
                                    "HTTP_REFERER": "https://feedback.example/staff/sign-in"})
        browser = Browser(client)
        browser.get("/staff/sign-in?next=/staff/")
        page = browser.submit({"email": "ann@justice.gov.uk", "password": PASSWORD})
        assert page.h1 == "Set up a second way to confirm it is you"
        for path in ("/staff/", "/staff/inspections", "/staff/paper/", "/staff/account/security"):
            response = client.get(path)
            assert response.status_code == 302, path
            assert response.headers["Location"].startswith("/staff/sign-in"), path
    finally:
        app.extensions["database"].dispose()
