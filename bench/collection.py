"""The collection pages at scale: 10^4 inspections and 10^6 invitations on PostgreSQL.

Server time (median of repeated requests through the application, signed in) for one
inspection's tracking page, the response-rate page for a business year, and the dashboard's
overview (which shows the response rates beside the results query it always ran), each beside
the overview without its rates: the results query the rates sit next to.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from datetime import date

from common import create_postgres, drop_postgres, make_app, record
from sqlalchemy import create_engine, text

INSPECTIONS = 10_000
INVITATIONS = 1_000_000
GOAL_MS = 200


def fill(url: str, inspections: int, invitations: int) -> None:
    """Bulk rows with generate_series: inspections of OMI2, 100 named invitations each."""
    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(text("""
            INSERT INTO inspections (code, organisation_id, programme_id, fieldwork_start, fieldwork_end, published_on)
            SELECT 'bench-' || g, (SELECT min(id) FROM organisations) + g % 30,
                   (SELECT id FROM programmes WHERE code = 'OMI2'),
                   date '2026-04-01' + (g % 300), date '2026-04-05' + (g % 300), date '2026-06-01' + (g % 300)
            FROM generate_series(1, :n) g"""), {"n": inspections})
        c.execute(text("""
            INSERT INTO invitations (token_hash, questionnaire_id, inspection_id, mode, language, email,
                                     recipient_name, created_at, expires_at, used_at, sent_at, email_status,
                                     notify_reference, opened_at, started_at, emails_sent)
            SELECT md5(g::text) || md5((g + 1)::text),
                   (SELECT id FROM questionnaires WHERE code = 'post-inspection-evaluation'),
                   (SELECT min(id) FROM inspections WHERE code LIKE 'bench-%') + (g % :i),
                   'single', CASE WHEN g % 10 = 0 THEN 'cy' ELSE 'en' END, 'person' || g || '@example.gov.uk',
                   'Person ' || g, now() - (g % 200) * interval '1 day', now() + interval '28 days',
                   CASE WHEN g % 3 <> 0 THEN now() END, now() - (g % 200) * interval '1 day',
                   CASE WHEN g % 50 = 0 THEN 'permanent-failure' ELSE 'delivered' END,
                   'invitation-' || g, CASE WHEN g % 3 <> 2 THEN now() END, CASE WHEN g % 3 <> 2 THEN now() END, 1
            FROM generate_series(1, :n) g"""), {"n": invitations, "i": inspections})
        # What the service keeps as invitations are made and answered (feedback.invitation_counts).
        c.execute(text("""
            INSERT INTO invitation_counts (inspection_id, questionnaire_id, day, invited, completed)
            SELECT inspection_id, questionnaire_id, (created_at AT TIME ZONE 'Europe/London')::date,
                   count(*), count(used_at)
            FROM invitations WHERE mode = 'single' AND revoked_at IS NULL GROUP BY 1, 2, 3"""))
        c.execute(text("ANALYZE"))
    engine.dispose()


def median_ms(client, path: str, repeat: int) -> float:
    client.get(path)  # warm
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    return round(statistics.median(times) * 1000, 1)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10^3 inspections, 10^5 invitations")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    inspections, invitations = (1_000, 100_000) if args.quick else (INSPECTIONS, INVITATIONS)
    from alembic import command

    from feedback import staff
    from feedback.demo.load import load_catalogue
    from feedback.migrations import alembic_config
    from feedback.questionnaire_store import questionnaire_row
    from feedback.results.periods import business_year_of

    name = "feedback_bench_collection"
    url = create_postgres(name)
    try:
        command.upgrade(alembic_config(url), "head")
        app = make_app(url)
        with app.app_context():
            with app.extensions["database"].session() as session:
                load_catalogue(session)
                questionnaire_row(session, "post-inspection-evaluation")
                staff.add_user(session, "bench@example.gov.uk", "admin", "bench password 123")
        print(f"filling {inspections:,} inspections and {invitations:,} invitations...", flush=True)
        fill(url, inspections, invitations)
        client = app.test_client()
        page = client.get("/staff/sign-in").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
        client.post("/staff/sign-in", data={"email": "bench@example.gov.uk", "password": "bench password 123",
                                            "csrf_token": token.group(1) or token.group(2)})
        year = business_year_of(date.today())
        period = f"{year}-{str(year + 1)[2:]}"
        code = "bench-5000" if not args.quick else "bench-500"
        figures = {
            "tracking": median_ms(client, f"/staff/inspections/{code}/collection/post-inspection-evaluation",
                                  args.repeat),
            "collection overview": median_ms(client, f"/staff/inspections/{code}/collection", args.repeat),
            "response rates by programme": median_ms(client, f"/staff/response-rates?period={period}", args.repeat),
            "response rates by region": median_ms(client, f"/staff/response-rates?period={period}&by=region",
                                                  args.repeat),
            "dashboard overview with rates": median_ms(client, f"/staff/?period={period}", args.repeat),
        }
        app.extensions["database"].dispose()
    finally:
        drop_postgres(name)
    label = f"{inspections:,} inspections, {invitations:,} invitations (PostgreSQL)"
    rows = [{"figure": f"{what}: server time, {label}", "value": ms, "unit": "ms", "goal": f"< {GOAL_MS} ms",
             "met": ms < GOAL_MS} for what, ms in figures.items()]
    for row in rows:
        print(f"{row['figure']}: {row['value']} ms")
    record("collection", "Collection pages at scale", rows,
           notes=["median of repeated requests through the application's test client, signed in; "
                  "the dashboard overview runs the results query the response rates sit beside"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
