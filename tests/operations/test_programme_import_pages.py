"""The programme import from the staff pages: upload, preview, confirm; bad files and rows."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from feedback.models import AuditEvent, Inspection, ProgrammeUpload
from tests.helpers.pages import parse

from .test_programme_import import PROGRAMME


def upload(browser, content: bytes, name: str = "programme.csv", lang: str = "en"):
    page = browser.get(f"/staff/programme/import?lang={lang}")
    response = browser.client.post("/staff/programme/import", data={
        "csrf_token": page.csrf_token(), "programme_file": (io.BytesIO(content), name),
    }, content_type="multipart/form-data", follow_redirects=True)
    browser.page = parse(response)
    return browser.page


def inspections(db) -> int:
    return db.execute(select(func.count()).select_from(Inspection)).scalar_one()


def test_upload_preview_then_confirm_imports_once(support_browser, db):
    before = inspections(db)
    page = upload(support_browser, PROGRAMME)
    assert page.h1.endswith("Check the changes before you import them")
    assert "3 new inspections" in page.main_text and "1 new organisation" in page.main_text
    rows = [[c.get_text(" ", strip=True) for c in tr.select("th, td")] for tr in page.soup.select("tbody tr")]
    assert rows[0][:3] == ["2", "yot-wrexham New", "sqs-yot-wrexham-2026-05-11 New"]
    assert inspections(db) == before  # nothing written by the preview
    kept = db.scalars(select(ProgrammeUpload)).one()
    assert kept.content == PROGRAMME and kept.key in page.response.request.path
    done = support_browser.submit()
    assert done.h1 == "Programme imported"
    assert "3 new inspections" in done.main_text
    assert inspections(db) == before + 3
    # The same confirmation again (Back and submit, or a double click) imports nothing more.
    again = support_browser.client.post(page.response.request.path, data={"csrf_token": page.csrf_token()},
                                        follow_redirects=True)
    assert parse(again).h1 == "Programme imported" and inspections(db) == before + 3
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "programme.import")).one()
    assert event.actor == "support@justice.gov.uk" and event.detail["inspections_new"] == 3
    # Uploading the same file again shows that it changes nothing, and offers no import.
    page = upload(support_browser, PROGRAMME)
    assert "The file changes nothing" in page.main_text
    assert page.soup.select_one("main form[method=post]") is None


def test_bad_rows_are_listed_with_their_reasons_and_nothing_can_be_imported(support_browser, db):
    before = inspections(db)
    bad = PROGRAMME + b"\n,SQS,yot-nowhere,,,,,,2026-05-11,2026-05-13,,,\n,SQS,yot-cardiff,,,,,,2026-05-13,2026-05-11,,,"
    page = upload(support_browser, bad)
    assert page.title.startswith("Error:")
    # (the column is marked as English, so the parsed text has a space before its colon)
    assert [(text.replace(" :", ":"), href) for text, href in page.error_summary()] == [
        ("Row 5, organisation_code: There is no organisation with this code: give its name, kind and region to add it", "#row-5"),
        ("Row 6, fieldwork_end: The date fieldwork ends must be the same as or after the date it begins", "#row-6"),
    ]
    assert [s.get_text() for s in page.soup.select(".govuk-error-summary span[lang=en]")] == ["organisation_code", "fieldwork_end"]
    assert page.soup.select_one("main form[method=post]") is None
    response = support_browser.client.post(page.response.request.path, data={"csrf_token": page.csrf_token()})
    assert parse(response).error_summary() and inspections(db) == before
    assert db.scalars(select(AuditEvent)).first() is None


def test_a_file_that_is_not_csv_or_ods_is_refused_on_the_upload_page_in_welsh(support_browser, db):
    page = upload(support_browser, b"%PDF-1.7", name="programme.pdf", lang="cy")
    assert page.lang == "cy" and page.title.startswith("Gwall:")
    [(message, href)] = page.error_summary()
    assert href == "#programme_file" and "CSV" in message and "must" not in message
    assert db.scalars(select(ProgrammeUpload)).first() is None


def test_wrong_headers_are_refused_on_the_upload_page(support_browser, db):
    page = upload(support_browser, b"name,when\nCardiff,soon\n")
    [(message, _)] = page.error_summary()
    assert message.startswith("The file is missing the columns: organisation_code")
    assert db.scalars(select(ProgrammeUpload)).first() is None


def test_someone_else_cannot_open_an_upload(support_browser, client, runner, db):
    page = upload(support_browser, PROGRAMME)
    path = page.response.request.path
    support_browser.client.post("/staff/sign-out", data={"csrf_token": page.csrf_token()})
    from tests.helpers.pages import Browser
    from tests.test_staff import sign_in

    from .conftest import add_user

    add_user(runner, "other@justice.gov.uk", "support")
    other = Browser(client)
    sign_in(other, "other@justice.gov.uk")
    assert client.get(path).status_code == 404


def test_the_templates_download_in_both_formats(support_browser):
    csv = support_browser.client.get("/staff/programme/template.csv")
    assert csv.mimetype == "text/csv" and csv.get_data(as_text=True).lstrip("\ufeff").startswith(",".join(
        ["inspection_code", "programme", "organisation_code"]))
    ods = support_browser.client.get("/staff/programme/template.ods")
    assert ods.mimetype == "application/vnd.oasis.opendocument.spreadsheet" and ods.data[:2] == b"PK"
