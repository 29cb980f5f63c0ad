"""Read pages as a person would: parsed HTML, checked for the invariants every page keeps."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup


@dataclass
class Page:
    response: object
    soup: BeautifulSoup

    @property
    def status(self) -> int:
        return self.response.status_code

    @property
    def h1(self) -> str:
        heading = self.soup.find("h1")
        return " ".join(heading.get_text(" ", strip=True).split()) if heading else ""

    @property
    def title(self) -> str:
        return " ".join(self.soup.title.get_text(" ", strip=True).split())

    @property
    def lang(self) -> str:
        return self.soup.html.get("lang", "")

    @property
    def main_text(self) -> str:
        main = self.soup.find("main")
        return " ".join(main.get_text(" ", strip=True).split()) if main else ""

    def error_summary(self) -> list[tuple[str, str]]:
        summary = self.soup.select_one(".govuk-error-summary")
        if summary is None:
            return []
        return [(" ".join(a.get_text(" ", strip=True).split()), a["href"]) for a in summary.select("a")]

    def error_summary_title(self) -> str:
        title = self.soup.select_one(".govuk-error-summary__title")
        return title.get_text(strip=True) if title else ""

    def inline_errors(self) -> list[str]:
        return [" ".join(e.get_text(" ", strip=True).split()) for e in self.soup.select(".govuk-error-message")]

    def form(self, selector: str = "main form") -> dict:
        form = self.soup.select_one(selector)
        assert form is not None, f"no form matching {selector!r}"
        return form

    def csrf_token(self) -> str:
        field = self.soup.find("input", {"name": "csrf_token"})
        assert field is not None, "page has no CSRF token"
        return field["value"]

    def radio_labels(self) -> list[str]:
        return [" ".join(label.get_text(" ", strip=True).split()) for label in self.soup.select(".govuk-radios__label")]

    def checked_values(self) -> list[str]:
        return [i["value"] for i in self.soup.select("input[checked]") if i.get("type") in ("radio", "checkbox")]

    def summary_rows(self) -> dict[str, str]:
        rows = {}
        for row in self.soup.select(".govuk-summary-list__row"):
            key = " ".join(row.select_one(".govuk-summary-list__key").get_text(" ", strip=True).split())
            value = " ".join(row.select_one(".govuk-summary-list__value").get_text(" ", strip=True).split())
            rows[key] = value
        return rows


def check_invariants(page: Page) -> None:
    """What every HTML page of the service keeps, whatever it shows."""
    soup = page.soup
    assert page.lang in {"en", "cy"}, f"<html lang> is {page.lang!r}"
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    duplicated = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicated, f"duplicate ids: {duplicated}"
    headings = soup.find_all("h1")
    assert len(headings) == 1, f"expected one h1, found {len(headings)}"
    h1_text = page.h1
    # The title names the page: it starts with its h1 (after "Error: " when there are errors).
    title = page.title
    if page.error_summary():
        assert title.split(": ", 1)[0] in {"Error", "Gwall"}, title
        title = title.split(": ", 1)[1]
    heading_without_caption = h1_text
    caption = soup.select_one("h1 .govuk-caption-l, h1 .govuk-caption-xl, h1 .govuk-caption-m")
    if caption is not None:
        heading_without_caption = h1_text.replace(" ".join(caption.get_text(" ", strip=True).split()), "", 1).strip()
    assert title.startswith(heading_without_caption), f"title {title!r} does not start with h1 {heading_without_caption!r}"
    for form in soup.find_all("form"):
        if form.get("method", "get").lower() == "post":
            assert form.find("input", {"name": "csrf_token"}), "a POST form without a CSRF token"
    for tag in soup.select("[lang]"):
        assert tag["lang"] in {"en", "cy"}, tag
    if page.lang == "cy":
        unmarked = unmarked_english(soup)
        assert not unmarked, f"English on a Welsh page without lang=\"en\": {unmarked[:5]}"


CATALOGUE = Path(__file__).parents[2] / "translations" / "cy" / "LC_MESSAGES" / "messages.po"
# Not checked: text a browser does not show as prose, and <option>s (a select's options are
# often names straight from the database; pages mark them with lang where they can).
UNCHECKED = {"script", "style", "template", "title", "option", "noscript"}


@lru_cache(maxsize=1)
def known_english() -> frozenset[str]:
    """Whole English texts the service shows: every message the catalogue translates into
    something else, and the English names of the demo organisations and inspections."""
    from babel.messages.pofile import read_po

    from feedback.demo import catalogue

    with CATALOGUE.open("rb") as po:
        messages = read_po(po, locale="cy")
    known = set()
    for message in messages:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            if "%" in english or len(english) < 3 or english in strings:
                continue  # placeholders are filled in; the same in both languages is not English only
            known.add(" ".join(english.split()))
    known.update(o.name for o in catalogue.ORGANISATIONS if o.name != o.name_cy)
    known.update(i.title for i in catalogue.INSPECTIONS if i.title and i.title != getattr(i, "title_cy", None))
    return frozenset(known)


def unmarked_english(soup: BeautifulSoup) -> list[str]:
    """Return texts on a Welsh page that are known English and not inside a lang="en" element."""
    english = known_english()
    found = []
    for text in soup.find_all(string=True):
        words = " ".join(text.split())
        if not words or words not in english:
            continue
        parents = list(text.parents)
        if any(p.name in UNCHECKED for p in parents):
            continue
        marked = next((p.get("lang") for p in parents if p.name and p.get("lang")), None)
        if marked != "en":
            found.append(words)
    return found


def parse(response, check: bool = True) -> Page:
    assert response.mimetype == "text/html", response.mimetype
    page = Page(response, BeautifulSoup(response.get_data(as_text=True), "html.parser"))
    if check:
        check_invariants(page)
    return page


class Browser:
    """A test client that follows redirects and posts forms the way a browser would."""

    def __init__(self, client):
        self.client = client
        self.page: Page | None = None

    def get(self, url: str, **kwargs) -> Page:
        response = self.client.get(url, follow_redirects=True, **kwargs)
        self.page = parse(response)
        return self.page

    def submit(self, data: dict | None = None, selector: str = "main form", button: tuple[str, str] | None = None) -> Page:
        """Post the page's form with its CSRF token, as a browser does, and follow redirects."""
        assert self.page is not None
        form = self.page.form(selector)
        action = form.get("action") or urlsplit(self.page.response.request.url).path
        query = urlsplit(self.page.response.request.url).query
        if not form.get("action") and query:
            action = f"{action}?{query}"
        fields = {}
        for hidden in form.find_all("input", {"type": "hidden"}):
            fields[hidden["name"]] = hidden.get("value", "")
        fields.update(data or {})
        if button:
            fields[button[0]] = button[1]
        response = self.client.post(action, data=fields, follow_redirects=True)
        self.page = parse(response)
        return self.page

    def switch_language(self, code: str, data: dict | None = None) -> Page:
        """Press a form page's language switch: the switch's form is posted, with `data` as typed."""
        assert self.page is not None
        button = self.page.soup.select_one(f"button[name=switch_language][value={code}]")
        assert button is not None, "the language switch is not a button of the page's form"
        form = self.page.soup.find("form", id=button["form"])
        assert form is not None, f"no form with id {button['form']!r}"
        fields = {hidden["name"]: hidden.get("value", "") for hidden in form.find_all("input", {"type": "hidden"})}
        fields.update(data or {})
        fields["switch_language"] = code
        response = self.client.post(button["formaction"], data=fields, follow_redirects=True)
        self.page = parse(response)
        return self.page


@pytest.fixture
def browser(client) -> Browser:
    return Browser(client)
