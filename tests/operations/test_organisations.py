"""Organisations: the domain on both databases, and the staff pages that call it."""

from __future__ import annotations

from sqlalchemy import select

from feedback.models import AuditEvent, Inspection, Organisation
from feedback.operations import InputProblems
from feedback.operations import organisations as ops

WALES_YOT = ops.OrganisationDetails(name="Wrexham YOT", name_cy="Tîm Troseddau Ieuenctid Wrecsam", kind="yot",
                                    region="wales")


def test_an_organisation_in_wales_hears_in_welsh_and_english_and_its_adding_is_audited(app, db, admin_user):
    with app.app_context():
        organisation = ops.add_organisation(db, WALES_YOT, actor=admin_user, address="192.0.2.1")
        db.commit()
    stored = db.scalars(select(Organisation).where(Organisation.code == "wrexham-yot")).one()
    assert (stored.in_wales, stored.language_preference, stored.name_cy) == (True, "both", "Tîm Troseddau Ieuenctid Wrecsam")
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "organisation.add")).one()
    assert (event.actor, event.address, event.subject_id) == ("admin@justice.gov.uk", "192.0.2.1", str(organisation.id))


def test_bad_details_say_what_to_correct_and_add_nothing(app, db, demo_data):
    with app.app_context():
        try:
            ops.add_organisation(db, ops.OrganisationDetails(name=" ", kind="bank", region="mars", code="yot-cardiff"),
                                 actor="command line")
        except InputProblems as error:
            problems = {k: str(v) for k, v in error.problems.items()}
        else:
            raise AssertionError("bad details were accepted")
    assert set(problems) == {"name", "kind", "region", "code"}
    assert problems["code"] == "Another organisation has this code"
    db.rollback()
    assert db.scalars(select(AuditEvent)).first() is None


def test_a_retired_organisation_keeps_its_inspections_and_is_offered_only_on_request(app, db, demo_data):
    with app.app_context():
        cardiff = ops.find_organisation(db, "yot-cardiff")
        inspections = db.scalars(select(Inspection.id).where(Inspection.organisation_id == cardiff.id)).all()
        assert ops.retire_organisation(db, cardiff, actor="command line")
        db.commit()
        assert cardiff not in ops.list_organisations(db, "Cardiff")
        assert cardiff in ops.list_organisations(db, "Cardiff", include_retired=True)
    assert inspections and db.scalars(select(Inspection.id).where(Inspection.organisation_id == cardiff.id)).all() == inspections


def test_adding_an_organisation_from_the_page_shows_each_error_then_its_details(admin_browser, db):
    admin_browser.get("/staff/organisations/new")
    page = admin_browser.submit({"name": "", "region": ""})
    assert page.title.startswith("Error:")
    assert page.error_summary() == [
        ("Enter the organisation's name in English", "#name"),
        ("Select the kind of organisation", "#kind"),
        ("Select the organisation's region", "#region"),
    ]
    page = admin_browser.submit({"name": "Wrexham YOT", "name_cy": "Tîm Troseddau Ieuenctid Wrecsam",
                                 "kind": "yot", "region": "wales"})
    assert page.h1 == "Wrexham YOT"
    assert "Wrexham YOT has been added." in page.soup.select_one(".govuk-notification-banner").get_text()
    rows = page.summary_rows()
    assert rows["Region"].startswith("Wales")
    assert rows["Language of links and emails"].startswith("Welsh and English (Welsh first)")
    change = page.soup.select(".govuk-summary-list__actions a")
    assert change[0]["href"] == "/staff/organisations/wrexham-yot/edit#name"


def test_the_form_is_in_welsh_with_welsh_errors(admin_browser):
    admin_browser.get("/staff/organisations/new?lang=cy")
    page = admin_browser.submit({"name": ""})
    assert page.lang == "cy"
    assert page.error_summary_title() == "Mae problem wedi codi"
    assert all(text and "organisation" not in text for text, _ in page.error_summary())


def test_changing_and_retiring_from_the_pages(admin_browser, db):
    page = admin_browser.get("/staff/organisations/yot-cardiff/edit")
    assert page.soup.select_one("#name")["value"] == "Cardiff YOT"
    page = admin_browser.submit({"name": "Cardiff Youth Justice Service", "name_cy": "Gwasanaeth Cyfiawnder Ieuenctid Caerdydd",
                                 "kind": "yot", "region": "wales", "language": "cy"})
    assert "Your changes have been saved." in page.main_text
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "organisation.edit")).one()
    assert event.detail["changes"]["name"] == ["Cardiff YOT", "Cardiff Youth Justice Service"]
    admin_browser.get("/staff/organisations/yot-cardiff/retire")
    page = admin_browser.submit()
    assert "has been retired" in page.main_text
    listed = admin_browser.get("/staff/organisations/?q=Cardiff")
    assert "Cardiff Youth Justice Service" not in listed.main_text
    listed = admin_browser.get("/staff/organisations/?q=Cardiff&retired=1")
    assert "Cardiff Youth Justice Service Retired" in listed.main_text
    form = admin_browser.get("/staff/inspections/new")
    offered = [o.get_text(strip=True) for o in form.soup.select("#organisation option")]
    assert "Cardiff Youth Justice Service" not in offered and "Swansea YOT" in offered


def test_a_retired_organisation_is_reinstated_from_its_page(admin_browser, db):
    admin_browser.get("/staff/organisations/yot-swansea/retire")
    page = admin_browser.submit()
    assert "Reinstate this organisation" in page.main_text
    page = admin_browser.submit(selector="form[action='/staff/organisations/yot-swansea/reinstate']")
    assert "Swansea YOT has been reinstated." in page.main_text
    assert db.scalars(select(Organisation.retired_at).where(Organisation.code == "yot-swansea")).one() is None
    actions = db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["organisation.retire", "organisation.reinstate"]
