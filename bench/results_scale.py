"""Results at scale: a business-year results query and a whole Slack digest, at 10^5 to 10^7 answers.

For each size, bench/synthetic.py fills a PostgreSQL database with set-based SQL (kept for
the next run), then this times, on the same rows:

- the business-year query: feedback.results.questionnaire_results for young-people (the largest
  questionnaire), 2011–12, with the comparison with 2010–11, as the dashboard asks for it;
- the whole digest: feedback.slack.digest.collect (every questionnaire, 2011–12 with 2010–11,
  and the responses since the last digest) and render (English), no posting;

each read from answer_counts (the service as it is) and from the raw tables (the path used
before answer_counts, and still used for equality filters); and the baseline, DuckDB over the
same responses and answers (copied out of PostgreSQL), running the same counting statements.

    python bench/results_scale.py --scales 100000,1000000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic  # noqa: E402
from common import WORK, environment, make_app, record  # noqa: E402

GOAL_DIGEST_SECONDS = 1.0
YEAR = "2011-12"
QUESTIONNAIRE = "young-people"
SINCE, TODAY = date(2012, 3, 19), date(2012, 3, 31)


def timed(action, repeat: int) -> float:
    """Median seconds of `repeat` runs after one unmeasured run."""
    action()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


@contextmanager
def raw_only():
    """Count from the raw tables, as before answer_counts existed."""
    from feedback.results import query

    kept = query.counted_ahead
    query.counted_ahead = lambda *args: False
    try:
        yield
    finally:
        query.counted_ahead = kept


def service_timings(url: str, repeat: int, raw: bool) -> dict[str, float]:
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from feedback.results import Filters, parse_period, questionnaire_results
    from feedback.slack import digest

    app = make_app(url)
    engine = create_engine(url)
    period = parse_period(YEAR)
    found = {}
    with app.app_context(), Session(engine) as session, (raw_only() if raw else _nothing()):
        def year_query():
            questionnaire_results(session, QUESTIONNAIRE, Filters(period=period))

        def whole_digest():
            digest.render(digest.collect(session, period, SINCE, TODAY), "en", "https://feedback.example")

        found["year"] = timed(year_query, repeat)
        found["digest"] = timed(whole_digest, max(1, repeat // 2) if not raw else 1)
        found["responses"] = questionnaire_results(session, QUESTIONNAIRE, Filters(period=period)).responses
    engine.dispose()
    app.extensions["database"].dispose()
    return found


@contextmanager
def _nothing():
    yield


# --- DuckDB, over the same rows ------------------------------------------------------------

def duckdb_tables(url: str, folder: Path):
    """Copy responses and answers out of PostgreSQL into an in-memory DuckDB database."""
    import duckdb
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    files = {}
    with psycopg.connect(plain) as connection, connection.cursor() as cursor:
        for table, columns in (("responses", "id, questionnaire_version_id, inspection_id, channel, language, "
                                              "submitted_at AT TIME ZONE 'UTC' AS submitted_at"),
                               ("answers", "response_id, question_code, value")):
            path = folder / f"{table}.csv"
            with open(path, "wb") as out, cursor.copy(
                    f"COPY (SELECT {columns} FROM {table}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy:
                for block in copy:
                    out.write(block)
            files[table] = path
        cursor.execute("SELECT v.id, q.code FROM questionnaire_versions v JOIN questionnaires q "
                       "ON q.id = v.questionnaire_id")
        versions = cursor.fetchall()
    db = duckdb.connect()
    started = time.perf_counter()
    db.execute(f"CREATE TABLE responses AS SELECT * FROM read_csv('{files['responses']}', header=true)")
    db.execute(f"CREATE TABLE answers AS SELECT * FROM read_csv('{files['answers']}', header=true)")
    loading = time.perf_counter() - started
    for path in files.values():
        path.unlink()
    return db, dict((code, vid) for vid, code in versions), loading


def duckdb_counts(db, version_id: int, start, end, multiple: list[str]) -> None:
    """The counting statements query.py runs, for one questionnaire and period, in DuckDB."""
    where = "r.questionnaire_version_id = ? AND r.submitted_at >= ? AND r.submitted_at < ?"
    params = [version_id, start.replace(tzinfo=None), end.replace(tzinfo=None)]
    db.execute(f"SELECT questionnaire_version_id, COUNT(*) FROM responses r WHERE {where} GROUP BY 1",
               params).fetchall()
    db.execute(f"SELECT a.question_code, a.value, COUNT(*) FROM responses r JOIN answers a "
               f"ON a.response_id = r.id WHERE {where} GROUP BY 1, 2", params).fetchall()
    if multiple:
        db.execute(f"SELECT a.question_code, COUNT(DISTINCT a.response_id) FROM responses r JOIN answers a "
                   f"ON a.response_id = r.id WHERE {where} AND a.question_code IN "
                   f"({', '.join('?' for _ in multiple)}) GROUP BY 1", params + multiple).fetchall()


def duckdb_timings(url: str, repeat: int) -> dict[str, float]:
    from feedback import questionnaires
    from feedback.results import Period, parse_period

    with tempfile.TemporaryDirectory(dir=WORK) as folder:
        db, versions, loading = duckdb_tables(url, Path(folder))
    period = parse_period(YEAR)
    since = Period.days(SINCE, TODAY)

    def multiple(definition):
        return [q.code for q in definition.all_questions if q.kind == "multiple"]

    def year_query():
        definition = questionnaires.get(QUESTIONNAIRE)
        for p in (period, period.previous()):
            duckdb_counts(db, versions[definition.code], p.start, p.end, multiple(definition))

    def whole_digest():
        for definition in questionnaires.ALL:
            if definition.code not in versions:
                continue
            for p in (period, period.previous(), since):
                duckdb_counts(db, versions[definition.code], p.start, p.end, multiple(definition))

    found = {"year": timed(year_query, repeat), "digest": timed(whole_digest, max(1, repeat // 2)),
             "loading": loading}
    db.close()
    return found


def table_sizes(url: str) -> dict[str, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        sizes = {table: connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
                 for table in ("responses", "answers", "answer_counts")}
    engine.dispose()
    return sizes


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="100000,1000000,10000000",
                        help="answers, comma-separated (default 10^5, 10^6, 10^7)")
    parser.add_argument("--quick", action="store_true", help="10^5 and 10^6 only, fewer repeats")
    parser.add_argument("--repeat", type=int, default=None, help="timed runs of each query (median)")
    parser.add_argument("--no-raw", action="store_true", help="skip the raw-table (before) timings")
    parser.add_argument("--fresh", action="store_true", help="make the synthetic databases anew")
    parser.add_argument("--no-record", action="store_true", help="print the figures only")
    args = parser.parse_args(argv)
    scales = [100_000, 1_000_000] if args.quick else [int(float(s)) for s in args.scales.split(",")]
    repeat = args.repeat or (3 if args.quick else 5)
    env = environment()
    WORK.mkdir(parents=True, exist_ok=True)
    measured = []
    for answers in scales:
        url = synthetic.generate(answers, fresh=args.fresh)
        sizes = table_sizes(url)
        counts = service_timings(url, repeat, raw=False)
        raw = service_timings(url, 1, raw=True) if not args.no_raw else None
        duck = duckdb_timings(url, repeat)
        print(answers, sizes, counts, raw, duck, flush=True)
        measured.append((answers, sizes, counts, raw, duck))

    rows = []
    for answers, sizes, counts, raw, duck in measured:
        label = f"{sizes['answers']:,} answers"
        rows += [
            {"figure": f"{label}: business-year results query", "value": round(counts["year"] * 1000, 1),
             "unit": "ms", "goal": None, "baseline": f"DuckDB {duck['year'] * 1000:.1f} ms", "met": None},
            {"figure": f"{label}: whole digest (collect + render)", "value": round(counts["digest"] * 1000, 1),
             "unit": "ms", "goal": f"< {GOAL_DIGEST_SECONDS * 1000:.0f} ms at 10^7",
             "baseline": f"DuckDB {duck['digest'] * 1000:.1f} ms",
             "met": counts["digest"] < GOAL_DIGEST_SECONDS if answers >= 10_000_000 else None},
        ]
        if raw is not None:
            rows += [
                {"figure": f"{label}: business-year query from raw tables (before)",
                 "value": round(raw["year"] * 1000, 1), "unit": "ms", "goal": None, "baseline": None, "met": None},
                {"figure": f"{label}: whole digest from raw tables (before)",
                 "value": round(raw["digest"] * 1000, 1), "unit": "ms", "goal": None, "baseline": None, "met": None},
            ]
        rows.append({"figure": f"{label}: rows in responses / answer_counts",
                     "value": f"{sizes['responses']:,} / {sizes['answer_counts']:,}", "unit": None,
                     "goal": None, "baseline": f"DuckDB load {duck['loading']:.1f} s", "met": None})
    if len(measured) >= 2:
        (_, s0, c0, _, _), (_, s1, c1, _, _) = measured[0], measured[-1]
        growth_answers = s1["answers"] / s0["answers"]
        growth_digest = c1["digest"] / c0["digest"]
        rows.append({"figure": f"digest cost growth, {s0['answers']:,} to {s1['answers']:,} answers "
                               f"(x{growth_answers:.0f} answers)",
                     "value": round(growth_digest, 2), "unit": "times", "goal": f"sub-linear (< x{growth_answers:.0f})",
                     "baseline": None, "met": growth_digest < growth_answers})
    notes = [
        "Synthetic answers (bench/synthetic.py, generate_series in PostgreSQL): every questionnaire, three "
        "business years, every inspection of its programmes, all channels, 8% Welsh.",
        f"Business-year query: questionnaire_results({QUESTIONNAIRE}, {YEAR}) with the previous year; "
        f"digest: collect({YEAR}, since {SINCE}) + render(en), no posting. Medians of {repeat} runs "
        "(raw-table digest: one run).",
        "DuckDB baseline: the same responses and answers copied into an in-memory DuckDB database, running the "
        "statements query.py runs on the raw tables (responses by version, answers by question and value, "
        "respondents to multiple choice) for the same questionnaires and periods; its load time is not in its figure.",
    ]
    if not args.no_record:
        record("results_scale", "Results at scale: business-year query and digest (PostgreSQL)", rows, notes, env)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
