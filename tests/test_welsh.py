"""Welsh is never treated less favourably: a complete catalogue, and no English on Welsh pages."""

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from feedback import questionnaires
from feedback.i18n import format_day
from tests.conftest import one_backend
from tests.helpers.pages import Browser, parse
from tests.test_web_journey import make_link

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "translations" / "cy" / "LC_MESSAGES" / "messages.po"
TEMPLATE = ROOT / "translations" / "messages.pot"

# English the GOV.UK packages print unless told otherwise.
GOVUK_DEFAULTS = [
    "Skip to main content", "Support links", "Open Government Licence", "Crown copyright",
    "Service information", "There is a problem", "Menu", "Error:", "Back", "Warning",
    "You can enter up to", "characters remaining", "Day", "Month", "Year",
]


def load(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def test_the_welsh_catalogue_is_complete_without_fuzzy_entries():
    catalogue = load(CATALOGUE)
    template = load(TEMPLATE)
    assert catalogue.num_plurals == 5
    template_ids = {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id}
    catalogue_ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}
    assert template_ids <= catalogue_ids, f"not merged: {sorted(template_ids - catalogue_ids)[:5]}"
    for message in catalogue:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        assert all(s.strip() for s in strings), f"untranslated: {message.id!r}"
    problems = [(m.id, errors) for m, errors in catalogue.check()]
    assert problems == [], problems[:3]


def english_phrases() -> list[str]:
    """Catalogue entries a Welsh page must not show: English with two words or more."""
    catalogue = load(CATALOGUE)
    phrases = []
    for message in catalogue:
        if not message.id:
            continue
        english = message.id if isinstance(message.id, str) else message.id[0]
        welsh = message.string if isinstance(message.string, str) else message.string[0]
        english = re.split(r"%\(|%\{|<", english)[0].strip()
        if len(english.split()) >= 2 and english.lower() not in welsh.lower():
            phrases.append(english)
    return phrases + GOVUK_DEFAULTS


def visible_welsh_text(page) -> str:
    soup = page.soup
    for english in soup.select('[lang="en"]'):
        english.decompose()  # the "English" link itself is rightly in English
    for hidden in soup.select("script, style, template"):
        hidden.decompose()
    texts = [soup.body.get_text(" ", strip=True)]
    for tag in soup.find_all(attrs={"aria-label": True}):
        texts.append(tag["aria-label"])
    texts.append(page.title)
    return " ".join(" ".join(texts).split())


def assert_no_english(page):
    assert page.lang == "cy", page.h1
    text = visible_welsh_text(page)
    leaks = [p for p in english_phrases() if re.search(r"\b" + re.escape(p) + r"\b", text)]
    assert leaks == [], f"English on the Welsh page {page.h1!r}: {leaks}"


@pytest.mark.parametrize("code", [q.code for q in questionnaires.ALL if q.invitation_mode])
def test_every_page_of_every_linked_questionnaire_is_welsh(app, demo_data, code):
    browser = Browser(app.test_client())
    inspection = "cci-2011-birmingham" if code == "case-manager" else "omi2-2011-greater-manchester"
    start = browser.get(make_link(demo_data, inspection, code) + "?lang=cy")
    assert_no_english(start)
    page = browser.submit()
    seen = 0
    while page.h1 != "Gwiriwch eich atebion cyn eu hanfon":
        assert_no_english(page)
        seen += 1
        if page.soup.select(".govuk-radios, .govuk-checkboxes"):
            answered_empty = browser.submit({})
            if not answered_empty.error_summary():
                page = answered_empty  # an optional question: leaving it empty moves on
                continue
            assert_no_english(answered_empty)
            choice = answered_empty.soup.select_one("input[type=radio], input[type=checkbox]")
            page = browser.submit({"answer": choice["value"]})
        else:
            page = browser.submit({"answer": "Sylw"})
        assert seen < 20
    assert_no_english(page)
    done = browser.submit()
    assert done.h1 == "Atebion wedi'u hanfon"
    assert_no_english(done)


@one_backend
def test_error_and_information_pages_are_welsh(client):
    for path in ("/?lang=cy", "/i/unknown-token", "/no-such-page", "/survey/check", "/privacy", "/privacy/young-people", "/accessibility"):
        response = client.get(path)
        assert_no_english(parse(response))


@one_backend
def test_dates_are_written_the_welsh_way(app):
    moment = datetime(2026, 2, 7, 12, tzinfo=timezone.utc)
    with app.test_request_context("/?lang=cy"):
        assert format_day(moment) == "7 Chwefror 2026"
    with app.test_request_context("/?lang=en"):
        assert format_day(moment) == "7 February 2026"


@one_backend
def test_counted_nouns_use_welsh_plural_forms(app):
    from flask_babel import ngettext

    with app.test_request_context("/?lang=cy"):
        minutes = [ngettext("It takes about %(num)d minute.", "It takes about %(num)d minutes.", n) for n in (1, 2, 3, 5, 6)]
    assert all("munud" in m or "funud" in m for m in minutes), minutes
    assert len(set(m.replace(str(n), "N") for m, n in zip(minutes, (1, 2, 3, 5, 6), strict=True))) >= 2
