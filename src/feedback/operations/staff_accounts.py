"""Staff accounts from the pages: invite by email, set a password through the link, change
roles, deactivate and reactivate. The last active administrator always remains."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Mapping

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from .. import audit
from ..clock import as_utc, utcnow
from ..models import StaffInvitation, StaffUser
from ..notify import EmailSender, NotifyNotConfigured
from ..roles import ADMIN, ROLES
from ..staff import PASSWORD_METHOD, end_all_sessions, find_user, normalise_email
from ..tokens import hash_token, new_token
from . import InputProblems

INVITATION_LIFETIME = timedelta(days=3)
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
# Passwords seen most often in breaches that are long enough to pass the length rule
# (NCSC: block the commonest rather than impose composition rules).
COMMON_PASSWORDS = frozenset({
    "123456789012", "1234567890123", "12345678901234", "password1234", "password12345",
    "passwordpassword", "qwertyuiopas", "qwertyuiop123", "iloveyou1234", "111111111111",
    "000000000000", "abcdefghijkl", "abc123abc123", "letmein12345", "welcome12345",
    "administrator", "changeme1234", "password123!", "qwerty123456", "1q2w3e4r5t6y",
})


@dataclass(frozen=True)
class NewStaffInvitation:
    invitation: StaffInvitation
    token: str  # shown once; only its hash is kept

    def path(self) -> str:
        return f"/staff/set-password/{self.token}"


def check_email(email: str) -> str:
    email = normalise_email(email or "")
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email or len(email) > 320:
        raise InputProblems({"email": _l("Enter an email address in the correct format, like name@justice.gov.uk")})
    return email


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InputProblems({"role": _l("Select a role")})
    return role


def invite_staff(session: Session, email: str, role: str, *, actor: StaffUser | str,
                 address: str | None = None, now: datetime | None = None) -> NewStaffInvitation:
    """Make a set-password link for a new member of staff; earlier unused links to them stop working."""
    now = now or utcnow()
    problems: dict[str, object] = {}
    try:
        email = check_email(email)
    except InputProblems as error:
        problems.update(error.problems)
    try:
        check_role(role)
    except InputProblems as error:
        problems.update(error.problems)
    if not problems and find_user(session, email) is not None:
        problems["email"] = _l("This person already has an account: change it from the list of staff accounts")
    if problems:
        raise InputProblems(problems)
    for earlier in pending_invitations(session, now, email=email):
        earlier.revoked_at = now
    token = new_token()
    invitation = StaffInvitation(
        email=email, role=role, token_hash=hash_token(token),
        invited_by_id=actor.id if isinstance(actor, StaffUser) else None,
        created_at=now, expires_at=now + INVITATION_LIFETIME,
    )
    session.add(invitation)
    session.flush()
    audit.record(session, "staff.invite", actor=actor, subject=invitation, address=address, at=now,
                 detail={"email": email, "role": role})
    return NewStaffInvitation(invitation, token)


def pending_invitations(session: Session, now: datetime | None = None, email: str | None = None) -> list[StaffInvitation]:
    now = now or utcnow()
    query = select(StaffInvitation).where(
        StaffInvitation.used_at.is_(None), StaffInvitation.revoked_at.is_(None), StaffInvitation.expires_at > now,
    ).order_by(StaffInvitation.created_at.desc())
    if email:
        query = query.where(StaffInvitation.email == email)
    return list(session.scalars(query))


def usable_invitation(session: Session, token: str, now: datetime | None = None) -> StaffInvitation | None:
    """The invitation a set-password link carries, while it is unused, unrevoked and in date."""
    now = now or utcnow()
    if not token or len(token) > 100:
        return None
    invitation = session.scalars(select(StaffInvitation).where(StaffInvitation.token_hash == hash_token(token))).first()
    if invitation is None or invitation.used_at is not None or invitation.revoked_at is not None:
        return None
    if as_utc(invitation.expires_at) <= now:
        return None
    return invitation


def send_staff_invitation(new: NewStaffInvitation, sender: EmailSender, config: Mapping[str, Any]) -> str:
    """Email the set-password link through GOV.UK Notify; return Notify's id for the email."""
    template_id = config.get("NOTIFY_TEMPLATE_STAFF_INVITATION") or ""
    if not template_id:
        raise NotifyNotConfigured(
            "GOV.UK Notify is not configured for staff invitations: set NOTIFY_TEMPLATE_STAFF_INVITATION.")
    from ..i18n import format_day

    expires = as_utc(new.invitation.expires_at)
    return sender.send_email(
        to=new.invitation.email,
        template_id=template_id,
        personalisation={
            "link": str(config["PUBLIC_BASE_URL"]).rstrip("/") + new.path(),
            "expiry_date": format_day(expires, "en"),
            "expiry_date_cy": format_day(expires, "cy"),
        },
        reference=f"staff-invitation-{new.invitation.id}",
    )


