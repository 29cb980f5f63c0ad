"""Paper returns typed in by staff: the return a key was issued for, and corrections to one.

Each blank entry form is issued with a key of its own (the return's submission key), so a
return saved once is found again under it, however the form was reached again. A correction
changes the stored return in place and keeps answer_counts right (feedback.counting takes a
counted return's old answers out and puts the new ones in).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit, counting
from .db import machine_turn
from .models import Answer, Response, StaffUser
from .questionnaires import FREE_TEXT, MULTIPLE, QuestionnaireDefinition
from .responses import AnswerValue, answer_pairs

CHANNEL = "paper"
ENTERED = "paper_return.entered"
CORRECTED = "paper_return.corrected"


@dataclass(frozen=True)
class TypedReturn:
    """What a return says: the language it was filled in, its inspection, and its answers."""

    language: str
    inspection_id: int | None
    answers: dict[str, AnswerValue]


def saved_under(session: Session, key: str) -> Response | None:
    """Return the response stored under a submission key, whatever its channel."""
    return session.execute(select(Response).where(Response.submission_key == key)).scalar_one_or_none()


def as_typed(definition: QuestionnaireDefinition, response: Response) -> TypedReturn:
    """Read a stored return back as it was typed in."""
    answers: dict[str, AnswerValue] = {}
    for answer in sorted(response.answers, key=lambda a: (a.question_code, a.value)):
        question = definition.question(answer.question_code)
        if question is None:
            continue
        if question.kind == FREE_TEXT:
            answers[question.code] = answer.text or ""
        elif question.kind == MULTIPLE:
            answers.setdefault(question.code, []).append(answer.value)  # type: ignore[union-attr]
        else:
            answers[question.code] = answer.value
    for question in definition.all_questions:  # in the order the questionnaire offers them
        if question.kind == MULTIPLE and question.code in answers:
            chosen = answers[question.code]
            answers[question.code] = [code for code in question.scale.codes if code in chosen]
    return TypedReturn(response.language, response.inspection_id, answers)


def changed_fields(definition: QuestionnaireDefinition, before: TypedReturn, after: TypedReturn) -> list[str]:
    """Name what differs: "language", "inspection", then question codes in questionnaire order."""
    changed = []
    if before.language != after.language:
        changed.append("language")
    if before.inspection_id != after.inspection_id:
        changed.append("inspection")
    for question in definition.all_questions:
        if before.answers.get(question.code) != after.answers.get(question.code):
            changed.append(question.code)
    return changed


def correct(
    session: Session,
    definition: QuestionnaireDefinition,
    response: Response,
    typed: TypedReturn,
    *,
    actor: StaffUser | str,
    address: str | None = None,
) -> list[str]:
    """Make a stored return say what was typed, record it in the audit log and commit.

    Returns the fields that changed (none: nothing is written). The return is changed in
    place, never stored again.
    """
    with _counting_held_off(session, response):
        before = as_typed(definition, response)
        changed = changed_fields(definition, before, typed)
        if not changed:
            session.rollback()
            return []
        with counting.changing(session, [response.id]):
            response.language = typed.language
            response.inspection_id = typed.inspection_id
            _replace_answers(session, definition, response, typed.answers)
        audit.record(session, CORRECTED, actor=actor, subject=response, address=address,
                     detail={"questionnaire": definition.code, "changed": changed})
        session.commit()
    return changed


@contextmanager
def _counting_held_off(session: Session, response: Response) -> Iterator[None]:
    """Keep a counting batch from counting the return while it changes.

    A batch that read the old answers and marked the return counted after the change would
    count answers it no longer has. PostgreSQL: the row is locked (batches skip locked rows,
    or this waits for the batch to commit, then reads the return as counted). SQLite: batches
    take a turn on the machine, and this takes the same turn.
    """
    bind = session.get_bind()
    session.expire(response)  # its answers too: read again once the return is held
    if bind.dialect.name == "postgresql":
        session.refresh(response, with_for_update=True)
        yield
        return
    with machine_turn(bind.url, "counting"):
        session.refresh(response)
        yield


def _replace_answers(session: Session, definition: QuestionnaireDefinition, response: Response,
                     answers: dict[str, AnswerValue]) -> None:
    """Delete the answers no longer given, add the new ones, and change text in place.

    Row by row, so an answer given before and after keeps its row: deleting and adding the
    same (question, value) in one flush would meet the unique constraint.
    """
    kept = {(a.question_code, a.value): a for a in response.answers}
    wanted = {(code, value): text for code, value, text in answer_pairs(definition, answers)}
    for pair, answer in kept.items():
        if pair not in wanted:
            session.delete(answer)
        elif answer.text != wanted[pair]:
            answer.text = wanted[pair]
    for (code, value), text in wanted.items():
        if (code, value) not in kept:
            session.add(Answer(response=response, question_code=code, value=value, text=text))
