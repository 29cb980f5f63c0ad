"""Pages that are not part of a questionnaire."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template
from sqlalchemy import text

from .. import db_session

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
    try:
        db_session().execute(text("SELECT 1"))
    except Exception:  # the point of the check is to report any database failure
        return {"status": "database unavailable"}, 503
    return {"status": "ok"}
