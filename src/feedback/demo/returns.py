"""Synthetic raw returns that reproduce every feedback figure of the 2011–12 annual report.

The report publishes percentages, never the returns behind them. These returns are made up,
question by question, so that the results module gives back exactly what the report printed:
the sizes it names (48 post-inspection evaluations, 749 offender managers, 1,008 case managers,
2,189 young people, 529 victims of youth offending) and, for the surveys it gives no size for,
sizes chosen here (523 adult service users, 212 victims of adult offending, 158 sentencers).
Each closed question gets the whole number of positive answers, out of its n, that rounds half
up to the published percentage; the rest are spread over the other boxes; then every question's
answers are shuffled among the returns independently (a synthetic survey, not a model of how
people answer).

One published figure cannot be made from 48 answers: 91% of 48 (43/48 = 89.6%, 44/48 = 91.7%).
So one post-inspection evaluation leaves team_conduct blank, and 43 of the 47 who answered
it were fully or mainly satisfied (91.49% → 91%). The other four ¶1.19 figures are over all 48.

Returns in 2010–11 and 2012–13 (a few hundred, figures a few points apart) give period
comparisons something to compare; those in 2012–13 include Welsh returns from the
organisations in Wales. Demo submission keys start with "demo-": loading twice adds nothing.

`load_demo_returns` needs the demo catalogue loaded (feedback.demo.load.load_catalogue) and a
Flask application context: feedback.questionnaire_store.current_version renders each
questionnaire's snapshot under flask_babel.force_locale.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from .. import questionnaires
from ..counting import add_counts, count_rows
from ..models import Answer, Inspection, Organisation, Programme, Response
from ..questionnaire_store import current_version
from ..questionnaires import FREE_TEXT, QuestionnaireDefinition
from ..responses import answer_pairs
from ..results.arithmetic import percent
from ..results.periods import UK, Period

KEY_PREFIX = "demo-"


class DemoDataMissing(RuntimeError):
    """The demo organisations and inspections are not loaded."""


@dataclass(frozen=True)
class Closed:
    """What one single-choice question's answers must give."""

    positive: int  # per cent of n, as published
    beside: int | None = None  # per cent of n, the next box ("a further 10% reasonable")
    excluded: int = 0  # answers of the scale's excluded option ("don't know")
    skipped: int = 0  # returns that left it blank


@dataclass(frozen=True)
class Plan:
    """The returns of one questionnaire in one business year."""

    questionnaire: str
    first_year: int  # 2011 for 2011–12
    size: int
    programmes: tuple[str, ...]
    window: tuple[str, int, str, int]  # submitted between (start|end + days) and (start|end + days)
    closed: dict[str, Closed] = field(default_factory=dict)
    mentions: dict[str, dict[str, int]] = field(default_factory=dict)  # multiple choice counts
    respondents: dict[str, int] = field(default_factory=dict)  # multiple choice: how many answered
    text_rate: dict[str, float] = field(default_factory=dict)  # free text: share who write
    one_per_inspection: bool = False
    exact: bool = True  # the published year: each percentage must come out exactly

    @property
    def period(self) -> Period:
        return Period.business_year(self.first_year)


YOUTH = ("CCI", "SQS")
ADULT = ("OMI2",)
FIELDWORK = ("start", 0, "end", 10)
BEFORE = ("start", -28, "start", -1)

# --- 2011–12: the annual report's figures -------------------------------------------------

