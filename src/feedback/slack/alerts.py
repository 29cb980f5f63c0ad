"""Alerts: a post-inspection evaluation answered below "mainly" tells the team in Slack.

responses.store_response notes each response it stores in response_events, in the transaction
that stores it, and does nothing more while the respondent waits. `queue_new_alerts` takes those
rows and adds an alert to slack_outbox for each response that needs one, in one transaction:
so an alert is queued if and only if its response was stored, once, however many run it at
once. `send_alerts` (the worker's alerts job, or `feedback slack send-alerts`) queues first, then posts
what is due, retrying with backoff.

The payload holds codes and ids, never text: the message is worded when it is sent, from the
stored answers. The only free text an alert may carry is a post-inspection evaluation's
comment, escaped; victims' and young people's comments never leave the dashboard.

This module imports neither Flask nor slack-sdk at import time; sending imports them when it
runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Callable, ContextManager

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from .. import questionnaires
from ..clock import as_utc, utcnow
from ..models import (
    RESPONSE_STORED,
    Answer,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    ResponseEvent,
    SlackOutbox,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..questionnaires import QuestionnaireDefinition
    from .blocks import Message
    from .posting import Poster

LOW_EVALUATION = "low_evaluation"
# Below "mainly" on the fully / mainly / partly / not at all scale.
LOW_ANSWERS = ("partly", "not_at_all")
ALERTED_QUESTIONNAIRES = frozenset({"post-inspection-evaluation"})
# The one questionnaire whose comment may appear in an alert (an organisation's own return).
COMMENT_QUESTIONNAIRES = frozenset({"post-inspection-evaluation"})
COMMENT_CHARS = 1500

DEFAULT_MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)  # a claimed alert is left to its sender this long
ALERT_EVENT = "feedback_alert"  # Slack message metadata naming an alert
SENDING = "sending"
UNCONFIRMED = "unconfirmed"
LOOK_BACK = timedelta(minutes=10)  # looked through before an alert was queued, for clocks that differ


def low_answers(definition: "QuestionnaireDefinition", answers: dict[str, Any]) -> list[tuple[str, str]]:
    """Return (question, answer) for each answer below "mainly", in question order."""
    if definition.code not in ALERTED_QUESTIONNAIRES:
        return []
    low = []
    for question in definition.questions:
        if question.scale.code == "fully_mainly" and answers.get(question.code) in LOW_ANSWERS:
            low.append((question.code, answers[question.code]))
    return low


QUEUE_BATCH = 500


def queue_new_alerts(session: Session, batch: int = QUEUE_BATCH) -> int:
    """Queue an alert for each newly stored response that needs one; commit; return how many.

    Takes the responses' "stored" events (deletes them) and adds their alerts to slack_outbox
    in one transaction, a batch at a time until none are left: each stored response is looked
    at exactly once, whoever else runs this meanwhile. PostgreSQL: a run skips the events
    another has taken (SKIP LOCKED). SQLite: runs take turns to write (BEGIN IMMEDIATE), and a
    later one finds the events gone.
    """
    queued = 0
    while True:
        taken, alerts = _queue_batch(session, batch)
        session.commit()
        queued += alerts
        if taken < batch:
            return queued


def _queue_batch(session: Session, batch: int) -> tuple[int, int]:
    """Take up to `batch` events, add the alerts their responses call for; return (events, alerts)."""
    events = ResponseEvent.__table__
    oldest = select(events.c.id).where(events.c.kind == RESPONSE_STORED).order_by(events.c.id).limit(batch)
    if session.get_bind().dialect.name == "postgresql":
        oldest = oldest.with_for_update(skip_locked=True)
    response_ids = session.execute(
        delete(events).where(events.c.id.in_(oldest)).returning(events.c.response_id)).scalars().all()
    alerted = dict(session.execute(
        select(Response.id, Questionnaire.code)
        .join(QuestionnaireVersion, Response.questionnaire_version_id == QuestionnaireVersion.id)
        .join(Questionnaire, QuestionnaireVersion.questionnaire_id == Questionnaire.id)
        .where(Response.id.in_(response_ids), Questionnaire.code.in_(sorted(ALERTED_QUESTIONNAIRES)))
    ).all()) if response_ids else {}
    given: dict[int, dict[str, str]] = {}
    if alerted:
        for response_id, question, value in session.execute(
                select(Answer.response_id, Answer.question_code, Answer.value)
                .where(Answer.response_id.in_(list(alerted)))):
            given.setdefault(response_id, {})[question] = value
    alerts = 0
    for response_id in sorted(alerted):
        definition = questionnaires.get(alerted[response_id])
        low = low_answers(definition, given.get(response_id, {})) if definition is not None else []
        if low:
            session.add(_alert(response_id, definition.code, low))
            alerts += 1
    session.flush()
    return len(response_ids), alerts


def _alert(response_id: int, questionnaire: str, low: list[tuple[str, str]]) -> SlackOutbox:
    return SlackOutbox(
        kind=LOW_EVALUATION,
        payload={
            "response_id": response_id,
            "questionnaire": questionnaire,
            "low": [{"question": code, "answer": value} for code, value in low],
        },
        created_at=utcnow(),
        attempts=0,
    )


# --- Wording an alert -----------------------------------------------------------------------

def _comment(session: Session, response_id: int) -> str | None:
    return session.execute(
        select(Answer.text).where(Answer.response_id == response_id, Answer.question_code == "comments")
    ).scalar_one_or_none()


def _render_one(session: Session, item: SlackOutbox, response: Response, language: str,
                base_url: str) -> "Message":
    from flask_babel import force_locale
    from flask_babel import gettext as _

    from .. import questionnaires
    from ..i18n import LANGUAGES, format_day
    from . import blocks
    from .blocks import Message
    from .mrkdwn import bold, escape, link, quote_lines

    payload = item.payload or {}
    definition = questionnaires.get(payload.get("questionnaire", ""))
    with force_locale(LANGUAGES[language]):
        inspection = response.inspection
        if inspection is not None:
            organisation = inspection.display_name(language)
            programme = inspection.programme.name_cy if language == "cy" else inspection.programme.name
            described = _("%(programme)s, fieldwork %(start)s to %(end)s",
                          programme=programme,
                          start=format_day(inspection.fieldwork_start, language),
                          end=format_day(inspection.fieldwork_end, language))
            url = blocks.inspection_url(base_url, inspection.code)
        else:
            organisation = _("Not recorded")
            described = _("Not recorded")
            url = blocks.overview_url(base_url)
        title = _("Post-inspection evaluation: answers below “mainly”")
        lead = _("These answers are below “mainly”: the team follows them up.")
        organisation_label, inspection_label = escape(_("Organisation")), escape(_("Inspection"))
        facts = [
            f"{bold(organisation_label)}: {escape(organisation)}",
            f"{bold(inspection_label)}: {escape(described)}",
        ]
        answers = []
        for low in payload.get("low", []):
            question = definition.question(low.get("question", "")) if definition else None
            option = question.scale.option(low.get("answer", "")) if question else None
            if question is not None and option is not None:
                answers.append((escape(question.text), escape(option.label)))
        comment = None
        if (definition is not None and definition.code in COMMENT_QUESTIONNAIRES
                and not definition.comments_restricted):
            comment = _comment(session, response.id)
        more = _("Open the inspection on the dashboard")
        lines = [escape(lead), *facts, "", *[f"• {q}: {bold(a)}" for q, a in answers]]
        plain = [escape(title), escape(lead), f"{organisation_label}: {escape(organisation)}",
                 f"{inspection_label}: {escape(described)}",
                 *[f"• {q}: {a}" for q, a in answers]]
        rich = [blocks.header(title), *blocks.sections(lines)]
        if comment:
            said = blocks.truncate(comment, COMMENT_CHARS)
            comment_label = escape(_("Comment"))
            rich.extend(blocks.sections([bold(comment_label), quote_lines(said)]))
            plain.append(f"{comment_label}: {escape(said)}")
        rich.append(blocks.section(link(url, more)))
        plain.append(f"{escape(more)}: {escape(url)}")
        return Message("\n".join(plain), blocks.fit(rich, blocks.MESSAGE_BLOCKS, rich[-1]))


def render_alert(session: Session, item: SlackOutbox, language: str, base_url: str) -> "Message | None":
    """Word an alert in "en", "cy" or "both"; None when its response is no longer stored."""
    from . import blocks
    from .blocks import Message

    response = session.get(Response, (item.payload or {}).get("response_id"))
    if response is None:
        return None
    if language != "both":
        return _render_one(session, item, response, language, base_url)
    english = _render_one(session, item, response, "en", base_url)
    welsh = _render_one(session, item, response, "cy", base_url)
    combined = english.blocks + [blocks.divider()] + welsh.blocks
    return Message(english.text + "\n\n" + welsh.text,
                   blocks.fit(combined, blocks.MESSAGE_BLOCKS, english.blocks[-1]))


# --- Sending ----------------------------------------------------------------------------------

@dataclass
class SendReport:
    sent: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    abandoned: list[tuple[int, str]] = field(default_factory=list)
    unconfirmed: list[tuple[int, str]] = field(default_factory=list)  # may be in the channel
    found: list[int] = field(default_factory=list)  # in the channel already: recorded, not posted


def alert_metadata(item_id: int) -> dict:
    """The metadata an alert is posted with, and found by when its reply was lost."""
    return {"event_type": ALERT_EVENT, "event_payload": {"alert_id": item_id}}


def backoff(attempts: int) -> timedelta:
    """Wait 1, 2, 4 ... minutes after each failure, an hour at most."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def due(session: Session, now: datetime, max_attempts: int, limit: int) -> list[int]:
    """Return the ids of unsent alerts whose next attempt is due, oldest first."""
    return list(session.scalars(
        select(SlackOutbox.id)
        .where(SlackOutbox.sent_at.is_(None), SlackOutbox.attempts < max_attempts,
               or_(SlackOutbox.next_attempt_at.is_(None), SlackOutbox.next_attempt_at <= now))
        .order_by(SlackOutbox.id)
        .limit(limit)
    ))


