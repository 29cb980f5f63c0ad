"""Staff accounts: create them, check passwords, slow down guessing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from . import throttle
from .clock import utcnow
from .models import STAFF_ROLES, StaffUser

# scrypt is memory-hard: each guess costs 32 MiB of memory as well as time.
PASSWORD_METHOD = "scrypt:32768:8:1"
MIN_PASSWORD_LENGTH = 12
# generate_password_hash("not a real password", method=PASSWORD_METHOD), made once and kept
# here rather than made again, at scrypt's cost, by every process as it starts.
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
    wait_seconds: int = 0  # when not 0: too many wrong guesses; try again after this long


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


def list_users(session: Session) -> list[StaffUser]:
    """Every staff account, by email."""
    return list(session.scalars(select(StaffUser).order_by(StaffUser.email)))


def sign_in(
    session: Session,
    email: str,
    password: str,
    now: datetime | None = None,
    client: str | None = None,
    known_browser: str | None = None,
    method: str = PASSWORD_METHOD,
) -> SignInResult:
    """Check a password, throttling guesses; answer alike, in the same time, whether or not the
    address has an account.

    Guesses are counted by the address typed and by the client's IP address, or, from a
    browser that has signed in to this address before (`known_browser`), by that browser
    alone: a stranger's guessing slows the stranger, never the member of staff on their own
    browser. Every path, waiting included, spends exactly one password check.
    `method` is the one passwords are hashed with, for the time an unknown address takes.
    """
    now = now or utcnow()
    address = normalise_email(email)
    if known_browser:
        counted = [(throttle.KNOWN_BROWSER, throttle.KNOWN_BROWSER.key(known_browser))]
    else:
        counted = [(throttle.ADDRESS, throttle.ADDRESS.key(address))]
        if client:
            counted.append((throttle.CLIENT, throttle.CLIENT.key(client)))
    wait = throttle.seconds_to_wait(session, [key for _, key in counted], now)
    if wait:
        spend_a_password_check(password, method)
        return SignInResult(None, wait)
    user = find_user(session, address) if len(address) <= 320 else None
    if user is None or user.disabled_at is not None:
        spend_a_password_check(password, method)
        right = False
    else:
        right = check_password_hash(user.password_hash, password)
    if not right:
        return SignInResult(None, throttle.record_failure(session, counted, now))
    throttle.clear(session, [key for rule, key in counted if rule is not throttle.CLIENT])
    return SignInResult(user)


def end_all_sessions(user: StaffUser) -> None:
    user.session_generation = (user.session_generation or 0) + 1
