"""Count answers in the database, set-based: every figure is a GROUP BY, never a loop over rows.

One questionnaire at a time, across all its stored versions (answers share question codes).
Three statements make the counts for any filter and grouping:

    responses  GROUP BY group, questionnaire_version_id      (how many responses, per version)
    answers    GROUP BY group, question_code, value          (how many gave each answer)
    answers    COUNT(DISTINCT response_id) GROUP BY group, question_code   (multiple choice only)

They read responses through ix_responses_version_submitted (version, submitted_at) and answers
through the (response_id, question_code, value) unique index. Only counts leave the database:
never the text of an answer.

Whenever the filters allow, the same counts come instead from answer_counts (models.AnswerCount),
kept as answers arrive: national rows by UK month and by UK day, and rows by month and
inspection. A period is read as its whole months plus the days at either end, so the cost of a
figure grows with the months and days it covers, not with the answers. Equality filters,
breakdowns by an "About you" answer and skip rules on multiple-choice answers need each
response's own answers, and read the raw tables; so do the days at either end of a period when
a place (programme, region, organisation, inspection) filters or groups them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from typing import Any, Callable, Iterable

from sqlalchemy import and_, case, distinct, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from ..counting import reading_counts
from ..models import (
    ALL_INSPECTIONS,
    CHANNELS,
    COUNT_ANSWERS,
    COUNT_EXTRA_CHOICES,
    COUNT_RESPONSES,
    LANGUAGES,
    SPAN_DAY,
    SPAN_MONTH,
    Answer,
    AnswerCount,
    Inspection,
    Organisation,
    Programme,
    Questionnaire,
    QuestionnaireVersion,
    Response,
)
from ..questionnaires import MULTIPLE, QuestionnaireDefinition
from .compute import Counts, StoredVersions
from .periods import Period

PLACE_FILTERS = ("programme", "region", "organisation", "inspection")
GROUPINGS = ("region", "programme", "organisation", "inspection", "channel", "language",
             "quarter", "month")
NOT_STATED = "not_stated"  # an equality question left unanswered, or "prefer not to say"


class FilterError(ValueError):
    """A filter or grouping the results module cannot apply."""


@dataclass(frozen=True)
class Filters:
    """Which responses to count. Every filter left as None counts everything."""

    period: Period | None = None
    programme: str | None = None  # programme code: OMI2, CCI, ...
    region: str | None = None  # region code: london, wales, ...
    organisation: str | None = None  # organisation code: trust-london, yot-cardiff, ...
    inspection: str | None = None  # inspection code
    channel: str | None = None  # web, kiosk, paper
    language: str | None = None  # en, cy
    # Responses whose answer to an "About you" question is the value: (("about_gender", "female"),)
    equality: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.channel is not None and self.channel not in CHANNELS:
            raise FilterError(f"no channel {self.channel!r}: one of {', '.join(CHANNELS)}")
        if self.language is not None and self.language not in LANGUAGES:
            raise FilterError(f"no language {self.language!r}: one of {', '.join(LANGUAGES)}")
        for question, _value in self.equality:
            if not question.startswith("about_"):
                raise FilterError(f"{question!r} is not an 'About you' question")

    def without(self, name: str) -> Filters:
        """Return these filters less one (for equality, less one question)."""
        if name.startswith("about_"):
            return replace(self, equality=tuple(e for e in self.equality if e[0] != name))
        return replace(self, **{name: None})

    def narrowing(self) -> list[str]:
        """Name the filters that narrow the responses within the period."""
        names = [f.name for f in fields(self)
                 if f.name not in ("period", "equality") and getattr(self, f.name) is not None]
        return names + [question for question, _ in self.equality]

    def national(self) -> Filters:
        """Return these filters for the whole country: no region, organisation or inspection."""
        return replace(self, region=None, organisation=None, inspection=None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period.to_dict() if self.period else None,
            "programme": self.programme,
            "region": self.region,
            "organisation": self.organisation,
            "inspection": self.inspection,
            "channel": self.channel,
            "language": self.language,
            "equality": {question: value for question, value in self.equality},
        }


@dataclass(frozen=True)
class Scope:
    """A questionnaire's declaration and its stored versions."""

    definition: QuestionnaireDefinition
    version_ids: tuple[int, ...]
    versions: StoredVersions = field(default_factory=StoredVersions)


