"""Invite named recipients and send their emails, now or on the publication date; resend, revoke,
extend, close; settle emails whose outcome is unknown (Notify's receipts: operations.receipts).

An email is written ahead: its invitation is committed as "not confirmed", with the reference
it is sent under, before Notify is asked. If no answer comes back (a timeout, a dropped
connection, a worker killed mid-send) it stays "not confirmed" until Notify's status lookup or
its delivery receipt settles it, and nothing sends it again before then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import audit, invitation_counts, questionnaires
from ..clock import as_utc
from ..i18n import UK_TIME
from ..invitation_emails import (
    EmailSettings,
    ReminderRun,
    personalisation,
    send_reminders,
)
from ..invitations import InvitationError, create_invitation
from ..models import CollectionClosure, Inspection, Invitation, StaffUser
from ..notify import EmailSender, NotifyError
from ..questionnaire_store import questionnaire_row
from ..tokens import hash_token, new_token
from .recipients import Recipient

SCHEDULED = "scheduled"
NOT_CONFIRMED = "not_confirmed"
NOT_SENT = "not_sent"  # settled: Notify never had it
REFUSED = "refused"  # Notify answered no
SENDING = "sending"  # Notify took it; no receipt yet
DELIVERED = "delivered"
FAILURES = ("permanent-failure", "temporary-failure", "technical-failure")
NOTIFY_STATUSES = {"created": SENDING, "sending": SENDING, "pending": SENDING, "sent": DELIVERED,
                   "delivered": DELIVERED, **{f: f for f in FAILURES}}

# How long a "not confirmed" email is left for its delivery receipt (and for a send still in
# flight in another process) before the worker asks Notify about it.
SETTLE_AFTER = timedelta(minutes=2)
PUBLICATION_HOUR = time(9, 0)

Actor = StaffUser | str


@dataclass
class SendOutcome:
    invitation_id: int
    state: str  # sending, not_confirmed, refused, scheduled, not_sent, already_sent
    reason: str | None = None


@dataclass
class InviteRun:
    invitations: list[Invitation] = field(default_factory=list)
    outcomes: list[SendOutcome] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(1 for o in self.outcomes if o.state == state)


def utc(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(timezone.utc)


def publication_moment(inspection: Inspection) -> datetime | None:
    """When emails "on the publication date" go: 9 in the morning, UK time, that day."""
    if inspection.published_on is None:
        return None
    return datetime.combine(inspection.published_on, PUBLICATION_HOUR, tzinfo=UK_TIME).astimezone(timezone.utc)


def closure(session: Session, inspection: Inspection, questionnaire_code: str) -> CollectionClosure | None:
    return session.scalars(
        select(CollectionClosure).where(
            CollectionClosure.inspection_id == inspection.id,
            CollectionClosure.questionnaire_id == questionnaire_row(session, questionnaire_code).id,
        )
    ).first()


def invited_emails(session: Session, inspection: Inspection, questionnaire_code: str) -> set[str]:
    """The addresses already holding a live invitation to this inspection's questionnaire."""
    rows = session.scalars(
        select(func.lower(Invitation.email)).where(
            Invitation.inspection_id == inspection.id,
            Invitation.questionnaire_id == questionnaire_row(session, questionnaire_code).id,
            Invitation.email.is_not(None), Invitation.revoked_at.is_(None), Invitation.closed_at.is_(None),
        )
    )
    return set(rows)


def _reference(invitation: Invitation, kind: str) -> str:
    if kind == "invitation":
        return f"invitation-{invitation.id}"
    return f"invitation-{invitation.id}-{kind}-{(invitation.emails_sent or 0) + 1}"


