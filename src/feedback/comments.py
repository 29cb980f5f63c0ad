"""Free-text answers for staff: listed and searched on the dashboard, and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .clock import as_utc
from .models import Answer, Inspection, Response
from .questionnaires import FREE_TEXT, QuestionnaireDefinition
from .results import Filters
from .results.query import load_scope, responses_matching

PER_PAGE = 25


@dataclass(frozen=True)
class CommentSearch:
    text: str = ""
    page: int = 1


@dataclass(frozen=True)
class Comment:
    question_code: str
    text: str
    submitted_at: datetime
    delete_after: datetime
    inspection: Inspection | None
    channel: str
    language: str


@dataclass(frozen=True)
class CommentPage:
    comments: list[Comment]
    total: int
    page: int
    pages: int


def like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def find_comments(
    session: Session,
    definition: QuestionnaireDefinition,
    filters: Filters,
    search: CommentSearch,
    retention: timedelta,
) -> CommentPage:
    """Return one page of a questionnaire's comments, newest first, with their deletion dates."""
    codes = [q.code for q in definition.all_questions if q.kind == FREE_TEXT]
    scope = load_scope(session, definition)
    if not codes or not scope.version_ids:
        return CommentPage([], 0, 1, 1)
    chosen = responses_matching(scope, filters)
    conditions = [
        Answer.question_code.in_(codes),
        Answer.value == "text",
        Answer.text.is_not(None),  # blanked by the retention policy
        Answer.response_id.in_(chosen),
    ]
    if search.text:
        conditions.append(Answer.text.ilike(like_pattern(search.text), escape="\\"))
    total = session.execute(select(func.count()).select_from(Answer).where(*conditions)).scalar_one()
    pages = max(1, -(-total // PER_PAGE))
    page = min(search.page, pages)
    rows = session.execute(
        select(Answer.question_code, Answer.text, Response)
        .join(Response, Response.id == Answer.response_id)
        .where(*conditions)
        .order_by(Response.submitted_at.desc(), Answer.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    comments = [
        Comment(
            question_code=code,
            text=text,
            submitted_at=as_utc(response.submitted_at),
            delete_after=as_utc(response.submitted_at) + retention,
            inspection=response.inspection,
            channel=response.channel,
            language=response.language,
        )
        for code, text, response in rows
    ]
    return CommentPage(comments, total, page, pages)