def password_problem(password: str, email: str) -> object | None:
    """Say what is wrong with a new password, following GOV.UK and NCSC guidance, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _l("Your password must be at least 12 characters long")
    if len(password) > MAX_PASSWORD_LENGTH:
        return _l("Your password must be 256 characters or fewer")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        return _l("Your password is too easy to guess: try three random words")
    if email and (lowered == email.lower() or lowered == email.lower().split("@")[0]):
        return _l("Your password must not be your email address")
    return None


def accept_invitation(session: Session, invitation: StaffInvitation, password: str, *,
                      address: str | None = None, now: datetime | None = None) -> StaffUser:
    """Make the account the invitation was for, with its password; the link then stops working."""
    now = now or utcnow()
    problem = password_problem(password, invitation.email)
    if problem is not None:
        raise InputProblems({"password": problem})
    if find_user(session, invitation.email) is not None:
        raise InputProblems({"password": _l("This account has been set up already: sign in instead")})
    user = StaffUser(
        email=invitation.email, password_hash=generate_password_hash(password, method=PASSWORD_METHOD),
        role=invitation.role, created_at=now, failed_sign_ins=0, session_generation=0,
    )
    session.add(user)
    invitation.used_at = now
    session.flush()
    audit.record(session, "staff.accept", actor=user, subject=user, address=address, at=now,
                 detail={"email": user.email, "role": user.role})
    return user


def staff_accounts(session: Session) -> list[StaffUser]:
    return list(session.scalars(select(StaffUser).order_by(StaffUser.disabled_at.is_not(None), func.lower(StaffUser.email))))


def _active_admins(session: Session) -> int:
    return session.execute(
        select(func.count()).select_from(StaffUser).where(StaffUser.role == ADMIN, StaffUser.disabled_at.is_(None))
    ).scalar_one()


def change_role(session: Session, user: StaffUser, role: str, *, actor: StaffUser | str,
                address: str | None = None, now: datetime | None = None) -> bool:
    """Give a member of staff another role; the last active administrator keeps theirs."""
    check_role(role)
    if user.role == role:
        return False
    if user.role == ADMIN and user.disabled_at is None and _active_admins(session) <= 1:
        raise InputProblems({"role": _l("There must be at least one administrator: make someone else an administrator first")})
    before = user.role
    user.role = role
    end_all_sessions(user)  # a new role takes effect at once, not at their next sign-in
    audit.record(session, "staff.role", actor=actor, subject=user, address=address, at=now,
                 detail={"email": user.email, "from": before, "to": role})
    session.flush()
    return True


def set_active(session: Session, user: StaffUser, active: bool, *, actor: StaffUser | str,
               address: str | None = None, now: datetime | None = None) -> bool:
    """Deactivate a member of staff (signing them out everywhere) or reactivate them."""
    if (user.disabled_at is None) == active:
        return False
    if not active and user.role == ADMIN and _active_admins(session) <= 1:
        raise InputProblems({"confirm": _l("There must be at least one active administrator: this is the last one")})
    user.disabled_at = None if active else (now or utcnow())
    if not active:
        end_all_sessions(user)
    else:
        user.failed_sign_ins = 0
        user.locked_until = None
    audit.record(session, "staff.reactivate" if active else "staff.deactivate", actor=actor, subject=user,
                 address=address, at=now, detail={"email": user.email})
    session.flush()
    return True
