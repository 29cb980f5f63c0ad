"""Pure arithmetic from answer counts to the figures presenters show.

Nothing here touches the database, Flask or the text of an answer. The path is always:
counts (from query.py) → `raw_question` (every count, unpublished) → `publish_question`,
which is told by suppression.py whether the figure is shown. Only published dataclasses
leave the package; each has `to_dict()` giving plain JSON-ready data.

How a percentage is made (shared/questionnaires.md): positive answers / answers given, per
question. Out of n: skipped, not asked because of a skip rule, and options the scale marks
`excluded` ("don't know", "prefer not to say"). Multiple choice: each option's share of all
mentions. Free text: a count, never a percentage, never the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping

from ..questionnaires import (
    ABOUT_YOU_DECLINED,
    FREE_TEXT,
    MULTIPLE,
    Question,
    QuestionnaireDefinition,
)
from .arithmetic import percent, points
from .suppression import hidden_groups

SKIPPED = "skipped"
NOT_ASKED = "not_asked"
UNRECOGNISED = "unrecognised"


# --- Counts: what the database says about one group of responses --------------------------

@dataclass
class Counts:
    """Counts for one set of responses to one questionnaire (all its stored versions)."""

    responses_by_version: dict[int, int] = field(default_factory=dict)
    values: dict[tuple[str, str], int] = field(default_factory=dict)  # (question, value) → answers
    respondents: dict[str, int] = field(default_factory=dict)  # question → responses answering (multiple choice)
    condition_holds: dict[str, int] = field(default_factory=dict)  # question → responses it was asked of

    @property
    def responses(self) -> int:
        return sum(self.responses_by_version.values())

    def add(self, other: Counts) -> Counts:
        """Return the counts of two disjoint sets of responses together."""
        def plus(a: dict, b: dict) -> dict:
            merged = dict(a)
            for key, value in b.items():
                merged[key] = merged.get(key, 0) + value
            return merged

        return Counts(
            plus(self.responses_by_version, other.responses_by_version),
            plus(self.values, other.values),
            plus(self.respondents, other.respondents),
            plus(self.condition_holds, other.condition_holds),
        )

    def minus(self, part: Counts) -> Counts:
        """Return the counts of these responses less a subset of them (the rest of the country)."""
        def less(a: dict, b: dict) -> dict:
            return {key: a.get(key, 0) - b.get(key, 0) for key in set(a) | set(b)}

        return Counts(
            less(self.responses_by_version, part.responses_by_version),
            less(self.values, part.values),
            less(self.respondents, part.respondents),
            less(self.condition_holds, part.condition_holds),
        )


@dataclass(frozen=True)
class OptionFlags:
    positive: bool = False
    beside: bool = False
    excluded: bool = False


@dataclass(frozen=True)
class StoredVersions:
    """What the stored versions of a questionnaire asked, from their snapshots.

    `questions` maps a version id to the question codes it asked; `old_options` gives the
    flags of answer options a stored version had and the current declaration no longer has.
    """

    questions: Mapping[int, frozenset[str]] = field(default_factory=dict)
    old_options: Mapping[tuple[str, str], OptionFlags] = field(default_factory=dict)

    @classmethod
    def from_snapshots(cls, definition: QuestionnaireDefinition,
                       snapshots: Iterable[tuple[int, Mapping[str, Any]]]) -> StoredVersions:
        questions: dict[int, frozenset[str]] = {}
        old: dict[tuple[str, str], OptionFlags] = {}
        for version_id, snapshot in snapshots:
            described = list(snapshot.get("questions", [])) + list(snapshot.get("about_you", []))
            questions[version_id] = frozenset(q["code"] for q in described)
            for q in described:
                current = definition.question(q["code"])
                for option in q.get("options", []):
                    if current is not None and current.scale.option(option["code"]) is not None:
                        continue
                    old.setdefault((q["code"], option["code"]), OptionFlags(
                        bool(option.get("positive")), bool(option.get("beside")),
                        bool(option.get("excluded")),
                    ))
        return cls(questions, old)


# --- Raw figures: every count, before suppression ------------------------------------------

@dataclass(frozen=True)
class RawQuestion:
    """One question's figures for one group of responses, not yet cleared for showing."""

    code: str
    kind: str
    responses: int
    n: int  # answers in the denominator; for multiple choice, respondents; for text, comments
    options: tuple[tuple[str, int], ...]  # options counted in n, in scale order
    exclusions: tuple[tuple[str, int], ...]  # out of n: excluded options, unrecognised, skipped, not asked
    positive_options: tuple[str, ...] = ()
    beside_options: tuple[str, ...] = ()
    mentions: int = 0  # multiple choice only

    @property
    def positive(self) -> int:
        return sum(count for option, count in self.options if option in self.positive_options)

    @property
    def beside(self) -> int:
        return sum(count for option, count in self.options if option in self.beside_options)