def load_scope(session: Session, definition: QuestionnaireDefinition) -> Scope:
    """Find the stored versions of a questionnaire; reading never stores anything."""
    rows = session.execute(
        select(QuestionnaireVersion.id, QuestionnaireVersion.definition)
        .join(Questionnaire, QuestionnaireVersion.questionnaire_id == Questionnaire.id)
        .where(Questionnaire.code == definition.code)
        .order_by(QuestionnaireVersion.version)
    ).all()
    snapshots = [(row.id, row.definition or {}) for row in rows]
    return Scope(definition, tuple(row.id for row in rows),
                 StoredVersions.from_snapshots(definition, snapshots))


class _Query:
    """The FROM and WHERE shared by the three counting statements, and the group column."""

    def __init__(self, scope: Scope, filters: Filters, by: str | None, days: Period | None = None,
                 waiting: bool | list[int] = False):
        self.scope = scope
        self.filters = filters
        self.by = by
        self.conditions: list[Any] = [Response.questionnaire_version_id.in_(scope.version_ids)]
        if waiting is True:  # only responses not yet in answer_counts (ix_responses_waiting_count)
            self.conditions.append(Response.counted.is_(False))
        elif waiting:  # only these (waiting) responses
            self.conditions.append(Response.id.in_(waiting))
        self.joins: set[str] = set()
        self.group_answer = None
        self.group = self._group_column(by)
        # `days` counts only part of the period (its days at either end), grouped as the whole.
        self._apply(filters if days is None else replace(filters, period=days))

    def _need(self, *tables: str) -> None:
        self.joins.update(tables)

    def _group_column(self, by: str | None):
        if by is None:
            return None
        if by == "channel":
            return Response.channel
        if by == "language":
            return Response.language
        if by == "programme":
            self._need("inspection", "programme")
            return Programme.code
        if by == "region":
            self._need("inspection", "organisation")
            return Organisation.region_code
        if by == "organisation":
            self._need("inspection", "organisation")
            return Organisation.code
        if by == "inspection":
            self._need("inspection")
            return Inspection.code
        if by in ("quarter", "month"):
            if self.filters.period is None:
                raise FilterError(f"a breakdown by {by} needs a period to divide")
            parts = self.filters.period.subdivide(by)
            return case(
                *[(and_(Response.submitted_at >= p.start, Response.submitted_at < p.end), p.code)
                  for p in parts],
                else_=None,
            )
        question = self.scope.definition.question(by)
        if by.startswith("about_") and question is not None:
            self.group_answer = aliased(Answer, name="grouping_answer")
            return self.group_answer.value
        raise FilterError(
            f"cannot break {self.scope.definition.code} down by {by!r}: use one of "
            f"{', '.join(GROUPINGS + tuple(q.code for q in self.scope.definition.about_you))}"
        )

    def _apply(self, filters: Filters) -> None:
        if filters.period is not None:
            self.conditions += [Response.submitted_at >= filters.period.start,
                                Response.submitted_at < filters.period.end]
        if filters.channel is not None:
            self.conditions.append(Response.channel == filters.channel)
        if filters.language is not None:
            self.conditions.append(Response.language == filters.language)
        if filters.inspection is not None:
            self._need("inspection")
            self.conditions.append(Inspection.code == filters.inspection)
        if filters.programme is not None:
            self._need("inspection", "programme")
            self.conditions.append(Programme.code == filters.programme)
        if filters.organisation is not None:
            self._need("inspection", "organisation")
            self.conditions.append(Organisation.code == filters.organisation)
        if filters.region is not None:
            self._need("inspection", "organisation")
            self.conditions.append(Organisation.region_code == filters.region)
        for question, value in filters.equality:
            chosen = aliased(Answer)
            self.conditions.append(exists().where(
                chosen.response_id == Response.id,
                chosen.question_code == question,
                chosen.value == value,
            ))

    def from_(self, with_answers: bool):
        joined = Response.__table__
        if "inspection" in self.joins:
            joined = joined.outerjoin(Inspection, Response.inspection_id == Inspection.id)
        if "organisation" in self.joins:
            joined = joined.outerjoin(Organisation, Inspection.organisation_id == Organisation.id)
        if "programme" in self.joins:
            joined = joined.outerjoin(Programme, Inspection.programme_id == Programme.id)
        if self.group_answer is not None:
            joined = joined.outerjoin(self.group_answer, and_(
                self.group_answer.response_id == Response.id,
                self.group_answer.question_code == self.by,
            ))
        if with_answers:
            joined = joined.join(Answer, Answer.response_id == Response.id)
        return joined

    def select(self, *columns, with_answers: bool, group_by: Iterable[Any]):
        group = [self.group] if self.group is not None else []
        key = self.group.label("group_key") if self.group is not None else None
        selected = ([key] if key is not None else []) + list(columns)
        return (
            select(*selected)
            .select_from(self.from_(with_answers))
            .where(*self.conditions)
            .group_by(*group, *group_by)
        )


