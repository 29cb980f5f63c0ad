"""Drafts and responses: keep answers as they are given, store each response exactly once."""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session

from . import questionnaires
from .clock import as_utc, utcnow
from .counting import STORED
from .invitations import claim_single_use
from .models import RESPONSE_STORED, Draft, Inspection, Invitation, Response
from .questionnaire_store import current_version, current_version_id
from .questionnaires import (
    ABOUT_YOU_DECLINED,
    FREE_TEXT,
    MULTIPLE,
    Question,
    QuestionnaireDefinition,
)
from .tokens import new_token

AnswerValue = str | list[str]


class SubmissionError(Exception):
    """A draft cannot be stored as a response."""


class LinkAlreadyUsed(SubmissionError):
    """Someone else has already answered through this single-use link."""


class DeviceRevoked(SubmissionError):
    """The device a response came from was revoked (or removed) before it could be stored."""


@dataclass(frozen=True)
class Incomplete(SubmissionError):
    missing: tuple[str, ...]


def clean_text(text: str) -> str:
    """Store free text as given, in NFC, without control characters that databases refuse."""
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    # Normalised last: a control character removed between a letter and its combining accent
    # ("w", NUL, U+0302) would otherwise leave the pair decomposed.
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").strip())


def definition_for(draft: Draft) -> QuestionnaireDefinition:
    stored = draft.questionnaire_version
    definition = questionnaires.get(stored.questionnaire.code)
    if definition is None or definition.version != stored.version:
        # A draft begun before a new version was declared: its questions no longer exist.
        raise SubmissionError("questionnaire version no longer offered")
    return definition


def start_draft(
    session: Session,
    definition: QuestionnaireDefinition,
    channel: str,
    invitation: Invitation | None = None,
    inspection: Inspection | None = None,
    now: datetime | None = None,
) -> Draft:
    now = now or utcnow()
    draft = Draft(
        key=new_token(),
        invitation=invitation,
        inspection=inspection or (invitation.inspection if invitation else None),
        questionnaire_version=current_version(session, definition),
        channel=channel,
        answers={},
        include_about_you=None if definition.about_you else False,
        created_at=now,
        updated_at=now,
    )
    session.add(draft)
    session.flush()
    return draft


def find_draft(session: Session, key: str | None, max_age: timedelta) -> Draft | None:
    if not key:
        return None
    draft = session.execute(select(Draft).where(Draft.key == key)).scalar_one_or_none()
    if draft is None:
        return None
    if draft.response_id is None and as_utc(draft.updated_at) < utcnow() - max_age:
        return None
    return draft


def normalise_answer(question: Question, value: Any) -> AnswerValue | None:
    """Return the value to keep for a question, or None when it was left unanswered."""
    if question.kind == FREE_TEXT:
        text = clean_text(value or "")
        return text or None
    if question.kind == MULTIPLE:
        chosen = [v for v in question.scale.codes if v in (value or [])]
        return chosen or None
    return value if value in question.scale.codes else None


def record_answer(draft: Draft, question: Question, value: Any, now: datetime | None = None) -> None:
    answers = dict(draft.answers or {})
    kept = normalise_answer(question, value)
    if kept is None:
        answers.pop(question.code, None)
    else:
        answers[question.code] = kept
    draft.answers = answers  # reassign so the JSON column is written
    draft.updated_at = now or utcnow()


def asked_questions(definition: QuestionnaireDefinition, draft: Draft) -> list[Question]:
    return definition.asked_questions(draft.answers or {}, bool(draft.include_about_you))


def given_answers(definition: QuestionnaireDefinition, draft: Draft) -> dict[str, AnswerValue]:
    """Answers to the questions this respondent is asked; answers a skip rule hides are dropped."""
    asked = {q.code for q in asked_questions(definition, draft)}
    return {code: value for code, value in (draft.answers or {}).items() if code in asked}


