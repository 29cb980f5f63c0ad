"""Email invitations and their one reminder, through GOV.UK Notify.

The words of the emails live in Notify's templates (docs/notify-templates.md); the service
passes only data, in both languages, as personalisation.

Only a hash of an invitation's token is stored, so the link in the first email cannot be sent
again. A reminder therefore carries a NEW link: sending it rotates the token, and the link in
the first email stops working from then on (anyone who opens it sees "This link cannot be
used"). Answers already being given are not lost: a draft belongs to the invitation, not to
its token. Each invitation gets at most one reminder, however often `send_reminders` runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from . import questionnaires
from .clock import as_utc
from .models import Invitation
from .notify import EmailSender, NotifyError, NotifyNotConfigured
from .tokens import hash_token, new_token

# Babel locales for "en" and "cy", as feedback.i18n uses them.
LOCALES = {"en": "en_GB", "cy": "cy"}
EMAIL_LANGUAGES = ("en", "cy", "both")

# No reminder so soon after the invitation that it would arrive the same day as it.
REMINDER_NOT_WITHIN = timedelta(days=1)


def babel_translate(text: Any, language: str) -> str:
    """Render lazily translated text (a questionnaire title) in a language.

    Needs a Flask application context, as every caller in the service has; flask_babel is
    imported here, not at the top, so the rest of this module runs without Flask.
    """
    from flask_babel import force_locale

    with force_locale(LOCALES[language]):
        return str(text)


@dataclass(frozen=True)
class EmailSettings:
    """The configuration the emails need, taken from the service's config mapping."""

    public_base_url: str
    invitation_templates: Mapping[str, str]  # "en" | "cy" | "both" -> Notify template id
    reminder_templates: Mapping[str, str]
    reminder_days_before_expiry: int = 7
    timezone: str = "Europe/London"
    translate: Callable[[Any, str], str] = field(default=babel_translate, compare=False)

    @classmethod
    def from_config(
        cls, config: Mapping[str, Any], translate: Callable[[Any, str], str] = babel_translate
    ) -> "EmailSettings":
        return cls(
            public_base_url=str(config["PUBLIC_BASE_URL"]).rstrip("/"),
            invitation_templates={
                language: config.get(f"NOTIFY_TEMPLATE_INVITATION_{language.upper()}") or ""
                for language in EMAIL_LANGUAGES
            },
            reminder_templates={
                language: config.get(f"NOTIFY_TEMPLATE_REMINDER_{language.upper()}") or ""
                for language in EMAIL_LANGUAGES
            },
            reminder_days_before_expiry=int(config.get("REMINDER_DAYS_BEFORE_EXPIRY", 7)),
            timezone=config.get("BABEL_DEFAULT_TIMEZONE") or "Europe/London",
            translate=translate,
        )

    def template(self, kind: str, language: str) -> str:
        """Return the template id for an invitation or a reminder in a language, or raise."""
        templates = self.invitation_templates if kind == "invitation" else self.reminder_templates
        template_id = templates.get(language, "")
        if not template_id:
            raise NotifyNotConfigured(
                f"GOV.UK Notify is not configured for {kind} emails in language {language!r}: "
                f"set NOTIFY_TEMPLATE_{kind.upper()}_{language.upper()}."
            )
        return template_id

    def link(self, token: str) -> str:
        return f"{self.public_base_url}/i/{token}"


def format_expiry(moment: datetime, language: str, tz: str = "Europe/London") -> str:
    """The day a link stops working, as written in the UK: 24 December 2026, 24 Rhagfyr 2026."""
    day = as_utc(moment).astimezone(ZoneInfo(tz)).date()
    return format_date(day, format="d MMMM y", locale=LOCALES[language])


def personalisation(invitation: Invitation, token: str, settings: EmailSettings) -> dict[str, str]:
    """The data every template may use, in both languages whatever the template's language."""
    inspection = invitation.inspection
    definition = questionnaires.get(invitation.questionnaire.code)
    title = definition.title if definition is not None else invitation.questionnaire.code
    return {
        "organisation_name": inspection.display_name("en"),
        "organisation_name_cy": inspection.display_name("cy"),
        "questionnaire_title": settings.translate(title, "en"),
        "questionnaire_title_cy": settings.translate(title, "cy"),
        "link": settings.link(token),
        "expiry_date": format_expiry(invitation.expires_at, "en", settings.timezone),
        "expiry_date_cy": format_expiry(invitation.expires_at, "cy", settings.timezone),
    }


def invitation_reference(invitation: Invitation) -> str:
    return f"invitation-{invitation.id}"


