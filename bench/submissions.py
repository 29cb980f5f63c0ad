"""Submissions per second, p50 and p99 latency, at 50 concurrent clients, against a baseline.

gunicorn with 4 workers (the repository's gunicorn.conf.py: gthread, 4 threads each) on
127.0.0.1 serves the service; wrk (Debian's package, C, with bench/post.lua) keeps 50
connections busy posting complete, valid kiosk responses to POST /kiosk/api/responses, each
with a fresh version 4 UUID as its idempotency key, from an enrolled tablet (its device
cookie). The kiosk sync endpoint is how a whole response arrives in one request; it takes no
CSRF token by design (JSON, a custom header and a SameSite=Strict device cookie). Rate-limit
state is kept in Redis, as in production, with the limit raised above what the run sends.

The baseline, in the same run and on the same server settings and database engine settings:
bench/baseline_app.py, a minimal Flask + SQLAlchemy app inserting one row per POST.

wrk rather than a Python client: on a 2-core machine the load generator shares the CPUs with
the server, and wrk spends a small fraction of what a Python client would per request.

    python bench/submissions.py --quick
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH, REDIS_URL, Server, environment, record, seed_demo, throwaway_database  # noqa: E402

GOAL_RATIO = 0.5
GOAL_P99_MS = 100
QUESTIONNAIRE = "young-people"
ANSWERS = {"less_likely": "yes", "life_better": "no", "easy_to_understand": "yes",
           "comments": "The YOT worker listened to me. Diolch.",
           "about_gender": "female", "about_ethnic_group": "white", "about_disability": "no",
           "about_age": "14_15"}


def kiosk_body() -> str:
    return json.dumps({"key": "__KEY__", "questionnaire": QUESTIONNAIRE, "version": 1, "language": "en",
                       "answers": ANSWERS, "include_about_you": True}, ensure_ascii=False)


def wrk(base_url: str, path: str, body: str, headers: str, seconds: int, connections: int) -> dict:
    env = dict(os.environ, BENCH_PATH=path, BENCH_BODY=body, BENCH_HEADERS=headers)
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
               "-s", str(BENCH / "post.lua"), base_url]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 60)
    line = [x for x in done.stdout.splitlines() if x.startswith("{")]
    if not line:
        raise RuntimeError(f"wrk said:\n{done.stdout}\n{done.stderr}")
    found = json.loads(line[-1])
    seconds_run = found["duration_us"] / 1e6
    ok = found["requests"] - found["non_2xx"]
    found.update(per_second=ok / seconds_run, p50_ms=found["p50_us"] / 1000, p99_ms=found["p99_us"] / 1000,
                 errors=found["non_2xx"] + found["connect_errors"] + found["read_errors"]
                 + found["write_errors"] + found["timeouts"])
    return found


def stored_rows(url: str, table: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        n = connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
    engine.dispose()
    return n


def counts_agree(url: str) -> tuple[int, bool]:
    """Return how many responses were still waiting to be counted when the run ended, and
    whether, once they are counted, the national month rows of answer_counts hold every one."""
    from sqlalchemy import text

    from feedback.counting import count_all_waiting, waiting_count
    from feedback.db import Database

    time.sleep(2)  # requests wrk left in flight when it stopped finish first
    database = Database(url)
    with database.session() as session:
        waiting = waiting_count(session)
        count_all_waiting(session)
        counted, stored = session.execute(text(  # one statement: one snapshot of both tables
            "SELECT (SELECT COALESCE(SUM(n), 0) FROM answer_counts WHERE kind = 'r' AND span = 'm' "
            "AND inspection_id = -1), (SELECT COUNT(*) FROM responses)")).one()
    database.dispose()
    return waiting, int(counted) == int(stored)


def run_service(backend: str, seconds: int, connections: int, profile: Path | None = None) -> dict:
    with throwaway_database(backend, "submissions") as url:
        _link, credential = seed_demo(url)  # a young-people kiosk (QUESTIONNAIRE)
        env = {"DATABASE_URL": url, "RATELIMIT_STORAGE_URI": REDIS_URL,
               "RATELIMIT_PUBLIC_POSTS": "10000000 per minute"}
        with Server("wsgi:app", env, log_name=f"service-{backend}") as server:
            headers = f"X-Kiosk-Sync: 1\nCookie: kiosk_device={credential}"
            wrk(server.base_url, "/kiosk/api/responses", kiosk_body(), headers, 3, connections)  # warm up
            spy = None
            if profile is not None:
                spy = subprocess.Popen(["py-spy", "record", "--subprocesses", "--nonblocking", "-d", str(seconds),
                                        "-f", "speedscope", "-o", str(profile), "--pid", str(server.process.pid)],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            before = stored_rows(url, "responses")
            found = wrk(server.base_url, "/kiosk/api/responses", kiosk_body(), headers, seconds, connections)
            if spy is not None:
                spy.wait(timeout=seconds + 60)
            found["stored"] = stored_rows(url, "responses") - before
            found["waiting_at_end"], found["counts_agree"] = counts_agree(url)
            problems = [line for line in server.log().splitlines() if "Traceback" in line or "[ERROR]" in line]
            found["server_errors"] = len(problems)
    return found


def run_baseline(backend: str, seconds: int, connections: int) -> dict:
    with throwaway_database(backend, "baseline") as url:
        env = {"DATABASE_URL": url}
        with Server("baseline_app:app", env, log_name=f"baseline-{backend}", pythonpath=str(BENCH)) as server:
            body = json.dumps({"key": "__KEY__", "answers": ANSWERS}, ensure_ascii=False)
            wrk(server.base_url, "/submit", body, "", 3, connections)
            before = stored_rows(url, "baseline_submissions")
            found = wrk(server.base_url, "/submit", body, "", seconds, connections)
            found["stored"] = stored_rows(url, "baseline_submissions") - before
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="10-second runs instead of 30")
    parser.add_argument("--seconds", type=int, default=None, help="length of each measured run")
    parser.add_argument("--connections", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated: sqlite,postgresql")
    parser.add_argument("--profile", action="store_true",
                        help="also record a py-spy profile of the service (needs py-spy) into the work folder")
    parser.add_argument("--no-record", action="store_true", help="print the figures only")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        parser.error("wrk is not installed: apt-get install -y wrk")
    seconds = args.seconds or (10 if args.quick else 30)
    env = environment()
    rows, notes = [], []
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        baseline = run_baseline(backend, seconds, args.connections)
        profile = None
        if args.profile:
            from common import WORK
            profile = WORK / f"submissions-{backend}.speedscope.json"
        service = run_service(backend, seconds, args.connections, profile)
        print(backend, "service", json.dumps(service), "\n", backend, "baseline", json.dumps(baseline))
        ratio = service["per_second"] / baseline["per_second"]
        rows += [
            {"figure": f"{backend}: submissions per second", "value": round(service["per_second"], 1),
             "unit": "/s", "goal": f">= {GOAL_RATIO:.0%} of baseline", "baseline": round(baseline["per_second"], 1),
             "met": ratio >= GOAL_RATIO},
            {"figure": f"{backend}: throughput / baseline", "value": round(ratio, 2), "unit": "ratio",
             "goal": f">= {GOAL_RATIO}", "baseline": None, "met": ratio >= GOAL_RATIO},
            {"figure": f"{backend}: p50 latency", "value": round(service["p50_ms"], 1), "unit": "ms",
             "goal": None, "baseline": round(baseline["p50_ms"], 1), "met": None},
            {"figure": f"{backend}: p99 latency", "value": round(service["p99_ms"], 1), "unit": "ms",
             "goal": f"< {GOAL_P99_MS}", "baseline": round(baseline["p99_ms"], 1),
             "met": service["p99_ms"] < GOAL_P99_MS},
            {"figure": f"{backend}: errors (non-2xx, socket) / stored rows", "value":
             f"{service['errors']} / {service['stored']:,}", "unit": None, "goal": "0 errors",
             "baseline": f"{baseline['errors']} / {baseline['stored']:,}", "met": service["errors"] == 0},
        ]
        notes.append(f"{backend}: responses not yet counted into answer_counts when the run ended: "
                     f"{service['waiting_at_end']:,} of {service['stored']:,} (counted in batches after each "
                     f"reply, feedback.counting); once counted, answer_counts agree with the stored responses: "
                     f"{service['counts_agree']}; server log errors: {service['server_errors']}.")
    notes += [f"{args.connections} connections (wrk -t 2), {seconds} s measured after a 3 s warm-up, "
              "gunicorn.conf.py with GUNICORN_WORKERS=4 (gthread, 4 threads a worker).",
              "Service: POST /kiosk/api/responses, a complete young-people response (3 questions, a comment, "
              "4 About you answers) with a fresh UUID idempotency key; Redis rate-limit storage.",
              "Baseline: bench/baseline_app.py, one INSERT and COMMIT per POST of the same JSON."]
    if not args.no_record:
        record("submissions", "Submissions: kiosk sync under 50 concurrent clients", rows, notes, env)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
