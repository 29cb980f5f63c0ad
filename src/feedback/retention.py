"""The retention policy: what is deleted, and when (`feedback purge`, run daily)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from .clock import utcnow
from .models import Answer, AuditEvent, Draft, Invitation, ProgrammeUpload, Response


@dataclass(frozen=True)
class RetentionPolicy:
    comment_days: int  # free text is blanked this long after it was given
    draft_hours: int  # unfinished answers are kept this long after they were last touched
    invitation_days: int = 90  # used or expired links are removed this long afterwards
    submitted_draft_hours: int = 24  # a sent draft is only kept for the confirmation page
    audit_days: int = 2557  # audit events are kept seven years
    upload_hours: int = 24  # a programme file uploaded for a preview is kept a day


@dataclass(frozen=True)
class PurgeReport:
    comments_blanked: int
    drafts_deleted: int
    invitations_deleted: int
    audit_events_deleted: int = 0
    uploads_deleted: int = 0


PURGE_STEPS = 4


def purge(session: Session, policy: RetentionPolicy, now: datetime | None = None,
          progress: Callable[[int], None] | None = None) -> PurgeReport:
    """Apply the policy and commit; safe to run again at any time.

    `progress(1)` is called after each of the PURGE_STEPS steps (for a progress bar). Responses
    are never deleted, so the answer counts do not change.
    """
    now = now or utcnow()
    step = progress or (lambda _n: None)
    comment_cutoff = now - timedelta(days=policy.comment_days)
    # Free text is blanked rather than deleted, so the number of comments stays in the results.
    old_responses = select(Response.id).where(Response.submitted_at < comment_cutoff)
    blanked = session.execute(
        update(Answer)
        .where(Answer.value == "text", Answer.text.is_not(None), Answer.response_id.in_(old_responses))
        .values(text=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    step(1)
    drafts = session.execute(
        delete(Draft)
        .where(or_(
            Draft.updated_at < now - timedelta(hours=policy.draft_hours),
            (Draft.response_id.is_not(None)) & (Draft.updated_at < now - timedelta(hours=policy.submitted_draft_hours)),
        ))
        .execution_options(synchronize_session=False)
    ).rowcount
    step(1)
    invitation_cutoff = now - timedelta(days=policy.invitation_days)
    finished = select(Invitation.id).where(or_(
        Invitation.expires_at < invitation_cutoff,
        Invitation.used_at < invitation_cutoff,
        Invitation.revoked_at < invitation_cutoff,
    ))
    finished_ids = list(session.scalars(finished))
    invitations = 0
    if finished_ids:
        session.execute(delete(Draft).where(Draft.invitation_id.in_(finished_ids)).execution_options(synchronize_session=False))
        session.execute(
            update(Response).where(Response.invitation_id.in_(finished_ids)).values(invitation_id=None)
            .execution_options(synchronize_session=False)
        )
        invitations = session.execute(
            delete(Invitation).where(Invitation.id.in_(finished_ids)).execution_options(synchronize_session=False)
        ).rowcount
    step(1)
    audit_events = session.execute(
        delete(AuditEvent).where(AuditEvent.at < now - timedelta(days=policy.audit_days))
        .execution_options(synchronize_session=False)
    ).rowcount
    uploads = session.execute(
        delete(ProgrammeUpload).where(ProgrammeUpload.created_at < now - timedelta(hours=policy.upload_hours))
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    step(1)
    return PurgeReport(blanked, drafts, invitations, audit_events, uploads)
