"""The kiosk's script as small ES modules: each served as it is, precached, and loaded cleanly."""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin

import pytest

from tests.conftest import one_backend

from .helpers import ONE_BACKEND, SHELL, enrol_tablet

ENTRY = "/assets/kiosk/kiosk.js"
# Small enough to read at a sitting; a module that grows past this is split by concern.
MODULE_BYTES = 8 * 1024
IMPORT = re.compile(r"""(?:import|from)\s*["']([^"']+\.js)["']""")


def module_graph(client) -> dict[str, bytes]:
    """Every module the kiosk's entry imports, directly or not, by URL: what the browser loads."""
    found: dict[str, bytes] = {}
    waiting = [ENTRY]
    while waiting:
        url = waiting.pop()
        if url in found:
            continue
        with client.get(url) as response:
            assert response.status_code == 200, url
            assert response.mimetype == "text/javascript", url
            found[url] = response.get_data()
        waiting += [urljoin(url, name) for name in IMPORT.findall(found[url].decode())]
    return found


def precached(client) -> list[str]:
    source = client.get("/kiosk/sw.js").get_data(as_text=True)
    [urls] = re.findall(r"const PRECACHE = (\[.*?\]);", source)
    return json.loads(urls)


@one_backend
def test_every_kiosk_module_is_small_precached_and_revalidated(client):
    modules = {url: body for url, body in module_graph(client).items() if url.startswith("/assets/kiosk/")}
    assert {"/assets/kiosk/shell.js", "/assets/kiosk/queue.js", "/assets/kiosk/idle.js",
            "/assets/kiosk/staff_exit.js"} <= set(modules)
    # Offline, the tablet has only what its service worker cached when it was set up.
    assert set(modules) <= set(precached(client))
    for url, body in modules.items():
        assert len(body) < MODULE_BYTES, f"{url} is {len(body):,} bytes"
        # Fixed names import one another: the browser asks again each time (304 if unchanged).
        with client.get(url) as response:
            assert response.headers["Cache-Control"] == "no-cache", url
            etag = response.headers["ETag"]
        with client.get(url, headers={"If-None-Match": etag}) as again:
            assert again.status_code == 304, url


@pytest.mark.browser
@ONE_BACKEND
def test_the_kiosk_loads_its_modules_with_a_clean_console_online_and_offline(new_context, live_server, enrol, client):
    modules = set(module_graph(client))
    context = new_context()
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    enrol_tablet(page, live_server, enrol("young-people"))
    page.wait_for_selector("button[data-language]:not([disabled])")
    loaded = page.evaluate(
        """() => performance.getEntriesByType("resource").map((entry) => new URL(entry.name).pathname)
                  .filter((path) => path.endsWith(".js"))"""
    )
    assert set(loaded) == modules
    assert not errors

    # With no network, every module comes from the service worker's copy.
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("button[data-language]:not([disabled])")
    assert page.evaluate("() => document.getElementById('kiosk-screen') !== null")
    assert not errors, errors
    assert page.url == live_server(SHELL)
