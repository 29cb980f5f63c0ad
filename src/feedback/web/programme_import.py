"""Import the inspection programme from the staff pages: upload, preview, confirm.

The uploaded file is kept in the database (programme_uploads) under a random key between the
preview and the confirmation, never in the cookie session; `feedback purge` removes old ones.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select

from ..clock import utcnow
from ..db import db_session
from ..forms import EmptyForm
from ..models import ProgrammeUpload
from ..operations import programme_import as domain
from ..operations.spreadsheet_files import MAX_FILE_BYTES, FileProblem
from ..roles import RUN_OPERATIONS
from ..tokens import new_token
from .auth import current_staff, staff_required
from .operations_forms import UploadForm

bp = Blueprint("programme_import", __name__, url_prefix="/staff/programme")


def upload_or_404(key: str) -> ProgrammeUpload:
    upload = db_session().scalars(select(ProgrammeUpload).where(ProgrammeUpload.key == key[:64])).first()
    if upload is None or upload.staff_user_id != current_staff().id:
        abort(404)
    return upload


@bp.route("/import", methods=["GET", "POST"])
@staff_required(RUN_OPERATIONS)
def upload():
    form = UploadForm()
    if form.validate_on_submit():
        chosen = form.programme_file.data
        content = chosen.read(MAX_FILE_BYTES + 1) if chosen else b""
        filename = (chosen.filename if chosen else "") or ""
        if not filename:
            form.programme_file.errors = [_("Select a programme file")]
        else:
            try:
                # A file that cannot be read, or has the wrong headers, is refused here, on its own page.
                domain.preview_programme(db_session(), filename, content, actor=current_staff())
            except FileProblem as problem:
                form.programme_file.errors = [str(problem.message)]
            else:
                dbs = db_session()
                kept = ProgrammeUpload(key=new_token(), staff_user_id=current_staff().id, filename=filename[-255:],
                                       content=content, created_at=utcnow())
                dbs.add(kept)
                dbs.commit()
                return redirect(url_for(".preview", key=kept.key))
        form._errors = None
    return render_template("operations/programme_upload.html", form=form)


@bp.route("/import/<key>", methods=["GET", "POST"])
@staff_required(RUN_OPERATIONS)
def preview(key: str):
    kept = upload_or_404(key)
    dbs = db_session()
    form = EmptyForm()
    if kept.imported_at is not None:
        return redirect(url_for(".done", key=key))
    filename, content = kept.filename, kept.content
    problem = None
    try:
        if form.validate_on_submit():
            plan = domain.import_programme(dbs, filename, content, actor=current_staff(), address=request.remote_addr)
            if plan.ok:
                kept = upload_or_404(key)
                kept.imported_at = utcnow()
                kept.summary = plan.summary()
                dbs.commit()
                return redirect(url_for(".done", key=key))
        else:
            plan = domain.preview_programme(dbs, filename, content, actor=current_staff(), address=request.remote_addr)
    except FileProblem as error:
        plan, problem = None, error.message
    return render_template("operations/programme_preview.html", plan=plan, problem=problem, filename=filename,
                           form=form, key=key)


@bp.route("/import/<key>/done")
@staff_required(RUN_OPERATIONS)
def done(key: str):
    kept = upload_or_404(key)
    if kept.imported_at is None:
        return redirect(url_for(".preview", key=key))
    return render_template("operations/programme_done.html", filename=kept.filename, summary=kept.summary or {})


@bp.route("/template.<kind>")
@staff_required(RUN_OPERATIONS)
def template(kind: str):
    if kind == "csv":
        return Response(domain.template_csv(), mimetype="text/csv",
                        headers={"Content-Disposition": "attachment; filename=inspection-programme.csv"})
    if kind == "ods":
        return Response(domain.template_ods(), mimetype="application/vnd.oasis.opendocument.spreadsheet",
                        headers={"Content-Disposition": "attachment; filename=inspection-programme.ods"})
    abort(404)
