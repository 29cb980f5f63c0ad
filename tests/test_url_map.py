"""Every route is in feedback.roles.ROUTES, and behaves as that table and docs/roles.md say.

A new route fails these tests until it is added to the table (with the permission it needs, or
Open and what protects it instead) and to docs/roles.md, so nobody can publish a page by
forgetting a decorator, or give a role more than the table says.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from feedback import create_app
from feedback.roles import (
    COMMANDS,
    PERMISSIONS,
    ROLE_NAMES,
    ROLES,
    ROUTES,
    Open,
    allows,
)
from tests.conftest import test_config
from tests.helpers.pages import Browser
from tests.test_staff import PASSWORD, sign_in

DOC = Path(__file__).resolve().parents[1] / "docs" / "roles.md"
SAMPLE = {"code": "young-people", "token": "x" * 43, "filename": "app.css", "device_id": "1",
          "by": "region", "fmt": "csv"}


@pytest.fixture
def app(database_url):
    """The application with every route it can have, Slack's included."""
    application = create_app(test_config(
        database_url, SLACK_BOT_TOKEN="xoxb-not-used",
        SLACK_SIGNING_SECRET="not-used-not-used-not-used-not-used", SLACK_API_URL="http://127.0.0.1:9/",
    ))
    yield application
    application.extensions["database"].dispose()


def sample_url(rule) -> str:
    def fill(match):
        name = match.group(1).split(":")[-1]
        return SAMPLE.get(name, "1")
    return re.sub(r"<([^>]+)>", fill, rule.rule).replace("any(csv, ods)", "csv")


def routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule)):
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def commands(group: click.Group, prefix: str = ""):
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from commands(command, f"{prefix}{name} ")
        else:
            yield prefix + name


def test_every_route_is_in_the_roles_table(app):
    endpoints = {rule.endpoint for rule, _ in routes(app)}
    missing = sorted(endpoints - set(ROUTES))
    assert not missing, (
        f"these endpoints are not in feedback.roles.ROUTES: {missing}. Add each with the permission "
        "a member of staff needs for it (or Open('what protects it')), and a row in docs/roles.md."
    )
    stale = sorted(set(ROUTES) - endpoints)
    assert not stale, f"feedback.roles.ROUTES lists endpoints that no longer exist: {stale}"
    assert all(isinstance(access, Open) or access in PERMISSIONS for access in ROUTES.values())


def test_every_command_is_in_the_roles_table(app):
    found = set(commands(app.cli))
    missing = sorted(found - set(COMMANDS))
    assert not missing, f"these commands are not in feedback.roles.COMMANDS (and docs/roles.md): {missing}"
    assert not set(COMMANDS) - found, sorted(set(COMMANDS) - found)


def doc_rows() -> dict[str, list[str]]:
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\| `([^`]+)` \|(.*)\|\s*$", line)
        if match:
            rows[match.group(1)] = [cell.strip() for cell in match.group(2).split("|")]
    return rows


def test_docs_roles_lists_every_route_and_command_as_the_table_says(app):
    rows = doc_rows()
    for endpoint, access in ROUTES.items():
        assert endpoint in rows, f"docs/roles.md has no row for the endpoint `{endpoint}`"
        cells = rows[endpoint]
        if isinstance(access, Open):
            assert cells[1:4] == ["anyone"] * 3, (endpoint, cells)
        else:
            expected = ["yes" if allows(role, access) else "no" for role in ROLES]
            assert cells[1:4] == expected, (endpoint, cells, expected)
            assert f"`{access}`" in cells[4], (endpoint, cells)
    for command in COMMANDS:
        assert f"feedback {command}" in rows, f"docs/roles.md has no row for `feedback {command}`"
    header = next(line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("| Endpoint"))
    with app.test_request_context():
        names = [str(ROLE_NAMES[role]) for role in ROLES]
    assert names == [c.strip() for c in header.split("|")[3:6]]


def test_routes_turn_away_anyone_not_signed_in(app, client):
    for rule, method in routes(app):
        access = ROUTES[rule.endpoint]
        if isinstance(access, Open):
            continue
        response = client.open(sample_url(rule), method=method, data={})
        if method == "POST" and response.status_code == 400:
            continue  # refused by CSRF before anything else: there is no session to carry a token
        assert response.status_code == 302, (rule.rule, method, response.status_code)
        assert response.headers["Location"].startswith("/staff/sign-in"), rule.rule


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_what_the_table_allows_and_nothing_more(app, client, runner, role):
    email = f"{role}@justice.gov.uk"
    added = runner.invoke(args=["users", "add", email, "--role", role, "--password-stdin"], input=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    browser = Browser(client)
    home = sign_in(browser, email)
    # The form token, so that a refusal seen here is the role check's, not CSRF's.
    token = home.soup.find("input", {"name": "csrf_token"})["value"]
    checked = 0
    # Last, what ends the session the other requests need: resetting factors (of user 1, who may
    # be this member of staff), signing out everywhere, signing out.
    ending = ("account_security.admin_reset", "account_security.sign_out_everywhere", "staff.sign_out")
    for rule, method in sorted(routes(app), key=lambda pair: ending.index(pair[0].endpoint) + 1
                               if pair[0].endpoint in ending else 0):
        access = ROUTES[rule.endpoint]
        if isinstance(access, Open):
            continue
        response = client.open(sample_url(rule), method=method, data={"csrf_token": token} if method == "POST" else None)
        if allows(role, access):
            assert response.status_code != 403, (role, rule.rule, method)
            assert not response.headers.get("Location", "").startswith("/staff/sign-in"), (role, rule.rule)
            assert response.status_code < 500, (role, rule.rule, method, response.status_code)
        else:
            assert response.status_code == 403, (role, rule.rule, method, response.status_code)
        checked += 1
        if rule.endpoint in ending and current_staff_signed_out(client):
            token = sign_in(browser, email).soup.find("input", {"name": "csrf_token"})["value"]
    assert checked >= 15


def current_staff_signed_out(client) -> bool:
    return client.get("/staff/").headers.get("Location", "").startswith("/staff/sign-in")


def test_staff_navigation_offers_only_what_the_role_may_use(client, runner):
    for role, offered in (("analyst", False), ("support", True)):
        email = f"nav-{role}@justice.gov.uk"
        runner.invoke(args=["users", "add", email, "--role", role, "--password-stdin"], input=PASSWORD + "\n")
        browser = Browser(client)
        home = sign_in(browser, email)
        links = {a.get_text(strip=True) for a in home.soup.select(".govuk-service-navigation a")}
        assert ("Kiosk tablets" in links) is offered and ("Paper returns" in links) is offered, (role, links)
        browser.submit(selector="form[action='/staff/sign-out']")