def deliver(session: Session, invitation: Invitation, sender: EmailSender, settings: EmailSettings,
            now: datetime, kind: str = "invitation", token: str | None = None) -> SendOutcome:
    """Email an invitation's link (a new one unless `token` is given), writing ahead; commits.

    The invitation should be locked or fresh: the caller has checked it may be sent.
    """
    now = utc(now)
    token = token or new_token()
    reference = _reference(invitation, kind)
    invitation.token_hash = hash_token(token)
    invitation.email_status = NOT_CONFIRMED
    invitation.email_status_at = now
    invitation.email_error = None
    invitation.notify_reference = reference
    invitation.notify_id = None
    template_kind = "invitation" if kind in ("invitation", "resend") else "reminder"
    try:
        template_id = settings.template(template_kind, invitation.language)
    except NotifyError as error:
        session.rollback()
        return SendOutcome(invitation.id, REFUSED, str(error))
    session.commit()
    invitation_id = invitation.id
    try:
        notification_id = sender.send_email(
            to=invitation.email, template_id=template_id,
            personalisation=personalisation(invitation, token, settings), reference=reference,
        )
    except NotifyError as error:
        if error.outcome_unknown:
            invitation.email_error = str(error)
            session.commit()
            return SendOutcome(invitation_id, NOT_CONFIRMED, str(error))
        retry = invitation.scheduled_for is not None and invitation.sent_at is None and (
            error.status_code is not None and (error.status_code >= 500 or error.status_code == 429))
        invitation.email_status = SCHEDULED if retry else REFUSED
        invitation.email_error = str(error)
        session.commit()
        return SendOutcome(invitation_id, invitation.email_status, str(error))
    # Only if nothing settled it meanwhile: a delivery receipt can come back before this commit.
    session.execute(
        update(Invitation)
        .where(Invitation.id == invitation_id, Invitation.email_status == NOT_CONFIRMED,
               Invitation.notify_reference == reference)
        .values(email_status=SENDING, email_status_at=now, email_error=None, notify_id=notification_id or None,
                emails_sent=Invitation.emails_sent + 1, sent_at=func.coalesce(Invitation.sent_at, now))
        .execution_options(synchronize_session=False)
    )
    session.commit()
    session.refresh(invitation)
    return SendOutcome(invitation_id, SENDING)


def mark_accepted(invitation: Invitation, notification_id: str | None, now: datetime) -> None:
    invitation.email_status = SENDING
    invitation.email_status_at = now
    invitation.email_error = None
    invitation.notify_id = notification_id or None
    invitation.emails_sent = (invitation.emails_sent or 0) + 1
    if invitation.sent_at is None:
        invitation.sent_at = now


def invite_recipients(session: Session, inspection: Inspection, questionnaire_code: str,
                      recipients: list[Recipient], *, days: int, at_publication: bool,
                      sender: EmailSender | None, settings: EmailSettings, actor: Actor,
                      now: datetime, address: str | None = None) -> InviteRun:
    """Make one single-use invitation each and email it now, or schedule it for the publication date.

    Raises InvitationError (nothing made) when the questionnaire is not for named recipients,
    its collection is closed, or the publication date is not known.
    """
    now = utc(now)
    definition = questionnaires.get(questionnaire_code)
    if definition is None or definition.invitation_mode != "single":
        raise InvitationError("only questionnaires with one link a person are sent to named recipients")
    if closure(session, inspection, questionnaire_code) is not None:
        raise InvitationError("collection for this questionnaire is closed")
    send_at = publication_moment(inspection) if at_publication else None
    if at_publication and send_at is None:
        raise InvitationError("the inspection has no publication date yet")
    if send_at is not None and send_at <= now:
        send_at = None  # published already: send now
    if send_at is None and sender is None:
        raise InvitationError("GOV.UK Notify is not configured, so the emails cannot be sent now")
    run = InviteRun()
    tokens: dict[int, str] = {}
    for recipient in recipients:
        new = create_invitation(session, inspection, questionnaire_code, days=days, email=recipient.email,
                                now=now, recipient_name=recipient.name, language=recipient.language)
        invitation = new.invitation
        if send_at is not None:
            invitation.scheduled_for = send_at
            invitation.expires_at = send_at + timedelta(days=days)
            invitation.email_status = SCHEDULED
            invitation.email_status_at = now
        tokens[invitation.id] = new.token
        run.invitations.append(invitation)
        audit.record(session, "invitation.create", actor=actor, subject=invitation, address=address, at=now,
                     detail={"inspection": inspection.code, "questionnaire": questionnaire_code,
                             "email": recipient.email, "language": recipient.language,
                             "scheduled_for": send_at.isoformat() if send_at else None})
    session.commit()
    for invitation in run.invitations:
        if send_at is not None:
            run.outcomes.append(SendOutcome(invitation.id, SCHEDULED))
            continue
        outcome = deliver(session, invitation, sender, settings, now, token=tokens[invitation.id])
        _record_send(session, invitation, "invitation.send", outcome, actor, address, now)
        run.outcomes.append(outcome)
    return run


