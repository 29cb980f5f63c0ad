"""Serve GOV.UK Frontend, MoJ Frontend and the service's own assets under /assets."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory
from werkzeug.security import safe_join

from ..config import PROJECT_ROOT

bp = Blueprint("assets", __name__)

APP_ASSETS = Path(__file__).resolve().parent.parent / "static"
# What `make assets` builds: GOV.UK Frontend's Sass compiled with a system font stack.
BUILT_ASSETS = PROJECT_ROOT / "build" / "assets"
TEXT_SUFFIXES = {".css", ".js", ".mjs", ".svg", ".json", ".webmanifest", ".map"}


def withheld(filename: str) -> bool:
    """Files in the asset trees that are not ours to serve.

    GDS Transport is only for services on service.gov.uk: neither its font files nor GOV.UK
    Frontend's precompiled stylesheet, which asks for them, are served (the service's stylesheet
    is /assets/frontend.min.css). Nor are the Sass sources it is built from.
    """
    name = filename.lower()
    return (
        name.startswith("fonts/")
        or name.startswith("govuk-frontend.min.css")
        or name.endswith((".woff", ".woff2"))
        or name.endswith(".scss")
    )


def max_age(filename: str) -> int | None:
    """An hour in the browser's cache; none for the kiosk's script modules.

    Those import one another by fixed names, so they are revalidated each time (a cheap 304)
    lest a browser run modules of two releases together; the kiosk's service worker keeps its
    own copy of them, one release at a time, for working offline.
    """
    return None if filename.startswith("kiosk/") and filename.endswith(".js") else 3600


@bp.route("/assets/<path:filename>")
def asset(filename: str):
    if withheld(filename):
        abort(404)
    # GOV.UK CSS refers to /assets/images; MoJ CSS to /assets/images too.
    directories = [str(BUILT_ASSETS), str(APP_ASSETS), *current_app.config["ASSETS_DIRECTORIES"]]
    for directory in directories:
        for root in (directory, str(Path(directory) / "assets")):
            candidate = safe_join(root, filename)
            if candidate and Path(candidate).is_file():
                response = send_from_directory(root, filename, max_age=max_age(filename))
                if Path(filename).suffix in TEXT_SUFFIXES and response.status_code == 200:
                    # Read small text files whole, so they are compressed like any page and the
                    # file is closed with the response (a compressed stream would keep it open).
                    response.direct_passthrough = False
                    response.make_sequence()
                return response
    abort(404)
