"""Charts on the results pages, in Chromium on a phone: the page's fonts, text no smaller than 14 px."""

from __future__ import annotations

import pytest

from tests.helpers.browser import with_axe
from tests.test_staff import PASSWORD

from .helpers import ONE_BACKEND

pytestmark = [pytest.mark.browser, ONE_BACKEND]

PHONE = {"viewport": {"width": 375, "height": 812}, "locale": "en-GB"}


@pytest.fixture
def phone(chromium, live_server, runner, demo_returns):
    result = runner.invoke(args=["users", "add", "analyst@justice.gov.uk", "--role", "analyst", "--password-stdin"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    context = chromium.new_context(**PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(live_server("/staff/sign-in?next=/staff/"))
    page.locator("#email").fill("analyst@justice.gov.uk")
    page.locator("#password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    yield page
    context.close()


@pytest.mark.parametrize("code", ["offender-manager", "adult-service-user"])
def test_chart_text_keeps_the_page_font_and_at_least_14px_on_a_phone(phone, live_server, code):
    phone.goto(live_server(f"/staff/results/{code}?period=2011-12"))
    body_font = phone.evaluate("() => getComputedStyle(document.querySelector('main p.govuk-body')).fontFamily")
    texts = phone.evaluate("""() => {
        const found = [];
        for (const chart of document.querySelectorAll('.app-chart')) {
            const walker = document.createTreeWalker(chart, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                const element = walker.currentNode.parentElement;
                if (!walker.currentNode.textContent.trim() || element.closest('.govuk-visually-hidden')) continue;
                const style = getComputedStyle(element);
                // What the reader sees: the font size times any scaling of the drawing it sits in.
                const box = element.getBoundingClientRect();
                found.push({text: walker.currentNode.textContent.trim(), size: parseFloat(style.fontSize),
                            family: style.fontFamily, height: box.height,
                            scale: element.closest('svg') ? element.closest('svg').getScreenCTM().a : 1});
            }
        }
        return found;
    }""")
    assert texts, "no chart text"
    assert {t["family"] for t in texts} == {body_font}, {t["family"] for t in texts}
    too_small = [t for t in texts if t["size"] * t["scale"] < 14]
    assert not too_small, too_small[:5]
    widest = phone.evaluate("() => Math.max(...[...document.querySelectorAll('.app-chart')].map(c => c.getBoundingClientRect().right))")
    assert widest <= 375


def test_each_question_has_a_small_trend_over_the_business_years(phone, live_server):
    phone.goto(live_server("/staff/results/post-inspection-evaluation?period=2011-12"))
    trend = phone.locator("#trend-overall_management")
    rows = trend.locator(".app-chart__row").all_inner_texts()
    years = [" ".join(row.split()) for row in rows]
    assert [row.split(" ")[0] for row in years] == ["2010–11", "2011–12"]
    assert years[-1].endswith("94%")
    assert trend.get_attribute("role") == "group"


@pytest.fixture
def axe_staff(chromium, live_server, runner, demo_returns):
    result = runner.invoke(args=["users", "add", "analyst@justice.gov.uk", "--role", "analyst", "--password-stdin"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    context = with_axe(chromium.new_context(bypass_csp=True, **PHONE))
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(live_server("/staff/sign-in?next=/staff/"))
    page.locator("#email").fill("analyst@justice.gov.uk")
    page.locator("#password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    yield page
    context.close()


@pytest.mark.parametrize("language", ["en", "cy"])
def test_results_comments_and_inspections_pass_axe(axe_staff, live_server, language):
    from .helpers import axe_violations

    found = {}
    for path in ("/staff/results/offender-manager?period=2011-12", "/staff/results/adult-service-user?period=2011-12",
                 "/staff/results/post-inspection-evaluation/comments?period=2011-12", "/staff/inspections"):
        axe_staff.goto(live_server(f"{path}{'&' if '?' in path else '?'}lang={language}"))
        found[path] = axe_violations(axe_staff)
    assert not any(found.values()), {p: [(v["id"], v["nodes"][:2]) for v in vs] for p, vs in found.items() if vs}
