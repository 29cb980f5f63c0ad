"""Sign-in after the password (a second factor, set up on first use) and single sign-on.

A correct password does not start a staff session: it starts a sign-in attempt kept on the
server, whose id alone the (new) session carries, and the staff session starts, in a new
session again, only once the second factor is given.
"""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from ..db import db_session
from ..identity import attempts, factors, oidc, recovery_codes, security_keys, totp
from ..identity.secret_box import SecretBox
from ..models import SignInAttempt, StaffUser
from .auth import current_staff, end_staff_session, safe_next, start_staff_session
from .identity_forms import APP, CodeForm, CredentialForm, MethodForm, RecoveryCodeForm
from .rate_limits import limited

bp = Blueprint("identity", __name__)
log = logging.getLogger(__name__)

PENDING_KEY = "pending_sign_in"
SSO_KEY = "sso_sign_in"


@bp.app_context_processor
def _sso_flag():
    return {"sso_enabled": lambda: oidc.Settings.from_config(current_app.config) is not None}


# --- Shared with the account pages ----------------------------------------------------------

def secret_box() -> SecretBox:
    return SecretBox(current_app.config.get("STAFF_FACTOR_KEY") or current_app.config["SECRET_KEY"])


def relying_party() -> security_keys.RelyingParty:
    return security_keys.RelyingParty.from_base_url(current_app.config["PUBLIC_BASE_URL"])


def sso_provider() -> oidc.Provider | None:
    """Return the configured identity provider (its metadata kept for the app's life), or None."""
    settings = oidc.Settings.from_config(current_app.config)
    if settings is None:
        return None
    cached = current_app.extensions.get("oidc_provider")
    if cached is None or cached.settings != settings:
        cached = current_app.extensions["oidc_provider"] = oidc.Provider(settings)
    return cached


def sso_redirect_uri() -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for("identity.sso_callback")


def fresh_session(**values) -> None:
    """Start a new session (keeping only the language) holding these values."""
    end_staff_session()
    session.update(values)


# --- After the password -------------------------------------------------------------------

def after_password(user: StaffUser, next_target: str | None):
    """Hand a correct password over to the second factor (or, where none is needed, sign in)."""
    dbs = db_session()
    has = factors.of(dbs, user)
    if not has.any and not factors.required(current_app.config):
        start_staff_session(user)
        return redirect(safe_next(next_target))
    attempt = attempts.start(dbs, attempts.SECOND_FACTOR, user_id=user.id, next_path=safe_next(next_target))
    dbs.commit()
    fresh_session(**{PENDING_KEY: attempt.id})
    return redirect(url_for("identity.second_factor" if has.any else "identity.choose_method"))


def pending() -> tuple[SignInAttempt, StaffUser] | None:
    dbs = db_session()
    attempt = attempts.find_open(dbs, session.get(PENDING_KEY), attempts.SECOND_FACTOR)
    if attempt is None:
        return None
    user = dbs.get(StaffUser, attempt.staff_user_id)
    if user is None or user.disabled_at is not None:
        return None
    return attempt, user


def require_pending():
    found = pending()
    if found is None:
        session.pop(PENDING_KEY, None)
        abort(redirect(url_for("identity.sign_in_expired")))
    return found


def finish_sign_in(attempt: SignInAttempt, user: StaffUser) -> bool:
    """End the attempt and start the staff session; False if it had already ended."""
    dbs = db_session()
    if not attempts.finish(dbs, attempt):
        dbs.rollback()
        return False
    dbs.commit()
    start_staff_session(user)
    return True


def count_wrong(attempt: SignInAttempt):
    """Count a wrong answer; after too many, return the page that starts again from the password."""
    dbs = db_session()
    ended = attempts.count_failure(dbs, attempt)
    dbs.commit()
    if ended:
        session.pop(PENDING_KEY, None)
        return redirect(url_for("identity.sign_in_expired", reason="too-many"))
    return None


@bp.route("/staff/sign-in/expired")
def sign_in_expired():
    too_many = request.args.get("reason") == "too-many"
    return render_template("identity/sign_in_expired.html", too_many=too_many)