def _flags(question: Question, value: str, versions: StoredVersions | None) -> OptionFlags | None:
    option = question.scale.option(value)
    if option is not None:
        return OptionFlags(option.positive, option.beside, option.excluded)
    if versions is not None:
        return versions.old_options.get((question.code, value))
    return None


def _asked(question: Question, definition: QuestionnaireDefinition, counts: Counts,
           versions: StoredVersions | None) -> int:
    """Return how many of the responses were asked this question."""
    if versions is None or not versions.questions:
        asked = counts.responses
    else:
        asked = sum(n for version_id, n in counts.responses_by_version.items()
                    if question.code in versions.questions.get(version_id, frozenset()))
    if any(q.code == question.code for q in definition.about_you):
        # Those who declined the section were not asked its questions.
        asked -= counts.values.get(ABOUT_YOU_DECLINED, 0)
    rule = question.asked_if
    if rule is not None:
        depends_on = definition.question(rule.question)
        if depends_on is not None and depends_on.kind != MULTIPLE:
            # One answer a response: the responses asked are those that gave one of `answers`.
            holds = sum(counts.values.get((rule.question, a), 0) for a in rule.answers)
        else:
            holds = counts.condition_holds.get(question.code, 0)
        asked = min(asked, holds)
    return asked


def raw_question(definition: QuestionnaireDefinition, question: Question, counts: Counts,
                 versions: StoredVersions | None = None) -> RawQuestion:
    """Work out every figure for one question from the counts, before suppression."""
    given = {value: n for (code, value), n in counts.values.items() if code == question.code and n}
    responses = counts.responses
    if question.kind == MULTIPLE:
        answered = counts.respondents.get(question.code, 0)
    else:
        answered = sum(given.values())
    asked = max(_asked(question, definition, counts, versions), answered)
    tail = ((SKIPPED, asked - answered), (NOT_ASKED, max(responses - asked, 0)))

    if question.kind == FREE_TEXT:
        return RawQuestion(question.code, question.kind, responses, answered, (), tail)

    counted: dict[str, int] = {o.code: 0 for o in question.scale.options if not o.excluded}
    excluded: dict[str, int] = {o.code: 0 for o in question.scale.options if o.excluded}
    positive = [o.code for o in question.scale.options if o.positive]
    beside = [o.code for o in question.scale.options if o.beside]
    unrecognised = 0
    for value in sorted(given):
        if value in counted or value in excluded:
            (counted if value in counted else excluded)[value] += given[value]
            continue
        flags = _flags(question, value, versions)
        if flags is None:
            unrecognised += given[value]
        elif flags.excluded:
            excluded[value] = given[value]
        else:
            # An answer option an earlier version offered: counted with the flags it had then.
            counted[value] = given[value]
            if flags.positive:
                positive.append(value)
            elif flags.beside:
                beside.append(value)
    exclusions = tuple(excluded.items())
    if unrecognised:
        exclusions += ((UNRECOGNISED, unrecognised),)

    if question.kind == MULTIPLE:
        return RawQuestion(question.code, question.kind, responses, answered,
                           tuple(counted.items()), exclusions + tail,
                           mentions=sum(counted.values()))
    n = sum(counted.values())
    return RawQuestion(question.code, question.kind, responses, n, tuple(counted.items()),
                       exclusions + tail, tuple(positive), tuple(beside))


def raw_questions(definition: QuestionnaireDefinition, counts: Counts,
                  versions: StoredVersions | None = None) -> tuple[RawQuestion, ...]:
    return tuple(raw_question(definition, q, counts, versions) for q in definition.all_questions)


# --- Published figures ---------------------------------------------------------------------

@dataclass(frozen=True)
class OptionResult:
    option: str
    count: int
    percent: int | None  # of n (single choice) or of all mentions (multiple choice)

    def to_dict(self) -> dict[str, Any]:
        return {"option": self.option, "count": self.count, "percent": self.percent}


