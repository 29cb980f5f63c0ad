"""Staff pages: sign in and out, and the home page that leads to the results."""

from __future__ import annotations

from flask import Blueprint, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from itsdangerous import BadData, URLSafeTimedSerializer

from .. import staff
from ..db import db_session
from ..extensions import csrf
from ..forms import SignInForm
from ..roles import SIGNED_IN
from ..tokens import hash_token, new_token
from . import identity
from .auth import current_staff, end_staff_session, safe_next, staff_required
from .form_language import submitted
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
    if submitted(form):
        dbs = db_session()
        email = staff.normalise_email(form.email.data)
        result = staff.sign_in(dbs, email, form.password.data, client=request.remote_addr,
                               known_browser=known_browser(email), method=current_app.config["PASSWORD_HASH_METHOD"])
        dbs.commit()
        if result.user is not None:
            # The password is one step: the second factor (feedback.web.identity) starts the session.
            return remember_browser(identity.after_password(result.user, request.args.get("next")), email)
        if result.wait_seconds:
            form.email.errors.append(wait_message(result.wait_seconds))
            page = make_response(render_template("staff/sign_in.html", form=form), 429)
            page.headers["Retry-After"] = str(result.wait_seconds)
            return page
        form.email.errors.append(_("Enter a correct email address and password"))
    return render_template("staff/sign_in.html", form=form)


def wait_message(seconds: int) -> str:
    if seconds < 120:
        return ngettext("Too many attempts to sign in. Wait %(num)d second, then try again.",
                        "Too many attempts to sign in. Wait %(num)d seconds, then try again.", seconds)
    minutes = -(-seconds // 60)
    return ngettext("Too many attempts to sign in. Wait %(num)d minute, then try again.",
                    "Too many attempts to sign in. Wait %(num)d minutes, then try again.", minutes)


# A browser that has signed in to an address carries a signed cookie naming it (by a hash of
# the address) and itself (a random number): its wrong passwords are counted on their own, so
# a stranger's guessing cannot keep that member of staff out (feedback.staff.sign_in).
BROWSER_COOKIE = "staff_browser"
BROWSER_COOKIE_DAYS = 90


def _browser_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="staff-known-browser")


def known_browser(email: str) -> str | None:
    """Return this browser's number if it has signed in to `email` before, else None."""
    value = request.cookies.get(BROWSER_COOKIE)
    if not value or len(value) > 500:
        return None
    try:
        mark = _browser_signer().loads(value, max_age=BROWSER_COOKIE_DAYS * 86400)
    except BadData:
        return None
    if not isinstance(mark, dict) or mark.get("address") != hash_token(email):
        return None
    browser = mark.get("browser")
    return browser if isinstance(browser, str) else None


def remember_browser(response, email: str):
    browser = known_browser(email) or new_token()
    response.set_cookie(
        BROWSER_COOKIE, _browser_signer().dumps({"address": hash_token(email), "browser": browser}),
        max_age=BROWSER_COOKIE_DAYS * 86400, path="/staff/sign-in", httponly=True, samesite="Strict",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


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
