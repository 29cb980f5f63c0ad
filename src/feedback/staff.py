"""Staff accounts: create them, check passwords, lock out guessing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from .clock import as_utc, utcnow
from .models import STAFF_ROLES, StaffUser

# scrypt is memory-hard: each guess costs 32 MiB of memory as well as time.
PASSWORD_METHOD = "scrypt:32768:8:1"
MIN_PASSWORD_LENGTH = 12
MAX_FAILED_SIGN_INS = 5
LOCKOUT = timedelta(minutes=15)
# generate_password_hash("not a real password", method=PASSWORD_METHOD), made once and kept
# here rather than made again by every process as it starts (0.1 s of scrypt each time).
STAND_IN_HASH = ("scrypt:32768:8:1$GXLiISxoLf1OZxxD$99e5f01e7c759e3ab9cbb12069cd45199f7fee4c18ae3480e090bc7148"
                 "cf4feebe6e77dbf3a6b09d86c159e6c5590cf54df7aeeb330a08aa5a5d7812770bbb19")


def spend_a_password_check(password: str, method: str = PASSWORD_METHOD) -> None:
    """Take as long as checking a password does where there is none to check (an unknown
    address, a locked PIN), so the time of the answer tells nothing."""
    check_password_hash(stand_in_hash(method), password)


@cache
def stand_in_hash(method: str) -> str:
    """Return a hash made with `method` of a password no one has (STAND_IN_HASH for the real one)."""
    return STAND_IN_HASH if method == PASSWORD_METHOD else generate_password_hash("not a real password", method)


class StaffError(ValueError):
    """A staff account cannot be made or changed as asked."""


@dataclass(frozen=True)
class SignInResult:
    user: StaffUser | None
    locked: bool = False


def normalise_email(email: str) -> str:
    return email.strip().lower()


def add_user(session: Session, email: str, role: str, password: str, now: datetime | None = None,
             method: str = PASSWORD_METHOD) -> StaffUser:
    email = normalise_email(email)
    if "@" not in email or len(email) > 320:
        raise StaffError("enter an email address, like name@justice.gov.uk")
    if role not in STAFF_ROLES:
        raise StaffError(f"role must be one of {', '.join(STAFF_ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")
    if find_user(session, email) is not None:
        raise StaffError(f"{email} already has an account")
    user = StaffUser(
        email=email,
        password_hash=generate_password_hash(password, method=method),
        role=role,
        created_at=now or utcnow(),
        failed_sign_ins=0,
        session_generation=0,
    )
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, email: str) -> StaffUser | None:
    return session.execute(
        select(StaffUser).where(func.lower(StaffUser.email) == normalise_email(email))
    ).scalar_one_or_none()


def sign_in(session: Session, email: str, password: str, now: datetime | None = None,
            method: str = PASSWORD_METHOD) -> SignInResult:
    """Check a password; five wrong in a row lock the account for fifteen minutes. `method` is
    the one passwords are hashed with, for the time an unknown address takes."""
    now = now or utcnow()
    user = find_user(session, email)
    if user is None or user.disabled_at is not None:
        spend_a_password_check(password, method)
        return SignInResult(None)
    if user.locked_until is not None and as_utc(user.locked_until) > now:
        return SignInResult(None, locked=True)
    if not check_password_hash(user.password_hash, password):
        user.failed_sign_ins = (user.failed_sign_ins or 0) + 1
        if user.failed_sign_ins >= MAX_FAILED_SIGN_INS:
            user.locked_until = now + LOCKOUT
            user.failed_sign_ins = 0
            return SignInResult(None, locked=True)
        return SignInResult(None)
    user.failed_sign_ins = 0
    user.locked_until = None
    return SignInResult(user)


def end_all_sessions(user: StaffUser) -> None:
    user.session_generation = (user.session_generation or 0) + 1