PUBLISHED_YEAR: tuple[Plan, ...] = (
    Plan(  # ¶1.18–1.19
        "post-inspection-evaluation", 2011, 48, ADULT + YOUTH, ("end", 5, "end", 28),
        closed={
            "planning_clarity": Closed(96),
            "pre_inspection_planning": Closed(98),
            "team_conduct": Closed(91, skipped=1),
            "requests_reasonable": Closed(98),
            "overall_management": Closed(94),
        },
        text_rate={"comments": 0.4},
        one_per_inspection=True,
    ),
    Plan(  # ¶2.22–2.26
        "offender-manager", 2011, 749, ADULT, FIELDWORK,
        closed={
            "discussion_manner": Closed(95, beside=4),  # "the vast majority ... definitely"
            "diversity_attention": Closed(89, beside=10),
            "good_practice_feedback": Closed(84, beside=14),
            "improvement_ideas": Closed(68, beside=30),
            "obstacles": Closed(34),
        },
        text_rate={"praised_work": 0.6, "do_differently": 0.55, "obstacles_detail": 0.8},
    ),
    Plan(  # ¶3.14–3.15
        "case-manager", 2011, 1008, YOUTH, FIELDWORK,
        closed={
            "discussion_manner": Closed(96),
            "good_practice_feedback": Closed(98),
            "improvement_advice": Closed(97),
        },
        text_rate={"helpful": 0.5},
    ),
    Plan(  # ¶2.11–2.12
        "adult-service-user", 2011, 523, ADULT, BEFORE,
        closed={
            "working_relationship": Closed(91),  # "the vast majority"
            "plan_involvement": Closed(86),
            "progress_discussed": Closed(86),  # "a similar proportion"
            "think_about_offending": Closed(96),
            "victim_awareness": Closed(94),
            "less_likely": Closed(86),
        },
        # Shares of all 1,200 mentions: 25, 19, 11, 6, 5, 5 as published; 9, 7, 13 not published.
        mentions={"help_received": {
            "accommodation": 301, "ete": 226, "relationships": 133, "attitudes": 71,
            "drugs": 62, "alcohol": 58, "money": 110, "health": 83, "other": 156,
        }},
        respondents={"help_received": 470},
        text_rate={"comments": 0.3},
    ),
    Plan(  # ¶3.11
        "young-people", 2011, 2189, YOUTH, BEFORE,
        closed={
            "less_likely": Closed(87),
            "life_better": Closed(62),
            "easy_to_understand": Closed(96),
        },
        text_rate={"comments": 0.2},
    ),
    Plan(  # ¶3.12–3.13
        "youth-victims", 2011, 529, YOUTH, ("start", -42, "end", 0),
        closed={
            "service_satisfaction": Closed(86),
            "concerns_heard": Closed(92),
            "safety_attention": Closed(89),
        },
        text_rate={"comments": 0.25},
    ),
    Plan(  # ¶2.10, ¶2.13: "the vast majority"; "the majority"; events 83%
        "adult-victims", 2011, 212, ADULT, ("start", -42, "end", 0),
        closed={
            "face_to_face_offered": Closed(88, excluded=6),
            "custody_length_info": Closed(85, excluded=9),
            "kept_up_to_date": Closed(84, excluded=5),
            "release_concerns": Closed(81, excluded=11),
            "licence_conditions_views": Closed(62, excluded=18),
            "release_conditions_informed": Closed(71, excluded=12),
            "events_informed": Closed(83, excluded=14),
        },
        text_rate={"comments": 0.3},
    ),
    Plan(  # ¶2.14: "the majority"; "most thought highly"; 20% concerned
        "sentencers", 2011, 158, ADULT, BEFORE,
        closed={
            "psr_quality": Closed(78),
            "liaison": Closed(81),
            "court_staff_skills": Closed(85),
            "court_staffing_concern": Closed(20),
        },
        text_rate={"comments": 0.3},
    ),
)