def count(session: Session, scope: Scope, filters: Filters | None = None,
          by: str | None = None) -> dict[Any, Counts]:
    """Count responses and answers, one Counts per group (the key None when not grouped)."""
    filters = filters or Filters()
    _Query(scope, filters, by)  # a grouping it cannot make is a FilterError, with or without rows
    if not scope.version_ids:
        return {} if by else {None: Counts()}
    if counted_ahead(scope, filters, by):
        with reading_counts(session):
            grouped = _count_from_table(session, scope, filters, by)
    else:
        grouped = _count_raw(session, scope, filters, by)
    if not by:
        return {None: grouped.get(None, Counts())}
    return _normalise_groups(scope, by, grouped)


def _count_raw(session: Session, scope: Scope, filters: Filters, by: str | None,
               days: Period | None = None, waiting: bool | list[int] = False) -> dict[Any, Counts]:
    """Count from responses and answers themselves (only `days` of the period, if given; only
    the responses not yet in answer_counts, if `waiting` is True, or those it lists)."""
    query = _Query(scope, filters, by, days, waiting)
    grouped: dict[Any, Counts] = {}

    def counts_for(row) -> Counts:
        key = row.group_key if by else None
        return grouped.setdefault(key, Counts())

    responses = query.select(Response.questionnaire_version_id, func.count().label("n"),
                             with_answers=False, group_by=[Response.questionnaire_version_id])
    for row in session.execute(responses):
        counts_for(row).responses_by_version[row.questionnaire_version_id] = row.n

    answers = query.select(Answer.question_code, Answer.value, func.count().label("n"),
                           with_answers=True, group_by=[Answer.question_code, Answer.value])
    for row in session.execute(answers):
        counts_for(row).values[(row.question_code, row.value)] = row.n

    multiple = [q.code for q in scope.definition.all_questions if q.kind == MULTIPLE]
    if multiple:
        respondents = query.select(
            Answer.question_code, func.count(distinct(Answer.response_id)).label("n"),
            with_answers=True, group_by=[Answer.question_code],
        ).where(Answer.question_code.in_(multiple))
        for row in session.execute(respondents):
            counts_for(row).respondents[row.question_code] = row.n

    # A skip rule on a multiple-choice answer: count the responses it holds for.
    for question in scope.definition.all_questions:
        rule = question.asked_if
        depends_on = scope.definition.question(rule.question) if rule else None
        if rule is None or depends_on is None or depends_on.kind != MULTIPLE:
            continue
        holds = query.select(
            func.count(distinct(Answer.response_id)).label("n"), with_answers=True, group_by=[],
        ).where(Answer.question_code == rule.question, Answer.value.in_(sorted(rule.answers)))
        for row in session.execute(holds):
            counts_for(row).condition_holds[question.code] = row.n
    return grouped


