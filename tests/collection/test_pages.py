"""The collection pages: bad recipients shown line by line with nothing sent, Welsh, shared links,
withdraw / extend / close, scheduled sends by the worker, who may see them."""

from __future__ import annotations

import io
from datetime import date, timedelta

from sqlalchemy import select

from feedback.clock import utcnow
from feedback.models import AuditEvent, Inspection, Invitation
from tests.helpers.pages import Browser

from .conftest import PASSWORD

MANCHESTER = "omi2-2011-greater-manchester"
WALES = "omi2-2012-wales"
PIE = "post-inspection-evaluation"


def rows(db, model=Invitation):
    db.commit()
    db.expire_all()
    return db.scalars(select(model).order_by(model.id)).all()


def test_bad_recipients_are_listed_with_their_reasons_and_nothing_is_sent(notify_app, notify, staff_browser, demo_data):
    browser = staff_browser
    browser.get(f"/staff/inspections/{MANCHESTER}/collection/{PIE}/invite")
    page = browser.submit({"days": "28", "when": "now", "recipients": (
        "Ann Jones, ann@example.gov.uk, English\n"
        "Bryn Evans, not-an-address, Welsh\n"
        "Cath Smith, ANN@example.gov.uk\n"
        "Dai Lewis, dai@example.gov.uk, Klingon\n"
        "just a name\n")})
    assert page.error_summary_title() == "There is a problem"
    assert page.error_summary() == [
        ("Line 2: Enter an email address in the correct format, like name@example.gov.uk", "#recipients"),
        ("Line 3: This email address is also on line 1", "#recipients"),
        ("Line 4: Write the language as English, Welsh or both", "#recipients"),
        ("Line 5: Write the name, the email address and, if you like, the language, separated by commas",
         "#recipients"),
    ]
    assert page.soup.select_one("#recipients").get_text().startswith("Ann Jones, ann@example.gov.uk")  # kept
    assert not notify.requests and not rows(demo_data)


def test_a_csv_upload_in_welsh_and_a_file_that_is_not_csv(notify_app, notify, staff_browser, demo_data, client):
    browser = staff_browser
    page = browser.get(f"/staff/inspections/{WALES}/collection/{PIE}/invite?lang=cy")
    assert page.lang == "cy"
    assert "Gwahodd pobl i ateb" in page.h1
    token = page.csrf_token()
    response = client.post(f"/staff/inspections/{WALES}/collection/{PIE}/invite", data={
        "csrf_token": token, "days": "28", "when": "now", "recipients": "",
        "upload": (io.BytesIO(b"\x89PNG\x00\x00binary"), "photo.png")}, content_type="multipart/form-data")
    from tests.helpers.pages import parse
    refused = parse(response)
    assert refused.error_summary() == [("Rhaid i'r ffeil fod yn ffeil CSV", "#upload")]
    response = client.post(f"/staff/inspections/{WALES}/collection/{PIE}/invite", data={
        "csrf_token": token, "days": "28", "when": "now", "recipients": "",
        "upload": (io.BytesIO("name,email,language\nGwen Hughes,gwen@example.gov.uk,\n".encode()), "people.csv")},
        content_type="multipart/form-data")
    check = parse(response)
    assert "Gwirio'r derbynwyr" in check.h1
    # Wales: no language given means both, Welsh first.
    assert "Cymraeg a Saesneg" in check.main_text
    assert not notify.requests


def test_analysts_cannot_invite_or_track(client, runner, demo_data):
    runner.invoke(args=["users", "add", "analyst@justice.gov.uk", "--role", "analyst", "--password-stdin"],
                  input=PASSWORD + "\n")
    browser = Browser(client)
    browser.get("/staff/sign-in?next=/staff/")
    browser.submit({"email": "analyst@justice.gov.uk", "password": PASSWORD})
    for path in (f"/staff/inspections/{MANCHESTER}/collection", f"/staff/inspections/{MANCHESTER}/collection/{PIE}",
                 f"/staff/inspections/{MANCHESTER}/collection/{PIE}/invite"):
        assert client.get(path).status_code == 403, path
    assert client.get("/staff/response-rates").status_code == 200


def test_a_questionnaire_the_inspection_does_not_cover_has_no_pages(staff_browser, demo_data, client):
    overview = staff_browser.get("/staff/inspections/cci-2011-birmingham/collection")
    titles = [td.get_text(" ", strip=True) for td in overview.soup.select("tbody tr td:first-child")]
    assert titles and not any("Offender managers" in t for t in titles)
    assert client.get("/staff/inspections/cci-2011-birmingham/collection/offender-manager").status_code == 404