def missing_answers(definition: QuestionnaireDefinition, draft: Draft) -> tuple[str, ...]:
    answers = draft.answers or {}
    return tuple(
        q.code for q in asked_questions(definition, draft) if not q.optional and q.code not in answers
    )


def submit(session: Session, draft: Draft, language: str, now: datetime | None = None) -> StoredResponse:
    """Store the draft as a response once, however often it is submitted, and commit."""
    if draft.response_id is not None:
        return StoredResponse(draft.response_id, draft.channel, new=False)
    definition = definition_for(draft)
    missing = missing_answers(definition, draft)
    if missing:
        raise Incomplete(missing)
    answers = given_answers(definition, draft)
    response = store_response(
        session,
        definition,
        answers,
        submission_key=draft.key,
        channel=draft.channel,
        language=language,
        inspection_id=draft.inspection_id,
        invitation=draft.invitation,
        now=now,
        on_stored=lambda response_id: setattr(draft, "response_id", response_id),
        declined_about_you=draft.include_about_you is False,
    )
    return response


def answer_problems(definition: QuestionnaireDefinition, raw: dict[str, Any]) -> list[tuple[str, str]]:
    """Name each answer sent whole that is of the wrong type, not an offered answer, or too long.

    Returned as (question code, what is wrong), in the questionnaire's order; answers to codes
    the questionnaire does not have are not looked at (they are dropped). Nothing is coerced:
    text sent as a number or a list is refused, never stored as its digits or joined up.
    """
    problems = []
    for question in definition.all_questions:
        value = raw.get(question.code)
        if value is None:
            continue
        if question.kind == FREE_TEXT:
            if not isinstance(value, str):
                problems.append((question.code, "must be text"))
            elif any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
                problems.append((question.code, "must be text without lone surrogates"))
            elif len(value.replace("\r\n", "\n")) > question.max_length:
                problems.append((question.code, f"must be {question.max_length} characters or fewer"))
        elif question.kind == MULTIPLE:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append((question.code, "must be a list of answer codes"))
            elif not set(value) <= set(question.scale.codes):
                problems.append((question.code, "holds an answer this question does not offer"))
        elif not isinstance(value, str):
            problems.append((question.code, "must be an answer code"))
        elif value not in question.scale.codes:
            problems.append((question.code, "is not an answer this question offers"))
    return problems


def check_answers(
    definition: QuestionnaireDefinition, raw: dict[str, Any], include_about_you: bool = True
) -> tuple[dict[str, AnswerValue], tuple[str, ...]]:
    """Keep the valid answers to the questions asked; name the required ones missing.

    For answers that arrive whole (a kiosk's queued response, a paper return) rather than
    page by page: unknown codes, answers a skip rule hides and empty text are dropped.
    """
    kept: dict[str, AnswerValue] = {}
    for question in definition.all_questions:
        value = normalise_answer(question, raw.get(question.code))
        if value is not None:
            kept[question.code] = value
    asked = definition.asked_questions(kept, include_about_you)
    asked_codes = {q.code for q in asked}
    kept = {code: value for code, value in kept.items() if code in asked_codes}
    missing = tuple(q.code for q in asked if not q.optional and q.code not in kept)
    return kept, missing


@dataclass(frozen=True)
class StoredResponse:
    """The response stored under a submission key, and whether this call stored it."""

    id: int
    channel: str
    new: bool


