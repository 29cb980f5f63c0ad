"""GOV.UK Notify's delivery receipts: each applied once, to the email it is about."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import Invitation, NotifyReceipt
from .invitations_sending import (
    NOT_CONFIRMED,
    NOTIFY_STATUSES,
    SENDING,
    mark_accepted,
    utc,
)


class BadReceipt(ValueError):
    """A callback body that is not a Notify delivery receipt."""


def record_receipt(session: Session, payload: Mapping[str, Any], now: datetime) -> str:
    """Apply one delivery receipt; the same receipt again changes nothing. Commits.

    Returns "applied", "duplicate" or "unmatched" (no invitation sent under that id or reference).
    """
    if not isinstance(payload, Mapping):
        raise BadReceipt("not a JSON object")
    notification_id = str(payload.get("id") or "")
    status = str(payload.get("status") or "")
    reference = payload.get("reference")
    if not notification_id or len(notification_id) > 36 or not status or len(status) > 30:
        raise BadReceipt("id and status are required")
    reference = str(reference)[:100] if reference else None
    now = utc(now)
    try:
        with session.begin_nested():
            session.add(NotifyReceipt(notification_id=notification_id, reference=reference, status=status,
                                      received_at=now))
    except IntegrityError:  # the savepoint is rolled back: this receipt was applied before
        return "duplicate"
    invitation = session.scalars(
        select(Invitation).where(Invitation.notify_id == notification_id).with_for_update()
    ).first()
    if invitation is None and reference:
        invitation = session.scalars(
            select(Invitation).where(Invitation.notify_reference == reference).with_for_update()
        ).first()
    if invitation is None or (invitation.notify_reference and reference and invitation.notify_reference != reference):
        session.commit()
        return "unmatched"
    if invitation.email_status == NOT_CONFIRMED:
        mark_accepted(invitation, notification_id, now)
    invitation.email_status = NOTIFY_STATUSES.get(status, SENDING)
    invitation.email_status_at = now
    session.commit()
    return "applied"
