"""Tracking one inspection's questionnaire: who was invited, what Notify said, who opened, started, answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from .. import questionnaires
from ..models import CollectionClosure, Inspection, Invitation, Response
from ..questionnaire_store import questionnaire_row
from ..results.arithmetic import round_half_up
from ..results.suppression import suppress, threshold_for
from .invitations_sending import DELIVERED, FAILURES, NOT_CONFIRMED, SCHEDULED, SENDING

PAGE_SIZE = 50


@dataclass(frozen=True)
class Rate:
    """Responses over invitations, the percentage whole and rounded half up; hidden when too few."""

    completed: int
    invited: int
    percent: int | None
    suppressed: bool = False


def rate(completed: int, invited: int, threshold: int = 1) -> Rate:
    if suppress(completed, threshold):
        return Rate(completed, invited, None, True)
    percent = round_half_up(Fraction(100 * completed, invited)) if invited else None
    return Rate(completed, invited, percent)


@dataclass(frozen=True)
class Summary:
    invited: int  # named invitations not withdrawn
    scheduled: int
    sending: int
    delivered: int
    failed: int
    not_confirmed: int
    opened: int
    started: int
    completed: int
    revoked: int
    rate: Rate
    shared_links: int
    shared_responses: int
    shared_suppressed: bool
    closed_at: datetime | None
    threshold: int


def summary(session: Session, inspection: Inspection, questionnaire_code: str) -> Summary:
    """Count one inspection's questionnaire's invitations by state, in one query."""
    definition = questionnaires.get(questionnaire_code)
    questionnaire = questionnaire_row(session, questionnaire_code)
    named = and_(Invitation.mode == "single", Invitation.revoked_at.is_(None))

    def count(*conditions):
        return func.coalesce(func.sum(case((and_(*conditions), 1), else_=0)), 0)

    row = session.execute(
        select(
            count(named),
            count(named, Invitation.email_status == SCHEDULED),
            count(named, Invitation.email_status == SENDING),
            count(named, Invitation.email_status == DELIVERED),
            count(named, Invitation.email_status.in_(FAILURES + ("refused", "not_sent"))),
            count(named, Invitation.email_status == NOT_CONFIRMED),
            count(named, Invitation.opened_at.is_not(None)),
            count(named, Invitation.started_at.is_not(None)),
            count(named, Invitation.used_at.is_not(None)),
            count(Invitation.mode == "single", Invitation.revoked_at.is_not(None)),
            count(Invitation.mode == "shared"),
        ).where(Invitation.inspection_id == inspection.id, Invitation.questionnaire_id == questionnaire.id)
    ).one()
    shared_responses = session.scalar(
        select(func.count(Response.id)).join(Invitation, Response.invitation_id == Invitation.id).where(
            Invitation.inspection_id == inspection.id, Invitation.questionnaire_id == questionnaire.id,
            Invitation.mode == "shared")
    ) or 0
    closed_at = session.scalar(select(CollectionClosure.closed_at).where(
        CollectionClosure.inspection_id == inspection.id, CollectionClosure.questionnaire_id == questionnaire.id))
    threshold = threshold_for(definition, "staff")
    (invited, scheduled, sending, delivered, failed, not_confirmed, opened, started, completed,
     revoked, shared) = (int(v) for v in row)
    return Summary(invited, scheduled, sending, delivered, failed, not_confirmed, opened, started, completed,
                   revoked, rate(completed, invited, threshold), shared, shared_responses,
                   suppress(shared_responses, threshold), closed_at, threshold)


def invitations_page(session: Session, inspection: Inspection, questionnaire_code: str, mode: str,
                     page: int = 1, size: int = PAGE_SIZE) -> list[Invitation]:
    """One page of an inspection's questionnaire's invitations of one mode, newest first."""
    questionnaire = questionnaire_row(session, questionnaire_code)
    return list(session.scalars(
        select(Invitation)
        .where(Invitation.inspection_id == inspection.id, Invitation.questionnaire_id == questionnaire.id,
               Invitation.mode == mode)
        .order_by(Invitation.id.desc())
        .offset((max(page, 1) - 1) * size).limit(size)
    ))


def shared_response_counts(session: Session, invitation_ids: list[int]) -> dict[int, int]:
    if not invitation_ids:
        return {}
    rows = session.execute(
        select(Response.invitation_id, func.count(Response.id))
        .where(Response.invitation_id.in_(invitation_ids)).group_by(Response.invitation_id)
    )
    return {invitation_id: n for invitation_id, n in rows}


def mark_opened(session: Session, invitation: Invitation, now: datetime) -> None:
    """Remember the first time a link was opened (the caller commits)."""
    if invitation.opened_at is None:
        invitation.opened_at = now


def mark_started(session: Session, invitation: Invitation, now: datetime) -> None:
    """Remember the first time someone began answering through a link (the caller commits)."""
    if invitation.opened_at is None:
        invitation.opened_at = now
    if invitation.started_at is None:
        invitation.started_at = now


def state_word(invitation: Invitation) -> str:
    """Say in a word or two, in English, where an invitation stands, for operators."""
    if invitation.revoked_at is not None:
        return "withdrawn"
    if invitation.closed_at is not None:
        return "closed"
    return (invitation.email_status or "not emailed").replace("_", " ")


def matching_invitations(session: Session, inspection: Inspection, questionnaire_code: str,
                         invitation_id: int | None = None, email: str | None = None) -> list[Invitation]:
    """An inspection's questionnaire's invitations, oldest first, narrowed to one id or email if given."""
    query = select(Invitation).where(
        Invitation.inspection_id == inspection.id,
        Invitation.questionnaire_id == questionnaire_row(session, questionnaire_code).id,
    )
    if invitation_id is not None:
        query = query.where(Invitation.id == invitation_id)
    if email is not None:
        query = query.where(Invitation.email == email.strip())
    return list(session.scalars(query.order_by(Invitation.id)))


def tracking_report(session: Session, inspection: Inspection, code: str) -> dict:
    """The tracking figures and named invitations as plain data (`feedback tracking --json`)."""
    figures = summary(session, inspection, code)
    rate = figures.rate
    named = invitations_page(session, inspection, code, "single", size=10_000)
    return {
        "inspection": inspection.code, "questionnaire": code,
        "invited": figures.invited, "scheduled": figures.scheduled, "sending": figures.sending,
        "delivered": figures.delivered, "failed": figures.failed, "not_confirmed": figures.not_confirmed,
        "opened": figures.opened, "started": figures.started,
        "completed": None if rate.suppressed else figures.completed,
        "response_rate": None if rate.suppressed else rate.percent,
        "suppressed": rate.suppressed, "withdrawn": figures.revoked,
        "shared_links": figures.shared_links,
        "shared_responses": None if figures.shared_suppressed else figures.shared_responses,
        "closed_at": figures.closed_at.isoformat() if figures.closed_at else None,
        "invitations": [
            {"id": i.id, "name": i.recipient_name, "email": i.email, "language": i.language,
             "state": state_word(i), "reason": i.email_error, "reference": i.notify_reference,
             "opened": i.opened_at is not None, "started": i.started_at is not None,
             "completed": i.used_at is not None} for i in named
        ] if not rate.suppressed else [],
    }