def store_response(
    session: Session,
    definition: QuestionnaireDefinition,
    answers: dict[str, AnswerValue],
    *,
    submission_key: str,
    channel: str,
    language: str,
    inspection_id: int | None = None,
    invitation: Invitation | None = None,
    device_id: int | None = None,
    now: datetime | None = None,
    on_stored: Callable[[int], None] | None = None,
    declined_about_you: bool = False,
) -> StoredResponse:
    """Store checked answers as one response and commit; the same key never stores twice.

    Returns the response stored under `submission_key`, whether by this call or an earlier
    one (a double click, a retried request, a kiosk syncing its queue again).

    Raises DeviceRevoked if `device_id` names a device that may no longer send.

    Every submission comes through here, so it is written in plain SQL: the response (which
    is not stored if the key is taken, or its device revoked), its answers and a "stored" row
    in response_events, in one statement on PostgreSQL and three on SQLite, in one
    transaction. Nothing more is done while the sender waits: feedback.counting adds the
    response to answer_counts a moment later, in a batch (results count it from the raw tables
    until then), and whatever acts on new responses (an alert) reads response_events later.
    `on_stored(response_id)` runs in that transaction, for the caller's own bookkeeping.
    """
    now = now or utcnow()
    response = {
        "submission_key": submission_key,
        "questionnaire_version_id": current_version_id(session, definition),
        "inspection_id": inspection_id,
        "invitation_id": invitation.id if invitation is not None else None,
        "device_id": device_id,
        "channel": channel,
        "language": language,
        "submitted_at": now,
        "counted": False,
    }
    pairs = list(answer_pairs(definition, answers))
    if declined_about_you and definition.about_you:
        pairs.append((*ABOUT_YOU_DECLINED, None))
    # All made ready before the first statement: on SQLite the write lock is held from there.
    response_id = _insert_with_answers(session.connection(), response, pairs)
    if response_id is None:
        # A double click or a retried request: the first one stored it (or else the device
        # sending it has been revoked, which _stored_under raises).
        session.rollback()
        return _stored_under(session, submission_key)
    if invitation is not None and invitation.mode == "single" and not claim_single_use(session, invitation, now):
        # Someone else answered through this single-use link under another key.
        session.rollback()
        raise LinkAlreadyUsed()
    if on_stored is not None:
        on_stored(response_id)
    session.commit()
    session.info[STORED] = True  # for web.counting: count it once the reply has gone
    return StoredResponse(response_id, channel, new=True)


_RESPONSE_COLUMNS = ("submission_key", "questionnaire_version_id", "inspection_id", "invitation_id", "device_id",
                     "channel", "language", "submitted_at", "counted")
# A response is stored only if its key is free and, if it came from a device, the device is
# still allowed to send: a tablet revoked a moment ago is refused by the statement itself.
_STORE_IF_ALLOWED = (
    "INSERT INTO responses ({columns}) SELECT {values} "
    "WHERE {device_id} IS NULL OR EXISTS "
    "(SELECT 1 FROM devices WHERE devices.id = {device_id} AND devices.revoked_at IS NULL) "
    "ON CONFLICT (submission_key) DO NOTHING RETURNING id"
)
# PostgreSQL: the response, its answers (arrays, UNNEST) and its event in one statement, one
# round trip. No response row (the key is taken), no answer rows and no event: each is joined
# to the row stored.
_WITH_ANSWERS = (
    "WITH stored AS ({store}), "
    "answered AS (INSERT INTO answers (response_id, question_code, value, text) "
    "SELECT stored.id, given.* FROM stored, unnest(CAST(:codes AS varchar[]), "
    "CAST(:answer_values AS varchar[]), CAST(:texts AS text[])) AS given), "
    "noted AS (INSERT INTO response_events (response_id, kind) SELECT stored.id, CAST(:event AS varchar) FROM stored) "
    "SELECT id FROM stored"
)


@functools.cache
def _postgresql_insert():
    """PostgreSQL: the statement that stores a response and its answers.

    A parameter in a SELECT list has no column to take its type from, so each is cast to its
    column's type.
    """
    from sqlalchemy.dialects import postgresql

    columns = Response.__table__.c
    typed = {name: f"CAST(:{name} AS {columns[name].type.compile(dialect=postgresql.dialect())})"
             for name in _RESPONSE_COLUMNS}
    store = _STORE_IF_ALLOWED.format(columns=", ".join(_RESPONSE_COLUMNS),
                                     values=", ".join(typed[name] for name in _RESPONSE_COLUMNS),
                                     device_id=typed["device_id"])
    return text(_WITH_ANSWERS.format(store=store)).bindparams(
        *(bindparam(name, type_=columns[name].type) for name in _RESPONSE_COLUMNS))


