"""Run every benchmark in turn (what `make bench` runs); --quick makes each one shorter.

    python bench/run_all.py [--quick] [--only submissions,pages,...]

Each benchmark is a script of its own in bench/ and records its figures in bench/results.md
and bench/results.json as it finishes, so a benchmark that fails leaves the others' figures.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ORDER = ("submissions", "pages", "results_scale", "slack_ack", "export", "demo_load", "inspections_list",
         "collection", "test_databases", "proofs")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="shorter runs and smaller sizes in every benchmark")
    parser.add_argument("--only", default=",".join(ORDER), help="comma-separated benchmarks to run")
    args = parser.parse_args(argv)
    failed = []
    for name in [n.strip() for n in args.only.split(",") if n.strip()]:
        command = [sys.executable, str(BENCH / f"{name}.py")] + (["--quick"] if args.quick else [])
        print(f"== {name}: {' '.join(command[1:])}", flush=True)
        started = time.monotonic()
        done = subprocess.run(command, timeout=3600)
        print(f"== {name}: exit {done.returncode} after {time.monotonic() - started:.0f} s", flush=True)
        if done.returncode:
            failed.append(name)
    print(f"Figures: {BENCH / 'results.md'}" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