def _record_send(session: Session, invitation: Invitation, action: str, outcome: SendOutcome,
                 actor: Actor, address: str | None, now: datetime) -> None:
    audit.record(session, action, actor=actor, subject=invitation, address=address, at=now,
                 detail={"email": invitation.email, "reference": invitation.notify_reference,
                         "outcome": outcome.state, "reason": outcome.reason})
    session.commit()


def _locked(session: Session, invitation_id: int) -> Invitation | None:
    return session.scalars(
        select(Invitation).where(Invitation.id == invitation_id)
        .with_for_update().execution_options(populate_existing=True)
    ).one_or_none()


def settle(session: Session, invitation: Invitation, sender: EmailSender, now: datetime) -> str:
    """Find out from Notify whether a "not confirmed" email was sent; return the state it settles to.

    Raises NotifyError (the invitation left as it was) when Notify cannot be asked.
    """
    if invitation.email_status != NOT_CONFIRMED or not invitation.notify_reference:
        return invitation.email_status or ""
    found = sender.find_email(invitation.notify_reference)
    now = utc(now)
    if found is not None:
        mark_accepted(invitation, str(found.get("id") or ""), now)
        invitation.email_status = NOTIFY_STATUSES.get(str(found.get("status")), SENDING)
    elif "-reminder" in invitation.notify_reference:
        invitation.reminder_sent_at = None  # never sent: the next run sends it
        invitation.email_status = SENDING if invitation.sent_at else NOT_SENT
    elif invitation.scheduled_for is not None and invitation.sent_at is None:
        invitation.email_status = SCHEDULED  # the worker sends it on its next run
    else:
        invitation.email_status = NOT_SENT
    invitation.email_status_at = now
    session.commit()
    return invitation.email_status


def resend(session: Session, invitation: Invitation, sender: EmailSender, settings: EmailSettings,
           actor: Actor, now: datetime, address: str | None = None) -> SendOutcome:
    """Email the invitation again with a new link (the old one stops working), settling first.

    An email whose outcome is unknown is looked up first; if Notify had it after all, nothing
    is sent again and the outcome says so.
    """
    if invitation.mode != "single" or not invitation.email:
        raise InvitationError("only invitations to a named person can be emailed")
    if invitation.revoked_at is not None or invitation.closed_at is not None:
        raise InvitationError("the invitation has been withdrawn")
    if invitation.used_at is not None:
        raise InvitationError("the invitation has been answered")
    if invitation.email_status == NOT_CONFIRMED:
        settled = settle(session, invitation, sender, now)
        if settled not in (NOT_SENT, SCHEDULED):
            outcome = SendOutcome(invitation.id, "already_sent")
            _record_send(session, invitation, "invitation.resend", outcome, actor, address, now)
            return outcome
    if as_utc(invitation.expires_at) <= utc(now):
        raise InvitationError("the invitation has expired: extend it first")
    kind = "invitation" if not invitation.emails_sent and invitation.notify_reference is None else "resend"
    invitation.scheduled_for = None
    outcome = deliver(session, invitation, sender, settings, now, kind=kind)
    _record_send(session, invitation, "invitation.resend", outcome, actor, address, now)
    return outcome


def revoke(session: Session, invitation: Invitation, actor: Actor, now: datetime,
           address: str | None = None) -> bool:
    """Withdraw an invitation: its link stops working and nothing more is emailed. Commits."""
    if invitation.revoked_at is not None:
        return False
    invitation.revoked_at = utc(now)
    invitation_counts.add(session, invitation, invited=-1, completed=-1 if invitation.used_at else 0)
    if invitation.email_status == SCHEDULED:
        invitation.email_status = None
    audit.record(session, "invitation.revoke", actor=actor, subject=invitation, address=address, at=now,
                 detail={"email": invitation.email})
    session.commit()
    return True


