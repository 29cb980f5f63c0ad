"""Pages that are not part of a questionnaire."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import text

from .. import db_session

bp = Blueprint("pages", __name__)


@bp.route("/")
def index():
    return render_template("index.html")


@bp.route("/healthz")
def healthz():
    try:
        db_session().execute(text("SELECT 1"))
    except Exception:  # the point of the check is to report any database failure
        return {"status": "database unavailable"}, 503
    return {"status": "ok"}
