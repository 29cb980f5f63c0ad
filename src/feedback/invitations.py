"""Invitation links: create them, and decide whether a link can still be used."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from . import invitation_counts, questionnaires
from .clock import as_utc, utcnow
from .models import Inspection, Invitation
from .questionnaire_store import questionnaire_row
from .tokens import hash_token, new_token


class InvitationError(ValueError):
    """An invitation cannot be made as asked."""


class LinkState(enum.Enum):
    USABLE = "usable"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"
    REVOKED = "revoked"


@dataclass(frozen=True)
class NewInvitation:
    invitation: Invitation
    token: str  # shown once; only its hash is stored

    def path(self) -> str:
        return f"/i/{self.token}"


def default_language(inspection: Inspection) -> str:
    """Invitations to organisations in Wales go out in Welsh or in both languages."""
    organisation = inspection.organisation
    if organisation is None:
        return "en"
    if organisation.in_wales and organisation.language_preference == "en":
        return "both"
    return organisation.language_preference


class AudienceMismatch(InvitationError):
    """The questionnaire's audience is not found in this inspection."""


def audience_problem(definition: questionnaires.QuestionnaireDefinition, inspection: Inspection) -> str | None:
    """Say, in the reader's language, why this questionnaire is not for this inspection; None if it is.

    A questionnaire is asked in the programmes it declares (its audience is there: offender
    managers in adult inspections, case managers and victims of youth offending in youth ones),
    and the post-inspection evaluation needs an inspected organisation to answer it.
    """
    title = definition.short_title
    if definition.invitation_mode is None:
        return _("%(questionnaire)s is answered on a kiosk or on paper, not through a link.",
                 questionnaire=title)
    programme = inspection.programme
    if programme.code not in definition.programmes:
        return _("%(questionnaire)s is not asked in %(programme)s inspections: the people it is for "
                 "are not part of them.", questionnaire=title, programme=programme.code)
    if definition.audience == "organisation" and inspection.organisation is None:
        return _("%(questionnaire)s is answered by the inspected organisation, and this inspection "
                 "has none.", questionnaire=title)
    return None


def invitable_questionnaires(inspection: Inspection) -> list[questionnaires.QuestionnaireDefinition]:
    """The questionnaires whose audience this inspection covers, sent by link."""
    return [q for q in questionnaires.ALL if audience_problem(q, inspection) is None]


def create_invitation(
    session: Session,
    inspection: Inspection,
    questionnaire_code: str,
    days: int,
    email: str | None = None,
    now: datetime | None = None,
    *,
    recipient_name: str | None = None,
    language: str | None = None,
    opens_at: datetime | None = None,
) -> NewInvitation:
    definition = questionnaires.get(questionnaire_code)
    if definition is None:
        raise InvitationError(f"no questionnaire with code {questionnaire_code!r}")
    problem = audience_problem(definition, inspection)
    if problem is not None:
        raise AudienceMismatch(problem)
    if days < 1:
        raise InvitationError("an invitation must last at least one day")
    now = now or utcnow()
    token = new_token()
    invitation = Invitation(
        token_hash=hash_token(token),
        questionnaire=questionnaire_row(session, questionnaire_code),
        inspection=inspection,
        mode=definition.invitation_mode,
        language=language or default_language(inspection),
        email=email,
        recipient_name=recipient_name,
        created_at=now,
        opens_at=opens_at,
        expires_at=(opens_at or now) + timedelta(days=days),
        emails_sent=0,
    )
    session.add(invitation)
    session.flush()
    invitation_counts.add(session, invitation, invited=1)
    return NewInvitation(invitation, token)


def find_invitation(session: Session, token: str) -> Invitation | None:
    # The lookup is by hash through a unique index; the token itself is never stored.
    if not token or len(token) > 100:
        return None
    return session.execute(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    ).scalar_one_or_none()


def link_state(invitation: Invitation | None, now: datetime | None = None) -> LinkState:
    now = now or utcnow()
    if invitation is None:
        return LinkState.UNKNOWN
    if invitation.revoked_at is not None or invitation.closed_at is not None:
        return LinkState.REVOKED
    if invitation.inspection is not None and invitation.inspection.closed_at is not None:
        return LinkState.REVOKED  # the whole inspection's collection was closed
    if invitation.opens_at is not None and as_utc(invitation.opens_at) > now:
        return LinkState.UNKNOWN  # not open yet: the same page as any other unusable link
    if as_utc(invitation.expires_at) <= now:
        return LinkState.EXPIRED
    if invitation.mode == "single" and invitation.used_at is not None:
        return LinkState.USED
    return LinkState.USABLE


def claim_single_use(session: Session, invitation: Invitation, now: datetime) -> bool:
    """Mark a single-use link used; False if another request used it first."""
    result = session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    invitation_counts.add(session, invitation, completed=1)
    return True
