"""The audit log for administrators: filter by action, member of staff and dates; page or CSV."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    render_template,
    request,
    stream_with_context,
    url_for,
)

from ..db import db_session, get_db
from ..operations import audit_log as domain
from ..roles import READ_AUDIT
from ..spreadsheets import csv_rows
from . import audit
from .auth import staff_required
from .operations_forms import AuditFilterForm

bp = Blueprint("audit_log", __name__, url_prefix="/staff/audit")


def read_filters() -> tuple[AuditFilterForm, domain.AuditFilters, dict]:
    form = AuditFilterForm(request.args)
    form.validate()
    filters = domain.AuditFilters(
        action=form.action.data or "", actor=form.actor.data or "",
        date_from=form.date_from.data if not form.date_from.errors else None,
        date_to=form.date_to.data if not form.date_to.errors else None,
    )
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    return form, filters, args


@bp.route("/")
@staff_required(READ_AUDIT)
def index():
    form, filters, args = read_filters()
    dbs = db_session()
    page = domain.find_events(dbs, filters, page=max(1, request.args.get("page", 1, type=int) or 1))
    actions = [{"value": "", "text": ""}] + [
        {"value": a, "text": a, "selected": a == filters.action} for a in domain.actions(dbs)]
    actors = [{"value": "", "text": ""}] + [
        {"value": a, "text": a, "selected": a == filters.actor} for a in domain.actors(dbs)]
    return render_template("operations/audit_log.html", form=form, page=page, args=args, actions=actions,
                           actors=actors, has_errors=bool(form.date_from.errors or form.date_to.errors))


@bp.route("/audit-log.csv")
@staff_required(READ_AUDIT)
def download():
    _form, filters, _args = read_filters()
    dbs = db_session()
    audit.record("audit.download", detail={k: str(v) for k, v in filters.__dict__.items() if v})
    dbs.commit()

    def rows():
        # A session of its own: the request's is closed when the view returns, before streaming.
        with get_db().read_session() as session:
            yield from csv_rows(domain.CSV_HEADER, domain.csv_rows(session, filters))

    return Response(stream_with_context(rows()), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=audit-log.csv"})


def page_url(number: int, args: dict) -> str:
    return url_for("audit_log.index", page=number, **args)
