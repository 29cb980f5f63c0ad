"""The results module against a brute-force count of generated answers, on both databases."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from feedback import questionnaires
from feedback.models import Answer, Inspection, Organisation, Programme, Response
from feedback.questionnaire_store import current_version
from feedback.questionnaires import FREE_TEXT, MULTIPLE
from feedback.results import Filters, breakdown, parse_period, questionnaire_results

INSPECTIONS = ("omi2-2011-greater-manchester", "omi2-2011-london", "cci-2011-birmingham", None)
PERIODS = (None, "2011-12", "2011-12-Q1", "2011-04", "2011-03-25..2011-04-05", "2012-13")
FIRST_DAY = datetime(2011, 3, 20, tzinfo=timezone.utc)

PROPERTY_SETTINGS = settings(
    max_examples=30, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _boundary_minutes() -> list[int]:
    """Minutes (from FIRST_DAY) on and either side of every period boundary the tests use."""
    minutes = []
    for written in PERIODS[1:]:
        period = parse_period(written)
        for edge in (period.start, period.end):
            at = int((edge - FIRST_DAY).total_seconds() // 60)
            minutes += [at - 1, at, at + 1]
    return [m for m in minutes if m >= 0]


BOUNDARY_MINUTES = _boundary_minutes()


def generate_responses(definition, rng) -> list[dict]:
    """Eight to forty responses, each question skipped or answered at random.

    Drawn from a seed Hypothesis chooses (a failure reports it), rather than built from
    strategies: with 30 examples, strategies mostly try near-empty surveys.
    """
    responses = []
    for _ in range(rng.randint(8, 40)):
        answers = {}
        for question in definition.all_questions:
            if rng.random() < 0.25:
                continue  # skipped
            if question.kind == FREE_TEXT:
                answers[question.code] = "text"
            elif question.kind == MULTIPLE:
                chosen = rng.sample(question.scale.codes, rng.randint(1, 4))
                answers[question.code] = chosen
            else:
                answers[question.code] = rng.choice(question.scale.codes)
        # A skip rule hides a question: no answer to it is stored.
        answers = {c: v for c, v in answers.items() if definition.question(c).is_asked(answers)}
        responses.append({
            "inspection": rng.choice(INSPECTIONS),
            "channel": rng.choice(definition.channels),
            "language": rng.choice(("en", "cy")),
            "minutes": (rng.choice(BOUNDARY_MINUTES) if rng.random() < 0.1
                        else rng.randint(0, 500 * 24 * 60)),
            "answers": answers,
        })
    return responses


def filters_strategy(definition):
    about = [q.code for q in definition.about_you]
    equality = st.one_of(st.just(()), st.sampled_from(about).flatmap(
        lambda code: st.sampled_from(definition.question(code).scale.codes).map(lambda v: ((code, v),))))
    return st.fixed_dictionaries({
        "period": st.sampled_from(PERIODS + ("2011-12",) * 3),
        "region": st.sampled_from((None,) * 4 + ("north_west", "london")),
        "programme": st.sampled_from((None,) * 4 + ("OMI2",)),
        "channel": st.sampled_from((None,) * 4 + definition.channels),
        "equality": st.one_of(st.just(()), st.just(()), equality),
    })


# --- The brute force: plain Python over the generated answers ------------------------------

def asked(definition, question, answers) -> bool:
    return question.is_asked(answers)


def expected_figures(definition, selected):
    """Every figure of every question, counted one response at a time."""
    figures = {"responses": len(selected)}
    for question in definition.all_questions:
        asked_of = [r for r in selected if asked(definition, question, r["answers"])]
        answered = [r["answers"][question.code] for r in asked_of if question.code in r["answers"]]
        tail = {"skipped": len(asked_of) - len(answered), "not_asked": len(selected) - len(asked_of)}
        if question.kind == FREE_TEXT:
            figures[question.code] = {"n": len(answered), "exclusions": tail}
            continue
        if question.kind == MULTIPLE:
            mentions = [choice for chosen in answered for choice in chosen]
            figures[question.code] = {
                "n": len(answered), "mentions": len(mentions), "exclusions": tail,
                "shares": {o: half_up(mentions.count(o), len(mentions)) for o in question.scale.codes},
            }
            continue
        excluded = {o.code for o in question.scale.options if o.excluded}
        counted = [a for a in answered if a not in excluded]
        positive = {o.code for o in question.scale.options if o.positive}
        beside = {o.code for o in question.scale.options if o.beside}
        exclusions = {code: answered.count(code) for code in question.scale.codes if code in excluded}
        exclusions.update(tail)
        figures[question.code] = {
            "n": len(counted),
            "positive": half_up(sum(a in positive for a in counted), len(counted)) if positive else None,
            "beside": half_up(sum(a in beside for a in counted), len(counted)) if beside else None,
            "counts": {o: counted.count(o) for o in question.scale.codes if o not in excluded},
            "exclusions": exclusions,
        }
    return figures


def half_up(part: int, whole: int) -> int | None:
    if whole == 0:
        return None
    return int(Fraction(100 * part, whole) + Fraction(1, 2))


def matches(response, filters: dict, places) -> bool:
    period = parse_period(filters["period"]) if filters.get("period") else None
    place = places.get(response["inspection"])
    if period is not None and not period.contains(response["submitted_at"]):
        return False
    if filters.get("region") and (place is None or place["region"] != filters["region"]):
        return False
    if filters.get("programme") and (place is None or place["programme"] != filters["programme"]):
        return False
    if filters.get("channel") and response["channel"] != filters["channel"]:
        return False
    for question, value in filters.get("equality", ()):
        if response["answers"].get(question) != value:
            return False
    return True


def narrowing(filters: dict) -> list[dict]:
    """The same filters less one: sets whose difference from these anyone could work out."""
    wider = []
    for name in ("region", "programme", "channel"):
        if filters.get(name):
            wider.append({**filters, name: None})
    if filters.get("equality"):
        wider.append({**filters, "equality": ()})
    return wider


def expected_hidden(definition, responses, filters, places, threshold) -> set[str]:
    """Which figures must be hidden: primary, and where a wider set less this one is small."""
    small = lambda n: 0 < n < threshold  # noqa: E731
    mine = expected_figures(definition, [r for r in responses if matches(r, filters, places)])
    rests = []
    for wider in narrowing(filters):
        whole = expected_figures(definition, [r for r in responses if matches(r, wider, places)])
        rests.append({k: (whole[k] if k == "responses" else whole[k]["n"])
                      - (mine[k] if k == "responses" else mine[k]["n"]) for k in mine})
    responses_hidden = small(mine["responses"]) or any(
        small(rest["responses"]) and mine["responses"] > 0 for rest in rests)
    if responses_hidden:
        return set(mine)
    return {code for code in mine if code != "responses" and (
        small(mine[code]["n"]) or any(small(rest[code]) and mine[code]["n"] > 0 for rest in rests))}


def check_shown(result, figure) -> None:
    """A shown question's published figures are the brute-force ones."""
    assert result.n == figure["n"]
    assert dict(result.exclusions) == figure["exclusions"]
    if result.kind == "multiple":
        assert result.mentions == figure["mentions"]
        assert {o.option: o.percent for o in result.distribution} == figure["shares"]
    elif result.kind == "single":
        assert result.positive_percent == figure["positive"]
        assert result.beside_percent == figure["beside"]
        assert {o.option: o.count for o in result.distribution} == figure["counts"]