def _insert_with_answers(connection, response: dict[str, Any],
                         pairs: list[tuple[str, str, str | None]]) -> int | None:
    """Insert a response and its answers unless its key is taken or its device may no longer
    send; return its id (None if not stored)."""
    if connection.dialect.name == "sqlite":
        return _insert_with_answers_sqlite(connection, response, pairs)
    codes, answer_values, texts = (list(column) for column in zip(*pairs, strict=True)) if pairs else ([], [], [])
    return connection.execute(_postgresql_insert(), {
        **response, "codes": codes, "answer_values": answer_values, "texts": texts, "event": RESPONSE_STORED,
    }).scalar_one_or_none()


def _insert_with_answers_sqlite(connection, response: dict[str, Any],
                                pairs: list[tuple[str, str, str | None]]) -> int | None:
    """SQLite: the three inserts straight through the driver.

    Other writers wait for the write lock from BEGIN to COMMIT, so what runs in between is
    kept to the three calls into SQLite; SQLAlchemy's work around each statement (compiling from
    its cache, processing parameters, wrapping results) is left out of it. The values are
    converted for SQLite once, by the columns' own types.
    """
    statement, converters = _sqlite_insert(connection.dialect)
    driver = connection.connection.driver_connection
    stored = driver.execute(statement, [convert(response[name]) for name, convert in converters]).fetchall()
    if not stored:
        return None
    response_id = stored[0][0]
    if pairs:
        driver.executemany(_SQLITE_INSERT_ANSWERS, [(response_id, *pair) for pair in pairs])
    driver.execute(_SQLITE_INSERT_EVENT, (response_id, RESPONSE_STORED))
    return response_id


_SQLITE_INSERT_ANSWERS = "INSERT INTO answers (response_id, question_code, value, text) VALUES (?, ?, ?, ?)"
_SQLITE_INSERT_EVENT = "INSERT INTO response_events (response_id, kind) VALUES (?, ?)"


@functools.cache
def _sqlite_insert(dialect) -> tuple[str, list[tuple[str, Callable[[Any], Any]]]]:
    """SQLite: the response's INSERT, and how to convert each of its parameters in order."""
    columns = Response.__table__.c
    statement = _STORE_IF_ALLOWED.format(columns=", ".join(_RESPONSE_COLUMNS),
                                         values=", ".join("?" for _ in _RESPONSE_COLUMNS),
                                         device_id="?")
    converters = [(name, columns[name].type.dialect_impl(dialect).bind_processor(dialect) or _unchanged)
                  for name in _RESPONSE_COLUMNS]
    device_id = converters[_RESPONSE_COLUMNS.index("device_id")]
    return statement, converters + [device_id, device_id]  # the device twice more, for the WHERE


def _unchanged(value: Any) -> Any:
    return value


def _stored_under(session: Session, submission_key: str) -> StoredResponse:
    found = session.execute(
        select(Response.id, Response.channel).where(Response.submission_key == submission_key)
    ).first()
    if found is None:  # the key is free: the device it came from may no longer send
        raise DeviceRevoked()
    return StoredResponse(found.id, found.channel, new=False)


def answer_pairs(definition: QuestionnaireDefinition, answers: dict[str, AnswerValue]):
    """The rows of a response's answers: (question, value, text), one a choice made."""
    for code, value in answers.items():
        question = definition.question(code)
        if question is None:
            continue
        if question.kind == FREE_TEXT:
            yield code, "text", value
        elif question.kind == MULTIPLE:
            for choice in value:
                yield code, choice, None
        else:
            yield code, value, None
