"""The staff inspections list at 10^4 inspections on PostgreSQL: server time a page.

Loads the demo catalogue, then adds synthetic organisations and inspections (generate_series)
up to the size asked, signs in an inspection-support account, and times each request handled
by the application in process (no network): the first page, a page filtered by programme,
region, business year and status, a search, and the last page. Beside them, as the baseline,
the results page of one questionnaire for a business year, the query the list resembles.

    python bench/inspections_list.py [--quick] [--inspections 10000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import environment, make_app, record, throwaway_database  # noqa: E402

GOAL_MS = 200
PASSWORD = "bench password for staff"


def populate(session, inspections: int) -> None:
    """Add organisations (one for every ten inspections) and inspections up to `inspections`."""
    from sqlalchemy import func, select, text

    from feedback.models import Inspection

    have = session.execute(select(func.count()).select_from(Inspection)).scalar_one()
    wanted = max(0, inspections - have)
    session.execute(text("""
        INSERT INTO organisations (code, name, name_cy, kind, region_code, in_wales, language_preference)
        SELECT 'bench-org-' || n, 'Bench organisation ' || n, NULL,
               (ARRAY['probation_trust', 'yot'])[1 + n % 2],
               (ARRAY['north_east', 'north_west', 'london', 'wales', 'south_west'])[1 + n % 5],
               n % 5 = 3, CASE WHEN n % 5 = 3 THEN 'both' ELSE 'en' END
        FROM generate_series(1, :organisations) AS n
    """), {"organisations": max(1, wanted // 10)})
    session.execute(text("""
        INSERT INTO inspections (code, organisation_id, programme_id, title, fieldwork_start, fieldwork_end, published_on)
        SELECT 'bench-inspection-' || n, o.id, p.id, NULL,
               DATE '2012-04-02' + (n % 5000) AS start,
               DATE '2012-04-02' + (n % 5000) + 4,
               CASE WHEN n % 3 = 0 THEN NULL ELSE DATE '2012-04-02' + (n % 5000) + 90 END
        FROM generate_series(1, :wanted) AS n
        JOIN organisations o ON o.code = 'bench-org-' || (1 + n % :organisations)
        JOIN programmes p ON p.code = (ARRAY['OMI2', 'CCI', 'SQS', 'FJI'])[1 + n % 4]
    """), {"wanted": wanted, "organisations": max(1, wanted // 10)})
    session.execute(text("ANALYZE"))


def timed(client, path: str, rounds: int) -> tuple[float, int]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(samples), len(response.data)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    parser.add_argument("--inspections", type=int, default=10_000)
    args = parser.parse_args(argv)
    rounds = 5 if args.quick else 25
    env = environment()
    from feedback import staff
    from feedback.demo.load import load_catalogue

    with throwaway_database("postgresql", "inspections") as url:
        app = make_app(url)
        database = app.extensions["database"]
        with app.app_context(), database.session() as session:
            load_catalogue(session)
            session.flush()
            populate(session, args.inspections)
            staff.add_user(session, "bench@justice.gov.uk", "support", PASSWORD)
        client = app.test_client()
        page = client.get("/staff/sign-in")
        token = page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        signed = client.post("/staff/sign-in", data={"csrf_token": token, "email": "bench@justice.gov.uk",
                                                     "password": PASSWORD})
        assert signed.status_code == 302, signed.status_code
        pages = {
            "inspections list, first page": "/staff/inspections",
            "filtered by programme, region, year and status": "/staff/inspections?programme=CCI&region=london&year=2013-14&status=published",
            "searched by name": "/staff/inspections?q=organisation+12",
            "last page": "/staff/inspections?page=200",
        }
        baseline_path = "/staff/results/post-inspection-evaluation?period=2013-14"
        timed(client, "/staff/inspections", 2)  # warm up
        baseline, _ = timed(client, baseline_path, rounds)
        rows = []
        for figure, path in pages.items():
            median, size = timed(client, path, rounds)
            rows.append({"figure": f"{figure} ({args.inspections:,} inspections, PostgreSQL)", "value": round(median, 1),
                         "unit": "ms median server time", "goal": f"< {GOAL_MS} ms",
                         "baseline": f"{baseline:.1f} ms (results page for a year)", "met": median < GOAL_MS})
            print(f"{figure}: {median:.1f} ms ({size:,} bytes)")
        database.dispose()
    record("inspections_list", "Staff inspections list at scale", rows, env=env, notes=[
        f"Median of {rounds} requests each, handled in process by the Flask application (no network), "
        "one at a time, signed in as inspection support; 50 inspections a page.",
        "Baseline: the post-inspection evaluation's results page for a business year on the same database.",
    ])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