def _claim(session: Session, item_id: int, now: datetime) -> bool:
    """Take an alert for this run; False if another run took it first."""
    claimed = session.execute(
        update(SlackOutbox)
        .where(SlackOutbox.id == item_id, SlackOutbox.sent_at.is_(None),
               or_(SlackOutbox.next_attempt_at.is_(None), SlackOutbox.next_attempt_at <= now))
        .values(attempts=SlackOutbox.attempts + 1, next_attempt_at=now + LEASE, state=SENDING)
    )
    return claimed.rowcount == 1


def send_alerts(
    sessions: Callable[[], ContextManager[Session]],
    poster: "Poster",
    channel: str,
    language: str,
    base_url: str,
    *,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    limit: int = 100,
    now: Callable[[], datetime] = utcnow,
) -> SendReport:
    """Post the alerts that are due, one transaction each; a failure waits longer each time.

    Each alert is claimed (attempts + 1, leased for a few minutes) and committed before it is
    posted, so two runs at once never both post it, and nothing is locked while Slack answers.
    An alert whose earlier attempt may have reached Slack (the reply lost, the sender killed)
    is looked for in the channel by its metadata first, and recorded rather than posted if it
    is there. Alerts for the responses stored since the last run are queued first
    (`queue_new_alerts`). Call inside an application context (the wording is translated).
    """
    from .posting import OutcomeUnknown, SlackPostError

    report = SendReport()
    with sessions() as session:
        queue_new_alerts(session)
    with sessions() as session:
        ids = due(session, now(), max_attempts, limit)

    def record(item_id: int, **values: Any) -> None:
        with sessions() as session:
            session.execute(update(SlackOutbox).where(SlackOutbox.id == item_id).values(**values))

    for item_id in ids:
        with sessions() as session:
            # An alert left "sending" (its sender killed) or "unconfirmed" (Slack's reply lost)
            # may be in the channel already.
            in_doubt = session.scalar(select(SlackOutbox.state).where(SlackOutbox.id == item_id)) is not None
            if not _claim(session, item_id, now()):
                continue
        with sessions() as session:
            item = session.get(SlackOutbox, item_id)
            message = render_alert(session, item, language, base_url)
            attempts, queued_at = item.attempts, as_utc(item.created_at)
        if message is None:
            reason = "the response is no longer stored"
            record(item_id, attempts=max_attempts, last_error=reason, next_attempt_at=None, state=None)
            report.abandoned.append((item_id, reason))
            continue
        retry_at = as_utc(now()) + backoff(attempts)
        given_up = attempts >= max_attempts
        if in_doubt:
            try:
                ts = poster.find(channel, ALERT_EVENT, {"alert_id": item_id}, queued_at - LOOK_BACK)
            except Exception as error:  # cannot tell whether it is there: post nothing yet
                reason = f"may be in the channel already; could not look ({str(error)[:400]})"
                record(item_id, last_error=reason, next_attempt_at=retry_at, state=UNCONFIRMED)
                (report.abandoned if given_up else report.unconfirmed).append((item_id, reason))
                continue
            if ts:
                record(item_id, sent_at=now(), message_ts=ts, last_error=None, next_attempt_at=None, state=None)
                report.found.append(item_id)
                continue
        try:
            ts = poster.post(channel, message, alert_metadata(item_id))
        except Exception as error:  # any failure is recorded and retried later, never lost
            reason = str(error)[:500] or type(error).__name__
            unknown = isinstance(error, OutcomeUnknown) or not isinstance(error, SlackPostError)
            record(item_id, last_error=reason, next_attempt_at=retry_at, state=UNCONFIRMED if unknown else None)
            if given_up:
                report.abandoned.append((item_id, reason))
            else:
                (report.unconfirmed if unknown else report.failed).append((item_id, reason))
            continue
        record(item_id, sent_at=now(), message_ts=ts, last_error=None, next_attempt_at=None, state=None)
        report.sent.append(item_id)
    return report


def pending_count(session: Session, max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> int:
    from sqlalchemy import func

    return session.execute(
        select(func.count()).select_from(SlackOutbox)
        .where(SlackOutbox.sent_at.is_(None), SlackOutbox.attempts < max_attempts)
    ).scalar_one()
