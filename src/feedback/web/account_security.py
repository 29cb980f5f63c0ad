"""A member of staff's sign-in methods, sign-out everywhere, and an admin's reset of them."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for

from .. import staff
from ..db import db_session
from ..forms import EmptyForm
from ..identity import attempts, factors, security_keys, totp
from ..models import StaffUser
from ..roles import MANAGE_STAFF, SIGNED_IN
from . import audit
from .auth import current_staff, end_staff_session, staff_required
from .identity import app_setup, key_setup, show_recovery_codes

bp = Blueprint("account_security", __name__)

KEY_REGISTRATION = "key_registration"
REGISTRATION_KEY = "key_registration"


@bp.route("/staff/account/security")
@staff_required(SIGNED_IN)
def show():
    user = current_staff()
    dbs = db_session()
    return render_template("identity/account.html", user=user, has=factors.of(dbs, user),
                           keys=security_keys.keys_of(dbs, user), form=EmptyForm(),
                           added=request.args.get("added"))


@bp.route("/staff/account/security/authenticator-app", methods=["GET", "POST"])
@staff_required(SIGNED_IN)
def add_app():
    user = current_staff()
    app = totp.find(db_session(), user)
    if app is not None and app.confirmed_at is not None:
        return redirect(url_for("account_security.show"))

    def after():
        audit.record("staff.authenticator_app_added", user)
        db_session().commit()
        return redirect(url_for("account_security.show", added="app"))

    return app_setup(user, after)


@bp.route("/staff/account/security/security-key", methods=["GET", "POST"])
@staff_required(SIGNED_IN)
def add_key():
    user = current_staff()
    dbs = db_session()
    holder = attempts.find_open(dbs, session.get(REGISTRATION_KEY), KEY_REGISTRATION)
    if holder is None or holder.staff_user_id != user.id:
        holder = attempts.start(dbs, KEY_REGISTRATION, user_id=user.id)
        dbs.commit()
        session[REGISTRATION_KEY] = holder.id

    def after():
        attempts.finish(dbs, holder)
        audit.record("staff.security_key_added", user)
        dbs.commit()
        session.pop(REGISTRATION_KEY, None)
        return redirect(url_for("account_security.show", added="key"))

    return key_setup(user, holder, after)


@bp.route("/staff/account/security/recovery-codes", methods=["POST"])
@staff_required(SIGNED_IN)
def new_recovery_codes():
    user = current_staff()
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not factors.of(db_session(), user).any:
        return redirect(url_for("account_security.show"))
    audit.record("staff.recovery_codes_replaced", user)
    return show_recovery_codes(user, url_for("account_security.show"), first=False)


@bp.route("/staff/account/security/sign-out-everywhere", methods=["POST"])
@staff_required(SIGNED_IN)
def sign_out_everywhere():
    user = current_staff()
    if not EmptyForm().validate_on_submit():
        abort(400)
    staff.end_all_sessions(user)
    audit.record("staff.signed_out_everywhere", user)
    db_session().commit()
    end_staff_session()
    return redirect(url_for("staff.signed_out"))


@bp.route("/staff/staff-accounts/<int:user_id>/security")
@staff_required(MANAGE_STAFF)
def admin_factors(user_id: int):
    dbs = db_session()
    member = dbs.get(StaffUser, user_id) or abort(404)
    return render_template("identity/admin_reset.html", member=member, has=factors.of(dbs, member), form=EmptyForm(),
                           done=request.args.get("done") == "1")


@bp.route("/staff/staff-accounts/<int:user_id>/security/reset", methods=["POST"])
@staff_required(MANAGE_STAFF)
def admin_reset(user_id: int):
    dbs = db_session()
    member = dbs.get(StaffUser, user_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    factors.reset(dbs, member, actor=current_staff(), address=request.remote_addr)
    dbs.commit()
    return redirect(url_for("account_security.admin_factors", user_id=member.id, done=1))
