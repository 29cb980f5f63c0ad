"""answer_counts always equals a recount of the stored responses and answers.

Responses are counted in batches after they are stored (feedback.counting); once those waiting
are counted, the recount here, written afresh from the raw rows (it shares no code with
counting.count_rows), must equal answer_counts after every way a response is stored: the web journey, a kiosk's queue (sent twice), paper-style
store_response calls repeated under one key, the demo bulk loader, changes and deletions made
inside counting.changing (a paper return corrected among them), the migration's backfill, and a purge (which must
change nothing). Then the results module gives the same counts from answer_counts as from the
raw tables. All of it is kept by feedback.counting: no listener on the ORM's sessions.
"""

from __future__ import annotations

import importlib.util
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from feedback import counting, kiosk, models, paper_returns, questionnaires
from feedback.counting import count_all_waiting, waiting_count
from feedback.migrations import MIGRATIONS
from feedback.models import Answer, AnswerCount, Inspection, Response
from feedback.paper_returns import TypedReturn
from feedback.responses import store_response
from feedback.results import Filters, parse_period
from feedback.results.compute import Counts
from feedback.results.query import _count_raw, count, counted_ahead, load_scope, whole_months
from feedback.retention import RetentionPolicy, purge
from tests.conftest import CHEAP_PASSWORD_HASH_METHOD
from tests.kiosk.test_enrolment import bind
from tests.test_web_journey import answer_pie, make_link

UK = ZoneInfo("Europe/London")
HEADERS = {"X-Kiosk-Sync": "1"}


def recount(db, counted_only: bool = False) -> Counter:
    """Count every response and answer from the raw rows, one response at a time (only the
    responses marked counted, if `counted_only`)."""
    db.commit()
    expected: Counter = Counter()
    answers: dict[int, list[tuple[str, str]]] = {}
    for response_id, question, value in db.execute(
            select(Answer.response_id, Answer.question_code, Answer.value)):
        answers.setdefault(response_id, []).append((question, value))
    # Plain rows rather than ORM objects: the demo returns are thousands of them.
    responses = select(Response.id, Response.submitted_at, Response.inspection_id,
                       Response.questionnaire_version_id, Response.channel, Response.language)
    if counted_only:
        responses = responses.where(Response.counted.is_(True))
    for r in db.execute(responses):
        moment = r.submitted_at if r.submitted_at.tzinfo else r.submitted_at.replace(tzinfo=timezone.utc)
        day = moment.astimezone(UK).date()
        given = answers.get(r.id, [])
        choices = Counter(q for q, _ in given)
        for inspection, span, when in ((r.inspection_id or 0, "m", day.replace(day=1)),
                                       (-1, "d", day), (-1, "m", day.replace(day=1))):
            head = (r.questionnaire_version_id, inspection, span, when, r.channel, r.language)
            shard = r.id % 8
            expected[head + ("r", "", "", shard)] += 1
            for question, value in given:
                expected[head + ("a", question, value, shard)] += 1
            for question, k in choices.items():
                if k > 1:
                    expected[head + ("x", question, "", shard)] += k - 1
    return expected


def stored_counts(db) -> Counter:
    db.commit()
    found: Counter = Counter()
    columns = AnswerCount.__table__.c
    for row in db.execute(select(columns.questionnaire_version_id, columns.inspection_id, columns.span, columns.day,
                                 columns.channel, columns.language, columns.kind, columns.question_code,
                                 columns.value, columns.shard, columns.n)):
        if row.n:
            day = row.day if not isinstance(row.day, str) else datetime.fromisoformat(row.day).date()
            found[(row.questionnaire_version_id, row.inspection_id, row.span, day, row.channel,
                   row.language, row.kind, row.question_code, row.value, row.shard)] = row.n
    return found


def assert_counts_hold(db) -> None:
    """answer_counts equals a recount of the responses marked counted, as they stand; and once
    those waiting are counted, of every response."""
    db.commit()
    assert_equal(stored_counts(db), recount(db, counted_only=True))
    count_all_waiting(db)
    assert waiting_count(db) == 0
    assert_equal(stored_counts(db), recount(db))


def assert_equal(found: Counter, expected: Counter) -> None:
    assert found == expected, {k: (found.get(k), expected.get(k))
                               for k in set(found) | set(expected) if found.get(k) != expected.get(k)}


