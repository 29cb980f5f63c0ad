"""The hardening proofs at full size: the load run, kill -9 in the middle of a load, the form,
JSON and query fuzzers, and Schemathesis against the API.

`make test` runs every one of these tests, with every assertion, at a smaller size (fewer
responses, respondents and examples: `sized` in tests/conftest.py). This runs them at the size
they were written for (FEEDBACK_PROOF_SCALE=full), one at a time, and records whether each
passed, how long it took, and the numbers each reported (requests, rows, throughput).

    python bench/proofs.py [--quick] [--no-record]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, environment, record  # noqa: E402

SECTION = re.compile(r"^=+ hardening numbers =+$")


def run_proofs(full: bool) -> tuple[list[dict], list[str], int]:
    """Run the slow hardening tests; return one row a test, the numbers they reported, the exit code."""
    env = dict(os.environ)
    if full:
        env["FEEDBACK_PROOF_SCALE"] = "full"
    else:
        env.pop("FEEDBACK_PROOF_SCALE", None)
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "proofs.xml"
        command = [sys.executable, "-m", "pytest", "-n", "0", "-p", "no:cacheprovider", "-m", "slow", "-q",
                   f"--junitxml={report}", "tests/hardening"]
        print(" ".join(command[1:]), flush=True)
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600)
        print(done.stdout[-3000:], done.stderr[-2000:], sep="\n", flush=True)
        rows = []
        if report.exists():
            for case in ElementTree.parse(report).getroot().iter("testcase"):
                failed = any(child.tag in ("failure", "error") for child in case)
                skipped = any(child.tag == "skipped" for child in case)
                rows.append({"figure": f"{case.get('classname').rsplit('.', 1)[-1]}::{case.get('name')}",
                             "value": round(float(case.get("time", 0)), 1), "unit": "s", "goal": "passes",
                             "baseline": None, "met": None if skipped else not failed})
    numbers, inside = [], False
    for line in done.stdout.splitlines():
        if SECTION.match(line):
            inside = True
        elif inside and line.startswith("="):
            inside = False
        elif inside and line.strip():
            numbers.append(line.strip())
    return rows, numbers, done.returncode


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="at make test's size rather than full size")
    parser.add_argument("--no-record", action="store_true", help="print the figures only")
    args = parser.parse_args(argv)
    env = environment()
    started = time.monotonic()
    rows, numbers, code = run_proofs(full=not args.quick)
    size = "make test's size" if args.quick else "full size (FEEDBACK_PROOF_SCALE=full)"
    notes = [f"The slow tests of tests/hardening at {size}, one at a time (pytest -n 0), on SQLite and "
             f"PostgreSQL: each test's set-up, run and tear-down; {time.monotonic() - started:.0f} s in all."]
    notes += [f"`{line}`" for line in numbers]
    if not args.no_record:
        record("proofs", "Hardening proofs at full size" if not args.quick else "Hardening proofs (quick)",
               rows, notes, env)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
