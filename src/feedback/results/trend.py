"""A questionnaire's figures over the business years leading up to a period, for a small trend."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from .periods import Period, business_year_of
from .query import Filters

if TYPE_CHECKING:  # pragma: no cover
    from .compute import QuestionnaireResults

YEARS = 5


def trend_years(period: Period, years: int = YEARS) -> list[Period]:
    """Return the business years up to the one `period` ends in, oldest first."""
    last = business_year_of(period.last_day)
    return [Period.business_year(first) for first in range(last - years + 1, last + 1)]


def business_year_trend(session: Session, code: str, filters: Filters, *, viewer: str = "public",
                        years: int = YEARS) -> list[tuple[Period, QuestionnaireResults]]:
    """Return each business year's results, oldest first, from the first year with responses.

    Every year's figures come from `questionnaire_results`, so suppression applies to each.
    """
    from . import questionnaire_results

    if filters.period is None:
        return []
    found = [
        (year, questionnaire_results(session, code, replace(filters, period=year), viewer=viewer,
                                     compare_previous=False))
        for year in trend_years(filters.period, years)
    ]
    while found and not found[0][1].responses and not found[0][1].suppressed:
        found.pop(0)
    return found
