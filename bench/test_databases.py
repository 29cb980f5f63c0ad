"""Test databases: what copying a PostgreSQL template for each test costs, by how it is done.

The test suite copies a template database for each test on PostgreSQL and drops the copy when
the test ends (tests/conftest.py). This measures the two choices made there: the copy's
STRATEGY (FILE_COPY or the default WAL_LOG) and when finished copies are dropped (straight
away, or DROP_BATCH at a time).

    python bench/test_databases.py [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import POSTGRES_ADMIN_URL, environment, record, throwaway_database  # noqa: E402

BATCH = 20  # as tests/conftest.py's DROP_BATCH


def copies(admin, template: str, strategy: str, drop_every: int, count: int) -> tuple[float, float]:
    """Copy `template` `count` times, dropping the copies `drop_every` at a time; return the
    median seconds a copy took and the mean seconds a drop took."""
    from sqlalchemy import text

    created, dropped, waiting = [], 0.0, []
    with admin.connect() as connection:
        for _ in range(count):
            name = f"feedback_bench_copy_{uuid.uuid4().hex[:8]}"
            started = time.perf_counter()
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY {strategy}'))
            created.append(time.perf_counter() - started)
            waiting.append(name)
            if len(waiting) >= drop_every:
                started = time.perf_counter()
                for old in waiting:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)'))
                dropped += time.perf_counter() - started
                waiting = []
        for old in waiting:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)'))
    return statistics.median(created), dropped / count


def main(argv=None) -> int:
    from sqlalchemy import create_engine

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="40 copies a way rather than 200")
    parser.add_argument("--no-record", action="store_true", help="print the figures only")
    args = parser.parse_args(argv)
    env = environment()
    count = 40 if args.quick else 200
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    rows = []
    try:
        with throwaway_database("postgresql", "template") as url:
            template = url.rsplit("/", 1)[1]
            for strategy in ("WAL_LOG", "FILE_COPY"):
                for drop_every in (1, BATCH):
                    copy, drop = copies(admin, template, strategy, drop_every, count)
                    print(strategy, drop_every, round(copy, 4), round(drop, 4), flush=True)
                    how = "each dropped straight away" if drop_every == 1 else f"dropped {BATCH} at a time"
                    rows += [
                        {"figure": f"{strategy}, {how}: a copy (median)", "value": round(copy * 1000, 1),
                         "unit": "ms", "goal": None, "baseline": None, "met": None},
                        {"figure": f"{strategy}, {how}: a drop (mean)", "value": round(drop * 1000, 1),
                         "unit": "ms", "goal": None, "baseline": None, "met": None},
                    ]
    finally:
        admin.dispose()
    if not args.no_record:
        record("test_databases", "Test databases: copying a PostgreSQL template per test", rows,
               [f"{count} copies each way of a database migrated to head, on the test cluster "
                "(fsync off, as scripts/ensure-postgres.sh sets it).",
                "The first CREATE DATABASE after a DROP DATABASE is the slow one, whichever the strategy; "
                "the tests drop finished copies in batches and copy with FILE_COPY."], env)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
