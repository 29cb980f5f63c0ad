"""Export: a CSV of 10^5 and of 10^6 responses, streamed in constant memory, rows per second.

For each size, bench/synthetic.py fills a PostgreSQL database with that many young-people
responses (kept for the next run). A fresh Python process then streams the responses export
exactly as GET /staff/results/<code>/responses.csv does (exports.count_responses, then
exports.response_rows through a server-side cursor, spreadsheets.csv_rows, web.exports.in_chunks,
in a read-only session) into /dev/null, and reports its rows per second and its peak resident
memory (ru_maxrss). Constant memory: the peak is the same at both sizes.

    python bench/export.py --sizes 100000,1000000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic  # noqa: E402
from common import environment, make_app, record  # noqa: E402

QUESTIONNAIRE = "young-people"
GOAL_MEMORY_GROWTH = 1.10  # peak at 10^6 within 10% of the peak at 10^5


def stream(url: str) -> dict:
    """In this process: stream the export to /dev/null; return rows, seconds, peak memory."""
    from feedback import exports, questionnaires
    from feedback.results import Filters
    from feedback.results.query import load_scope
    from feedback.spreadsheets import csv_rows
    from feedback.web.exports import in_chunks

    app = make_app(url)
    definition = questionnaires.get(QUESTIONNAIRE)
    database = app.extensions["database"]
    import psutil

    started = time.perf_counter()
    rows = 0
    written = 0
    streaming = None
    with app.app_context(), database.read_session() as session, open("/dev/null", "w") as sink:
        scope = load_scope(session, definition)
        total, up_to_id = exports.count_responses(session, scope, Filters())
        columns = exports.response_columns(session, definition)
        header = exports.responses_header(columns)

        def counted():
            nonlocal rows, streaming
            for row in exports.response_rows(session, scope, columns, Filters(), up_to_id):
                rows += 1
                if rows == 5000:  # streaming: the first batches read, written and let go
                    streaming = psutil.Process().memory_info().rss
                yield row

        for chunk in in_chunks(csv_rows(header, counted())):
            written += len(chunk)
            sink.write(chunk)
    seconds = time.perf_counter() - started
    database.dispose()
    return {"rows": rows, "expected": total, "seconds": seconds, "characters": written,
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "rss_streaming_mib": (streaming or 0) / 2**20}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000", help="responses, comma-separated")
    parser.add_argument("--quick", action="store_true", help="10^4 and 10^5 responses")
    parser.add_argument("--fresh", action="store_true", help="make the synthetic databases anew")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--no-record", action="store_true", help="print the figures only")
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(stream(args.worker)))
        return 0
    sizes = [10_000, 100_000] if args.quick else [int(float(s)) for s in args.sizes.split(",")]
    env = environment()
    measured = []
    for size in sizes:
        url = synthetic.generate(0, fresh=args.fresh, weights={QUESTIONNAIRE: 1}, responses=size,
                                 name=f"feedback_bench_export_{size}")
        done = subprocess.run([sys.executable, __file__, "--worker", url], capture_output=True, text=True,
                              timeout=3600)
        line = [x for x in done.stdout.splitlines() if x.startswith('{"rows"')]
        if not line:
            raise RuntimeError(done.stdout[-2000:] + done.stderr[-2000:])
        found = json.loads(line[-1])
        print(size, found, flush=True)
        measured.append((size, found))
    rows = []
    for _size, found in measured:
        rows += [
            {"figure": f"{found['rows']:,} responses: rows per second", "value": round(found["rows"] / found["seconds"]),
             "unit": "rows/s", "goal": None, "baseline": None, "met": None},
            {"figure": f"{found['rows']:,} responses: peak memory of the exporting process",
             "value": round(found["peak_rss_mib"], 1), "unit": "MiB", "goal": "the same at every size",
             "baseline": None, "met": None},
            {"figure": f"{found['rows']:,} responses: growth from 5,000 rows streamed to the peak",
             "value": round(found["peak_rss_mib"] - found["rss_streaming_mib"], 1), "unit": "MiB",
             "goal": None, "baseline": None, "met": None},
            {"figure": f"{found['rows']:,} responses: CSV size, time", "value":
             f"{found['characters'] / 1e6:,.1f} M characters, {found['seconds']:.1f} s", "unit": None,
             "goal": None, "baseline": None, "met": found["rows"] == found["expected"]},
        ]
    if len(measured) >= 2:
        small, large = measured[0][1], measured[-1][1]
        growth = large["peak_rss_mib"] / small["peak_rss_mib"]
        rows.append({"figure": f"peak memory, {large['rows']:,} against {small['rows']:,} responses",
                     "value": round(growth, 3), "unit": "ratio", "goal": f"<= {GOAL_MEMORY_GROWTH}",
                     "baseline": None, "met": growth <= GOAL_MEMORY_GROWTH})
        print(f"peak memory ratio {growth:.3f}")
    notes = ["Streamed as the web view streams it, in a read-only session with a server-side cursor "
             "(yield_per 500), into /dev/null; each size in its own process, so ru_maxrss is that export's peak.",
             "Synthetic young-people responses (bench/synthetic.py): 3 questions, a comment, About you answers."]
    if not args.no_record:
        record("export", "Export: responses CSV streamed (PostgreSQL)", rows, notes, env)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