@dataclass(frozen=True)
class QuestionResult:
    """One question's figures as presenters may show them."""

    code: str
    kind: str
    suppressed: bool
    n: int | None = None
    positive_percent: int | None = None
    beside_percent: int | None = None
    positive_options: tuple[str, ...] = ()
    beside_options: tuple[str, ...] = ()
    distribution: tuple[OptionResult, ...] = ()
    exclusions: tuple[tuple[str, int], ...] = ()
    mentions: int | None = None
    previous_percent: int | None = None
    change_points: int | None = None

    def option(self, code: str) -> OptionResult | None:
        return next((o for o in self.distribution if o.option == code), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "kind": self.kind,
            "suppressed": self.suppressed,
            "n": self.n,
            "positive_percent": self.positive_percent,
            "positive_options": list(self.positive_options),
            "beside_percent": self.beside_percent,
            "beside_options": list(self.beside_options),
            "distribution": [o.to_dict() for o in self.distribution],
            "exclusions": dict(self.exclusions),
            "mentions": self.mentions,
            "previous_percent": self.previous_percent,
            "change_points": self.change_points,
        }


def publish_question(raw: RawQuestion, hidden: bool) -> QuestionResult:
    """Turn raw figures into what may be shown; `hidden` comes from suppression.py."""
    if hidden:
        # Not the n, not the exclusions: with the responses shown they would give the n back.
        return QuestionResult(raw.code, raw.kind, True,
                              positive_options=raw.positive_options,
                              beside_options=raw.beside_options)
    exclusions = raw.exclusions
    if raw.kind == FREE_TEXT:
        return QuestionResult(raw.code, raw.kind, False, n=raw.n, exclusions=exclusions)
    if raw.kind == MULTIPLE:
        distribution = tuple(
            OptionResult(option, count, percent(count, raw.mentions) if raw.mentions else None)
            for option, count in raw.options
        )
        return QuestionResult(raw.code, raw.kind, False, n=raw.n, distribution=distribution,
                              exclusions=exclusions, mentions=raw.mentions)
    distribution = tuple(
        OptionResult(option, count, percent(count, raw.n) if raw.n else None)
        for option, count in raw.options
    )
    return QuestionResult(
        raw.code, raw.kind, False, n=raw.n,
        positive_percent=percent(raw.positive, raw.n) if raw.n and raw.positive_options else None,
        beside_percent=percent(raw.beside, raw.n) if raw.n and raw.beside_options else None,
        positive_options=raw.positive_options,
        beside_options=raw.beside_options,
        distribution=distribution,
        exclusions=exclusions,
    )


@dataclass(frozen=True)
class QuestionnaireResults:
    """Every question of one questionnaire for one set of responses, as it may be shown."""

    questionnaire: str
    threshold: int
    filters: Mapping[str, Any]
    suppressed: bool
    responses: int | None
    questions: tuple[QuestionResult, ...]
    previous: QuestionnaireResults | None = None

    def question(self, code: str) -> QuestionResult:
        for result in self.questions:
            if result.code == code:
                return result
        raise KeyError(code)

    def to_dict(self) -> dict[str, Any]:
        data = {
            "questionnaire": self.questionnaire,
            "filters": dict(self.filters),
            "threshold": self.threshold,
            "suppressed": self.suppressed,
            "responses": self.responses,
            "questions": [q.to_dict() for q in self.questions],
            "previous": None,
        }
        if self.previous is not None:
            data["previous"] = {
                "filters": dict(self.previous.filters),
                "suppressed": self.previous.suppressed,
                "responses": self.previous.responses,
            }
        return data


def compare(current: QuestionnaireResults, previous: QuestionnaireResults) -> dict[str, int | None]:
    """Return each question's change in percentage points; None where either is not shown."""
    before = {q.code: q for q in previous.questions}
    changes = {}
    for question in current.questions:
        old = before.get(question.code)
        changes[question.code] = points(
            question.positive_percent, old.positive_percent if old is not None else None
        )
    return changes


def with_previous(current: QuestionnaireResults, previous: QuestionnaireResults) -> QuestionnaireResults:
    """Attach the previous period's figures and the change to each question."""
    changes = compare(current, previous)
    before = {q.code: q.positive_percent for q in previous.questions}
    questions = tuple(
        replace(q, previous_percent=before.get(q.code), change_points=changes[q.code])
        for q in current.questions
    )
    return replace(current, questions=questions, previous=previous)


@dataclass(frozen=True)
class Group:
    key: str | None
    results: QuestionnaireResults

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "results": self.results.to_dict()}


