"""The store: organisations, inspections, questionnaires, invitations, responses, answers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .roles import ROLES, allows

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
    # Retired organisations keep their inspections and results; they are no longer offered.
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

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
    title_cy: Mapped[str | None] = mapped_column(String(400))
    fieldwork_start: Mapped[date] = mapped_column(Date)
    fieldwork_end: Mapped[date] = mapped_column(Date)
    published_on: Mapped[date | None] = mapped_column(Date)
    # Set when staff close collection for the inspection; other statuses follow from the dates.
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    organisation: Mapped[Organisation | None] = relationship()
    programme: Mapped[Programme] = relationship()

    def display_name(self, language: str) -> str:
        """Name the inspection by its organisation, or by its title for a thematic."""
        if self.organisation is not None:
            return self.organisation.display_name(language)
        if language == "cy" and self.title_cy:
            return self.title_cy
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
    # Collection (feedback.operations): who it is for, when it opens and is sent, what Notify said.
    recipient_name: Mapped[str | None] = mapped_column(String(200))
    opens_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    scheduled_for: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The latest email's state: scheduled, not_confirmed, sending, delivered, or a Notify failure.
    email_status: Mapped[str | None] = mapped_column(String(30))
    email_status_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    email_error: Mapped[str | None] = mapped_column(Text)
    notify_reference: Mapped[str | None] = mapped_column(String(100), index=True)
    notify_id: Mapped[str | None] = mapped_column(String(36), index=True)
    emails_sent: Mapped[int] = mapped_column(Integer, default=0)
    opened_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    questionnaire: Mapped[Questionnaire] = relationship()
    inspection: Mapped[Inspection] = relationship()


Index("ix_invitations_inspection_questionnaire", Invitation.inspection_id, Invitation.questionnaire_id)


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
        # The few responses not yet in answer_counts, which results read from the raw tables.
        Index("ix_responses_waiting_count", "questionnaire_version_id", "submitted_at",
              postgresql_where=text("counted IS false"), sqlite_where=text("counted IS 0")),
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
    # False until feedback.counting adds the response to answer_counts, in a batch, shortly
    # after it is stored. (Rows stored before the column existed were counted already.)
    counted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=true())

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


RESPONSE_STORED = "stored"  # the one kind of response event so far


class ResponseEvent(Base):
    """Something that happened to a response, kept until what acts on it has done so.

    responses.store_response writes a "stored" row in the transaction that stores the
    response, and knows nothing of what follows from it: feedback.slack.alerts takes the rows
    (deletes them, in the transaction that queues any alert they call for).
    """

    __tablename__ = "response_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))


STAFF_ROLES = ROLES


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
    # The identity provider's issuer and subject, kept at the first single sign-on so that a
    # later sign-in must come from the same person there, whatever their email becomes.
    sso_subject: Mapped[str | None] = mapped_column(String(600), unique=True)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def may(self, permission: str) -> bool:
        """Say whether this member of staff's role holds a permission (feedback.roles)."""
        return allows(self.role, permission)


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


