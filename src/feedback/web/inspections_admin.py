"""Inspections from the staff pages: add, change, close collection and open it again.

The list and each inspection's page (with its results) are the dashboard's (web/dashboard.py).
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..db import db_session
from ..forms import EmptyForm
from ..i18n import current_language
from ..models import Inspection
from ..operations import inspections as domain
from ..operations.organisations import list_organisations
from ..operations.reference import ensure_reference_data, programmes
from ..roles import RUN_OPERATIONS
from .auth import current_staff, staff_required
from .form_language import submitted
from .operations_forms import NOT_SAVED, InspectionForm, save

bp = Blueprint("inspections_admin", __name__, url_prefix="/staff/inspections")


def inspection_or_404(code: str) -> Inspection:
    found = domain.find_inspection(db_session(), code)
    if found is None:
        abort(404)
    return found


def form_choices(form: InspectionForm, current: Inspection | None) -> dict:
    dbs = db_session()
    ensure_reference_data(dbs)
    language = current_language()
    offered = list_organisations(dbs)
    if current is not None and current.organisation is not None and current.organisation not in offered:
        offered.append(current.organisation)  # a retired organisation stays on its own inspections
    return {
        "programme": [{"value": "", "text": ""}] + [
            {"value": p.code, "text": p.name_cy if language == "cy" else p.name, "selected": form.programme.data == p.code}
            for p in programmes(dbs)],
        "organisation": [{"value": "", "text": _("None: a thematic inspection")}] + [
            {"value": o.code, "text": o.display_name(language), "selected": form.organisation.data == o.code}
            for o in offered],
    }


def details_from(form: InspectionForm) -> domain.InspectionDetails:
    return domain.InspectionDetails(
        programme=form.programme.data or "", organisation=form.organisation.data or "",
        fieldwork_start=form.fieldwork_start.data, fieldwork_end=form.fieldwork_end.data,
        published_on=form.published_on.data, title=form.title.data or "", title_cy=form.title_cy.data or "",
    )


@bp.route("/new", methods=["GET", "POST"])
@staff_required(RUN_OPERATIONS)
def new():
    form = InspectionForm(data={"organisation": request.args.get("organisation", "")} if request.method == "GET" else None)
    if submitted(form):
        inspection = save(form, lambda dbs: domain.add_inspection(
            dbs, details_from(form), actor=current_staff(), address=request.remote_addr))
        if inspection is not NOT_SAVED:
            return redirect(url_for("dashboard.inspection", code=inspection.code, done="added"))
    return render_template("operations/inspection_form.html", form=form, choices=form_choices(form, None), inspection=None)


@bp.route("/<code>/edit", methods=["GET", "POST"])
@staff_required(RUN_OPERATIONS)
def edit(code: str):
    inspection = inspection_or_404(code)
    form = InspectionForm(data={
        "programme": inspection.programme.code,
        "organisation": inspection.organisation.code if inspection.organisation else "",
        "fieldwork_start": inspection.fieldwork_start, "fieldwork_end": inspection.fieldwork_end,
        "published_on": inspection.published_on, "title": inspection.title or "", "title_cy": inspection.title_cy or "",
    } if request.method == "GET" else None)
    if submitted(form):
        changes = save(form, lambda dbs: domain.edit_inspection(
            dbs, inspection, details_from(form), actor=current_staff(), address=request.remote_addr))
        if changes is not NOT_SAVED:
            return redirect(url_for("dashboard.inspection", code=inspection.code, done="changed" if changes else "unchanged"))
    return render_template("operations/inspection_form.html", form=form, choices=form_choices(form, inspection),
                           inspection=inspection)


@bp.route("/<code>/close", methods=["GET", "POST"])
@staff_required(RUN_OPERATIONS)
def close(code: str):
    inspection = inspection_or_404(code)
    form = EmptyForm()
    if form.validate_on_submit():
        dbs = db_session()
        domain.set_closed(dbs, inspection, True, actor=current_staff(), address=request.remote_addr)
        dbs.commit()
        return redirect(url_for("dashboard.inspection", code=inspection.code, done="closed"))
    return render_template("operations/inspection_close.html", inspection=inspection, form=form)


@bp.route("/<code>/reopen", methods=["POST"])
@staff_required(RUN_OPERATIONS)
def reopen(code: str):
    inspection = inspection_or_404(code)
    if not EmptyForm().validate_on_submit():
        abort(400)
    dbs = db_session()
    domain.set_closed(dbs, inspection, False, actor=current_staff(), address=request.remote_addr)
    dbs.commit()
    return redirect(url_for("dashboard.inspection", code=inspection.code, done="reopened"))
