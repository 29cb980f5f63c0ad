"""The store: organisations, inspections, questionnaires, invitations, responses, answers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Values kept in string columns; the application checks them, the database keeps them short.
ORGANISATION_KINDS = ("probation_trust", "yot", "prison", "other")
LANGUAGE_PREFERENCES = ("en", "cy", "both")
CHANNELS = ("web", "kiosk", "paper")
LANGUAGES = ("en", "cy")
INVITATION_MODES = ("single", "shared")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def UtcDateTime() -> DateTime:
    """A timezone-aware timestamp; every time the service stores is UTC."""
    return DateTime(timezone=True)


class Region(Base):
    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    name_cy: Mapped[str] = mapped_column(String(120))


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_cy: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    in_wales: Mapped[bool] = mapped_column(Boolean, default=False)
    language_preference: Mapped[str] = mapped_column(String(4), default="en")
    contact_email: Mapped[str | None] = mapped_column(String(320))

    region: Mapped[Region] = relationship()

    def display_name(self, language: str) -> str:
        """Return the organisation's name in the reader's language where it has one."""
        return self.name_cy if language == "cy" and self.name_cy else self.name


class Programme(Base):
    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_cy: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(20))  # adult, youth, prison, joint


class Inspection(Base):
    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(120), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    title: Mapped[str | None] = mapped_column(String(400))
    fieldwork_start: Mapped[date] = mapped_column(Date)
    fieldwork_end: Mapped[date] = mapped_column(Date)
    published_on: Mapped[date | None] = mapped_column(Date)

    organisation: Mapped[Organisation | None] = relationship()
    programme: Mapped[Programme] = relationship()

    def display_name(self, language: str) -> str:
        """Name the inspection by its organisation, or by its title for a thematic."""
        if self.organisation is not None:
            return self.organisation.display_name(language)
        return self.title or self.code


class Questionnaire(Base):
    __tablename__ = "questionnaires"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)

    versions: Mapped[list["QuestionnaireVersion"]] = relationship(
        back_populates="questionnaire", order_by="QuestionnaireVersion.version"
    )


class QuestionnaireVersion(Base):
    """One wording of a questionnaire; answers stay tied to the version they were given against."""

    __tablename__ = "questionnaire_versions"
    __table_args__ = (UniqueConstraint("questionnaire_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id"))
    version: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="versions")


class Invitation(Base):
    """A link sent to respondents; only a hash of its token is kept."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id"))
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"))
    mode: Mapped[str] = mapped_column(String(10))
    language: Mapped[str] = mapped_column(String(4), default="en")
    email: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    questionnaire: Mapped[Questionnaire] = relationship()
    inspection: Mapped[Inspection] = relationship()


class Draft(Base):
    """Answers a respondent has given so far, kept on the server until they submit."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"))
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"))
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"))
    channel: Mapped[str] = mapped_column(String(10))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    # None until the respondent says whether to answer the optional "About you" questions.
    include_about_you: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    response_id: Mapped[int | None] = mapped_column(ForeignKey("responses.id"))

    invitation: Mapped[Invitation | None] = relationship()
    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()
    inspection: Mapped[Inspection | None] = relationship()


class Response(Base):
    __tablename__ = "responses"
    __table_args__ = (
        Index("ix_responses_version_submitted", "questionnaire_version_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # One key per submission attempt: a retried or doubled POST carries the same key.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"))
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"), index=True)
    # The kiosk a response arrived from (kiosk channel only): which tablet, never who.
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    language: Mapped[str] = mapped_column(String(4))
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime())

    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()
    inspection: Mapped[Inspection | None] = relationship()
    answers: Mapped[list["Answer"]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class Answer(Base):
    """One answer: an option code for closed questions (one row a choice), or free text."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("response_id", "question_code", "value"),
        Index("ix_answers_question_value", "question_code", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    question_code: Mapped[str] = mapped_column(String(60))
    value: Mapped[str] = mapped_column(String(60))
    text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="answers")


STAFF_ROLES = ("admin", "analyst")


class StaffUser(Base):
    """An inspectorate member of staff who signs in to see results."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Raised at sign-out: every session that carries an older number is no longer valid.
    session_generation: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class Device(Base):
    """A tablet enrolled as a kiosk for one questionnaire at one site.

    The enrolment link's token and the device's credential are kept only as SHA-256 hashes;
    the staff PIN that leaves kiosk mode only as a slow password hash.
    """

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    site: Mapped[str] = mapped_column(String(200))
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id"))
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"))
    welsh_first: Mapped[bool] = mapped_column(Boolean, default=False)
    # Cleared when the link is used: an enrolment link binds one tablet, once.
    enrolment_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    enrolment_expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    credential_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    pin_hash: Mapped[str] = mapped_column(String(255))
    failed_pins: Mapped[int] = mapped_column(Integer, default=0)
    pin_locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    bound_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    questionnaire: Mapped[Questionnaire] = relationship()
    inspection: Mapped[Inspection | None] = relationship()


EXPORT_KINDS = ("results", "responses")
EXPORT_FORMATS = ("csv", "ods")


class ExportLog(Base):
    """One file a member of staff took away: who, when, what and how many rows."""

    __tablename__ = "export_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    kind: Mapped[str] = mapped_column(String(20))  # results, responses
    questionnaire_code: Mapped[str] = mapped_column(String(60))
    format: Mapped[str] = mapped_column(String(10))  # csv, ods
    filters: Mapped[dict] = mapped_column(JSON)
    rows: Mapped[int] = mapped_column(Integer)

    staff_user: Mapped[StaffUser] = relationship()


class ApiToken(Base):
    """A named bearer token for the results API; only a SHA-256 hash of it is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class DigestPost(Base):
    """A Slack digest posted: one per period, channel and language, unless posted again on purpose."""

    __tablename__ = "digest_posts"
    __table_args__ = (UniqueConstraint("period_code", "channel", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_code: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(80))
    language: Mapped[str] = mapped_column(String(4))
    posted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Slack's id for the message; None while it is being posted.
    message_ts: Mapped[str | None] = mapped_column(String(40))


class SlackOutbox(Base):
    """A Slack message to send, written in the transaction that made it necessary.

    `feedback slack send-alerts` posts what is due and records each attempt; the payload holds
    ids and codes, never free text.
    """

    __tablename__ = "slack_outbox"
    __table_args__ = (Index("ix_slack_outbox_unsent", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