@bp.route("/staff/sign-in/second-factor", methods=["GET", "POST"])
@limited("RATELIMIT_SIGN_IN", methods=("POST",))
def second_factor():
    attempt, user = require_pending()
    dbs = db_session()
    has = factors.of(dbs, user)
    if not has.any:
        return redirect(url_for("identity.choose_method"))
    if not has.authenticator_app:
        return redirect(url_for("identity.security_key"))
    form = CodeForm()
    if form.validate_on_submit():
        if totp.verify(dbs, user, form.code.data, secret_box()):
            dbs.commit()
            if finish_sign_in(attempt, user):
                return redirect(attempt.next_path or url_for("dashboard.overview"))
            return redirect(url_for("identity.sign_in_expired"))
        dbs.rollback()
        ended = count_wrong(attempt)
        if ended is not None:
            return ended
        form.code.errors.append(_("The code is not right, or has been used already. Enter the code your app shows now"))
    return render_template("identity/second_factor.html", form=form, has=has)


@bp.route("/staff/sign-in/recovery-code", methods=["GET", "POST"])
@limited("RATELIMIT_SIGN_IN", methods=("POST",))
def recovery_code():
    attempt, user = require_pending()
    form = RecoveryCodeForm()
    if form.validate_on_submit():
        dbs = db_session()
        if recovery_codes.use(dbs, user, form.code.data):
            dbs.commit()
            if finish_sign_in(attempt, user):
                return redirect(url_for("account_security.show"))
            return redirect(url_for("identity.sign_in_expired"))
        dbs.rollback()
        ended = count_wrong(attempt)
        if ended is not None:
            return ended
        form.code.errors.append(_("The recovery code is not right, or has been used already"))
    return render_template("identity/recovery_code.html", form=form)


@bp.route("/staff/sign-in/security-key", methods=["GET", "POST"])
@limited("RATELIMIT_SIGN_IN", methods=("POST",))
def security_key():
    attempt, user = require_pending()
    dbs = db_session()
    has = factors.of(dbs, user)
    form = CredentialForm()
    error = None
    if form.validate_on_submit() and attempt.challenge:
        challenge, attempt.challenge = attempt.challenge, None  # one answer per challenge
        try:
            security_keys.authenticate(dbs, user, relying_party(), challenge, form.credential.data)
        except security_keys.KeyRefused as refused:
            log.info("security key refused at sign-in: %s", refused)
            dbs.commit()
            ended = count_wrong(attempt)
            if ended is not None:
                return ended
            error = _("That security key was not recognised. Try again, or use another way to sign in")
        else:
            dbs.commit()
            if finish_sign_in(attempt, user):
                return redirect(attempt.next_path or url_for("dashboard.overview"))
            return redirect(url_for("identity.sign_in_expired"))
    elif request.method == "POST":
        error = _("Use your security key when your browser asks for it")
    options, attempt.challenge = security_keys.authentication_options(dbs, user, relying_party())
    dbs.commit()
    return render_template("identity/security_key.html", form=form, options=options, error=error, has=has,
                           registering=False)


# --- Setting a second factor up at first sign-in ------------------------------------------

@bp.route("/staff/sign-in/set-up", methods=["GET", "POST"])
def choose_method():
    attempt, user = require_pending()
    form = MethodForm()
    if form.validate_on_submit():
        target = "identity.set_up_app" if form.method.data == APP else "identity.set_up_key"
        return redirect(url_for(target))
    return render_template("identity/choose_method.html", form=form)


def show_recovery_codes(user: StaffUser, next_path: str | None, first: bool):
    """Make the user's recovery codes and show them, once, on this response."""
    dbs = db_session()
    codes = recovery_codes.replace(dbs, user)
    dbs.commit()
    return render_template("identity/recovery_codes.html", codes=codes, next_path=next_path or url_for("dashboard.overview"),
                           first=first)


@bp.route("/staff/sign-in/set-up/authenticator-app", methods=["GET", "POST"])
@limited("RATELIMIT_SIGN_IN", methods=("POST",))
def set_up_app():
    attempt, user = require_pending()
    if factors.of(db_session(), user).any:
        return redirect(url_for("identity.second_factor"))
    return app_setup(user, after=lambda: finish_first_setup(attempt, user))


