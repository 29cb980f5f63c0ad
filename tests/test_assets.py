"""The stylesheets served under /assets: GOV.UK Frontend with a system font stack, no GDS Transport.

GDS Transport is only for services on service.gov.uk. GOV.UK Frontend is compiled from its Sass
(`make assets`) with `$govuk-font-family` set to the stack below and its @font-face rules left
out; the service's own stylesheets name the same stack, and no font file is served.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import one_backend
from tests.helpers.pages import parse

SYSTEM_FONTS = 'system-ui,"Segoe UI",Roboto,"Helvetica Neue",arial,sans-serif'
PRINT_FONTS = "sans-serif"
OWN_STYLESHEETS = ["/assets/app.css", "/assets/kiosk/kiosk.css", "/assets/kiosk/print.css"]
GOVUK_FONTS = Path(__file__).resolve().parents[1] / "node_modules/govuk-frontend/dist/govuk/assets/fonts"

# Stylesheets and pages, the same on any database.
pytestmark = one_backend


def font_families(css: str) -> set[str]:
    """Every font-family value in a stylesheet, with the white space around commas taken out."""
    found = re.findall(r"font-family\s*:\s*([^;}]+)", css)
    return {re.sub(r"\s*,\s*", ",", value.strip()) for value in found}


def served_css(client, url: str) -> str:
    with client.get(url) as response:
        assert response.status_code == 200, f"{url}: {response.status_code} (has `make assets` run?)"
        assert response.mimetype == "text/css", url
        return response.get_data(as_text=True)


def assert_no_web_fonts(url: str, css: str) -> None:
    assert "@font-face" not in css, f"{url} declares a web font"
    assert "GDS Transport" not in css, f"{url} names GDS Transport"
    assert not re.search(r"url\([^)]*\.(woff2?|ttf|otf|eot)\b", css), f"{url} refers to a font file"


def test_govuk_frontend_is_served_with_the_system_font_stack_and_no_web_font(client):
    css = served_css(client, "/assets/frontend.min.css")
    assert ".govuk-template" in css and "--govuk-frontend-version" in css  # GOV.UK Frontend itself
    assert_no_web_fonts("/assets/frontend.min.css", css)
    assert font_families(css) == {SYSTEM_FONTS, PRINT_FONTS}


def test_the_services_own_stylesheets_name_the_same_font_stack(client):
    for url in OWN_STYLESHEETS:
        css = served_css(client, url)
        assert_no_web_fonts(url, css)
        assert font_families(css) <= {SYSTEM_FONTS, "inherit"}, url


def test_pages_link_only_stylesheets_without_web_fonts(client):
    # base.html (the home page) and the kiosk's layout (its offline page needs no tablet).
    for path in ("/", "/kiosk/offline"):
        page = parse(client.get(path))
        stylesheets = [link["href"] for link in page.soup.select("link[rel~=stylesheet]")]
        assert "/assets/frontend.min.css" in stylesheets, (path, stylesheets)
        assert not page.soup.select("link[rel~=preload][as=font]"), path
        for url in stylesheets:
            assert_no_web_fonts(url, served_css(client, url))


def test_gds_transport_and_the_stylesheet_that_asks_for_it_are_not_served(client):
    fonts = sorted(GOVUK_FONTS.glob("*.woff*"))
    assert fonts, f"GOV.UK Frontend's fonts are not where they were: {GOVUK_FONTS}"
    for font in fonts:
        for url in (f"/assets/fonts/{font.name}", f"/assets/assets/fonts/{font.name}"):
            assert client.get(url).status_code == 404, url
    # GOV.UK Frontend's precompiled stylesheet, with its @font-face rules; and the Sass source.
    assert client.get("/assets/govuk-frontend.min.css").status_code == 404
    assert client.get("/assets/sass/frontend.scss").status_code == 404
    with client.get("/assets/govuk-frontend.min.js") as script:
        assert script.status_code == 200
