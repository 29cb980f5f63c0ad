"""Bearer tokens for the results API: named, revocable, optionally expiring, kept as hashes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .clock import as_utc, utcnow
from .models import ApiToken
from .tokens import hash_token, new_token, same_hash

MAX_NAME_LENGTH = 100
# Writing last_used_at on every request would make each API call a write; once a minute says enough.
LAST_USED_GRAIN = timedelta(minutes=1)


class ApiTokenError(ValueError):
    """A token cannot be made or revoked as asked."""


@dataclass(frozen=True)
class NewApiToken:
    record: ApiToken
    token: str  # shown once, never stored


def add_token(session: Session, name: str, days: int | None = None,
              now: datetime | None = None) -> NewApiToken:
    """Make a token called `name`, working for `days` (None: until revoked); flush, no commit."""
    now = now or utcnow()
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise ApiTokenError(f"a token's name is 1 to {MAX_NAME_LENGTH} characters")
    if days is not None and days < 1:
        raise ApiTokenError("a token works for at least one day")
    if session.execute(select(ApiToken.id).where(ApiToken.name == name)).first() is not None:
        raise ApiTokenError(f"there is already a token called {name!r}: choose another name")
    token = new_token()
    record = ApiToken(
        name=name,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + timedelta(days=days) if days is not None else None,
    )
    session.add(record)
    session.flush()
    return NewApiToken(record, token)


def revoke_token(session: Session, name: str, now: datetime | None = None) -> ApiToken:
    """Stop the token called `name` from working; revoking twice keeps the first time."""
    record = session.execute(select(ApiToken).where(ApiToken.name == name.strip())).scalar_one_or_none()
    if record is None:
        raise ApiTokenError(f"no token called {name!r}")
    if record.revoked_at is None:
        record.revoked_at = now or utcnow()
    return record


def is_usable(record: ApiToken, now: datetime) -> bool:
    if record.revoked_at is not None:
        return False
    return record.expires_at is None or now < as_utc(record.expires_at)


def authenticate(session: Session, presented: str | None, now: datetime | None = None) -> ApiToken | None:
    """Return the working token `presented` is, or None; notes when it was last used.

    Looked up by the hash's unique index: the hash of a 256-bit random token gives nothing
    away through timing, and the final comparison is constant-time all the same.
    """
    if not presented or len(presented) > 200:
        return None
    now = now or utcnow()
    digest = hash_token(presented)
    record = session.execute(select(ApiToken).where(ApiToken.token_hash == digest)).scalar_one_or_none()
    if record is None or not same_hash(record.token_hash, digest) or not is_usable(record, now):
        return None
    if record.last_used_at is None or now - as_utc(record.last_used_at) >= LAST_USED_GRAIN:
        record.last_used_at = now
    return record


def list_tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.name)))
