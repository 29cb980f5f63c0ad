"""Pages that are not part of a questionnaire."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, jsonify, render_template

from .. import health
from ..clock import utcnow
from ..db import db_session

bp = Blueprint("pages", __name__)

STATEMENT_PREPARED = date(2026, 11, 26)


@bp.route("/")
def index():
    return render_template("index.html")


def comment_years() -> int:
    """How many years comments are kept, as the privacy notices say it (whole years)."""
    return max(1, current_app.config["COMMENT_RETENTION_DAYS"] // 365)


@bp.route("/privacy")
def privacy():
    return render_template("pages/privacy.html", comment_years=comment_years())


@bp.route("/privacy/young-people")
def privacy_young_people():
    return render_template("pages/privacy_young_people.html", comment_years=comment_years())


@bp.route("/accessibility")
def accessibility():
    return render_template("pages/accessibility.html", prepared=STATEMENT_PREPARED)


@bp.route("/healthz")
def healthz():
    """Each dependency's state as JSON; 503 only while the service cannot take responses."""
    config = current_app.config
    limits = current_app.extensions["rate_limits"]
    found = health.check(db_session(), config["RATELIMIT_STORAGE_URI"], limits.strategy.storage, utcnow(),
                         bool(config.get("SLACK_BOT_TOKEN") and config.get("SLACK_SIGNING_SECRET")))
    response = jsonify(found.as_json())
    response.status_code = 200 if found.can_take_responses else 503
    response.headers["Cache-Control"] = "no-store"
    return response
