"""Staff sign in with accounts made on the command line (guessing: tests/safety/test_sign_in.py)."""

import pytest
from sqlalchemy import select

from feedback.models import StaffUser
from tests.conftest import one_backend
from tests.helpers.pages import Browser

PASSWORD = "correct horse battery staple"


@pytest.fixture
def analyst(runner, db):
    result = runner.invoke(args=["users", "add", "Analyst@Justice.gov.uk", "--role", "analyst", "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Added analyst@justice.gov.uk as analyst." in result.output
    return "analyst@justice.gov.uk"


def sign_in(browser, email, password=PASSWORD, next_path="/staff/"):
    browser.get(f"/staff/sign-in?next={next_path}")
    return browser.submit({"email": email, "password": password})


@one_backend
def test_users_add_stores_a_memory_hard_hash_never_the_password(database_url, db):
    """With the service's own hashing method (the other tests use a cheap one)."""
    from werkzeug.security import check_password_hash

    from feedback import create_app
    from feedback.config import Config
    from tests.conftest import test_config

    app = create_app(test_config(database_url, PASSWORD_HASH_METHOD=Config.PASSWORD_HASH_METHOD))
    result = app.test_cli_runner().invoke(
        args=["users", "add", "Analyst@Justice.gov.uk", "--role", "analyst", "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    app.extensions["database"].dispose()
    user = db.execute(select(StaffUser)).scalar_one()
    assert user.password_hash.startswith("scrypt:32768:8:1$")
    assert PASSWORD not in user.password_hash
    assert user.role == "analyst"
    assert check_password_hash(user.password_hash, PASSWORD)


@one_backend
def test_users_add_refuses_a_short_password(runner, db):
    result = runner.invoke(args=["users", "add", "a@b.uk", "--role", "admin", "--password-stdin"], input="short\n")
    assert result.exit_code != 0 and "at least 12 characters" in result.output


@one_backend
def test_staff_pages_need_signing_in(client):
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/sign-in?next=/staff/")


def test_sign_in_and_out(client, analyst):
    browser = Browser(client)
    home = sign_in(browser, "ANALYST@justice.gov.uk ")
    assert home.h1.startswith("Results")
    assert "Signed in as analyst@justice.gov.uk" in home.soup.get_text(" ")
    cookie = client.get_cookie("session").value
    signed_out = browser.submit(selector="form[action='/staff/sign-out']")
    assert signed_out.h1 == "You have signed out"
    # The old cookie no longer works: sign-out ended every session of the account.
    replay = client.application.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/staff/").status_code == 302


def test_a_wrong_password_gets_one_message_for_both_fields(client, analyst):
    page = sign_in(Browser(client), analyst, "wrong password here")
    assert page.error_summary() == [("Enter a correct email address and password", "#email")]
    assert page.soup.find("input", {"name": "email"})["value"] == analyst
    assert page.soup.find("input", {"name": "password"}).get("value") in (None, "")
    unknown = sign_in(Browser(client), "nobody@justice.gov.uk")
    assert unknown.error_summary() == [("Enter a correct email address and password", "#email")]


def test_an_idle_session_ends(app, client, analyst):
    browser = Browser(client)
    sign_in(browser, analyst)
    with client.session_transaction() as session:
        session["staff_seen_at"] -= 31 * 60
    assert client.get("/staff/").status_code == 302


@one_backend
def test_sign_in_does_not_redirect_to_another_site(client, analyst):
    browser = Browser(client)
    browser.get("/staff/sign-in?next=//evil.example/")
    response = client.post("/staff/sign-in?next=//evil.example/", data={
        "csrf_token": browser.page.csrf_token(), "email": analyst, "password": PASSWORD,
    })
    assert response.headers["Location"] == "/staff/"


@one_backend
def test_sign_in_is_rate_limited(database_url, db):
    from feedback import create_app
    from tests.conftest import test_config

    app = create_app(test_config(database_url, RATELIMIT_SIGN_IN="3 per minute"))
    client = app.test_client()
    statuses = [client.post("/staff/sign-in", data={}).status_code for _ in range(4)]
    assert statuses[-1] == 429
    app.extensions["database"].dispose()


def test_the_stand_in_hash_costs_what_a_real_password_check_costs():
    """An unknown address is checked against STAND_IN_HASH: it must be a hash of the current
    method and cost, or a wrong address would answer faster than a wrong password."""
    from werkzeug.security import check_password_hash

    from feedback.config import Config
    from feedback.staff import PASSWORD_METHOD, STAND_IN_HASH, stand_in_hash
    from tests.conftest import CHEAP_PASSWORD_HASH_METHOD

    assert STAND_IN_HASH.split("$")[0] == PASSWORD_METHOD == Config.PASSWORD_HASH_METHOD
    assert check_password_hash(STAND_IN_HASH, "not a real password")
    assert not check_password_hash(STAND_IN_HASH, "a guess")
    # With the tests' cheap method, the stand-in is as cheap as the passwords.
    assert stand_in_hash(PASSWORD_METHOD) == STAND_IN_HASH
    assert stand_in_hash(CHEAP_PASSWORD_HASH_METHOD).split("$")[0] == CHEAP_PASSWORD_HASH_METHOD
    assert check_password_hash(stand_in_hash(CHEAP_PASSWORD_HASH_METHOD), "not a real password")
