"""Demo data: how long loading the demo catalogue and the 6,320 demo returns takes, per backend.

The test suite loads them once per run into a template database and copies it for each test
that asks (tests/conftest.py); this is the cost each copy saves. It was an assertion in the
suite (under 15 s) until timings moved here.

    python bench/demo_load.py [--quick]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import environment, make_app, record, throwaway_database  # noqa: E402

GOAL_SECONDS = 15.0


def load_once(url: str) -> tuple[float, float, int]:
    """Load the catalogue and then the returns into a new database; return both times and the returns."""
    from feedback.demo.load import load_catalogue
    from feedback.demo.returns import load_demo_returns

    app = make_app(url)
    try:
        with app.app_context(), app.extensions["database"].session() as session:
            started = time.perf_counter()
            load_catalogue(session)
            session.commit()
            catalogue = time.perf_counter() - started
            started = time.perf_counter()
            loaded = load_demo_returns(session)
            session.commit()
            returns = time.perf_counter() - started
    finally:
        app.extensions["database"].dispose()
    return catalogue, returns, sum(loaded.values())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="one load per backend rather than three")
    parser.add_argument("--no-record", action="store_true", help="print the figures only")
    args = parser.parse_args(argv)
    env = environment()
    repeat = 1 if args.quick else 3
    rows = []
    for backend in ("sqlite", "postgresql"):
        runs = []
        for _ in range(repeat):
            with throwaway_database(backend, "demo") as url:
                runs.append(load_once(url))
        catalogue = sorted(r[0] for r in runs)[len(runs) // 2]
        returns = sorted(r[1] for r in runs)[len(runs) // 2]
        print(backend, runs, flush=True)
        rows += [
            {"figure": f"{backend}: demo catalogue", "value": round(catalogue, 2), "unit": "s",
             "goal": None, "baseline": None, "met": None},
            {"figure": f"{backend}: demo returns ({runs[0][2]:,})", "value": round(returns, 2), "unit": "s",
             "goal": f"< {GOAL_SECONDS:.0f} s", "baseline": None, "met": returns < GOAL_SECONDS},
        ]
    if not args.no_record:
        record("demo_load", "Loading the demo data", rows,
               [f"Median of {repeat} loads into a new database migrated to head, each backend."], env)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
