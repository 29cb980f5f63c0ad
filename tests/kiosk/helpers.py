"""Drive the kiosk in a real browser: enrol a tablet, answer by tap or by keyboard, read the queue."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from feedback.models import Response

# axe-core is run exactly as tests/browser runs it (same tags, same one allowed node).
from tests.browser.helpers import axe_violations, describe_violations  # noqa: F401
from tests.conftest import BACKENDS
from tests.helpers.browser import SCREENSHOTS_WANTED

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots" / "kiosk"

# How the page looks and behaves does not depend on the database: the browser tests run on
# the first backend only. The sync endpoint's exactly-once storage is tested on both backends
# in test_sync.py.
ONE_BACKEND = pytest.mark.parametrize("database_url", BACKENDS[:1], indirect=True)

SHELL = "/kiosk/"


def stored(db) -> list[Response]:
    db.commit()
    return list(db.execute(select(Response).order_by(Response.id)).scalars())


def h1(page) -> str:
    return " ".join(page.locator("h1").first.inner_text().split())


def html_lang(page) -> str:
    return page.evaluate("() => document.documentElement.lang")


def enrol_tablet(page, live_server, enrolment) -> None:
    """Open the enrolment link on the tablet and set it up; wait until it works offline."""
    page.goto(live_server(enrolment.path()))
    with page.expect_navigation(url=live_server(SHELL)):
        page.locator("main form button[type=submit]").click()
    wait_until_offline_ready(page)


def wait_for_async(page, predicate: str, timeout: float = 30_000, what: str = "") -> None:
    """Poll an async predicate in the page (wait_for_function does not wait for promises).

    The timeout is generous: a busy machine has been seen to take over 10 s to unregister
    a service worker; a predicate that holds returns at once.
    """
    done = page.evaluate(
        """async ([source, timeout]) => {
          const predicate = eval(source);
          const end = performance.now() + timeout;
          while (performance.now() < end) {
            if (await predicate()) return true;
            await new Promise((resolve) => requestAnimationFrame(() => resolve()));
          }
          return false;
        }""",
        [predicate, timeout],
    )
    assert done, f"timed out waiting for {what or predicate}"


def wait_until_offline_ready(page) -> None:
    """Wait until the service worker controls the page and has cached the shell."""
    wait_for_async(
        page,
        """async () => {
          if (!navigator.serviceWorker.controller) return false;
          for (const key of await caches.keys()) {
            if (await (await caches.open(key)).match("/kiosk/")) return true;
          }
          return false;
        }""",
        what="the service worker to cache the kiosk",
    )


QUEUE_COUNT = """() => new Promise((resolve, reject) => {
          const open = indexedDB.open("feedback-kiosk", 1);
          open.onupgradeneeded = () => open.result.createObjectStore("queue", { keyPath: "key" });
          open.onsuccess = () => {
            const db = open.result;
            const request = db.transaction("queue").objectStore("queue").count();
            request.onsuccess = () => { db.close(); resolve(request.result); };
            request.onerror = () => reject(request.error);
          };
          open.onerror = () => reject(open.error);
        })"""


def queue_count(page) -> int:
    return page.evaluate(QUEUE_COUNT)


def wait_until_sent(page, timeout: float = 10_000) -> None:
    """Wait until the tablet's queue is empty and its indicator hidden."""
    wait_for_async(
        page,
        f"async () => ((await ({QUEUE_COUNT})()) === 0) && document.getElementById('kiosk-queue').hidden",
        timeout,
        what="the queue to be sent",
    )


def queued_keys(page) -> list[str]:
    return page.evaluate(
        """() => new Promise((resolve) => {
          const open = indexedDB.open("feedback-kiosk", 1);
          open.onsuccess = () => {
            const db = open.result;
            const request = db.transaction("queue").objectStore("queue").getAllKeys();
            request.onsuccess = () => { db.close(); resolve(request.result); };
          };
        })"""
    )


def focus_matches(page, selector: str) -> bool:
    return page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector)


