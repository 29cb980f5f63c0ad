"""After signing in, `next` takes staff only to a page of this service, never another site."""

from __future__ import annotations

from urllib.parse import quote, urljoin, urlsplit

import pytest

from tests.helpers.pages import Browser
from tests.test_staff import PASSWORD, analyst, sign_in  # noqa: F401 (a fixture)

HOSTILE = [
    "/%09/evil.example", "/%0a/x", "/%0d/x", "/%0d%0aSet-Cookie:%20x=1", "//evil.example/",
    "/\\evil.example", "\\\\evil.example", "https://evil.example/", "/%20/evil.example", "/%E2%80%8B/evil.example",
    "javascript:alert(1)", "/staff/%0a", "http:/evil.example", "/%2F%2Fevil.example", "/no/such/page",
    "%2F%2Fevil.example", "/" + "a" * 3000,
]


def lands_here(location: str) -> str:
    """Where a browser would go: the Location resolved against this service, with what browsers strip."""
    cleaned = "".join(ch for ch in location if ch not in "\t\r\n").replace("\\", "/")
    target = urlsplit(urljoin("http://localhost/staff/sign-in", cleaned))
    assert target.netloc == "localhost", location
    return target.path


@pytest.mark.parametrize("next_path", HOSTILE)
def test_a_hostile_next_goes_to_the_results_instead(client, analyst, next_path):  # noqa: F811
    browser = Browser(client)
    browser.get("/staff/sign-in")
    posted = client.post(f"/staff/sign-in?next={next_path}", data={
        "csrf_token": browser.page.csrf_token(), "email": analyst, "password": PASSWORD,
    })
    assert posted.status_code == 302, posted.status_code
    assert posted.headers["Location"] == "/staff/"
    # Signed in already: the GET alone redirects.
    again = client.get(f"/staff/sign-in?next={next_path}")
    assert again.status_code == 302 and again.headers["Location"] == "/staff/"
    assert lands_here(again.headers["Location"]) == "/staff/"


def test_a_page_of_this_service_is_kept_with_its_query(client, analyst):  # noqa: F811
    browser = Browser(client)
    wanted = "/staff/inspections?q=" + quote("Greater Manchester")
    page = sign_in(browser, analyst, next_path=quote(wanted, safe=""))
    assert page.h1 == "Inspections"
    assert client.get(f"/staff/sign-in?next={quote(wanted, safe='')}").headers["Location"] == wanted
