"""Results asked for in words people type: the path the CLI, the JSON API and the exports share.

`read_filters` reads the filters, `find_results` returns the figures (or a breakdown) and
`results_json` writes them, so `GET /api/v1/results` answers with the very text
`feedback results --json` prints.
"""

from __future__ import annotations

import json
from typing import Iterable

from sqlalchemy.orm import Session

from . import (
    Breakdown,
    FilterError,
    Filters,
    QuestionnaireResults,
    breakdown,
    parse_period,
    questionnaire_results,
)
from .suppression import Viewer


def parse_equality(pairs: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """Read "QUESTION=VALUE" pairs (about_gender=female); FilterError for anything else."""
    parsed = []
    for pair in pairs:
        question, sep, value = pair.partition("=")
        if not sep or not question.strip() or not value.strip():
            raise FilterError(f"{pair!r}: write QUESTION=VALUE")
        parsed.append((question.strip(), value.strip()))
    return tuple(parsed)


def read_filters(period: str | None = None, programme: str | None = None,
                 region: str | None = None, organisation: str | None = None,
                 inspection: str | None = None, channel: str | None = None,
                 language: str | None = None,
                 equality: tuple[tuple[str, str], ...] = ()) -> Filters:
    """Build results filters from the values people type; PeriodError or FilterError if bad."""
    return Filters(
        period=parse_period(period) if period else None,
        programme=programme, region=region, organisation=organisation,
        inspection=inspection, channel=channel, language=language,
        equality=equality,
    )


def find_results(session: Session, code: str, filters: Filters, by: str | None = None,
                 viewer: Viewer = "public") -> QuestionnaireResults | Breakdown:
    """Return a questionnaire's results, or their breakdown `by` a grouping; FilterError if bad."""
    if by:
        return breakdown(session, code, by, filters, viewer=viewer)
    return questionnaire_results(session, code, filters, viewer=viewer)


def results_json(found: QuestionnaireResults | Breakdown) -> str:
    """Write results as the JSON `feedback results --json` prints and the API returns."""
    return json.dumps(found.to_dict(), ensure_ascii=False, indent=2)