def tab_to(page, selector: str, backwards: bool = False, limit: int = 40) -> None:
    visited = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if focus_matches(page, selector):
            return
        visited.append(page.evaluate("() => document.activeElement && document.activeElement.outerHTML.slice(0, 80)"))
    raise AssertionError(f"Tab never reached {selector!r}; focus went through:\n" + "\n".join(map(str, visited)))


def screen_title(page) -> str:
    return page.title()


# --- answering ------------------------------------------------------------------------------


class Tap:
    """Answer with taps, as on a touch screen."""

    name = "tap"

    def __init__(self, page):
        self.page = page

    def press(self, selector: str) -> None:
        self.page.locator(selector).first.tap()

    def choose_language(self, language: str) -> None:
        self.press(f"button[data-language={language}]")

    def begin(self) -> None:
        self.press("[data-action=begin]")

    def choose(self, value: str) -> None:
        self.page.locator(f"#kiosk-screen input[name=answer][value='{value}']").tap()

    def tick(self, values: list[str]) -> None:
        for value in values:
            self.page.locator(f"#kiosk-screen input[name=answer][value='{value}']").tap()

    def write(self, text: str) -> None:
        self.page.locator("#kiosk-screen textarea").tap()
        self.page.keyboard.type(text)

    def go_on(self) -> None:
        self.press("#kiosk-screen form button[type=submit]")

    def send(self) -> None:
        self.press("[data-action=send]")

    def finish(self) -> None:
        self.press("[data-action=finish]")


class Keyboard:
    """Answer with the keyboard only: Tab, Shift+Tab, Space, Enter and the arrow keys."""

    name = "keyboard"

    def __init__(self, page):
        self.page = page

    def activate(self, selector: str) -> None:
        tab_to(self.page, selector)
        self.page.keyboard.press("Enter")

    def choose_language(self, language: str) -> None:
        self.page.locator("body").focus()
        self.activate(f"button[data-language={language}]")

    def begin(self) -> None:
        self.activate("[data-action=begin]")

    def choose(self, value: str) -> None:
        radios = "#kiosk-screen input[type=radio][name=answer]"
        tab_to(self.page, radios)
        if not self.page.evaluate("() => document.activeElement.checked"):
            self.page.keyboard.press("Space")
        for _ in range(self.page.locator(radios).count()):
            if self.page.evaluate("() => document.activeElement.value") == value:
                break
            self.page.keyboard.press("ArrowDown")
        assert self.page.locator(f"{radios}:checked").get_attribute("value") == value

    def tick(self, values: list[str]) -> None:
        for value in values:
            tab_to(self.page, f"#kiosk-screen input[type=checkbox][value='{value}']")
            self.page.keyboard.press("Space")

    def write(self, text: str) -> None:
        tab_to(self.page, "#kiosk-screen textarea")
        self.page.keyboard.type(text)

    def go_on(self) -> None:
        self.activate("#kiosk-screen form button[type=submit]")

    def send(self) -> None:
        self.activate("[data-action=send]")

    def finish(self) -> None:
        self.activate("[data-action=finish]")


# --- axe-core -------------------------------------------------------------------------------


def screenshot(page, name: str) -> None:
    """Save the page as test-artifacts/screenshots/kiosk/<name>.png, under `make screenshots`."""
    if not SCREENSHOTS_WANTED:
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


# Every control a person can touch, with its size: buttons, links, inputs, and the labels
# that belong to radios and checkboxes (the target a finger actually meets).
SMALL_TARGETS = """() => {
  const small = [];
  const targets = document.querySelectorAll(
    "button, a[href], input:not([type=hidden]), textarea, select, .govuk-radios__label, .govuk-checkboxes__label");
  for (const element of targets) {
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    if (!box.width || !box.height || style.visibility === "hidden") continue;
    if (element.closest(".govuk-error-summary, .govuk-skip-link, [hidden]")) continue;
    if (box.width < 44 || box.height < 44) {
      small.push(`${element.outerHTML.slice(0, 90)} ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return small;
}"""