def extend(session: Session, invitation: Invitation, days: int, actor: Actor, now: datetime,
           address: str | None = None) -> datetime:
    """Let a link work `days` more days from its expiry (or from now, once expired). Commits."""
    if not 1 <= days <= 365:
        raise InvitationError("extend by 1 to 365 days")
    if invitation.revoked_at is not None or invitation.closed_at is not None:
        raise InvitationError("the invitation has been withdrawn")
    before = as_utc(invitation.expires_at)
    invitation.expires_at = max(before, utc(now)) + timedelta(days=days)
    audit.record(session, "invitation.extend", actor=actor, subject=invitation, address=address, at=now,
                 detail={"from": before.isoformat(), "to": invitation.expires_at.isoformat(), "days": days})
    session.commit()
    return invitation.expires_at


def close_collection(session: Session, inspection: Inspection, questionnaire_code: str, actor: Actor,
                     now: datetime, address: str | None = None) -> int:
    """Close an inspection's questionnaire: every link stops working, scheduled emails are not sent.

    Returns how many links were closed. Closing twice changes nothing the second time. Commits.
    """
    now = utc(now)
    questionnaire = questionnaire_row(session, questionnaire_code)
    if closure(session, inspection, questionnaire_code) is not None:
        return 0
    session.add(CollectionClosure(inspection_id=inspection.id, questionnaire_id=questionnaire.id, closed_at=now))
    closed = session.execute(
        update(Invitation)
        .where(Invitation.inspection_id == inspection.id, Invitation.questionnaire_id == questionnaire.id,
               Invitation.closed_at.is_(None))
        .values(closed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    audit.record(session, "collection.close", actor=actor, subject=inspection, address=address, at=now,
                 detail={"questionnaire": questionnaire_code, "links_closed": closed})
    try:
        session.commit()
    except IntegrityError:  # closed a moment ago by someone else
        session.rollback()
        return 0
    return closed


# --- The worker's due jobs ---------------------------------------------------------------------

@dataclass
class DueRun:
    sent: list[int] = field(default_factory=list)
    not_confirmed: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    settled: list[tuple[int, str]] = field(default_factory=list)
    reminders: ReminderRun = field(default_factory=ReminderRun)


def _live(now: datetime):
    return (Invitation.revoked_at.is_(None), Invitation.closed_at.is_(None), Invitation.expires_at > now)


def send_due(session: Session, sender: EmailSender, settings: EmailSettings, now: datetime) -> DueRun:
    """Do what is due now: settle unconfirmed emails, send scheduled ones, send the one reminder.

    Safe to run as often as wanted and from a restarted worker: each email is written ahead and
    each row locked and checked again before it is sent, so nothing goes twice. Commits.
    """
    now = utc(now)
    run = DueRun()
    unconfirmed = list(session.scalars(
        select(Invitation.id).where(Invitation.email_status == NOT_CONFIRMED,
                                    Invitation.email_status_at <= now - SETTLE_AFTER)
    ))
    scheduled = list(session.scalars(
        select(Invitation.id).where(Invitation.email_status == SCHEDULED, Invitation.scheduled_for <= now,
                                    *_live(now)).order_by(Invitation.scheduled_for, Invitation.id)
    ))
    session.commit()
    for invitation_id in unconfirmed:
        invitation = _locked(session, invitation_id)
        if invitation is None or invitation.email_status != NOT_CONFIRMED:
            session.rollback()
            continue
        try:
            run.settled.append((invitation_id, settle(session, invitation, sender, now)))
        except NotifyError as error:
            session.rollback()
            run.failed.append((invitation_id, str(error)))
    scheduled += [i for i, state in run.settled if state == SCHEDULED]
    for invitation_id in scheduled:
        invitation = _locked(session, invitation_id)
        if invitation is None or invitation.email_status != SCHEDULED or invitation.revoked_at or invitation.closed_at:
            session.rollback()
            continue
        outcome = deliver(session, invitation, sender, settings, now)
        _record_send(session, invitation, "invitation.send", outcome, audit.WORKER, None, now)
        if outcome.state == SENDING:
            run.sent.append(invitation_id)
        elif outcome.state == NOT_CONFIRMED:
            run.not_confirmed.append(invitation_id)
        else:
            run.failed.append((invitation_id, outcome.reason or outcome.state))
    run.reminders = send_reminders(session, sender, settings, now)
    for invitation_id in run.reminders.sent:
        invitation = session.get(Invitation, invitation_id)
        audit.record(session, "invitation.reminder", actor=audit.WORKER, subject=invitation, at=now,
                     detail={"email": invitation.email, "reference": invitation.notify_reference})
    session.commit()
    return run
