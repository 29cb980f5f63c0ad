"""Staff pages: sign in and out, and the home page that leads to the results."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import db_session, staff
from ..extensions import csrf
from ..forms import SignInForm
from ..roles import SIGNED_IN
from .auth import current_staff, end_staff_session, safe_next, staff_required, start_staff_session
from .rate_limits import limited

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.route("/sign-in", methods=["GET", "POST"])
@csrf.exempt  # checked below, after the rate limit, so guessing is turned away first
@limited("RATELIMIT_SIGN_IN", methods=("POST",))
def sign_in():
    if request.method == "POST":
        csrf.protect()
    if current_staff() is not None:
        return redirect(safe_next(request.args.get("next")))
    form = SignInForm()
    if form.validate_on_submit():
        dbs = db_session()
        result = staff.sign_in(dbs, form.email.data, form.password.data)
        dbs.commit()
        if result.user is not None:
            start_staff_session(result.user)
            return redirect(safe_next(request.args.get("next")))
        if result.locked:
            form.email.errors.append(
                _("This account is locked for 15 minutes because of too many wrong passwords. Try again later.")
            )
        else:
            form.email.errors.append(_("Enter a correct email address and password"))
    return render_template("staff/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@staff_required(SIGNED_IN)
def sign_out():
    user = current_staff()
    staff.end_all_sessions(user)  # so a copied cookie stops working too
    db_session().commit()
    end_staff_session()
    return redirect(url_for("staff.signed_out"))


@bp.route("/signed-out")
def signed_out():
    return render_template("staff/signed_out.html")
