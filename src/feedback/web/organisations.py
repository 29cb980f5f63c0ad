"""Organisations from the staff pages: list and search, add, change, retire and reinstate."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from sqlalchemy import select

from ..db import db_session
from ..forms import EmptyForm
from ..i18n import current_language
from ..models import Inspection, Organisation
from ..operations import organisations as domain
from ..operations.reference import ensure_reference_data, regions
from ..roles import RUN_OPERATIONS
from .auth import current_staff, staff_required
from .form_language import submitted
from .operations_forms import NOT_SAVED, OrganisationForm, save

bp = Blueprint("organisations", __name__, url_prefix="/staff/organisations")


def organisation_or_404(code: str) -> Organisation:
    found = domain.find_organisation(db_session(), code)
    if found is None:
        abort(404)
    return found


def region_name(region) -> str:
    return region.name_cy if current_language() == "cy" else region.name


def form_choices(form: OrganisationForm) -> dict:
    dbs = db_session()
    ensure_reference_data(dbs)
    return {
        "kind": [{"value": k, "text": str(v), "checked": form.kind.data == k} for k, v in domain.KIND_NAMES.items()],
        "region": [{"value": "", "text": ""}] + [
            {"value": r.code, "text": region_name(r), "selected": form.region.data == r.code} for r in regions(dbs)],
        "language": [{"value": k, "text": str(v), "checked": form.language.data == k}
                     for k, v in domain.LANGUAGE_NAMES.items()],
    }


def details_from(form: OrganisationForm, code: str = "") -> domain.OrganisationDetails:
    return domain.OrganisationDetails(
        name=form.name.data or "", name_cy=form.name_cy.data or "", kind=form.kind.data or "",
        region=form.region.data or "", language=form.language.data or "", code=code,
    )


@bp.route("/")
@staff_required(RUN_OPERATIONS)
def index():
    search = request.args.get("q", "").strip()[:100]
    include_retired = request.args.get("retired") == "1"
    found = domain.list_organisations(db_session(), search, include_retired=include_retired)
    return render_template("operations/organisations.html", organisations=found, search=search,
                           include_retired=include_retired, kinds=domain.KIND_NAMES, region_name=region_name)


@bp.route("/new", methods=["GET", "POST"])
@staff_required(RUN_OPERATIONS)
def new():
    form = OrganisationForm()
    if submitted(form):
        organisation = save(form, lambda dbs: domain.add_organisation(
            dbs, details_from(form), actor=current_staff(), address=request.remote_addr))
        if organisation is not NOT_SAVED:
            return redirect(url_for(".show", code=organisation.code, done="added"))
    return render_template("operations/organisation_form.html", form=form, choices=form_choices(form),
                           organisation=None)


@bp.route("/<code>")
@staff_required(RUN_OPERATIONS)
def show(code: str):
    organisation = organisation_or_404(code)
    inspections = db_session().scalars(
        select(Inspection).where(Inspection.organisation_id == organisation.id)
        .order_by(Inspection.fieldwork_start.desc())).all()
    return render_template("operations/organisation.html", organisation=organisation, inspections=inspections,
                           kinds=domain.KIND_NAMES, languages=domain.LANGUAGE_NAMES, region_name=region_name,
                           done=request.args.get("done", ""), form=EmptyForm())


@bp.route("/<code>/edit", methods=["GET", "POST"])
@staff_required(RUN_OPERATIONS)
def edit(code: str):
    organisation = organisation_or_404(code)
    form = OrganisationForm(data={
        "name": organisation.name, "name_cy": organisation.name_cy or "", "kind": organisation.kind,
        "region": organisation.region_code, "language": organisation.language_preference,
    } if request.method == "GET" else None)
    if submitted(form):
        changes = save(form, lambda dbs: domain.edit_organisation(
            dbs, organisation, details_from(form), actor=current_staff(), address=request.remote_addr))
        if changes is not NOT_SAVED:
            return redirect(url_for(".show", code=organisation.code, done="changed" if changes else "unchanged"))
    return render_template("operations/organisation_form.html", form=form, choices=form_choices(form),
                           organisation=organisation)


@bp.route("/<code>/retire", methods=["GET", "POST"])
@staff_required(RUN_OPERATIONS)
def retire(code: str):
    organisation = organisation_or_404(code)
    form = EmptyForm()
    if form.validate_on_submit():
        dbs = db_session()
        domain.retire_organisation(dbs, organisation, actor=current_staff(), address=request.remote_addr)
        dbs.commit()
        return redirect(url_for(".show", code=organisation.code, done="retired"))
    return render_template("operations/organisation_retire.html", organisation=organisation, form=form)


@bp.route("/<code>/reinstate", methods=["POST"])
@staff_required(RUN_OPERATIONS)
def reinstate(code: str):
    organisation = organisation_or_404(code)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    dbs = db_session()
    domain.reinstate_organisation(dbs, organisation, actor=current_staff(), address=request.remote_addr)
    dbs.commit()
    return redirect(url_for(".show", code=organisation.code, done="reinstated"))
