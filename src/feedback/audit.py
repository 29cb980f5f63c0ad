"""The audit log: every staff action that changes data, sends email or reveals responses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from .clock import utcnow
from .models import AuditEvent, StaffUser

# Who acted when no member of staff is signed in: the operator at a shell, or the worker.
COMMAND_LINE = "command line"
WORKER = "worker"


def record(
    session: Session,
    action: str,
    *,
    actor: StaffUser | str,
    subject: object = None,
    detail: dict | None = None,
    address: str | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Add one event to the session, to be committed with the change it describes.

    `subject` is a row (its class and id are kept) or a string naming what was acted on.
    """
    if isinstance(subject, str) or subject is None:
        subject_type, subject_id = (None, subject)
    else:
        subject_type, subject_id = type(subject).__name__, str(subject.id)
    event = AuditEvent(
        at=at or utcnow(),
        staff_user_id=actor.id if isinstance(actor, StaffUser) else None,
        actor=actor.email if isinstance(actor, StaffUser) else actor,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        detail=detail or {},
        address=address,
    )
    session.add(event)
    return event