def _shifted(plan: Plan, first_year: int, size: int, change: int) -> Plan:
    """The same survey in another year: `size` returns, percentages moved by `change` points."""
    def move(index: int, target: Closed) -> Closed:
        # Each question moves a little differently, so comparisons are not all alike.
        positive = min(99, max(1, target.positive + change + index % 3 - 1))
        beside = None if target.beside is None else max(0, min(target.beside, 100 - positive))
        excluded = target.excluded * size // plan.size
        return Closed(positive, beside, excluded)

    mentions = {q: {o: max(1, c * size // plan.size) for o, c in options.items()}
                for q, options in plan.mentions.items()}
    respondents = {q: max(max(mentions[q].values()), n * size // plan.size)
                   for q, n in plan.respondents.items()}
    return replace(plan, first_year=first_year, size=size, exact=False,
                   closed={q: move(k, t) for k, (q, t) in enumerate(plan.closed.items())},
                   mentions=mentions, respondents=respondents)


_OTHER_YEARS = {  # questionnaire: (2010–11 size, 2012–13 size)
    "post-inspection-evaluation": (20, 3),
    "offender-manager": (96, 52),
    "case-manager": (140, 24),
    "adult-service-user": (70, 40),
    "young-people": (260, 46),
    "youth-victims": (64, 9),  # nine in 2012–13: a figure that must never be shown
    "adult-victims": (30, 14),
    "sentencers": (24, 12),
}

PLANS: tuple[Plan, ...] = PUBLISHED_YEAR + tuple(
    _shifted(plan, year, sizes[index], change)
    for plan in PUBLISHED_YEAR
    for index, (year, change) in enumerate(((2010, -3), (2012, 2)))
    for sizes in [_OTHER_YEARS[plan.questionnaire]]
)

# --- What respondents wrote (the report's own quotations), and who they are ----------------

COMMENTS = {
    "praised_work": (
        "The Sentence Plan objectives were updated to take account of changes in circumstances.",
        "Detailed contact logs identifying interventions undertaken.",
        "I had thought of different ways of trying to engage with the offender, and persisted "
        "with this difficult and complex case.",
    ),
    "do_differently": (
        "Clearly identify triggers and motivators and ensure these are actively reviewed.",
        "Pay more attention to incorporating information from interventions into my assessment.",
        "Breaking objectives down in sentence planning further to increase focus.",
        "I will use other methods of delivery of offence focused work.",
    ),
    "obstacles_detail": (
        "High workloads and competing demands.",
        "Staff shortages in the team.",
        "Organisational changes and IT problems.",
    ),
    "helpful": (
        "The inspector raised pertinent issues about risk and vulnerability that belonged in "
        "the initial assessment.",
        "How to help practitioners explore diversity with young people.",
        "To make more use of the plan task goals within the intervention screen.",
    ),
    "comments": (
        "Thank you for the chance to comment.",
        "The process was clearly explained and I was kept informed throughout.",
        "Communication was very good at all times.",
        "It was helpful.",
    ),
}
WELSH_COMMENT = "Diolch yn fawr."

ABOUT_YOU_WEIGHTS = {  # by scale code
    "gender": {"female": 44, "male": 52, "another_way": 1, "prefer_not_to_say": 3},
    "ethnic_group": {"white": 82, "mixed": 4, "asian": 6, "black": 5, "other": 1,
                     "prefer_not_to_say": 2},
    "disability": {"yes": 14, "no": 81, "prefer_not_to_say": 5},
    "age_adult": {"18_24": 18, "25_34": 27, "35_44": 22, "45_54": 17, "55_64": 9,
                  "65_over": 3, "prefer_not_to_say": 4},
    "age_child": {"10_13": 12, "14_15": 35, "16_17": 48, "18_over": 3, "prefer_not_to_say": 2},
    "sexual_orientation": {"straight": 86, "gay_lesbian": 3, "bisexual": 2, "other": 1,
                           "prefer_not_to_say": 8},
}
CHANNEL_WEIGHTS = {"kiosk": 60, "paper": 25, "web": 15}
WELSH_SHARE = 0.35  # of returns from organisations in Wales


# --- Exact counts ------------------------------------------------------------------------------

def count_for(target: int, n: int, exact: bool = True) -> int:
    """Return the count out of n that rounds half up to `target`%, nearest the exact share.

    With exact=False (years the report does not cover), the nearest count will do when no
    count out of n gives `target`% exactly.
    """
    centre = target * n // 100
    if not exact:
        return min(n, (2 * target * n + 100) // 200)
    found = [x for x in range(max(0, centre - 2), min(n, centre + 3) + 1) if percent(x, n) == target]
    if not found:
        raise ValueError(f"no whole number of {n} answers rounds to {target}%")
    return min(found, key=lambda x: abs(100 * x - target * n))


def closed_answers(definition: QuestionnaireDefinition, code: str, target: Closed,
                   asked: int, exact: bool = True) -> list[str | None]:
    """Return `asked` answers (None for blank) whose figures are exactly `target`."""
    scale = definition.question(code).scale
    n = asked - target.skipped - target.excluded
    positive = count_for(target.positive, n, exact)
    beside = min(count_for(target.beside, n, exact), n - positive) if target.beside is not None else 0
    rest = n - positive - beside
    if rest < 0:
        raise ValueError(f"{code}: {target} does not fit {n} answers")
    answers: list[str | None] = [None] * target.skipped
    tops = [o.code for o in scale.options if o.positive]
    first = (positive * 62 + 50) // 100 if len(tops) > 1 else positive
    answers += [tops[0]] * first + [tops[-1]] * (positive - first)
    answers += [o.code for o in scale.options if o.beside][:1] * beside
    others = [o.code for o in scale.options if not (o.positive or o.beside or o.excluded)]
    milder = (rest * 3 + 3) // 4 if len(others) > 1 else rest  # "partly" before "not at all"
    answers += [others[0]] * milder + [others[-1]] * (rest - milder)
    answers += [o.code for o in scale.options if o.excluded][:1] * target.excluded
    assert len(answers) == asked, (code, len(answers), asked)
    return answers


def mention_sets(counts: dict[str, int], respondents: int, rng: random.Random) -> list[list[str]]:
    """Give `respondents` people distinct options, at least one each, matching `counts` exactly."""
    if max(counts.values()) > respondents or sum(counts.values()) < respondents:
        raise ValueError("mentions do not fit the respondents")
    chosen: list[list[str]] = [[] for _ in range(respondents)]
    position = 0
    # Dealt round the respondents in turn: an option never lands twice on one person, and
    # everyone gets one before anyone gets a second.
    for option, count in counts.items():
        for _ in range(count):
            chosen[position % respondents].append(option)
            position += 1
    rng.shuffle(chosen)
    return chosen


# --- Building returns ------------------------------------------------------------------------

@dataclass(frozen=True)
class _Inspection:
    id: int
    code: str
    programme: str
    fieldwork_start: date
    fieldwork_end: date
    in_wales: bool


def _inspections(session: Session) -> list[_Inspection]:
    rows = session.execute(
        select(Inspection.id, Inspection.code, Programme.code.label("programme"),
               Inspection.fieldwork_start, Inspection.fieldwork_end, Organisation.in_wales)
        .join(Programme, Inspection.programme_id == Programme.id)
        .outerjoin(Organisation, Inspection.organisation_id == Organisation.id)
        .order_by(Inspection.code)
    ).all()
    return [_Inspection(r.id, r.code, r.programme, r.fieldwork_start, r.fieldwork_end,
                        bool(r.in_wales)) for r in rows]


def _allocate(total: int, inspections: list[_Inspection], rng: random.Random) -> list[_Inspection]:
    """Share `total` returns among inspections by length of fieldwork, a little unevenly."""
    weights = [((i.fieldwork_end - i.fieldwork_start).days + 1) * rng.uniform(0.6, 1.4)
               for i in inspections]
    scale = total / sum(weights)
    shares = [int(w * scale) for w in weights]
    by_remainder = sorted(range(len(inspections)), key=lambda k: shares[k] - weights[k] * scale)
    for k in by_remainder[: total - sum(shares)]:
        shares[k] += 1
    return [inspection for inspection, share in zip(inspections, shares, strict=True) for _ in range(share)]


def _moment(plan: Plan, inspection: _Inspection, rng: random.Random) -> datetime:
    """A working-hours moment in the plan's window around the fieldwork, within its year."""
    anchor = {"start": inspection.fieldwork_start, "end": inspection.fieldwork_end}
    low = anchor[plan.window[0]] + timedelta(days=plan.window[1])
    high = anchor[plan.window[2]] + timedelta(days=plan.window[3])
    first, last = plan.period.first_day, plan.period.last_day
    low, high = min(max(low, first), last), min(max(high, first), last)
    day = low + timedelta(days=rng.randint(0, max((high - low).days, 0)))
    minutes = rng.randint(9 * 60, 19 * 60 + 59)
    local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=UK)
    return local.astimezone(timezone.utc)


def _weighted(weights: dict[str, int], rng: random.Random) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _build(plan: Plan, version_id: int, inspections: list[_Inspection], rng: random.Random):
    """Return the response rows and, for each, its answers by question code."""
    definition = questionnaires.get(plan.questionnaire)
    eligible = [i for i in inspections if i.programme in plan.programmes
                and plan.period.first_day <= i.fieldwork_start <= plan.period.last_day]
    if plan.one_per_inspection:
        # One return an inspection, from those whose return could arrive within the year.
        eligible = [i for i in eligible
                    if i.fieldwork_end + timedelta(days=plan.window[1]) <= plan.period.last_day]
        if len(eligible) < plan.size:
            raise DemoDataMissing(f"{plan.questionnaire}: {len(eligible)} inspections for {plan.size} returns")
        attached = sorted(rng.sample(eligible, plan.size), key=lambda i: i.fieldwork_end)
    else:
        if not eligible:
            raise DemoDataMissing(f"{plan.questionnaire}: no {'/'.join(plan.programmes)} "
                                  f"inspection in {plan.period.label}")
        attached = _allocate(plan.size, eligible, rng)

    channels = {c: CHANNEL_WEIGHTS.get(c, 1) for c in definition.channels}
    if set(definition.channels) == {"web", "paper"}:
        channels = {"web": 70, "paper": 30}
    rows, answers = [], []
    for index, inspection in enumerate(attached):
        welsh = inspection.in_wales and rng.random() < WELSH_SHARE
        rows.append({
            "submission_key": f"{KEY_PREFIX}{plan.questionnaire}-{plan.first_year}-{index + 1:05d}",
            "questionnaire_version_id": version_id,
            "inspection_id": inspection.id,
            "invitation_id": None,
            "channel": _weighted(channels, rng),
            "language": "cy" if welsh else "en",
            "submitted_at": _moment(plan, inspection, rng),
        })
        answers.append({})

    for code, target in plan.closed.items():
        values = closed_answers(definition, code, target, plan.size, plan.exact)
        rng.shuffle(values)
        for given, value in zip(answers, values, strict=True):
            if value is not None:
                given[code] = value
    for code, counts in plan.mentions.items():
        sets = mention_sets(counts, plan.respondents[code], rng)
        for given in rng.sample(answers, len(sets)):
            given[code] = sets.pop()
    for question in definition.questions:
        if question.kind != FREE_TEXT or question.code not in plan.text_rate:
            continue
        for row, given in zip(rows, answers, strict=True):
            if question.is_asked(given) and rng.random() < plan.text_rate[question.code]:
                pool = COMMENTS[question.code if question.code in COMMENTS else "comments"]
                given[question.code] = WELSH_COMMENT if row["language"] == "cy" else rng.choice(pool)
    for given in answers:
        if definition.about_you and rng.random() < 0.6:
            for question in definition.about_you:
                if rng.random() < 0.9:
                    given[question.code] = _weighted(ABOUT_YOU_WEIGHTS[question.scale.code], rng)

    # Stored in the order they arrived, as real returns would be.
    order = sorted(range(len(rows)), key=lambda k: rows[k]["submitted_at"])
    return [rows[k] for k in order], [answers[k] for k in order]


def demo_returns_loaded(session: Session) -> bool:
    found = session.execute(
        select(Response.id).where(Response.submission_key.like(f"{KEY_PREFIX}%")).limit(1)
    ).first()
    return found is not None


def load_demo_returns(session: Session, rng_seed: int = 2012) -> dict[str, int]:
    """Insert the synthetic returns, unless demo returns are already there; return counts.

    Call inside a Flask application context, after the demo catalogue is loaded. Flushes but
    does not commit: the caller's transaction decides. `rng_seed` varies who said what and
    when; the published figures come out the same for any seed.
    """
    if demo_returns_loaded(session):
        return {}
    inspections = _inspections(session)
    if not inspections:
        raise DemoDataMissing("load the demo catalogue first (feedback.demo.load.load_catalogue)")
    versions = {d.code: current_version(session, d).id for d in questionnaires.ALL}
    session.flush()

    response_rows: list[dict[str, Any]] = []
    answer_sets: list[tuple[QuestionnaireDefinition, dict[str, Any]]] = []
    loaded: dict[str, int] = {}
    for plan in PLANS:
        # A generator per plan: changing one plan leaves the others' returns as they were.
        rng = random.Random(f"{rng_seed}/{plan.questionnaire}/{plan.first_year}")
        rows, answers = _build(plan, versions[plan.questionnaire], inspections, rng)
        definition = questionnaires.get(plan.questionnaire)
        response_rows += rows
        answer_sets += [(definition, given) for given in answers]
        loaded[plan.questionnaire] = loaded.get(plan.questionnaire, 0) + len(rows)

    ids = _insert_responses(session, response_rows)
    answer_rows = []
    counts: Counter = Counter()
    for response_id, row, (definition, given) in zip(ids, response_rows, answer_sets, strict=True):
        pairs = list(answer_pairs(definition, given))
        answer_rows += [(response_id, code, value, typed) for code, value, typed in pairs]
        # Counted here, in the same transaction (so stored as counted): faster in bulk than
        # leaving them to feedback.counting.
        count_rows(response_id, row["questionnaire_version_id"], row["submitted_at"], row["inspection_id"],
                   row["channel"], row["language"], [(code, value) for code, value, _typed in pairs],
                   into=counts)
    _insert_answers(session, answer_rows)
    add_counts(session.connection(), counts)
    return loaded


def _insert_responses(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert response rows in bulk; return their ids in the order given."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        table = Response.__table__
        return list(session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True),
            [{**row, "counted": True} for row in rows],
        ).scalars())
    # PostgreSQL: take ids from the table's own sequence, then COPY, far faster than INSERT.
    ids = list(session.execute(
        text("SELECT nextval(pg_get_serial_sequence('responses', 'id')) FROM generate_series(1, :n)"),
        {"n": len(rows)},
    ).scalars())
    columns = ("id", "submission_key", "questionnaire_version_id", "inspection_id",
               "invitation_id", "channel", "language", "submitted_at", "counted")
    _copy(connection, "responses", columns,
          ((id_,) + tuple(row[c] for c in columns[1:-1]) + (True,) for id_, row in zip(ids, rows, strict=True)))
    return ids


def _insert_answers(session: Session, rows: list[tuple[int, str, str, str | None]]) -> None:
    columns = ("response_id", "question_code", "value", "text")
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        _copy(connection, "answers", columns, rows)
    else:
        session.execute(insert(Answer.__table__), [dict(zip(columns, row, strict=True)) for row in rows])


def _copy(connection, table: str, columns: tuple[str, ...], rows) -> None:
    """COPY rows into a table on the session's own PostgreSQL connection and transaction."""
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"  # names from this module only
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