@dataclass(frozen=True)
class Breakdown:
    """A questionnaire's results split into groups that add up to the total."""

    questionnaire: str
    by: str
    total: QuestionnaireResults
    groups: tuple[Group, ...]

    def group(self, key: str | None) -> QuestionnaireResults:
        for group in self.groups:
            if group.key == key:
                return group.results
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "questionnaire": self.questionnaire,
            "by": self.by,
            "total": self.total.to_dict(),
            "groups": [g.to_dict() for g in self.groups],
        }


@dataclass(frozen=True)
class NationalComparison:
    """An inspection's or organisation's results beside the national figure."""

    questionnaire: str
    scope: QuestionnaireResults
    national: QuestionnaireResults
    difference: Mapping[str, int | None]  # scope minus national, in percentage points

    def to_dict(self) -> dict[str, Any]:
        return {
            "questionnaire": self.questionnaire,
            "scope": self.scope.to_dict(),
            "national": self.national.to_dict(),
            "difference_points": dict(self.difference),
        }


# --- Deciding and publishing: the one path from counts to shown figures ----------------------

RESPONSES = "responses"  # the figure "how many responses", beside one figure a question


def figure_sizes(raws: Iterable[RawQuestion], responses: int) -> dict[str, int]:
    """Return the n of every figure of one group: its responses, and each question's n."""
    sizes = {RESPONSES: responses}
    sizes.update({raw.code: raw.n for raw in raws})
    return sizes


def hidden_figures(sizes_by_group: Mapping[Any, Mapping[str, int]], threshold: int,
                   forced: Iterable[str] = ()) -> dict[Any, frozenset[str]]:
    """Decide, for groups that add up to a shown total, which of each group's figures to hide.

    `forced` names figures hidden in every group (because the total's own figure is hidden,
    the groups must not add up to it). A group whose response count is hidden has all its
    figures hidden, and those groups seed each question's secondary suppression.
    """
    groups = list(sizes_by_group)
    forced = set(forced)
    figures = list(next(iter(sizes_by_group.values()), {RESPONSES: 0}))

    def decide(figure: str, also: Iterable[Any] = ()) -> frozenset[Any]:
        if figure in forced:
            return frozenset(groups)
        return hidden_groups({g: sizes_by_group[g][figure] for g in groups}, threshold, also)

    hidden_responses = decide(RESPONSES)
    hidden: dict[Any, set[str]] = {g: set() for g in groups}
    for group in hidden_responses:
        hidden[group].update(figures)
    for figure in figures:
        if figure == RESPONSES:
            continue
        for group in decide(figure, also=hidden_responses):
            hidden[group].add(figure)
    return {g: frozenset(h) for g, h in hidden.items()}


def complement_hidden(definition: QuestionnaireDefinition, scope: Counts,
                      wider: Iterable[Counts], threshold: int,
                      versions: StoredVersions | None = None) -> frozenset[str]:
    """Return the figures of `scope` to hide because a wider set of responses is shown too.

    Each wider set (the national figure, or the same filters less one) minus `scope` is a
    group no one is shown, but anyone could work it out by subtraction: `scope` and that rest
    are two groups adding up to a shown total, so secondary suppression applies to them.
    """
    scope_sizes = figure_sizes(raw_questions(definition, scope, versions), scope.responses)
    hidden: set[str] = set()
    for whole in wider:
        rest = whole.minus(scope)
        rest_sizes = figure_sizes(raw_questions(definition, rest, versions), rest.responses)
        hidden |= hidden_figures({"scope": scope_sizes, "rest": rest_sizes}, threshold)["scope"]
    return frozenset(hidden)


def publish(definition: QuestionnaireDefinition, groups: Mapping[Any, Counts], threshold: int,
            filters: Mapping[Any, Mapping[str, Any]], versions: StoredVersions | None = None,
            forced: Iterable[str] = ()) -> dict[Any, QuestionnaireResults]:
    """Publish groups that add up to a shown total (one group: a figure on its own)."""
    raws = {key: raw_questions(definition, counts, versions) for key, counts in groups.items()}
    sizes = {key: figure_sizes(raws[key], groups[key].responses) for key in groups}
    hidden = hidden_figures(sizes, threshold, forced)
    published = {}
    for key, counts in groups.items():
        responses_hidden = RESPONSES in hidden[key]
        published[key] = QuestionnaireResults(
            questionnaire=definition.code,
            threshold=threshold,
            filters=filters[key],
            suppressed=responses_hidden,
            responses=None if responses_hidden else counts.responses,
            questions=tuple(publish_question(raw, raw.code in hidden[key]) for raw in raws[key]),
        )
    return published
