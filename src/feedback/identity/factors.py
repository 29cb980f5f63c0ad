"""Which second factors a member of staff has, whether one is needed, and resetting them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .. import audit
from ..models import (
    AuthenticatorApp,
    RecoveryCode,
    SecurityKey,
    SignInAttempt,
    StaffUser,
)
from ..staff import end_all_sessions
from . import recovery_codes

RESET_ACTION = "staff.second_factors_reset"


def required(settings: dict) -> bool:
    """Say whether a password alone is not enough: always so in production."""
    return settings.get("ENVIRONMENT") == "production" or bool(settings.get("STAFF_SECOND_FACTOR_REQUIRED", True))


@dataclass(frozen=True)
class Factors:
    authenticator_app: bool
    security_keys: int
    recovery_codes_left: int

    @property
    def any(self) -> bool:
        return self.authenticator_app or self.security_keys > 0


def of(session: Session, user: StaffUser) -> Factors:
    app = session.scalar(select(AuthenticatorApp).where(AuthenticatorApp.staff_user_id == user.id))
    keys = session.scalar(select(func.count()).select_from(SecurityKey).where(SecurityKey.staff_user_id == user.id))
    return Factors(
        authenticator_app=app is not None and app.confirmed_at is not None,
        security_keys=keys or 0,
        recovery_codes_left=recovery_codes.remaining(session, user),
    )


def reset(session: Session, user: StaffUser, *, actor: StaffUser | str, address: str | None = None) -> Factors:
    """Remove every second factor of the user and sign them out everywhere, audited.

    They set a new one up at their next sign-in. Returns what they had.
    """
    before = of(session, user)
    for model in (AuthenticatorApp, SecurityKey, RecoveryCode):
        session.execute(delete(model).where(model.staff_user_id == user.id))
    session.execute(delete(SignInAttempt).where(SignInAttempt.staff_user_id == user.id))
    end_all_sessions(user)
    audit.record(session, RESET_ACTION, actor=actor, subject=user, address=address, detail={
        "email": user.email,
        "authenticator_app": before.authenticator_app,
        "security_keys": before.security_keys,
        "recovery_codes_left": before.recovery_codes_left,
    })
    return before