def test_a_shared_link_with_its_sheet_and_email_text(staff_browser, demo_data, client, db):
    browser = staff_browser
    page = browser.get(f"/staff/inspections/{WALES}/collection/offender-manager/shared-link")
    assert page.h1.endswith("Make a shared link")
    today = utcnow().date()
    later = today + timedelta(days=10)
    bad = browser.submit({"opens_day": "31", "opens_month": "2", "opens_year": "2027",
                          "closes_day": str(later.day), "closes_month": str(later.month), "closes_year": str(later.year)})
    assert [text for text, _ in bad.error_summary()] == [
        "Enter the date the link opens as a real date, like 3 12 2026"]
    closes = today + timedelta(days=30)
    sheet = browser.submit({"opens_day": str(today.day), "opens_month": str(today.month), "opens_year": str(today.year),
                            "closes_day": str(closes.day), "closes_month": str(closes.month),
                            "closes_year": str(closes.year)})
    assert sheet.h1.endswith("Your shared link")
    link = sheet.soup.select_one("#shared-link")["href"]
    assert sheet.soup.select_one("img[src^='data:image/svg+xml']") is not None
    welsh, english = sheet.soup.select(".govuk-inset-text")
    assert (welsh["lang"], english["lang"]) == ("cy", "en")  # Welsh first
    assert link in welsh.get_text() and "Ymddiriedolaeth Prawf Cymru" in welsh.get_text()
    # Shown once only.
    again = browser.get(sheet.response.request.path)
    assert again.h1.endswith("Tracking: Offender managers")
    # The link takes many responses.
    start = Browser(client.application.test_client()).get(link.replace("http://localhost", ""))
    assert start.status == 200
    assert "shared_link.create" in [e.action for e in rows(db, AuditEvent)]


def test_withdraw_extend_and_close_from_the_pages(notify_app, notify, staff_browser, demo_data, client):
    browser = staff_browser
    base = f"/staff/inspections/{MANCHESTER}/collection/{PIE}"
    browser.get(f"{base}/invite")
    browser.submit({"days": "10", "when": "now", "recipients": "Ann Jones, ann@example.gov.uk\nBryn Evans, bryn@example.gov.uk"})
    browser.submit()
    ann, bryn = rows(demo_data)
    before = ann.expires_at
    browser.get(f"{base}/invitations/{ann.id}/extend")
    bad = browser.submit({"days": "0"})
    assert bad.error_summary() == [("Enter a number of days from 1 to 365", "#days")]
    done = browser.submit({"days": "7"})
    assert "The link now works for longer." in done.main_text
    assert rows(demo_data)[0].expires_at - before == timedelta(days=7)
    browser.get(f"{base}/invitations/{bryn.id}/revoke")
    done = browser.submit()
    assert "The invitation was withdrawn" in done.main_text
    assert done.summary_rows()["Invited"] == "1"
    link = notify.emails[1].body["personalisation"]["link"]
    assert client.get(link.replace("http://localhost", "")).status_code == 404
    browser.get(f"{base}/close")
    closed = browser.submit()
    assert "Collection is closed" in closed.main_text
    assert client.get(notify.emails[0].body["personalisation"]["link"].replace("http://localhost", "")).status_code == 404
    assert client.get(f"{base}/invite").status_code == 200
    assert "closed" in Browser(client).get(f"{base}/invite").main_text
    actions = [e.action for e in rows(demo_data, AuditEvent)]
    assert {"invitation.extend", "invitation.revoke", "collection.close"} <= set(actions)


def test_scheduled_for_publication_the_worker_sends_once(notify_app, notify, staff_browser, demo_data, runner):
    db = demo_data
    inspection = db.scalars(select(Inspection).where(Inspection.code == MANCHESTER)).one()
    inspection.published_on = utcnow().date() + timedelta(days=5)
    db.commit()
    browser = staff_browser
    browser.get(f"/staff/inspections/{MANCHESTER}/collection/{PIE}/invite")
    check = browser.submit({"days": "28", "when": "publication", "recipients": "Ann Jones, ann@example.gov.uk"})
    assert "at 9am" in check.main_text
    tracking = browser.submit()
    assert "1 invitation will be emailed on the publication date." in tracking.main_text
    assert tracking.summary_rows()["Scheduled"] == "1"
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    assert not notify.emails  # not yet
    inspection.published_on = date.today() - timedelta(days=1)
    [invitation] = rows(db)
    invitation.scheduled_for = utcnow() - timedelta(minutes=1)
    db.commit()
    for _ in range(2):
        result = runner.invoke(args=["worker", "--once"])
        assert result.exit_code == 0, result.output
    assert [e.body["email_address"] for e in notify.emails] == ["ann@example.gov.uk"]
    assert rows(db)[0].email_status == "sending"
    link = notify.emails[0].body["personalisation"]["link"]
    assert Browser(runner.app.test_client()).get(link.replace("http://localhost", "")).status == 200


