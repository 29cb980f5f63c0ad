"""Rows for analysts' spreadsheets: results as published, and responses one to a row.

Plain Python over an SQLAlchemy session: no Flask. The web layer writes these rows with
feedback.spreadsheets (CSV streamed, ODS) and logs every export with `log_export`.

Results files carry only values of `to_dict()` from feedback.results, so a figure in a file
is the figure on the dashboard, in the API and on the command line, and a suppressed figure
is an empty cell beside the word "suppressed". Responses files list stored answers, one
column per question; free text only for questionnaires whose comments are not restricted:
victims' and children's comments never leave the staff dashboard, so they are not even read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import Any, Iterator, Mapping, Sequence

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from .clock import as_utc
from .models import (
    Answer,
    ExportLog,
    Inspection,
    Organisation,
    Programme,
    Questionnaire,
    QuestionnaireVersion,
    Response,
)
from .questionnaires import FREE_TEXT, MULTIPLE, QuestionnaireDefinition
from .results import Breakdown, Filters, QuestionnaireResults
from .results.periods import UK
from .results.query import Scope, responses_matching

Cell = str | int | float | None

SUPPRESSED = "suppressed"
TOTAL = "total"  # the group column of a breakdown's total
NOT_RECORDED = "not_recorded"  # the group column of responses with no value for the grouping

RESULTS_HEADER = (
    "questionnaire", "period", "group_by", "group", "row", "question", "kind", "option",
    "suppressed", "n", "count", "percent", "positive_percent", "positive_options",
    "beside_percent", "beside_options", "mentions", "previous_percent", "change_points",
)

RESPONSE_FIELDS = (
    "response_id", "submitted_on", "questionnaire_version", "inspection", "organisation",
    "programme", "region", "channel", "language",
)
MULTIPLE_SEPARATOR = ";"


# --- Results -------------------------------------------------------------------------------

def _joined(codes: Sequence[str]) -> str:
    return MULTIPLE_SEPARATOR.join(codes)


def _mark(suppressed: bool) -> str:
    return SUPPRESSED if suppressed else ""


def _result_rows(definition: QuestionnaireDefinition, data: Mapping[str, Any],
                 group_by: str, group: str) -> Iterator[list[Cell]]:
    """Yield the rows of one QuestionnaireResults.to_dict(): responses, then each question."""
    period = data["filters"].get("period")
    lead = [data["questionnaire"], period["code"] if period else "", group_by, group]

    def row(kind_of_row: str, question: str = "", kind: str = "", option: str = "",
            suppressed: bool = False, **figures: Cell) -> list[Cell]:
        return lead + [kind_of_row, question, kind, option, _mark(suppressed)] + [
            figures.get(name) for name in RESULTS_HEADER[9:]
        ]

    yield row("responses", suppressed=data["suppressed"], n=data["responses"])
    for q in data["questions"]:
        yield row(
            "question", q["code"], q["kind"], suppressed=q["suppressed"], n=q["n"],
            positive_percent=q["positive_percent"], positive_options=_joined(q["positive_options"]),
            beside_percent=q["beside_percent"], beside_options=_joined(q["beside_options"]),
            mentions=q["mentions"], previous_percent=q["previous_percent"],
            change_points=q["change_points"],
        )
        if q["suppressed"]:
            # The options still get their rows, empty, so every file has the same shape.
            declared = definition.question(q["code"])
            options = [o.code for o in declared.scale.options if not o.excluded] if declared else []
            for option in options:
                yield row("option", q["code"], q["kind"], option, suppressed=True)
            continue
        for option in q["distribution"]:
            yield row("option", q["code"], q["kind"], option["option"],
                      count=option["count"], percent=option["percent"])
        for reason, count in q["exclusions"].items():
            yield row("excluded", q["code"], q["kind"], reason, count=count)


def results_rows(definition: QuestionnaireDefinition,
                 found: QuestionnaireResults | Breakdown) -> Iterator[list[Cell]]:
    """Yield one row per figure of `found`, in RESULTS_HEADER's columns."""
    if isinstance(found, Breakdown):
        data = found.to_dict()
        yield from _result_rows(definition, data["total"], data["by"], TOTAL)
        for group in data["groups"]:
            key = group["key"] if group["key"] is not None else NOT_RECORDED
            yield from _result_rows(definition, group["results"], data["by"], str(key))
        return
    yield from _result_rows(definition, found.to_dict(), "", "")


# --- Responses -----------------------------------------------------------------------------

@dataclass(frozen=True)
class QuestionColumn:
    code: str
    kind: str
    options: tuple[str, ...] = ()  # scale order, for joining multiple choices