# --- The test ------------------------------------------------------------------------------

@pytest.fixture
def places(app, demo_data):
    db = demo_data
    rows = db.execute(
        select(Inspection.code, Inspection.id, Organisation.region_code, Programme.code.label("programme"))
        .join(Organisation, Inspection.organisation_id == Organisation.id)
        .join(Programme, Inspection.programme_id == Programme.id)
        .where(Inspection.code.in_([c for c in INSPECTIONS if c]))
    ).all()
    return {row.code: {"id": row.id, "region": row.region_code, "programme": row.programme} for row in rows}


def store(db, version_id, responses, places) -> None:
    for index, generated in enumerate(responses):
        submitted = FIRST_DAY + timedelta(minutes=generated["minutes"])
        generated["submitted_at"] = submitted
        answers = []
        for code, value in generated["answers"].items():
            if value == "text":
                answers.append(Answer(question_code=code, value="text", text="Written words."))
            elif isinstance(value, list):
                answers += [Answer(question_code=code, value=choice) for choice in value]
            else:
                answers.append(Answer(question_code=code, value=value))
        place = places.get(generated["inspection"])
        db.add(Response(
            submission_key=f"property-{index}", questionnaire_version_id=version_id,
            inspection_id=place["id"] if place else None, channel=generated["channel"],
            language=generated["language"], submitted_at=submitted, answers=answers,
        ))
    db.flush()