class AuditEvent(Base):
    """One staff action that changed data, sent email or revealed responses (feedback.audit)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    actor: Mapped[str] = mapped_column(String(320))  # the email, or "command line" / "worker"
    action: Mapped[str] = mapped_column(String(60), index=True)
    subject_type: Mapped[str | None] = mapped_column(String(60))
    subject_id: Mapped[str | None] = mapped_column(String(120))
    detail: Mapped[dict] = mapped_column(JSON)
    address: Mapped[str | None] = mapped_column(String(45))


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
    # While message_ts is None: "posting" (a run holds the claim since claimed_at) or
    # "unconfirmed" (posted, but Slack's reply was lost: look in the channel before posting).
    state: Mapped[str | None] = mapped_column(String(12))
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


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
    # "sending" (claimed by a run) or "unconfirmed" (Slack's reply was lost): either way the
    # alert may be in the channel, so the next attempt looks there first. None otherwise.
    state: Mapped[str | None] = mapped_column(String(12))
    message_ts: Mapped[str | None] = mapped_column(String(40))


# --- Answer counts: kept as answers arrive, so results stay fast however many there are --------

# Rows of answer_counts, by kind: how many responses, how many gave each answer, and how many
# choices beyond the first (multiple choice: responses answering = answers - extra choices).
COUNT_RESPONSES = "r"
COUNT_ANSWERS = "a"
COUNT_EXTRA_CHOICES = "x"
# Spans: a UK calendar month (day = its first day) or one UK day.
SPAN_MONTH = "m"
SPAN_DAY = "d"
NO_INSPECTION = 0  # a response with no inspection
ALL_INSPECTIONS = -1  # the national rows: every response, whatever its inspection
# Each count is kept in a few rows (by response id), added up when read: batches counted at
# the same time seldom wait for each other's lock on the same national row.
COUNT_SHARDS = 8


class AnswerCount(Base):
    """How many responses and answers, by the facets results filter on.

    Kept by feedback.counting alone: it adds responses in batches, shortly after they are
    stored (until then a response says counted = false, and results count it from the raw
    tables), and takes a counted response out again before it is changed or deleted. So the
    counts plus the responses still waiting always equal a recount. Three sets of rows for each
    response: its month and inspection, its day nationally, its month nationally.
    results/query.py adds them up; it reads the raw tables for what they cannot answer.
    """

    __tablename__ = "answer_counts"
    # PostgreSQL reads a period's counts from the key's index alone (an index-only scan).
    __table_args__ = (PrimaryKeyConstraint(
        "questionnaire_version_id", "inspection_id", "span", "day", "channel", "language", "kind",
        "question_code", "value", "shard", name="pk_answer_counts", postgresql_include=["n"]),)

    questionnaire_version_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0 none, -1 all
    span: Mapped[str] = mapped_column(String(1), primary_key=True)  # m or d
    day: Mapped[date] = mapped_column(Date, primary_key=True)  # UK day, or first of the month
    channel: Mapped[str] = mapped_column(String(10), primary_key=True)
    language: Mapped[str] = mapped_column(String(4), primary_key=True)
    kind: Mapped[str] = mapped_column(String(1), primary_key=True)  # r, a or x
    question_code: Mapped[str] = mapped_column(String(60), primary_key=True)  # "" for r
    value: Mapped[str] = mapped_column(String(60), primary_key=True)  # "" for r and x
    shard: Mapped[int] = mapped_column(Integer, primary_key=True)  # response id % COUNT_SHARDS
    n: Mapped[int] = mapped_column(BigInteger)


COUNT_KEY = ("questionnaire_version_id", "inspection_id", "span", "day", "channel", "language",
             "kind", "question_code", "value", "shard")

# --- Slack requests waiting for their answer ---------------------------------------------------

class SlackRequest(Base):
    """A Slack request acknowledged and waiting to be answered by `feedback worker`.

    A /feedback command, a "Share in channel" button pressed, or the App Home opened: the web
    process stores it and acknowledges; a worker claims it (attempts + 1, leased until
    next_attempt_at), works the answer out, sends it, and sets done_at and outcome. `text` is
    what the person typed (or the share button's value); `response_url` is where Slack takes
    the answer, for 30 minutes (expires_at).
    """

    __tablename__ = "slack_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # command, share, home
    user_id: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text, default="")
    response_url: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    outcome: Mapped[str | None] = mapped_column(String(20))  # answered, failed, given_up
    last_error: Mapped[str | None] = mapped_column(Text)


# Only the requests still waiting are indexed: the workers' one query.
Index("ix_slack_requests_waiting", SlackRequest.next_attempt_at, SlackRequest.id,
      postgresql_where=SlackRequest.done_at.is_(None), sqlite_where=SlackRequest.done_at.is_(None))


# --- Running the year from the staff pages (feedback.operations) --------------------------------

class StaffInvitation(Base):
    """An emailed link for a new member of staff to set a password; only its hash is kept."""

    __tablename__ = "staff_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ProgrammeUpload(Base):
    """An uploaded programme file, kept between its preview and its confirmation."""

    __tablename__ = "programme_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)  # random, in the preview's address
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    imported_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    summary: Mapped[dict | None] = mapped_column(JSON)  # how many rows of each kind it added or changed


# --- Staff identity: single sign-on and second factors (feedback.identity) ---------------


class AuthenticatorApp(Base):
    """A member of staff's authenticator app (TOTP); the secret is kept encrypted.

    `confirmed_at` is empty until a first code has been entered; `last_step` is the time step of
    the last code accepted, so no code is accepted twice.
    """

    __tablename__ = "staff_authenticator_apps"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), unique=True)
    secret_encrypted: Mapped[str] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_step: Mapped[int | None] = mapped_column(BigInteger)


class SecurityKey(Base):
    """A security key or passkey (a WebAuthn credential) registered by a member of staff."""

    __tablename__ = "staff_security_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    credential_id: Mapped[str] = mapped_column(String(1400), unique=True)  # base64url
    public_key: Mapped[str] = mapped_column(Text)  # base64url COSE key
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    transports: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class RecoveryCode(Base):
    """A single-use recovery code; only its SHA-256 hash is kept."""

    __tablename__ = "staff_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class SignInAttempt(Base):
    """A sign-in under way, kept on the server; the browser's session holds only its id.

    For single sign-on: the hash of the state sent to the identity provider, the nonce and the
    PKCE verifier. For a password accepted and a second factor still to come: the member of
    staff. `used_at` is set once the attempt has ended, so it cannot be used again.
    """

    __tablename__ = "staff_sign_in_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # sso, second_factor
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    failures: Mapped[int] = mapped_column(Integer, default=0)
    state_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    nonce: Mapped[str | None] = mapped_column(String(100))
    code_verifier: Mapped[str | None] = mapped_column(String(200))
    # The WebAuthn challenge of the key ceremony under way (base64url).
    challenge: Mapped[str | None] = mapped_column(String(200))
    next_path: Mapped[str | None] = mapped_column(String(2000))


# --- Collection: closing an inspection's questionnaire, and Notify's delivery receipts -------

class CollectionClosure(Base):
    """An inspection's questionnaire closed to responses: its links stop working."""

    __tablename__ = "collection_closures"
    __table_args__ = (UniqueConstraint("inspection_id", "questionnaire_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"))
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id"))
    closed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class NotifyReceipt(Base):
    """A delivery receipt from GOV.UK Notify; the same receipt twice is kept once."""

    __tablename__ = "notify_receipts"
    __table_args__ = (UniqueConstraint("notification_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[str] = mapped_column(String(36))
    reference: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(30))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())


class InvitationCount(Base):
    """Named invitations made, and answered, per inspection, questionnaire and UK day made.

    Response rates read these rather than every invitation, and they stay when the retention
    policy deletes old invitations, so past periods keep their rates (feedback.invitation_counts).
    """

    __tablename__ = "invitation_counts"

    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    invited: Mapped[int] = mapped_column(Integer, default=0)
    completed: Mapped[int] = mapped_column(Integer, default=0)


class GuessThrottle(Base):
    """Recent wrong guesses (passwords, API tokens) from one source, and how long it must wait
    (feedback.throttle). Keyed by a hash: no address, email or IP is stored as written."""

    __tablename__ = "guess_throttles"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failure_at: Mapped[datetime] = mapped_column(UtcDateTime())
    blocked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