def enrol_kiosk(app, client, db) -> None:
    """Enrol an adult-service-user kiosk at the London OMI2 inspection and bind it to `client`."""
    inspection = db.execute(select(Inspection).where(Inspection.code == "omi2-2011-london")).scalar_one()
    with app.app_context():
        new = kiosk.enrol(db, "adult-service-user", "London probation office", inspection=inspection,
                          method=CHEAP_PASSWORD_HASH_METHOD)
    db.commit()
    bind(client, new.path())


def kiosk_item(**overrides):
    item = {
        "key": str(uuid.uuid4()),
        "questionnaire": "adult-service-user",
        "version": 1,
        "language": "en",
        "answers": {"working_relationship": "yes", "plan_involvement": "no", "progress_discussed": "yes",
                    "help_received": ["accommodation", "money", "health"], "think_about_offending": "yes",
                    "victim_awareness": "no", "less_likely": "yes", "about_gender": "female"},
        "include_about_you": True,
        "finished_at": datetime.now(timezone.utc).isoformat(),
    }
    item.update(overrides)
    return item


def test_web_journey_and_a_repeated_final_post_count_once(browser, demo_data):
    db = demo_data
    link = make_link(db)
    browser.get(link)
    browser.submit()
    check = answer_pie(browser)
    form = check.form("main form")
    token = form.find("input", {"name": "csrf_token"})["value"]
    browser.submit(selector="main form")
    # The same final submission again (a double click): still one response, counted once.
    browser.client.post("/survey/check", data={"csrf_token": token})
    assert len(db.execute(select(Response)).scalars().all()) == 1
    assert_counts_hold(db)


def test_kiosk_queue_sent_twice_counts_once(app, client, demo_data):
    db = demo_data
    enrol_kiosk(app, client, db)
    items = [kiosk_item(), kiosk_item(language="cy", answers={**kiosk_item()["answers"], "help_received": ["ete"]}),
             kiosk_item(finished_at=(datetime.now(timezone.utc) - timedelta(days=40)).isoformat())]
    for item in items + items:
        assert client.post("/kiosk/api/responses", json=item, headers=HEADERS).status_code in (200, 201)
    assert len(db.execute(select(Response)).scalars().all()) == 3
    assert_counts_hold(db)


def test_store_response_under_one_key_counts_once(app, demo_data):
    db = demo_data
    definition = questionnaires.get("adult-service-user")
    answers = {"working_relationship": "yes", "plan_involvement": "yes", "progress_discussed": "no",
               "help_received": ["drugs", "alcohol"], "think_about_offending": "no",
               "victim_awareness": "yes", "less_likely": "no"}
    moments = [datetime(2011, 3, 26, 23, 30, tzinfo=timezone.utc),  # 26 March in the UK (GMT)
               datetime(2011, 3, 31, 23, 30, tzinfo=timezone.utc),  # 1 April in the UK (BST)
               datetime(2011, 10, 30, 0, 30, tzinfo=timezone.utc)]
    with app.app_context():
        for index, moment in enumerate(moments):
            for _ in range(3):
                store_response(db, definition, answers, submission_key=f"paper-{index}", channel="paper",
                               language="en", now=moment)
    assert len(db.execute(select(Response)).scalars().all()) == 3
    assert_counts_hold(db)


def test_demo_loader_changes_deletions_and_purge_keep_counts_equal(app, demo_returns):
    db = demo_returns
    assert_counts_hold(db)

    # A response moved to another channel, an answer added to it, another deleted outright,
    # inside feedback.counting's `changing`.
    first, second = db.execute(select(Response).order_by(Response.id).limit(2)).scalars().all()
    assert first.counted and second.counted
    with counting.changing(db, [first.id, second.id, first.id]):
        first.channel = "paper" if first.channel != "paper" else "web"
        first.answers.append(Answer(question_code="help_received", value="other"))
        db.delete(second)
    db.commit()
    assert_counts_hold(db)

    before = stored_counts(db)
    purge(db, RetentionPolicy(comment_days=1, draft_hours=1))
    assert stored_counts(db) == before


