"""Staff accounts from the pages: invite, change role, deactivate and reactivate, set a password."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from ..db import db_session
from ..forms import EmptyForm
from ..models import StaffUser
from ..notify import NotifyError, NotifySender
from ..operations import InputProblems
from ..operations import staff_accounts as domain
from ..roles import MANAGE_STAFF, ROLE_NAMES
from .auth import current_staff, staff_required
from .form_language import submitted
from .operations_forms import NOT_SAVED, InviteStaffForm, RoleForm, SetPasswordForm, apply_problems, save
from .rate_limits import limited

bp = Blueprint("staff_accounts", __name__, url_prefix="/staff")


def role_items(selected: str | None) -> list[dict]:
    return [{"value": code, "text": str(name), "checked": selected == code} for code, name in ROLE_NAMES.items()]


def user_or_404(user_id: int) -> StaffUser:
    user = db_session().get(StaffUser, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/accounts/")
@staff_required(MANAGE_STAFF)
def index():
    dbs = db_session()
    return render_template("operations/staff_accounts.html", users=domain.staff_accounts(dbs),
                           pending=domain.pending_invitations(dbs), role_names=ROLE_NAMES,
                           done=request.args.get("done", ""), who=request.args.get("who", ""))


@bp.route("/accounts/invite", methods=["GET", "POST"])
@staff_required(MANAGE_STAFF)
def invite():
    form = InviteStaffForm()
    if submitted(form):
        dbs = db_session()
        try:
            new = domain.invite_staff(dbs, form.email.data, form.role.data or "", actor=current_staff(),
                                      address=request.remote_addr)
            with NotifySender.from_config(current_app.config) as sender:
                domain.send_staff_invitation(new, sender, current_app.config)
        except InputProblems as problems:
            dbs.rollback()
            apply_problems(form, problems)
        except NotifyError as error:
            dbs.rollback()
            current_app.logger.warning("staff invitation not sent: %s", error)
            form.email.errors = [_("The invitation could not be emailed. Nothing has been saved: try again later.")]
            form._errors = None
        else:
            dbs.commit()
            return redirect(url_for(".index", done="invited", who=new.invitation.email))
    return render_template("operations/staff_invite.html", form=form, roles=role_items(form.role.data))


@bp.route("/accounts/<int:user_id>/role", methods=["GET", "POST"])
@staff_required(MANAGE_STAFF)
def role(user_id: int):
    user = user_or_404(user_id)
    form = RoleForm(data={"role": user.role} if request.method == "GET" else None)
    if form.validate_on_submit():
        changed = save(form, lambda dbs: domain.change_role(
            dbs, user, form.role.data or "", actor=current_staff(), address=request.remote_addr))
        if changed is not NOT_SAVED:
            return redirect(url_for(".index", done="role", who=user.email))
    return render_template("operations/staff_role.html", form=form, user=user, roles=role_items(form.role.data))


@bp.route("/accounts/<int:user_id>/deactivate", methods=["GET", "POST"])
@staff_required(MANAGE_STAFF)
def deactivate(user_id: int):
    user = user_or_404(user_id)
    form = EmptyForm()
    problem = None
    if form.validate_on_submit():
        dbs = db_session()
        try:
            domain.set_active(dbs, user, False, actor=current_staff(), address=request.remote_addr)
        except InputProblems as problems:
            dbs.rollback()
            problem = next(iter(problems.problems.values()))
        else:
            dbs.commit()
            return redirect(url_for(".index", done="deactivated", who=user.email))
    return render_template("operations/staff_deactivate.html", form=form, user=user, problem=problem)


@bp.route("/accounts/<int:user_id>/reactivate", methods=["POST"])
@staff_required(MANAGE_STAFF)
def reactivate(user_id: int):
    user = user_or_404(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    dbs = db_session()
    domain.set_active(dbs, user, True, actor=current_staff(), address=request.remote_addr)
    dbs.commit()
    return redirect(url_for(".index", done="reactivated", who=user.email))


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@limited("RATELIMIT_SIGN_IN", methods=("POST",))
def set_password(token: str):
    dbs = db_session()
    invitation = domain.usable_invitation(dbs, token)
    if invitation is None:
        return render_template("operations/set_password_unusable.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        accepted = save(form, lambda dbs: domain.accept_invitation(
            dbs, invitation, form.password.data, address=request.remote_addr))
        if accepted is not NOT_SAVED:
            return redirect(url_for(".password_set"))
    return render_template("operations/set_password.html", form=form, email=invitation.email)


@bp.route("/password-set")
def password_set():
    return render_template("operations/password_set.html")