def reminder_reference(invitation: Invitation) -> str:
    return f"invitation-{invitation.id}-reminder"


def _utc(now: datetime) -> datetime:
    return as_utc(now).astimezone(timezone.utc)


def send_invitation(
    session: Session,
    invitation: Invitation,
    token: str,
    sender: EmailSender,
    settings: EmailSettings,
    now: datetime,
) -> str:
    """Email a new invitation's link; call right after create_invitation, while the token is known.

    Records sent_at (flushed; the caller commits). Raises NotifyError, leaving sent_at empty,
    if Notify does not accept the email. Returns Notify's id for the email.
    """
    if not invitation.email:
        raise ValueError("the invitation has no email address")
    if invitation.id is None:
        session.flush()
    template_id = settings.template("invitation", invitation.language)
    notification_id = sender.send_email(
        to=invitation.email,
        template_id=template_id,
        personalisation=personalisation(invitation, token, settings),
        reference=invitation_reference(invitation),
    )
    invitation.sent_at = _utc(now)
    session.flush()
    return notification_id


def _due_for_reminder(now: datetime, days_before_expiry: int):
    """The conditions, in SQL, for an invitation that should have its reminder now."""
    return (
        Invitation.email.is_not(None),
        Invitation.email != "",
        Invitation.sent_at.is_not(None),
        Invitation.sent_at <= now - REMINDER_NOT_WITHIN,
        Invitation.reminder_sent_at.is_(None),
        Invitation.revoked_at.is_(None),
        Invitation.expires_at > now,
        Invitation.expires_at <= now + timedelta(days=days_before_expiry),
        or_(Invitation.mode != "single", Invitation.used_at.is_(None)),
    )


def due_reminders(session: Session, settings: EmailSettings, now: datetime) -> list[Invitation]:
    """The invitations whose reminder is due now, soonest to expire first."""
    now = _utc(now)
    return list(
        session.scalars(
            select(Invitation)
            .where(*_due_for_reminder(now, settings.reminder_days_before_expiry))
            .order_by(Invitation.expires_at, Invitation.id)
        )
    )


@dataclass
class ReminderRun:
    sent: list[int] = field(default_factory=list)  # invitation ids
    failed: list[tuple[int, str]] = field(default_factory=list)  # (invitation id, reason)


def send_reminders(
    session: Session, sender: EmailSender, settings: EmailSettings, now: datetime
) -> ReminderRun:
    """Send every due reminder, each with a new link; safe to run as often as cron likes.

    It commits (or rolls back) `session` as it goes, so give it a session of its own.
    Each invitation is handled in a transaction of its own: its row is locked and checked
    again, its token is replaced, the email is sent, and only then is the change committed.
    If Notify refuses, the transaction is rolled back: the old link keeps working and the next
    run tries again. Once committed, reminder_sent_at stops it being sent again. (Should the
    commit itself fail after Notify accepted the email, that email's link does not work, and
    the next run sends another reminder with one that does.)
    """
    now = _utc(now)
    ids = [invitation.id for invitation in due_reminders(session, settings, now)]
    session.commit()  # end the reading transaction before locking rows one by one
    run = ReminderRun()
    for invitation_id in ids:
        invitation = session.scalars(
            select(Invitation)
            .where(Invitation.id == invitation_id,
                   *_due_for_reminder(now, settings.reminder_days_before_expiry))
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one_or_none()
        if invitation is None:  # another run sent it, or it was used or revoked meanwhile
            session.rollback()
            continue
        try:
            template_id = settings.template("reminder", invitation.language)
            token = new_token()
            invitation.token_hash = hash_token(token)
            invitation.reminder_sent_at = now
            invitation.notify_reference = reminder_reference(invitation)
            invitation.email_status, invitation.email_status_at = "not_confirmed", now
            session.flush()
            notification_id = sender.send_email(
                to=invitation.email,
                template_id=template_id,
                personalisation=personalisation(invitation, token, settings),
                reference=reminder_reference(invitation),
            )
        except NotifyError as error:
            if getattr(error, "outcome_unknown", False):
                # Notify may have it: keep the reminder as sent, "not confirmed", to be settled
                # (feedback.operations) before anything sends it again.
                invitation.email_error = str(error)
                session.commit()
                run.failed.append((invitation_id, f"not confirmed: {error}"))
                continue
            session.rollback()
            run.failed.append((invitation_id, str(error)))
            continue
        except BaseException:
            session.rollback()
            raise
        invitation.email_status, invitation.notify_id = "sending", notification_id or None
        invitation.emails_sent = (invitation.emails_sent or 0) + 1
        session.commit()
        run.sent.append(invitation_id)
    return run
