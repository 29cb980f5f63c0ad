"""The audit log: filtered and paged for administrators, a CSV safe to open, kept seven years."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from feedback import audit
from feedback.models import AuditEvent
from feedback.retention import RetentionPolicy, purge

from .conftest import ADMIN


def add_events(db, count: int, action: str, actor: str, at: datetime, detail: dict | None = None) -> None:
    for n in range(count):
        audit.record(db, action, actor=actor, subject=f"thing-{n}", detail=detail or {"n": n},
                     at=at + timedelta(minutes=n), address="198.51.100.7")
    db.commit()


def test_the_log_filters_by_action_person_and_days_and_pages(admin_browser, db):
    add_events(db, 60, "export.responses", "analyst@justice.gov.uk", datetime(2026, 3, 2, 9, tzinfo=timezone.utc))
    add_events(db, 3, "organisation.add", "command line", datetime(2026, 3, 5, 9, tzinfo=timezone.utc))
    page = admin_browser.get("/staff/audit/?action=export.responses")
    assert page.soup.select_one("caption").get_text(strip=True) == "60 events"
    assert len(page.soup.select("tbody tr")) == 50
    assert page.soup.select_one(".govuk-pagination__next a")["href"].startswith("/staff/audit/?page=2")
    second = admin_browser.get(page.soup.select_one(".govuk-pagination__next a")["href"])
    assert len(second.soup.select("tbody tr")) == 10
    page = admin_browser.get("/staff/audit/?actor=command+line")
    cells = [td.get_text(" ", strip=True) for td in page.soup.select("tbody tr:first-child td")]
    assert cells[0] == "5 March 2026 09:02" and cells[1] == "command line" and cells[2] == "organisation.add"
    page = admin_browser.get("/staff/audit/?date_from-day=5&date_from-month=3&date_from-year=2026"
                             "&date_to-day=5&date_to-month=3&date_to-year=2026")
    assert page.soup.select_one("caption").get_text(strip=True) == "3 events"
    page = admin_browser.get("/staff/audit/?date_from-day=31&date_from-month=2&date_from-year=2026")
    assert page.error_summary() == [("From must be a real date, like 11 5 2026", "#date_from-day")]


def test_the_csv_download_is_safe_to_open_and_is_itself_recorded(admin_browser, db):
    add_events(db, 2, "paper.enter", "=HYPERLINK(\"http://evil\")", datetime(2026, 3, 2, 9, tzinfo=timezone.utc),
               detail={"note": "+1"})
    response = admin_browser.client.get("/staff/audit/audit-log.csv?action=paper.enter")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["When (UTC)", "Who", "Action", "Subject type", "Subject", "Detail", "From address"]
    assert rows[1][:3] == ["2026-03-02 09:00:00", "'=HYPERLINK(\"http://evil\")", "paper.enter"]
    assert len(rows) == 3
    download = db.scalars(select(AuditEvent).where(AuditEvent.action == "audit.download")).one()
    assert download.actor == ADMIN and download.detail == {"action": "paper.enter"}


def test_analysts_and_support_cannot_read_the_log(support_browser):
    assert support_browser.client.get("/staff/audit/").status_code == 403
    assert support_browser.client.get("/staff/audit/audit-log.csv").status_code == 403
    nav = [a.get_text(strip=True) for a in support_browser.get("/staff/").soup.select(".govuk-service-navigation__link")]
    assert "Organisations" in nav and "Audit log" not in nav and "Staff accounts" not in nav


def test_purge_deletes_events_older_than_seven_years_only(app, db):
    now = datetime(2026, 12, 3, tzinfo=timezone.utc)
    add_events(db, 1, "old.thing", "command line", now - timedelta(days=2558))
    add_events(db, 1, "recent.thing", "command line", now - timedelta(days=2556))
    report = purge(db, RetentionPolicy(comment_days=730, draft_hours=168), now=now)
    assert report.audit_events_deleted == 1
    assert db.scalars(select(AuditEvent.action)).all() == ["recent.thing"]