def response_columns(session: Session, definition: QuestionnaireDefinition) -> tuple[QuestionColumn, ...]:
    """Return a column per question of every stored version, current ones first.

    Free text is left out where the questionnaire's comments are restricted.
    """
    def allowed(kind: str) -> bool:
        return kind != FREE_TEXT or not definition.comments_restricted

    columns = [QuestionColumn(q.code, q.kind, q.scale.codes)
               for q in definition.all_questions if allowed(q.kind)]
    seen = {q.code for q in definition.all_questions}
    snapshots = session.scalars(
        select(QuestionnaireVersion.definition)
        .join(Questionnaire, QuestionnaireVersion.questionnaire_id == Questionnaire.id)
        .where(Questionnaire.code == definition.code)
        .order_by(QuestionnaireVersion.version)
    )
    for snapshot in snapshots:
        for q in list((snapshot or {}).get("questions", [])) + list((snapshot or {}).get("about_you", [])):
            if q["code"] in seen:
                continue
            seen.add(q["code"])
            if allowed(q["kind"]):
                columns.append(QuestionColumn(q["code"], q["kind"],
                                              tuple(o["code"] for o in q.get("options", []))))
    return tuple(columns)


def responses_header(columns: Sequence[QuestionColumn]) -> list[str]:
    return list(RESPONSE_FIELDS) + [c.code for c in columns]


def count_responses(session: Session, scope: Scope, filters: Filters) -> tuple[int, int | None]:
    """Return how many responses the filters select, and the highest id among them.

    An export lists the responses up to that id, so the rows it logs are the rows it writes
    even while new responses arrive.
    """
    selected = responses_matching(scope, filters)
    total, highest = session.execute(
        select(func.count(Response.id), func.max(Response.id)).where(Response.id.in_(selected))
    ).one()
    return total, highest


def response_rows(session: Session, scope: Scope, columns: Sequence[QuestionColumn],
                  filters: Filters, up_to_id: int | None, batch: int = 500) -> Iterator[list[Cell]]:
    """Yield one row per selected response, streamed from the database `batch` rows at a time.

    One ordered statement, responses joined to their answers, read through a server-side
    cursor (yield_per): memory stays flat however many responses there are. Only the answers
    to exported questions are read, so restricted comments never leave the database.
    """
    if up_to_id is None:
        return
    by_code = {c.code: c for c in columns}
    statement = (
        select(
            Response.id, Response.submitted_at, QuestionnaireVersion.version,
            Inspection.code.label("inspection"), Organisation.code.label("organisation"),
            Programme.code.label("programme"), Organisation.region_code, Response.channel,
            Response.language, Answer.question_code, Answer.value, Answer.text,
        )
        .select_from(Response)
        .join(QuestionnaireVersion, Response.questionnaire_version_id == QuestionnaireVersion.id)
        .outerjoin(Inspection, Response.inspection_id == Inspection.id)
        .outerjoin(Organisation, Inspection.organisation_id == Organisation.id)
        .outerjoin(Programme, Inspection.programme_id == Programme.id)
        .outerjoin(Answer, and_(Answer.response_id == Response.id,
                                Answer.question_code.in_(list(by_code))))
        .where(Response.id.in_(responses_matching(scope, filters)), Response.id <= up_to_id)
        .order_by(Response.id, Answer.question_code, Answer.value)
        .execution_options(yield_per=batch)
    )
    for _, rows in groupby(session.execute(statement), key=lambda row: row.id):
        first = None
        given: dict[str, list[str]] = {}
        for row in rows:
            if first is None:
                first = row
            if row.question_code is None:
                continue
            column = by_code[row.question_code]
            given.setdefault(row.question_code, []).append(
                row.text if column.kind == FREE_TEXT else row.value
            )
        yield [
            first.id, _uk_day(first.submitted_at), first.version, first.inspection,
            first.organisation, first.programme, first.region_code, first.channel,
            first.language,
        ] + [_answer_cell(column, given.get(column.code)) for column in columns]


def _uk_day(moment: datetime) -> str:
    return as_utc(moment).astimezone(UK).date().isoformat()


def _answer_cell(column: QuestionColumn, values: list[str] | None) -> Cell:
    if not values:
        return None
    if column.kind == MULTIPLE:
        order = {code: index for index, code in enumerate(column.options)}
        return _joined(sorted(values, key=lambda v: (order.get(v, len(order)), v)))
    return values[0]


# --- Names and the log -------------------------------------------------------------------

def file_name(code: str, filters: Filters, kind: str, extension: str, by: str | None = None) -> str:
    """Name a file after what it holds: post-inspection-evaluation-2011-12.csv."""
    parts = [code, _period_part(filters)]
    for value in (filters.programme, filters.region, filters.organisation, filters.inspection,
                  filters.channel, filters.language):
        if value:
            parts.append(value)
    if by:
        parts.append(f"by-{by}")
    if kind == "responses":
        parts.append("responses")
    stem = re.sub(r"[^A-Za-z0-9]+", "-", "-".join(parts)).strip("-").lower()
    return f"{stem[:150]}.{extension}"


def _period_part(filters: Filters) -> str:
    if filters.period is None:
        return "all-time"
    return filters.period.code.replace("month:", "").replace("..", "-to-")


def log_export(session: Session, staff_user_id: int, kind: str, code: str, format: str,
               filters: Filters, rows: int, now: datetime, by: str | None = None) -> ExportLog:
    """Record who took which file; flush, the caller commits before the file is sent."""
    described = filters.to_dict()
    if by:
        described["by"] = by
    entry = ExportLog(staff_user_id=staff_user_id, at=now, kind=kind, questionnaire_code=code,
                      format=format, filters=described, rows=rows)
    session.add(entry)
    session.flush()
    return entry
