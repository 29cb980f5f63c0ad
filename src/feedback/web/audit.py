"""Record a staff action from a request: the signed-in member of staff and the client's address."""

from __future__ import annotations

from flask import request

from .. import audit
from ..db import db_session
from ..models import AuditEvent
from .auth import current_staff


def record(action: str, subject: object = None, detail: dict | None = None) -> AuditEvent:
    """Add an audit event for this request's member of staff; the caller commits it with its change."""
    return audit.record(
        db_session(), action, actor=current_staff(), subject=subject, detail=detail, address=request.remote_addr,
    )
