"""The kiosk as an installable web app: its service worker, manifest and offline page."""

from __future__ import annotations

import json
import re

from tests.conftest import one_backend
from tests.helpers.pages import parse


@one_backend
def test_the_service_worker_is_served_from_the_kiosk_with_its_version_and_files(client):
    response = client.get("/kiosk/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    source = response.get_data(as_text=True)
    [version] = re.findall(r'const VERSION = "([0-9a-f]{16})";', source)
    [precache] = re.findall(r"const PRECACHE = (\[.*?\]);", source)
    urls = json.loads(precache)
    assert urls[:2] == ["/kiosk/", "/kiosk/offline"]
    assert "/assets/kiosk/kiosk.js" in urls and "/assets/kiosk/queue.js" in urls
    assert "/assets/frontend.min.css" in urls
    # No web fonts: the kiosk uses the tablet's own (GDS Transport is for service.gov.uk only).
    assert not [url for url in urls if "/fonts/" in url or re.search(r"\.(woff2?|ttf|otf|eot)$", url)]
    for url in urls[2:]:
        with client.get(url) as asset:
            assert asset.status_code == 200, url
            if asset.mimetype == "text/css":
                assert "@font-face" not in asset.get_data(as_text=True), url
    assert client.get("/kiosk/sw.js").get_data(as_text=True) == source  # the same version each time
    assert version


@one_backend
def test_the_manifest_makes_an_installable_full_screen_app(client):
    response = client.get("/kiosk/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["start_url"] == manifest["scope"] == "/kiosk/"
    assert manifest["display"] == "fullscreen"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as asset:
            assert asset.status_code == 200


@one_backend
def test_the_offline_page_speaks_both_languages_and_stays_in_the_kiosk(client):
    page = parse(client.get("/kiosk/offline"))
    assert page.soup.select("h1 [lang=en]") and page.soup.select("h1 [lang=cy]")
    assert [a["href"] for a in page.soup.select("a[href]")] == ["/kiosk/"]
