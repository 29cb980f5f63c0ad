"""Drive pages by keyboard, read what the console reports, and check pages with axe-core."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from feedback.invitations import create_invitation
from feedback.models import Inspection, Response
from tests.conftest import BACKENDS
from tests.helpers.browser import SCREENSHOTS_WANTED

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"

# WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

# GOV.UK puts the back link above <main>, outside every landmark, on purpose: a screen reader
# that skips to the main content skips it too. axe's best-practice rule `region` reports it;
# GOV.UK Frontend's own axe helper turns `region` off for that reason (alphagov/govuk-frontend
# issue 1604). Only that node is let through here: anything else outside a landmark still fails.
ALLOWED = {("region", ".govuk-back-link")}


# For checks the database cannot change (how pages look and sound): the first backend only.
ONE_BACKEND = pytest.mark.parametrize("database_url", BACKENDS[:1], indirect=True)


# --- the database -------------------------------------------------------------------------


def make_link(db, inspection_code: str, questionnaire: str = "post-inspection-evaluation") -> str:
    """Create an invitation to one of the demo inspections and return its path."""
    inspection = db.execute(select(Inspection).where(Inspection.code == inspection_code)).scalar_one()
    with db.info["app"].app_context():
        new = create_invitation(db, inspection, questionnaire, days=28)
    db.commit()
    return new.path()


def stored_responses(db) -> list[Response]:
    db.commit()  # end the test's transaction, to read what the server committed since
    return db.execute(select(Response)).scalars().all()


# --- the console --------------------------------------------------------------------------


@dataclass
class ConsoleLog:
    """Errors and warnings a page logs, and errors it throws.

    Chromium logs each Content Security Policy violation as a console error.
    """

    errors: list[str] = field(default_factory=list)

    @classmethod
    def attach(cls, page) -> "ConsoleLog":
        log = cls()
        page.on("console", log._on_console)
        page.on("pageerror", lambda error: log.errors.append(f"uncaught: {error}"))
        return log

    def _on_console(self, message) -> None:
        if message.type in ("error", "warning") or "Content Security Policy" in message.text:
            self.errors.append(f"{message.type}: {message.text} ({message.location.get('url', '')})")

    @property
    def csp_violations(self) -> list[str]:
        return [e for e in self.errors if "Content Security Policy" in e]

    def assert_clean(self) -> None:
        assert not self.errors, "the console reported:\n" + "\n".join(self.errors)


# --- pages --------------------------------------------------------------------------------


def html_lang(page) -> str:
    return page.evaluate("() => document.documentElement.lang")


def h1(page) -> str:
    return " ".join(page.locator("h1").inner_text().split())


def assert_frontend_initialised(page) -> None:
    """GOV.UK Frontend's JavaScript ran: the body says so, and every component is initialised."""
    body_classes = page.evaluate("() => [...document.body.classList]")
    assert "govuk-frontend-supported" in body_classes, body_classes
    uninitialised = page.evaluate(
        """() => [...document.querySelectorAll('[data-module]')]
            .filter(e => !e.hasAttribute(`data-${e.dataset.module}-init`))
            .map(e => e.dataset.module)"""
    )
    assert not uninitialised, f"components not initialised: {uninitialised}"


def screenshot(page, language: str, name: str) -> None:
    """Save the page as test-artifacts/screenshots/<language>-<name>.png, under `make screenshots`."""
    if not SCREENSHOTS_WANTED:
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{language}-{name}.png"), full_page=True)


# --- the keyboard -------------------------------------------------------------------------

DESCRIBE_FOCUS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return "<body>";
  const text = (e.innerText || e.value || "").trim().replace(/\\s+/g, " ").slice(0, 40);
  return `<${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}${e.name ? " name=" + e.name : ""}> ${text}`;
}"""


def focus_matches(page, selector: str) -> bool:
    return page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector)


def tab_to(page, selector: str, backwards: bool = False, limit: int = 60) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches selector."""
    visited = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if focus_matches(page, selector):
            return
        visited.append(page.evaluate(DESCRIBE_FOCUS))
    raise AssertionError(f"Tab never reached {selector!r}; focus went through:\n" + "\n".join(visited))


@contextmanager
def leaving(page):
    """Wait, after the block, until the page the block left has been replaced and loaded.

    Unlike waiting for a URL, this also works when a form posts back to its own address.
    """
    page.evaluate("() => { window.__leaving = true }")
    yield
    page.wait_for_function("() => !window.__leaving")
    page.wait_for_load_state("load")


def press_and_load(page, key: str = "Enter") -> None:
    """Press a key that leaves the page, and wait until the next page has loaded."""
    with leaving(page):
        page.keyboard.press(key)


def choose_radio(page, value: str, name: str = "answer") -> None:
    """Tab into a radio group (unless already in it), select with Space, move with the arrows."""
    radios = f"input[type=radio][name={name}]"
    if not focus_matches(page, radios):
        tab_to(page, radios)
    if not page.evaluate("() => document.activeElement.checked"):
        page.keyboard.press("Space")
    for _ in range(page.locator(radios).count()):
        if page.evaluate("() => document.activeElement.value") == value:
            break
        page.keyboard.press("ArrowDown")
    assert page.locator(f"{radios}:checked").get_attribute("value") == value


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def continue_with_keyboard(page, button: str = "main form .govuk-button") -> None:
    """Tab to the form's button and press Enter."""
    tab_to(page, button)
    press_and_load(page)


# --- axe-core -----------------------------------------------------------------------------


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page (its context made by with_axe) and return the violations."""
    violations = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
            .then(r => r.violations.map(v => ({
              id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
              nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
            })))""",
        AXE_TAGS,
    )
    found = []
    for violation in violations:
        violation["nodes"] = [n for n in violation["nodes"] if (violation["id"], n["target"]) not in ALLOWED]
        if violation["nodes"]:
            found.append(violation)
    return found


def describe_violations(found: dict[str, list[dict]]) -> str:
    lines = []
    for where, violations in found.items():
        for v in violations:
            lines.append(f"{where}: {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
            for node in v["nodes"][:3]:
                lines.append(f"    {node['target']}")
                lines.append("      " + (node["summary"] or "").replace("\n", "\n      "))
    return "\n".join(lines)