# --- From answer_counts ----------------------------------------------------------------------

PLACES = PLACE_FILTERS
WAITING_BY_ID = 2000  # responses waiting to be counted: read by id up to this many


def counted_ahead(scope: Scope, filters: Filters, by: str | None) -> bool:
    """Say whether answer_counts can give these counts exactly."""
    if filters.equality or (by is not None and by not in GROUPINGS):
        return False
    definition = scope.definition
    for question in definition.all_questions:
        rule = question.asked_if
        depends_on = definition.question(rule.question) if rule else None
        if depends_on is not None and depends_on.kind == MULTIPLE:
            return False  # who the rule held for is a fact about each response
    return True


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def whole_months(period: Period | None) -> tuple[tuple[date, date] | None, list[Period]]:
    """Split a period into its whole UK months [first, end) and the days left at either end."""
    if period is None:
        return (date.min, date.max), []
    first, last = period.first_day, period.last_day
    start = first if first.day == 1 else _next_month(first)
    end = (last + timedelta(days=1)).replace(day=1)
    if start >= end:
        return None, [period]
    edges = []
    if first < start:
        edges.append(Period.days(first, start - timedelta(days=1)))
    if end <= last:
        edges.append(Period.days(end, last))
    return (start, end), edges


def _count_from_table(session: Session, scope: Scope, filters: Filters,
                      by: str | None) -> dict[Any, Counts]:
    """Add up answer_counts, and the responses not counted into it yet.

    Whole months from month rows, the days at either end from day rows; the responses stored
    but still waiting to be counted (feedback.counting) from the raw tables, over what the
    rows cover.
    """
    months, edges = whole_months(filters.period)
    place = by in PLACES or any(getattr(filters, name) is not None for name in PLACES)
    grouped = _from_table(session, scope, filters, by, months, edges, place)
    if place and months is None:
        return grouped  # every day was read from the raw tables, waiting responses with them
    # By id when there are few (the usual case: none, or the last second's): a plan that
    # cannot become a scan of every answer, whatever the planner guesses.
    waiting_ids = session.execute(
        select(Response.id).where(Response.questionnaire_version_id.in_(scope.version_ids),
                                  Response.counted.is_(False)).limit(WAITING_BY_ID + 1)).scalars().all()
    if waiting_ids:
        # With a place, the days at either end were read from the raw tables already.
        covered = (Period.days(months[0], months[1] - timedelta(days=1))
                   if place and filters.period is not None else None)
        chosen = waiting_ids if len(waiting_ids) <= WAITING_BY_ID else True
        _merge(grouped, _count_raw(session, scope, filters, by, days=covered, waiting=chosen))
    return grouped


def _merge(into: dict[Any, Counts], more: dict[Any, Counts]) -> None:
    """Add one grouping's counts to another's, group by group."""
    for key, counts in more.items():
        into[key] = into[key].add(counts) if key in into else counts