def test_response_rates_page_by_programme_and_region(notify_app, notify, staff_browser, demo_data):
    browser = staff_browser
    browser.get(f"/staff/inspections/{MANCHESTER}/collection/{PIE}/invite")
    browser.submit({"days": "28", "when": "now", "recipients": "Ann Jones, ann@example.gov.uk"})
    browser.submit()
    from feedback.results.periods import business_year_of

    year = business_year_of(utcnow().date())
    page = browser.get(f"/staff/response-rates?period={year}-{str(year + 1)[2:]}")
    assert page.h1.endswith("Response rates")
    assert "0 of 1 (0%)" in page.main_text
    region = browser.get(f"/staff/response-rates?period={year}-{str(year + 1)[2:]}&by=region&lang=cy")
    assert region.lang == "cy" and "0 o 1 (0%)" in region.main_text


def test_the_dashboard_shows_response_rates_beside_the_figures(notify_app, notify, client, runner, demo_data,
                                                               tmp_path):
    runner.invoke(args=["users", "add", "analyst@justice.gov.uk", "--role", "analyst", "--password-stdin"],
                  input=PASSWORD + "\n")
    people = tmp_path / "people.txt"
    people.write_text("Ann Jones, ann@example.gov.uk\nBryn Evans, bryn@example.gov.uk\n")
    assert runner.invoke(args=["invite", "--inspection", MANCHESTER, "--questionnaire", PIE,
                               "--recipients", str(people)]).exit_code == 0
    from feedback.results.periods import business_year_of

    year = business_year_of(utcnow().date())
    browser = Browser(client)
    browser.get("/staff/sign-in?next=/staff/")
    browser.submit({"email": "analyst@justice.gov.uk", "password": PASSWORD})
    page = browser.get(f"/staff/?period={year}-{str(year + 1)[2:]}")
    [rate] = [p.get_text(" ", strip=True) for p in page.soup.select(".app-response-rate")]
    assert rate.startswith("Response rate: 0 of 2 (0%)")
    other = browser.get(f"/staff/?period={year}-{str(year + 1)[2:]}&programme=CCI")
    assert not other.soup.select(".app-response-rate")


def test_an_unconfirmed_email_is_shown_and_not_sent_twice_from_the_page(notify_app, notify, staff_browser, demo_data):
    browser = staff_browser
    base = f"/staff/inspections/{MANCHESTER}/collection/{PIE}"
    browser.get(f"{base}/invite")
    browser.submit({"days": "28", "when": "now", "recipients": "Ann Jones, ann@example.gov.uk"})
    notify.silent_seconds = 2.5  # Notify takes it, then says nothing past the client's timeout
    tracking = browser.submit()
    assert "1 email is not confirmed: GOV.UK Notify did not answer in time." in tracking.main_text
    assert tracking.summary_rows()["Email not confirmed"] == "1"
    [ann] = rows(demo_data)
    row = tracking.soup.select_one(f"#invitation-{ann.id}").get_text(" ", strip=True)
    assert "Not confirmed" in row and "checks with Notify before anything sends it again" in row
    confirm = browser.get(f"{base}/invitations/{ann.id}/resend")
    assert "first asks GOV.UK Notify whether it went" in confirm.main_text
    done = browser.submit()
    assert "GOV.UK Notify had taken the earlier email after all, so it was not sent again." in done.main_text
    assert len(notify.emails) == 1
    assert "invitation.resend" in [e.action for e in rows(demo_data, AuditEvent)]


def test_tablets_for_an_inspection_start_from_its_collection_page(staff_browser, demo_data):
    overview = staff_browser.get(f"/staff/inspections/{MANCHESTER}/collection")
    link = overview.soup.find("a", string=lambda s: s and "Set up a kiosk tablet for this inspection" in s)
    inspection = demo_data.scalars(select(Inspection).where(Inspection.code == MANCHESTER)).one()
    assert link["href"] == f"/staff/kiosks/new?inspection={inspection.id}"
    enrol = staff_browser.get(link["href"])
    selected = enrol.soup.select_one("select[name=inspection] option[selected]")
    assert selected is not None and selected["value"] == str(inspection.id)


def test_scheduling_needs_a_publication_date_from_the_command_line(notify_app, notify, demo_data, runner, tmp_path):
    people = tmp_path / "people.csv"
    people.write_text("name,email,language\nAnn Jones,ann@example.gov.uk,en\nBryn,bryn@,cy\n")
    result = runner.invoke(args=["invite", "--inspection", WALES, "--questionnaire", PIE,
                                 "--recipients", str(people), "--at", "publication"])
    assert result.exit_code == 1
    assert "line 3: 'Bryn, bryn@, cy': Enter an email address in the correct format" in result.output
    assert "nothing was sent" in result.output and not notify.requests
    people.write_text("name,email,language\nAnn Jones,ann@example.gov.uk,en\n")
    result = runner.invoke(args=["invite", "--inspection", WALES, "--questionnaire", PIE,
                                 "--recipients", str(people), "--at", "publication"])
    assert result.exit_code == 2 and "the inspection has no publication date yet" in result.output
    assert not rows(demo_data) and not notify.requests