def finish_first_setup(attempt: SignInAttempt, user: StaffUser):
    if not finish_sign_in(attempt, user):
        return redirect(url_for("identity.sign_in_expired"))
    return show_recovery_codes(user, attempt.next_path, first=True)


def app_setup(user: StaffUser, after):
    """The authenticator-app page: a QR code, the secret as text, and a first code to confirm."""
    dbs = db_session()
    box = secret_box()
    form = CodeForm()
    secret = totp.pending_secret(dbs, user, box)
    if form.validate_on_submit() and secret is not None:
        if totp.verify(dbs, user, form.code.data, box, confirming=True):
            dbs.commit()
            return after()
        form.code.errors.append(_("The code is not right. Enter the code your app shows now"))
    if secret is None:
        secret = totp.begin_setup(dbs, user, box)
        dbs.commit()
    uri = totp.provisioning_uri(secret, user.email)
    return render_template("identity/set_up_app.html", form=form, qr_code=totp.qr_code_svg_data_uri(uri),
                           secret=totp.format_secret(secret))


@bp.route("/staff/sign-in/set-up/security-key", methods=["GET", "POST"])
@limited("RATELIMIT_SIGN_IN", methods=("POST",))
def set_up_key():
    attempt, user = require_pending()
    if factors.of(db_session(), user).any:
        return redirect(url_for("identity.second_factor"))
    return key_setup(user, attempt, after=lambda: finish_first_setup(attempt, user))


def key_setup(user: StaffUser, holder: SignInAttempt, after):
    """The page that registers a security key; `holder` keeps the challenge on the server."""
    dbs = db_session()
    form = CredentialForm()
    error = None
    if form.validate_on_submit() and holder.challenge:
        challenge, holder.challenge = holder.challenge, None
        try:
            security_keys.register(dbs, user, relying_party(), challenge, form.credential.data,
                                   name=_("Security key added on %(date)s", date=format_today()))
        except security_keys.KeyRefused as refused:
            log.info("security key registration refused: %s", refused)
            error = _("Your security key could not be added. Try again")
        else:
            dbs.commit()
            return after()
    elif request.method == "POST":
        error = _("Use your security key when your browser asks for it")
    options, holder.challenge = security_keys.registration_options(dbs, user, relying_party())
    dbs.commit()
    return render_template("identity/security_key.html", form=form, options=options, error=error, registering=True)


def format_today() -> str:
    from ..clock import utcnow
    from ..i18n import format_day

    return format_day(utcnow().date())


# --- Single sign-on ----------------------------------------------------------------------

@bp.route("/staff/sign-in/sso")
@limited("RATELIMIT_SIGN_IN")
def sso_begin():
    provider = sso_provider()
    if provider is None:
        abort(404)
    if current_staff() is not None:
        return redirect(safe_next(request.args.get("next")))
    dbs = db_session()
    try:
        attempt, url = oidc.begin(dbs, provider, sso_redirect_uri(), next_path=safe_next(request.args.get("next")))
    except oidc.SsoRefused as refused:
        dbs.rollback()
        return sso_refused(refused)
    dbs.commit()
    fresh_session(**{SSO_KEY: attempt.id})
    return redirect(url)


@bp.route("/staff/sign-in/sso/callback")
@limited("RATELIMIT_SIGN_IN")
def sso_callback():
    provider = sso_provider()
    if provider is None:
        abort(404)
    dbs = db_session()
    browser_attempt = session.pop(SSO_KEY, None)
    try:
        attempt = oidc.claim_attempt(dbs, request.args.get("state"), browser_attempt)
        dbs.commit()
        if request.args.get("error"):
            raise oidc.SsoRefused(oidc.PROVIDER, f"the provider answered {request.args.get('error')!r}")
        user = oidc.complete(dbs, provider, attempt, request.args.get("code"), sso_redirect_uri(),
                             returned_issuer=request.args.get("iss"))
    except oidc.SsoRefused as refused:
        dbs.rollback()
        return sso_refused(refused)
    dbs.commit()
    start_staff_session(user)
    return redirect(attempt.next_path or url_for("dashboard.overview"))


def sso_refused(refused: oidc.SsoRefused):
    log.warning("single sign-on refused (%s): %s", refused.reason, refused.detail)
    return render_template("identity/sso_refused.html", reason=refused.reason), 403
