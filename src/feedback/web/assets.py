"""Serve GOV.UK Frontend, MoJ Frontend and the service's own assets under /assets."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory
from werkzeug.security import safe_join

bp = Blueprint("assets", __name__)

APP_ASSETS = Path(__file__).resolve().parent.parent / "static"
ONE_YEAR = 60 * 60 * 24 * 365
TEXT_SUFFIXES = {".css", ".js", ".mjs", ".svg", ".json", ".webmanifest", ".map"}


@bp.route("/assets/<path:filename>")
def asset(filename: str):
    # GOV.UK CSS refers to /assets/fonts and /assets/images; MoJ CSS to /assets/images too.
    directories = [str(APP_ASSETS), *current_app.config["ASSETS_DIRECTORIES"]]
    for directory in directories:
        for root in (directory, str(Path(directory) / "assets")):
            candidate = safe_join(root, filename)
            if candidate and Path(candidate).is_file():
                response = send_from_directory(root, filename, max_age=ONE_YEAR if "fonts/" in filename else 3600)
                if Path(filename).suffix in TEXT_SUFFIXES and response.status_code == 200:
                    # Read small text files whole, so they are compressed like any page and the
                    # file is closed with the response (a compressed stream would keep it open).
                    response.direct_passthrough = False
                    response.make_sequence()
                return response
    abort(404)
