"""On the operations and collection forms, switching language keeps what was typed and saves nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from feedback.models import Invitation, Organisation, StaffInvitation


def count(db, model) -> int:
    db.commit()
    return db.scalar(select(func.count()).select_from(model))


def test_a_half_typed_organisation_survives_a_switch_to_welsh(admin_browser, db):
    before = count(db, Organisation)
    admin_browser.get("/staff/organisations/new")
    page = admin_browser.switch_language("cy", {"name": "Wrexham YOT", "name_cy": "Tîm Troseddau Ieuenctid Wrecsam",
                                                "kind": "yot", "region": "wales"})
    assert page.lang == "cy" and not page.error_summary()
    assert page.soup.select_one("#name")["value"] == "Wrexham YOT"
    assert page.soup.select_one("#name_cy")["value"] == "Tîm Troseddau Ieuenctid Wrecsam"
    assert page.soup.select_one("input[name=kind][value=yot]").has_attr("checked")
    assert count(db, Organisation) == before


def test_half_typed_inspection_titles_survive_a_switch(admin_browser, db):
    admin_browser.get("/staff/inspections/new?lang=cy")
    page = admin_browser.switch_language("en", {"title": "A thematic", "title_cy": "Thematig"})
    assert page.lang == "en" and not page.error_summary()
    assert (page.soup.select_one("#title")["value"], page.soup.select_one("#title_cy")["value"]) == \
        ("A thematic", "Thematig")


def test_a_staff_invitation_and_a_list_of_recipients_survive_a_switch(admin_browser, db):
    admin_browser.get("/staff/accounts/invite")
    page = admin_browser.switch_language("cy", {"email": "new.person@justice.gov.uk"})
    assert page.soup.select_one("#email")["value"] == "new.person@justice.gov.uk"
    assert count(db, StaffInvitation) == 0

    # The pages are in Welsh now (the choice is remembered): switch back to English.
    admin_browser.get("/staff/inspections/omi2-2011-greater-manchester/collection/post-inspection-evaluation/invite")
    typed = "Ann Jones, ann@example.gov.uk, English\nBryn Evans, bryn@example.gov.uk, Welsh"
    page = admin_browser.switch_language("en", {"recipients": typed, "days": "28", "when": "now"})
    assert page.lang == "en" and not page.error_summary()
    assert page.soup.select_one("#recipients").get_text().strip() == typed
    assert count(db, Invitation) == 0
