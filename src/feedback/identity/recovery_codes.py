"""Recovery codes: ten single-use codes, for a lost phone or key; only their hashes are kept."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ..clock import utcnow
from ..models import RecoveryCode, StaffUser

HOW_MANY = 10
# No 0/O, 1/I/L: codes are read off paper and typed in.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 12  # about 59 bits each


def _hash(code: str) -> str:
    return hashlib.sha256(normalise(code).encode("ascii", "ignore")).hexdigest()


def normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch in ALPHABET)


def replace(session: Session, user: StaffUser, now: datetime | None = None) -> list[str]:
    """Make a fresh set of codes (the old ones stop working) and return them to show once."""
    now = now or utcnow()
    session.execute(delete(RecoveryCode).where(RecoveryCode.staff_user_id == user.id))
    codes = []
    for _ in range(HOW_MANY):
        raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
        session.add(RecoveryCode(staff_user_id=user.id, code_hash=_hash(raw), created_at=now))
    session.flush()
    return codes


def use(session: Session, user: StaffUser, code: str, now: datetime | None = None) -> bool:
    """Accept an unused code of this user once; a second use of the same code is refused."""
    if len(normalise(code)) != LENGTH:
        return False
    used = session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.staff_user_id == user.id, RecoveryCode.code_hash == _hash(code),
               RecoveryCode.used_at.is_(None))
        .values(used_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    return used.rowcount == 1


def remaining(session: Session, user: StaffUser) -> int:
    return session.scalar(
        select(func.count()).select_from(RecoveryCode)
        .where(RecoveryCode.staff_user_id == user.id, RecoveryCode.used_at.is_(None))
    ) or 0
