"""Results: the satisfaction figures every presenter shows, worked out in one place.

Plain Python over an SQLAlchemy session: no Flask, no Slack. The dashboard, the exports, the
JSON API, the CLI and the Slack digest call these functions and show `to_dict()`, so a figure
is the same everywhere and suppression cannot be forgotten by one of them.

    questionnaire_results(session, "post-inspection-evaluation", Filters(period=parse_period("2011-12")))
    breakdown(session, "youth-victims", "region", Filters(period=...))
    against_national(session, "young-people", Filters(period=..., inspection="cci-2011-brent"))
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from .. import questionnaires
from ..questionnaires import QuestionnaireDefinition
from .arithmetic import percent, round_half_up
from .compute import (
    Breakdown,
    Counts,
    Group,
    NationalComparison,
    OptionResult,
    QuestionnaireResults,
    QuestionResult,
    compare,
    complement_hidden,
    publish,
    with_previous,
)
from .periods import Period, PeriodError, parse_period
from .query import NOT_STATED, FilterError, Filters, Scope, count, group_order, load_scope
from .suppression import Viewer, hidden_groups, suppress, threshold_for

__all__ = [
    "Breakdown", "Filters", "FilterError", "NationalComparison", "NOT_STATED", "OptionResult",
    "Period", "PeriodError", "QuestionResult", "QuestionnaireResults", "against_national",
    "breakdown", "compare", "definition_for", "hidden_groups", "parse_period", "percent",
    "questionnaire_results", "round_half_up", "suppress", "threshold_for",
]


def definition_for(code: str) -> QuestionnaireDefinition:
    """Return the declared questionnaire with this code; FilterError if there is none."""
    definition = questionnaires.get(code)
    if definition is None:
        raise FilterError(f"no questionnaire {code!r}")
    return definition


def _wider_counts(session: Session, scope: Scope, filters: Filters,
                  extra: tuple[Filters, ...] = ()) -> list[Counts]:
    """Count each wider set whose difference from `filters` anyone could work out."""
    wider = [filters.without(name) for name in filters.narrowing()] + list(extra)
    unique = list(dict.fromkeys(w for w in wider if w != filters))
    return [count(session, scope, w)[None] for w in unique]


def _scope_results(session: Session, scope: Scope, filters: Filters, threshold: int,
                   extra_wider: tuple[Filters, ...] = ()) -> tuple[QuestionnaireResults, frozenset[str]]:
    """Publish one set of responses, hiding what the sets around it would give away."""
    counts = count(session, scope, filters)[None]
    forced: frozenset[str] = frozenset()
    if threshold > 1:
        wider = _wider_counts(session, scope, filters, extra_wider)
        forced = complement_hidden(scope.definition, counts, wider, threshold, scope.versions)
    published = publish(scope.definition, {None: counts}, threshold, {None: filters.to_dict()},
                        scope.versions, forced)[None]
    return published, forced


def questionnaire_results(
    session: Session,
    code: str,
    filters: Filters | None = None,
    *,
    viewer: Viewer = "public",
    threshold: int | None = None,
    compare_previous: bool = True,
) -> QuestionnaireResults:
    """Return every question's figures for the responses the filters select.

    With a period, each question also carries the previous period's percentage and the change
    in percentage points (None where either is suppressed). `threshold` overrides the
    questionnaire's suppression threshold (tests); `viewer="staff"` may see a post-inspection
    evaluation per inspection.
    """
    filters = filters or Filters()
    definition = definition_for(code)
    limit = threshold_for(definition, viewer, threshold)
    scope = load_scope(session, definition)
    results, _ = _scope_results(session, scope, filters, limit)
    if filters.period is not None and compare_previous:
        before = replace(filters, period=filters.period.previous())
        previous, _ = _scope_results(session, scope, before, limit)
        results = with_previous(results, previous)
    return results


def breakdown(
    session: Session,
    code: str,
    by: str,
    filters: Filters | None = None,
    *,
    viewer: Viewer = "public",
    threshold: int | None = None,
) -> Breakdown:
    """Split the responses the filters select into groups, with secondary suppression.

    `by` is one of query.GROUPINGS (quarter and month need a period) or an "About you"
    question code (its "prefer not to say" and unanswered are one group, "not_stated"). The
    groups add up to the total, so a hidden group is never the only one hidden.
    """
    filters = filters or Filters()
    definition = definition_for(code)
    limit = threshold_for(definition, viewer, threshold)
    scope = load_scope(session, definition)
    groups = count(session, scope, filters, by)
    order = group_order(scope, by, filters)
    keys = sorted(groups, key=order)
    total, forced = _scope_results(session, scope, filters, limit)
    published = publish(
        definition,
        {key: groups[key] for key in keys},
        limit,
        {key: _group_filters(filters, by, key) for key in keys},
        scope.versions,
        forced,
    )
    return Breakdown(definition.code, by, total, tuple(Group(key, published[key]) for key in keys))


def _group_filters(filters: Filters, by: str, key: Any) -> dict[str, Any]:
    described = filters.to_dict()
    described["group"] = {"by": by, "key": key}
    return described


def against_national(
    session: Session,
    code: str,
    filters: Filters,
    *,
    viewer: Viewer = "public",
    threshold: int | None = None,
) -> NationalComparison:
    """Return an inspection's, organisation's or region's figures beside the national ones.

    National keeps the period and the other filters and drops region, organisation and
    inspection. The difference is in percentage points, None where either is suppressed.
    """
    definition = definition_for(code)
    limit = threshold_for(definition, viewer, threshold)
    scope = load_scope(session, definition)
    national_filters = filters.national()
    local, _ = _scope_results(session, scope, filters, limit, extra_wider=(national_filters,))
    national, _ = _scope_results(session, scope, national_filters, limit)
    return NationalComparison(definition.code, local, national, compare(local, national))