def _from_table(session: Session, scope: Scope, filters: Filters, by: str | None,
                months: tuple[date, date] | None, edges: list[Period], place: bool) -> dict[Any, Counts]:
    table = AnswerCount
    grouped: dict[Any, Counts] = {}
    spans = []
    if months is not None:
        spans.append(and_(table.span == SPAN_MONTH, table.day >= months[0], table.day < months[1]))
    if place:
        # Months by inspection; the days at the ends from the responses themselves.
        for edge in edges:
            _merge(grouped, _count_raw(session, scope, filters, by, days=edge))
    else:
        spans += [and_(table.span == SPAN_DAY, table.day >= edge.first_day, table.day <= edge.last_day)
                  for edge in edges]
    if not spans:
        return grouped

    conditions = [table.questionnaire_version_id.in_(scope.version_ids), or_(*spans)]
    if place:
        conditions.append(table.inspection_id != ALL_INSPECTIONS)
    else:
        conditions.append(table.inspection_id == ALL_INSPECTIONS)
    if filters.channel is not None:
        conditions.append(table.channel == filters.channel)
    if filters.language is not None:
        conditions.append(table.language == filters.language)
    places = {"inspection": Inspection.code, "programme": Programme.code,
              "organisation": Organisation.code, "region": Organisation.region_code}
    for name, column in places.items():
        if getattr(filters, name) is not None:
            conditions.append(column == getattr(filters, name))
    if by in ("quarter", "month"):
        group = case(*[(and_(table.day >= p.first_day, table.day <= p.last_day), p.code)
                       for p in filters.period.subdivide(by)], else_=None)
    elif by in places:
        group = places[by]
    elif by is not None:
        group = getattr(table, by)  # channel, language
    else:
        group = None

    joined = AnswerCount.__table__
    if place:
        joined = (joined.outerjoin(Inspection, table.inspection_id == Inspection.id)
                  .outerjoin(Organisation, Inspection.organisation_id == Organisation.id)
                  .outerjoin(Programme, Inspection.programme_id == Programme.id))
    facts = [table.kind, table.questionnaire_version_id, table.question_code, table.value]
    keyed = [group.label("group_key")] if group is not None else []
    statement = (select(*keyed, *facts, func.sum(table.n).label("n")).select_from(joined)
                 .where(*conditions).group_by(*([group] if group is not None else []), *facts))

    found: dict[Any, Counts] = {}
    extra: dict[Any, dict[str, int]] = {}
    for row in session.execute(statement):
        key = row.group_key if group is not None else None
        counts = found.setdefault(key, Counts())
        n = int(row.n)
        if row.kind == COUNT_RESPONSES:
            versions = counts.responses_by_version
            versions[row.questionnaire_version_id] = versions.get(row.questionnaire_version_id, 0) + n
        elif row.kind == COUNT_ANSWERS:
            counts.values[(row.question_code, row.value)] = n
        elif row.kind == COUNT_EXTRA_CHOICES:
            extra.setdefault(key, {})[row.question_code] = n
    multiple = [q.code for q in scope.definition.all_questions if q.kind == MULTIPLE]
    for key, counts in found.items():
        # Rows left at nought by deleted responses are no counts at all.
        counts.responses_by_version = {v: n for v, n in counts.responses_by_version.items() if n}
        counts.values = {k: n for k, n in counts.values.items() if n}
        for code in multiple:
            # Responses answering = choices made - the choices beyond each response's first.
            answering = sum(n for (q, _), n in counts.values.items() if q == code)
            answering -= extra.get(key, {}).get(code, 0)
            if answering:
                counts.respondents[code] = answering
        if counts.responses_by_version or counts.values:
            grouped[key] = grouped[key].add(counts) if key in grouped else counts
    return grouped


def _normalise_groups(scope: Scope, by: str, grouped: dict[Any, Counts]) -> dict[Any, Counts]:
    """Fold equality answers that say nothing ("prefer not to say", none) into one group."""
    if not by.startswith("about_"):
        return grouped
    question = scope.definition.question(by)
    stated = {o.code for o in question.scale.options if not o.excluded}
    folded: dict[Any, Counts] = {}
    for key, counts in grouped.items():
        target = key if key in stated else NOT_STATED
        folded[target] = folded[target].add(counts) if target in folded else counts
    return folded


def group_order(scope: Scope, by: str, filters: Filters) -> Callable[[Any], Any]:
    """Return a sort key putting groups in the order people expect to read them."""
    if by in ("quarter", "month"):
        codes = [p.code for p in filters.period.subdivide(by)]
        return lambda key: (codes.index(key) if key in codes else len(codes), str(key))
    if by.startswith("about_"):
        options = list(scope.definition.question(by).scale.codes) + [NOT_STATED]
        return lambda key: (options.index(key) if key in options else len(options), str(key))
    return lambda key: (key is None, str(key))


def responses_matching(scope: Scope, filters: Filters):
    """Return a SELECT of the ids of the responses the filters choose, for listings and exports."""
    query = _Query(scope, filters, None)
    return select(Response.id).select_from(query.from_(with_answers=False)).where(*query.conditions)
