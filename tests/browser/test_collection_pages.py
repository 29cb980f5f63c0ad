"""In Chromium: a member of staff invites three people, two answer, tracking shows 2 of 3 (67%);
axe-core finds nothing on the collection pages, in English or in Welsh."""

from __future__ import annotations

import pytest

from tests.collection.conftest import PASSWORD, notify, notify_app, support  # noqa: F401 - fixtures
from tests.collection.test_invitations_journey import answer_through

from .helpers import (
    ONE_BACKEND,
    axe_violations,
    describe_violations,
    html_lang,
    leaving,
    screenshot,
)

pytestmark = [pytest.mark.browser, ONE_BACKEND]

MANCHESTER = "omi2-2011-greater-manchester"
BASE = f"/staff/inspections/{MANCHESTER}/collection"
PIE = "post-inspection-evaluation"


@pytest.mark.parametrize("language", ["en", "cy"])
def test_invite_and_track_in_a_browser(axe_page, live_server, notify_app, notify, support, demo_data, client, language):  # noqa: F811 - fixtures
    page = axe_page
    found: dict[str, list[dict]] = {}

    def check(name: str) -> None:
        assert html_lang(page) == language, name
        found[name] = axe_violations(page)
        screenshot(page, language, f"collection-{name}")

    def submit() -> None:
        with leaving(page):
            page.locator("main form button[type=submit]").click()

    page.goto(live_server(f"/staff/sign-in?next={BASE}&lang={language}"))
    page.locator("#email").fill(support)
    page.locator("#password").fill(PASSWORD)
    submit()
    check("01-overview")
    page.goto(live_server(f"{BASE}/{PIE}/invite"))
    check("02-invite")
    page.locator("#recipients").fill("Ann Jones, ann@example.gov.uk, English\nnot a line\n")
    submit()
    assert page.locator(".govuk-error-summary").is_visible()
    check("03-invite-errors")
    page.locator("#recipients").fill("Ann Jones, ann@example.gov.uk, English\n"
                                     "Bryn Evans, bryn@example.gov.uk, Welsh\nCath Smith, cath@example.gov.uk")
    submit()
    check("04-check")
    assert not notify.emails
    submit()
    check("05-tracking")
    assert len(notify.emails) == 3
    for email in notify.emails[:2]:
        answer_through(client, email.body["personalisation"]["link"])
    page.reload()
    rate = page.locator(".govuk-summary-list__row").filter(has_text="%").last.inner_text()
    assert "67%" in rate and ("2 of 3" in rate or "2 o 3" in rate)
    page.goto(live_server(f"{BASE}/offender-manager/shared-link"))
    check("06-shared-link")
    submit()
    check("07-shared-sheet")
    page.goto(live_server("/staff/response-rates"))
    check("08-response-rates")
    failing = {name: v for name, v in found.items() if v}
    assert not failing, "axe-core found violations:\n" + describe_violations(failing)
