"""Inspections: statuses from the dates, the filtered list, adding and changing from the pages."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select

from feedback.models import AuditEvent, Inspection
from feedback.operations import inspections as ops
from tests.helpers.pages import Browser

from .conftest import form_values

TODAY = date(2026, 6, 10)
# (fieldwork start, end, published, closed) → status on TODAY
CASES = {
    "planned": (date(2026, 7, 1), date(2026, 7, 5), None, False),
    "in_fieldwork": (date(2026, 6, 8), TODAY, None, False),  # its last day: still in fieldwork
    "awaiting_publication": (date(2026, 5, 1), date(2026, 5, 5), date(2026, 8, 1), False),
    "published": (date(2026, 1, 5), date(2026, 1, 9), date(2026, 4, 1), False),
    "closed": (date(2026, 1, 12), date(2026, 1, 16), date(2026, 4, 1), True),
}


def test_each_status_follows_from_the_dates_in_python_and_in_sql_alike(app, db, demo_data):
    with app.app_context():
        for status, (start, end, published, closed) in CASES.items():
            inspection = ops.add_inspection(db, ops.InspectionDetails(
                programme="SQS", organisation="yot-swansea", fieldwork_start=start, fieldwork_end=end,
                published_on=published, code=f"status-{status.replace('_', '-')}"), actor="command line")
            if closed:
                ops.set_closed(db, inspection, True, actor="command line", now=datetime(2026, 5, 1, tzinfo=timezone.utc))
        db.commit()
        for status in CASES:
            found = ops.list_inspections(db, ops.InspectionFilters(status=status, search="status-"), TODAY)
            assert [i.code for i in found.inspections] == [f"status-{status.replace('_', '-')}"], status
            assert ops.status_of(found.inspections[0], TODAY) == status


def test_the_list_filters_by_programme_region_year_and_pages(app, db, demo_data):
    with app.app_context():
        found = ops.list_inspections(db, ops.InspectionFilters(programme="CCI", region="london", year=2011), per_page=10)
        assert found.total == 30  # ¶3.1: 30 Core Case Inspections in London in 2011–12
        assert len(found.inspections) == 10 and found.pages == 3
        assert all(i.programme.code == "CCI" and i.organisation.region_code == "london" for i in found.inspections)


def test_the_inspections_page_filters_and_shows_each_status(support_browser):
    page = support_browser.get("/staff/inspections?programme=CCI&region=london&year=2011-12")
    assert page.soup.select_one("caption").get_text(strip=True) == "30 inspections"
    statuses = {td.get_text(strip=True) for td in page.soup.select("tbody tr td:last-child")}
    assert "Published" in statuses and statuses <= {"Published", "Fieldwork finished"}
    assert len(page.soup.select("tbody tr")) == 30
    welsh = support_browser.get("/staff/inspections?programme=CCI&region=london&year=2011-12&lang=cy")
    assert welsh.soup.select_one("caption").get_text(strip=True) == "30 arolygiad"


def test_adding_an_inspection_refuses_fieldwork_that_ends_before_it_begins(support_browser, db):
    support_browser.get("/staff/inspections/new?organisation=yot-swansea")
    form = {"programme": "SQS", "organisation": "yot-swansea",
            "fieldwork_start-day": "12", "fieldwork_start-month": "5", "fieldwork_start-year": "2026",
            "fieldwork_end-day": "8", "fieldwork_end-month": "5", "fieldwork_end-year": "2026"}
    page = support_browser.submit(form)
    assert page.error_summary() == [
        ("The date fieldwork ends must be the same as or after the date it begins", "#fieldwork_end-day")]
    assert page.soup.select_one("#fieldwork_start-day")["value"] == "12"  # what was typed stays
    assert db.scalars(select(Inspection).where(Inspection.code.like("sqs-yot-swansea-2026%"))).first() is None
    page = support_browser.submit({**form, "fieldwork_end-day": "14", "published_on-day": "31",
                                   "published_on-month": "2", "published_on-year": "2027"})
    assert page.error_summary() == [("Publication date (optional) must be a real date, like 11 5 2026", "#published_on-day")]
    page = support_browser.submit({**form, "fieldwork_end-day": "14"})
    assert "The inspection has been added." in page.main_text
    rows = page.summary_rows()
    assert rows["Fieldwork"] == "12 May 2026 to 14 May 2026"
    assert rows["Organisation"].startswith("Swansea YOT")
    inspection = db.scalars(select(Inspection).where(Inspection.code == "sqs-yot-swansea-2026-05-12")).one()
    assert inspection.fieldwork_end == date(2026, 5, 14)
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "inspection.add")).one()
    assert event.actor == "support@justice.gov.uk" and event.detail["organisation"] == "yot-swansea"


def test_a_thematic_inspection_needs_a_title_and_shows_it_in_welsh(support_browser, db):
    support_browser.get("/staff/inspections/new")
    base = {"programme": "THEMATIC", "organisation": "",
            "fieldwork_start-day": "7", "fieldwork_start-month": "9", "fieldwork_start-year": "2026",
            "fieldwork_end-day": "2", "fieldwork_end-month": "10", "fieldwork_end-year": "2026"}
    page = support_browser.submit(base)
    assert page.error_summary()[0][1] == "#organisation"
    page = support_browser.submit({**base, "title": "Women in the criminal justice system",
                                   "title_cy": "Menywod yn y system cyfiawnder troseddol"})
    code = page.soup.select_one("code").get_text()
    welsh = support_browser.get(f"/staff/inspections/{code}?lang=cy")
    assert welsh.h1.startswith("Menywod yn y system cyfiawnder troseddol")


def test_changing_and_closing_an_inspection_from_its_page(support_browser, db):
    page = support_browser.get("/staff/inspections/thematic-2011-lscbs-in-wales")
    change = {a.select_one(".govuk-visually-hidden").get_text(strip=True): a["href"]
              for a in page.soup.select(".govuk-summary-list__actions a")}
    assert change["publication date"].endswith("/edit#published_on-day")
    assert page.soup.find("h2", string="Results") is not None  # the results section stays
    form = support_browser.get(change["publication date"].split("#")[0])
    assert form.soup.select_one("#title")["value"] == "Joint Inspection of Local Safeguarding Children Boards in Wales"
    page = support_browser.submit({**form_values(form), "published_on-day": "1", "published_on-month": "9",
                                   "published_on-year": "2026"})
    assert "Your changes have been saved." in page.main_text
    assert page.summary_rows()["Publication date"] == "1 September 2026"
    support_browser.get("/staff/inspections/thematic-2011-lscbs-in-wales/close")
    page = support_browser.submit()
    assert page.summary_rows()["Status"] == "Closed"
    assert db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all() == ["inspection.edit", "inspection.close"]


def test_closing_an_inspection_stops_its_invitation_links(app, support_browser, db):
    from feedback.invitations import create_invitation

    code = "omi2-2011-greater-manchester"
    inspection = db.scalars(select(Inspection).where(Inspection.code == code)).one()
    with app.app_context():
        link = create_invitation(db, inspection, "offender-manager", days=28)
    db.commit()
    respondent = Browser(app.test_client())
    assert respondent.get(f"/i/{link.token}").h1 != "This link cannot be used"

    support_browser.get(f"/staff/inspections/{code}/close")
    assert support_browser.submit().summary_rows()["Status"] == "Closed"
    assert respondent.get(f"/i/{link.token}").h1 == "This link cannot be used"


def test_an_inspections_page_leads_to_collecting_its_responses(support_browser):
    page = support_browser.get("/staff/inspections/omi2-2011-greater-manchester")
    link = page.soup.find("a", string="Invitations and response rates for this inspection")
    assert link is not None
    assert support_browser.get(link["href"]).h1 == "Collecting responses"