def test_a_counted_paper_return_corrected_is_counted_as_it_now_stands(app, demo_returns):
    db = demo_returns
    definition = questionnaires.get("adult-service-user")
    inspections = db.execute(select(Inspection.id).order_by(Inspection.id).limit(2)).scalars().all()
    with app.app_context():
        stored = store_response(db, definition, kiosk_item()["answers"], submission_key="paper-correct",
                                channel="paper", language="en", inspection_id=inspections[0])
    count_all_waiting(db)
    response = db.get(Response, stored.id)
    assert response.counted
    typed = TypedReturn("cy", inspections[1], {**kiosk_item()["answers"], "help_received": ["ete"],
                                                "working_relationship": "no", "about_gender": "male"})
    with app.app_context():
        changed = paper_returns.correct(db, definition, response, typed, actor="tests")
    assert changed == ["language", "inspection", "working_relationship", "help_received", "about_gender"]
    assert db.get(Response, stored.id).counted  # counted as it now stands, in the same transaction
    assert_counts_hold(db)


def test_no_listener_on_the_orms_sessions_keeps_counts():
    """answer_counts are kept by explicit calls into feedback.counting, never behind a flush."""
    import feedback.web  # noqa: F401  everything the service imports

    session = Session()
    for name in ("before_flush", "after_flush", "after_flush_postexec"):
        assert list(getattr(session.dispatch, name)) == [], name
    for module in (models, counting):
        assert "listens_for(Session" not in Path(module.__file__).read_text(), module


def test_the_migration_backfill_recounts_what_is_stored(app, demo_returns, database_url):
    db = demo_returns
    spec = importlib.util.spec_from_file_location(
        "migration_0006", Path(MIGRATIONS) / "versions" / "0006_answer_counts.py")
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    db.execute(delete(AnswerCount))
    connection = db.connection()
    migration.prepare(connection)
    for statement in migration.fill_sql(connection.dialect.name):
        connection.execute(text(statement))
    assert_counts_hold(db)


FILTERS = [
    Filters(),
    Filters(period=parse_period("2011-12")),
    Filters(period=parse_period("2011-12-Q3"), channel="kiosk"),
    Filters(period=parse_period("2011-04-15..2012-02-03"), language="en"),
    Filters(period=parse_period("2011-06-03..2011-06-20")),
    Filters(period=parse_period("2011-04-15..2012-02-03"), region="london"),
    Filters(period=parse_period("2011-12"), programme="OMI2", channel="paper"),
    Filters(period=parse_period("2011-12"), inspection="omi2-2011-london"),
]
BY = [None, "region", "inspection", "channel", "language", "quarter", "month"]


def test_counts_from_the_table_equal_counts_from_the_raw_rows(app, demo_returns):
    db = demo_returns
    for code in ("adult-service-user", "offender-manager", "young-people"):
        scope = load_scope(db, questionnaires.get(code))
        for filters in FILTERS:
            for by in BY:
                if by in ("quarter", "month") and filters.period is None:
                    continue
                assert counted_ahead(scope, filters, by)
                from_table = count(db, scope, filters, by)
                raw = _count_raw(db, scope, filters, by)
                raw = {None: raw.get(None, Counts())} if by is None else raw
                assert set(from_table) == set(raw), (code, filters, by)
                for key, counts in from_table.items():
                    assert counts.responses_by_version == raw[key].responses_by_version, (code, filters, by, key)
                    assert counts.values == raw[key].values, (code, filters, by, key)
                    assert counts.respondents == raw[key].respondents, (code, filters, by, key)


@pytest.mark.parametrize(("written", "months", "edges"), [
    ("2011-12", ("2011-04-01", "2012-04-01"), []),
    ("2011-06-03..2011-06-20", None, ["2011-06-03..2011-06-20"]),
    ("2011-04-15..2011-07-31", ("2011-05-01", "2011-08-01"), ["2011-04-15..2011-04-30"]),
    ("2011-04-01..2011-07-02", ("2011-04-01", "2011-07-01"), ["2011-07-01..2011-07-02"]),
])
def test_a_period_is_its_whole_months_and_the_days_at_either_end(written, months, edges):
    found_months, found_edges = whole_months(parse_period(written))
    assert (tuple(d.isoformat() for d in found_months) if found_months else None) == months
    assert [e.code for e in found_edges] == edges
