"""Authenticator-app codes (TOTP, RFC 6238): six digits, a new one every 30 seconds."""

from __future__ import annotations

from datetime import datetime

import pyotp
import segno
from sqlalchemy.orm import Session

from ..clock import utcnow
from ..models import AuthenticatorApp, StaffUser
from .secret_box import SecretBox

ISSUER = "HMI Probation feedback"
STEP_SECONDS = 30
# Codes from one step either side are accepted: phones' clocks drift.
DRIFT_STEPS = 1


def find(session: Session, user: StaffUser) -> AuthenticatorApp | None:
    return session.query(AuthenticatorApp).filter_by(staff_user_id=user.id).one_or_none()


def begin_setup(session: Session, user: StaffUser, box: SecretBox, now: datetime | None = None) -> str:
    """Make a new secret for the user's app, replacing any unconfirmed one; return it."""
    existing = find(session, user)
    if existing is not None and existing.confirmed_at is not None:
        raise ValueError("an authenticator app is already set up")
    secret = pyotp.random_base32()  # 160 bits, as RFC 4226 recommends
    if existing is None:
        existing = AuthenticatorApp(staff_user_id=user.id)
        session.add(existing)
    existing.secret_encrypted = box.seal(secret)
    existing.created_at = now or utcnow()
    existing.last_step = None
    session.flush()
    return secret


def pending_secret(session: Session, user: StaffUser, box: SecretBox) -> str | None:
    """Return the secret of an app being set up (not yet confirmed), if there is one."""
    app = find(session, user)
    if app is None or app.confirmed_at is not None:
        return None
    return box.open(app.secret_encrypted)


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_code_svg_data_uri(uri: str) -> str:
    """Return the QR code of an otpauth:// address as an SVG data URI for an <img>."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4)


def format_secret(secret: str) -> str:
    """Show the secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "") if not ch.isspace() and ch != "-")


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """Return the time step the code belongs to (within the drift allowed), or None."""
    code = normalise_code(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if pyotp.utils.strings_equal(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def verify(session: Session, user: StaffUser, code: str, box: SecretBox, now: datetime | None = None,
           *, confirming: bool = False) -> bool:
    """Accept a code once: a code of a step at or before the last one used is refused."""
    now = now or utcnow()
    app = find(session, user)
    if app is None or (app.confirmed_at is None) != confirming:
        return False
    step = matching_step(box.open(app.secret_encrypted), code, now)
    if step is None or (app.last_step is not None and step <= app.last_step):
        return False
    app.last_step = step
    if confirming:
        app.confirmed_at = now
    return True
