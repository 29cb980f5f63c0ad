"""Synthetic responses and answers at scale in PostgreSQL, made by set-based SQL (generate_series).

    python bench/synthetic.py --answers 1000000          # prints the database URL it filled

Every questionnaire is answered, in proportion to the weights below, over three business years
(2010–11 to 2012–13), from every inspection of its programmes (a tenth with none), on each of
its channels, a few in Welsh. Each question is answered at its rate, each multiple-choice
option chosen a quarter of the time; questions behind a skip rule are left out. Then
answer_counts is filled by the same recount the migration runs (0006 fill_sql).

A database is kept between runs under a name giving its size (feedback_bench_answers_<n>), and
used again while its generator version matches; --fresh makes it anew.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, create_postgres, make_app, postgres_exists, postgres_url  # noqa: E402

GENERATOR_VERSION = "4"
WEIGHTS = {"young-people": 30, "adult-service-user": 20, "youth-victims": 10, "case-manager": 10,
           "offender-manager": 10, "adult-victims": 6, "sentencers": 5, "local-assessor-training": 5,
           "post-inspection-evaluation": 4}
FIRST_DAY = "2010-04-01"
DAYS = 1095
MULTIPLE_RATE = 0.25


def migration():
    path = ROOT / "src" / "feedback" / "migrations" / "versions" / "0006_answer_counts.py"
    spec = importlib.util.spec_from_file_location("migration_0006", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rate(question, about: bool) -> float:
    if about:
        return 0.5
    return 0.6 if question.optional else 0.97


def database_name(answers: int) -> str:
    return f"feedback_bench_answers_{answers}"


def existing(answers: int, name: str | None = None) -> str | None:
    """The URL of a kept database of this size made by this generator version, if there is one."""
    from sqlalchemy import create_engine, text

    name = name or database_name(answers)
    if not postgres_exists(name):
        return None
    engine = create_engine(postgres_url(name))
    try:
        with engine.connect() as connection:
            version = connection.execute(text(
                "SELECT value FROM bench_meta WHERE key = 'generator'")).scalar_one_or_none()
            schema = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
    except Exception:
        version = schema = None
    finally:
        engine.dispose()
    # Made by this generator, and at the schema the code now expects (else made again).
    return postgres_url(name) if version == GENERATOR_VERSION and schema == _schema_head() else None


def _schema_head() -> str:
    from alembic.script import ScriptDirectory

    from feedback.migrations import alembic_config

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def generate(answers: int, fresh: bool = False, say=print, weights: dict[str, int] | None = None,
             responses: int | None = None, name: str | None = None) -> str:
    """Make (or find) a database holding about `answers` answers; return its URL.

    `weights` chooses other questionnaires, `responses` a number of responses instead of answers,
    `name` another database name.
    """
    weights = weights or WEIGHTS
    name = name or database_name(answers)
    if not fresh:
        found = existing(answers, name)
        if found:
            say(f"using {name} (made before by this generator)")
            return found
    from alembic import command
    from sqlalchemy import create_engine, text

    from feedback import questionnaires
    from feedback.demo.load import load_catalogue
    from feedback.migrations import alembic_config
    from feedback.models import Inspection, Programme
    from feedback.questionnaire_store import current_version

    url = create_postgres(name)
    command.upgrade(alembic_config(url), "head")
    app = make_app(url)
    plan, questions = [], []
    with app.app_context():
        database = app.extensions["database"]
        with database.session() as session:
            load_catalogue(session)
            inspections: dict[str, list[int]] = {}
            for inspection_id, programme in session.execute(
                    Inspection.__table__.join(Programme.__table__).select()
                    .with_only_columns(Inspection.id, Programme.code)):
                inspections.setdefault(programme, []).append(inspection_id)
            for definition in questionnaires.ALL:
                weight = weights.get(definition.code, 0)
                if not weight:
                    continue
                version = current_version(session, definition)
                session.flush()
                ids = sorted(i for p in definition.programmes for i in inspections.get(p, []))
                plan.append((version.id, weight, list(definition.channels), ids))
                about = {q.code for q in definition.about_you}
                for question in definition.all_questions:
                    if question.asked_if is not None:
                        continue
                    questions.append((version.id, question.code, question.kind,
                                      list(question.scale.codes), _rate(question, question.code in about)))
    database.dispose()

    per_response = {}
    for version_id, _code, kind, options, rate in questions:
        per_response[version_id] = per_response.get(version_id, 0) + (
            len(options) * MULTIPLE_RATE if kind == "multiple" else rate)
    total_weight = sum(w for _, w, _, _ in plan)
    mean = sum(w * per_response[v] for v, w, _, _ in plan) / total_weight
    fixed_responses = responses is not None
    responses = responses or max(1, round(answers / mean))

    engine = create_engine(url)
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(text("SET session_replication_role = replica"))  # no FK triggers per row
        connection.execute(text("SET LOCAL work_mem = '256MB'"))
        connection.execute(text(
            "CREATE TEMP TABLE bench_plan (slot int, version_id int, channels text[], inspections int[])"))
        slot = 0
        for version_id, weight, channels, ids in plan:
            for _ in range(weight):
                connection.execute(text("INSERT INTO bench_plan VALUES (:s, :v, :c, :i)"),
                                   {"s": slot, "v": version_id, "c": channels, "i": ids or [None]})
                slot += 1
        connection.execute(text(
            "CREATE TEMP TABLE bench_questions (version_id int, code text, kind text, options text[], rate float8)"))
        connection.execute(text("INSERT INTO bench_questions VALUES (:v, :c, :k, :o, :r)"),
                           [{"v": v, "c": c, "k": k, "o": o or ["text"], "r": r} for v, c, k, o, r in questions])
        # Each round adds responses and their answers; a round more while the answers fall
        # short of the target by over 1% (the mix of questionnaires answered varies).
        stored_responses = stored_answers = 0
        for _round in range(4):
            say(f"inserting {responses:,} responses and their answers")
            _insert_round(connection, stored_responses, responses, slot)
            stored_responses += responses
            stored_answers = connection.execute(text("SELECT COUNT(*) FROM answers")).scalar_one()
            if fixed_responses or stored_answers >= 0.99 * answers:
                break
            responses = max(1, round((answers - stored_answers) * stored_responses / stored_answers))
        say("filling answer_counts (the migration's recount)")
        connection.execute(text("SET session_replication_role = DEFAULT"))
        connection.execute(text("TRUNCATE answer_counts"))
        for statement in migration().fill_sql("postgresql"):
            connection.execute(text(statement))
        connection.execute(text("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text)"))
        connection.execute(text("INSERT INTO bench_meta VALUES ('generator', :v)"), {"v": GENERATOR_VERSION})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    say(f"generated in {time.perf_counter() - started:.0f} s")
    return url



def _insert_round(connection, first: int, responses: int, slots: int) -> None:
    """Responses first+1 .. first+responses, spread over the plan's slots, and their answers."""
    from sqlalchemy import text

    newest = connection.execute(text("SELECT COALESCE(MAX(id), 0) FROM responses")).scalar_one()
    connection.execute(text(f"""
        INSERT INTO responses (submission_key, questionnaire_version_id, inspection_id, channel,
                               language, submitted_at)
        SELECT 'bench-' || g, p.version_id,
               CASE WHEN random() < 0.1 THEN NULL
                    ELSE p.inspections[1 + floor(random() * cardinality(p.inspections))::int] END,
               p.channels[1 + floor(random() * cardinality(p.channels))::int],
               CASE WHEN random() < 0.08 THEN 'cy' ELSE 'en' END,
               timestamptz '{FIRST_DAY} 00:00 Europe/London' + random() * interval '{DAYS} days'
        FROM generate_series(:first + 1, :first + :n) g JOIN bench_plan p ON p.slot = g % {slots}
    """), {"first": first, "n": responses})
    connection.execute(text(f"""
        INSERT INTO answers (response_id, question_code, value, text)
        SELECT r.id, q.code,
               CASE WHEN q.kind = 'text' THEN 'text'
                    ELSE q.options[1 + floor(random() * cardinality(q.options))::int] END,
               CASE WHEN q.kind = 'text' THEN 'A synthetic comment.' END
        FROM responses r JOIN bench_questions q
          ON q.version_id = r.questionnaire_version_id AND q.kind <> 'multiple'
        WHERE r.id > {newest} AND random() < q.rate
        UNION ALL
        SELECT r.id, q.code, o.value, NULL
        FROM responses r JOIN bench_questions q
          ON q.version_id = r.questionnaire_version_id AND q.kind = 'multiple'
        CROSS JOIN LATERAL unnest(q.options) AS o(value)
        WHERE r.id > {newest} AND random() < {MULTIPLE_RATE}
    """))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--answers", type=int, default=100_000, help="about how many answers (default 100000)")
    parser.add_argument("--fresh", action="store_true", help="make the database anew even if one is kept")
    args = parser.parse_args(argv)
    print(generate(args.answers, args.fresh))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