@pytest.mark.parametrize("code", ["offender-manager", "adult-service-user"])
def test_results_equal_a_brute_force_count(app, demo_data, places, code):
    db = demo_data
    definition = questionnaires.get(code)
    with app.app_context():
        version_id = current_version(db, definition).id
    db.commit()

    @PROPERTY_SETTINGS
    @given(seed=st.integers(0, 2**32 - 1), chosen=filters_strategy(definition),
           threshold=st.integers(1, 6),
           by=st.sampled_from(("region", "channel", "about_gender", "quarter")))
    def check(seed, chosen, threshold, by):
        responses = generate_responses(definition, random.Random(seed))
        try:
            store(db, version_id, responses, places)
            filters = Filters(
                period=parse_period(chosen["period"]) if chosen["period"] else None,
                region=chosen["region"], programme=chosen["programme"],
                channel=chosen["channel"], equality=chosen["equality"],
            )
            results = questionnaire_results(db, code, filters, threshold=threshold,
                                            compare_previous=False)
            selected = [r for r in responses if matches(r, chosen, places)]
            figures = expected_figures(definition, selected)
            hidden = expected_hidden(definition, responses, chosen, places, threshold)

            assert results.suppressed == ("responses" in hidden)
            assert results.responses == (None if results.suppressed else len(selected))
            for result in results.questions:
                assert result.suppressed == (result.code in hidden), result.code
                if not result.suppressed:
                    check_shown(result, figures[result.code])

            if by == "quarter" and filters.period is None:
                return
            split = breakdown(db, code, by, filters, threshold=threshold)
            assert split.total == results
            groups = {}
            for response in selected:
                groups.setdefault(group_key(response, by, places, filters, definition), []).append(response)
            assert {g.key for g in split.groups} == set(groups)
            expected = {key: expected_figures(definition, members) for key, members in groups.items()}
            for group in split.groups:
                for result in group.results.questions:
                    if not result.suppressed:
                        check_shown(result, expected[group.key][result.code])
                        assert not 0 < result.n < threshold
            # Nothing hidden can be worked out: what the total less the shown groups leaves
            # is nothing, or at least the threshold.
            for figure in ["responses"] + [q.code for q in definition.all_questions]:
                total_shown = not (results.suppressed if figure == "responses"
                                   else results.question(figure).suppressed)
                if not total_shown:
                    continue
                hidden_sum = 0
                for group in split.groups:
                    hidden_here = (group.results.suppressed if figure == "responses"
                                   else group.results.question(figure).suppressed)
                    size = expected[group.key][figure]
                    size = size if figure == "responses" else size["n"]
                    if hidden_here:
                        hidden_sum += size
                assert hidden_sum == 0 or hidden_sum >= threshold, figure
        finally:
            db.rollback()

    check()


def group_key(response, by, places, filters, definition):
    if by == "region":
        place = places.get(response["inspection"])
        return place["region"] if place else None
    if by == "channel":
        return response["channel"]
    if by == "quarter":
        for part in filters.period.subdivide("quarter"):
            if part.contains(response["submitted_at"]):
                return part.code
    value = response["answers"].get(by)
    stated = {o.code for o in definition.question(by).scale.options if not o.excluded}
    return value if value in stated else "not_stated"


def test_no_responses_at_all(db):
    """A questionnaire nobody has answered: every n is 0, nothing is stored by reading."""
    results = questionnaire_results(db, "youth-victims", Filters(period=parse_period("2011-12")))
    assert (results.responses, results.suppressed) == (0, False)
    assert all(q.n == 0 and q.positive_percent is None and not q.suppressed for q in results.questions)
    assert results.previous.responses == 0
    assert breakdown(db, "youth-victims", "region").groups == ()
    assert db.scalar(select(Response.id).limit(1)) is None
