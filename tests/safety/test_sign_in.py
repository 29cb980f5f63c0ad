"""Sign-in: known and unknown addresses answered alike, guessing slowed, nobody locked out.

Time is the project's clock (feedback.clock.utcnow as the sign-in code reads it), moved by
the tests: no test waits or measures time.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from werkzeug.security import check_password_hash

from feedback import create_app, staff, throttle
from feedback.web import api as api_views
from tests.conftest import test_config
from tests.helpers.pages import Browser, parse
from tests.test_staff import PASSWORD

START = datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self):
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def move(self, **kwargs) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def app(database_url):
    """The application with the per-minute limits (Redis's) out of the way: these tests are of
    the throttle kept in the database."""
    application = create_app(test_config(database_url, RATELIMIT_SIGN_IN="1000 per minute",
                                         RATELIMIT_API="1000 per minute"))
    yield application
    application.extensions["database"].dispose()


@pytest.fixture
def clock(monkeypatch):
    moved = Clock()
    monkeypatch.setattr(staff, "utcnow", moved)
    monkeypatch.setattr(api_views, "utcnow", moved)
    return moved


@pytest.fixture
def checks(monkeypatch):
    """Count the password checks (scrypt) made: the time an answer takes is theirs."""
    made = []

    def counting(hashed, password):
        made.append(hashed)
        return check_password_hash(hashed, password)

    monkeypatch.setattr(staff, "check_password_hash", counting)
    return made


@pytest.fixture
def member(runner):
    result = runner.invoke(args=["users", "add", "member@justice.gov.uk", "--role", "analyst", "--password-stdin"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    return "member@justice.gov.uk"


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def attempt(app, email: str, password: str, client_address: str, client=None):
    """Post the sign-in form as a browser at `client_address` would; return (response, page)."""
    client = client or client_at(app, client_address)
    browser = Browser(client)
    browser.get("/staff/sign-in")
    response = client.post("/staff/sign-in", data={
        "csrf_token": browser.page.csrf_token(), "email": email, "password": password,
    })
    return response, (parse(response) if response.status_code != 302 else None)


def answer(response, page) -> tuple:
    """What a person (or a script) can tell from an answer."""
    if page is None:
        return response.status_code, response.headers["Location"]
    return response.status_code, tuple(page.error_summary()), response.headers.get("Retry-After")


def test_known_and_unknown_addresses_are_answered_alike_in_every_state(app, member, clock, checks):
    seen = {}
    for email, address in ((member, "198.51.100.1"), ("nobody@justice.gov.uk", "198.51.100.2")):
        answers = []
        for n in range(12):
            checks.clear()
            answers.append(answer(*attempt(app, email, f"wrong password {n}", address)))
            assert len(checks) == 1, f"attempt {n + 1} made {len(checks)} password checks"
            if n == 8:
                clock.move(seconds=31)  # the first wait over: the next wrong guess waits longer
        seen[email] = answers
    assert seen[member] == seen["nobody@justice.gov.uk"]
    # Five wrong guesses are free; then everyone is asked to wait, longer each time.
    wrong = (200, (("Enter a correct email address and password", "#email"),), None)
    assert seen[member][:4] == [wrong] * 4
    assert seen[member][4] == (429, (("Too many attempts to sign in. Wait 30 seconds, then try again.", "#email"),), "30")
    assert seen[member][5][0] == 429 and seen[member][5][2] == "30"
    assert seen[member][9] == (429, (("Too many attempts to sign in. Wait 60 seconds, then try again.", "#email"),), "60")
    assert "locked" not in str(seen[member])


def test_waiting_is_answered_alike_even_with_the_right_password(app, member, clock, checks):
    for n in range(5):
        attempt(app, member, f"wrong {n}", "198.51.100.7")
    checks.clear()
    response, page = attempt(app, member, PASSWORD, "198.51.100.7")
    assert response.status_code == 429 and len(checks) == 1, "the waiting answer must still spend a password check"
    assert page.error_summary()[0][0] == "Too many attempts to sign in. Wait 30 seconds, then try again."
    clock.move(seconds=30)
    response, _ = attempt(app, member, PASSWORD, "198.51.100.7")
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"


def test_waits_grow_to_fifteen_minutes_at_most():
    rule = throttle.ADDRESS
    waits = [rule.wait_after(n).total_seconds() for n in range(1, 16)]
    assert waits[:4] == [0] * 4
    assert waits[4:10] == [30, 60, 120, 240, 480, 900]
    assert set(waits[10:]) == {900}
    assert rule.wait_after(10**9).total_seconds() == 900


def test_one_client_guessing_many_addresses_is_slowed(app, member, clock):
    statuses = [attempt(app, f"guess{n}@justice.gov.uk", "wrong password", "203.0.113.9")[0].status_code
                for n in range(11)]
    assert statuses[:9] == [200] * 9 and statuses[9:] == [429, 429]
    # Another client is not held up by it.
    response, _ = attempt(app, member, PASSWORD, "203.0.113.10")
    assert response.status_code == 302


def test_a_stranger_cannot_keep_staff_out_of_their_own_browser(app, member, clock):
    own = client_at(app, "192.0.2.20")
    response, _ = attempt(app, member, PASSWORD, "192.0.2.20", client=own)
    assert response.status_code == 302
    own.post("/staff/sign-out", data={"csrf_token": Browser(own).get("/staff/").csrf_token()})
    # A stranger guesses from many addresses, again and again.
    for n in range(10):
        attempt(app, member, f"guess {n}", f"203.0.113.{n + 1}")
    refused, page = attempt(app, member, PASSWORD, "192.0.2.99")
    assert refused.status_code == 429, "a new browser must wait while the address is being guessed"
    # The member of staff, on the browser they signed in with before, is let in at once.
    response, _ = attempt(app, member, PASSWORD, "192.0.2.20", client=own)
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    # Their own wrong passwords there are counted on their own, and slow them after five.
    own.post("/staff/sign-out", data={"csrf_token": Browser(own).get("/staff/").csrf_token()})
    statuses = [attempt(app, member, f"typo {n}", "192.0.2.20", client=own)[0].status_code for n in range(6)]
    assert statuses == [200] * 4 + [429, 429]


def test_a_browser_mark_for_one_address_does_nothing_for_another(app, member, runner, clock):
    runner.invoke(args=["users", "add", "other@justice.gov.uk", "--role", "analyst", "--password-stdin"],
                  input=PASSWORD + "\n")
    own = client_at(app, "192.0.2.30")
    assert attempt(app, member, PASSWORD, "192.0.2.30", client=own)[0].status_code == 302
    own.post("/staff/sign-out", data={"csrf_token": Browser(own).get("/staff/").csrf_token()})
    for n in range(5):
        attempt(app, "other@justice.gov.uk", f"guess {n}", f"203.0.113.{n + 50}")
    assert attempt(app, "other@justice.gov.uk", PASSWORD, "192.0.2.30", client=own)[0].status_code == 429


def test_wrong_api_tokens_are_slowed_by_the_database(app, runner, clock):
    token = runner.invoke(args=["api-tokens", "add", "throttle"]).stdout.strip()
    guesser = client_at(app, "203.0.113.77")
    statuses = [guesser.get("/api/v1/results?questionnaire=sentencers",
                            headers={"Authorization": f"Bearer {n:043d}"}).status_code for n in range(11)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
    refused = guesser.get("/api/v1/results?questionnaire=sentencers", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "30"
    assert refused.json["error"] == "Too Many Requests"
    other = client_at(app, "203.0.113.78")
    assert other.get("/api/v1/results?questionnaire=sentencers",
                     headers={"Authorization": f"Bearer {token}"}).status_code == 200
    clock.move(seconds=30)
    assert guesser.get("/api/v1/results?questionnaire=sentencers",
                       headers={"Authorization": f"Bearer {token}"}).status_code == 200
