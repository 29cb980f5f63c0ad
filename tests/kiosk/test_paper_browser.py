"""Staff type a paper return in by keyboard only, fast; a doubled submission stores one row. SQLite only."""

from __future__ import annotations

import pytest

from .conftest import STAFF_PASSWORD
from .helpers import ONE_BACKEND, focus_matches, stored, tab_to

pytestmark = [pytest.mark.browser, ONE_BACKEND]

ENTER = "/staff/paper/youth-victims/enter"


def sign_in(page, live_server, email: str, next_path: str) -> None:
    page.goto(live_server(f"/staff/sign-in?next={next_path}"))
    page.locator("#email").fill(email)
    page.locator("#password").fill(STAFF_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def test_a_paper_return_is_typed_in_by_keyboard_only(new_context, live_server, staff_user, db):
    page = new_context().new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(page, live_server, staff_user, ENTER)
    assert page.locator("h1").inner_text() == "Type in a paper return"

    tab_to(page, "input[name=language]")
    page.keyboard.press("2")  # Cymraeg, and on to the first question
    assert focus_matches(page, "input[name=service_satisfaction]")
    page.keyboard.press("1")  # yes
    assert focus_matches(page, "input[name=concerns_heard]")
    page.keyboard.press("2")  # no
    page.keyboard.press("1")  # yes
    assert focus_matches(page, "textarea[name=comments]")
    page.keyboard.type("Ysgrifennwyd â llaw.")
    page.keyboard.press("Tab")
    page.keyboard.press("2")  # about_gender: male
    page.keyboard.press("9")  # no ninth answer: nothing happens
    assert focus_matches(page, "input[name=about_ethnic_group]")
    page.keyboard.press("1")  # white: a slip of the finger...
    page.keyboard.press("Shift+Tab")
    assert focus_matches(page, "input[name=about_ethnic_group]:checked")
    page.keyboard.press("0")  # ...taken back: left blank, as on the paper
    tab_to(page, "input[name=about_age]")
    page.keyboard.press("3")  # 35 to 44
    with page.expect_navigation():
        page.keyboard.press("Enter")  # save and enter another

    banner = page.locator("#saved-banner")
    assert banner.is_visible()
    [response] = stored(db)
    assert f"Return {response.id} saved." in banner.inner_text()
    assert (response.channel, response.language) == ("paper", "cy")
    assert sorted((a.question_code, a.value, a.text) for a in response.answers) == [
        ("about_age", "35_44", None), ("about_gender", "male", None),
        ("comments", "text", "Ysgrifennwyd â llaw."), ("concerns_heard", "no", None),
        ("safety_attention", "yes", None), ("service_satisfaction", "yes", None),
    ]
    # Ready for the next form at once, in the same language.
    assert focus_matches(page, "input[name=service_satisfaction]")
    assert page.locator("input[name=language][value=cy]").is_checked()
    assert not page.locator("input[name=service_satisfaction]:checked").count()
    assert not errors, errors


def test_a_doubled_submission_stores_one_return(new_context, live_server, staff_user, db):
    context = new_context()
    page = context.new_page()
    sign_in(page, live_server, staff_user, ENTER)
    page.locator("input[name=service_satisfaction][value=no]").check()

    def twice(route):
        route.fetch(max_redirects=0)  # the first press...
        route.fulfill(response=route.fetch(max_redirects=0))  # ...and the second, a moment later

    page.route(live_server(ENTER), lambda route: twice(route) if route.request.method == "POST" else route.continue_())
    with page.expect_navigation():
        page.locator("button[value=another]").click()
    assert len(stored(db)) == 1
