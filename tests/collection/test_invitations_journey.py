"""The reviewer's check: invite three people, two answer, one email fails, one reminder, all audited."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from feedback.clock import utcnow
from feedback.models import AuditEvent, Invitation
from tests.helpers.pages import Browser
from tests.test_web_journey import answer_pie

from .conftest import CALLBACK_TOKEN, template_language

MANCHESTER = "omi2-2011-greater-manchester"
PIE = "post-inspection-evaluation"
BASE = f"/staff/inspections/{MANCHESTER}/collection"
RECIPIENTS = ("Ann Jones, ann@example.gov.uk, English\n"
              "Bryn Evans, bryn@example.gov.uk, Welsh\n"
              "Cath Smith, cath@example.gov.uk\n")


def invitations(db):
    db.commit()
    db.expire_all()
    return db.scalars(select(Invitation).order_by(Invitation.id)).all()


def answer_through(client, link: str) -> None:
    respondent = Browser(client.application.test_client())
    respondent.get(urlsplit(link).path)
    respondent.submit()
    answer_pie(respondent)
    assert respondent.submit(selector="main form").h1 in ("Answers sent", "Atebion wedi'u hanfon")


def receipt(client, notification_id, reference, status, token=CALLBACK_TOKEN):
    return client.post("/notify/delivery-status", headers={"Authorization": f"Bearer {token}"}, json={
        "id": notification_id, "reference": reference, "to": "cath@example.gov.uk", "status": status,
        "created_at": "2026-12-03T10:00:00.000000Z", "completed_at": "2026-12-03T10:00:05.000000Z",
        "sent_at": "2026-12-03T10:00:01.000000Z", "notification_type": "email"})


def test_invite_three_two_answer_one_fails_one_reminder(notify_app, notify, staff_browser, demo_data, client, runner):
    db = demo_data
    browser = staff_browser
    overview = browser.get(BASE)
    assert overview.h1 == "Collecting responses"
    page = browser.get(f"{BASE}/{PIE}/invite")
    assert page.h1.endswith("Invite people to answer")
    check = browser.submit({"recipients": RECIPIENTS, "days": "28", "when": "now"})
    assert check.h1.endswith("Check the recipients")
    assert not notify.emails  # nothing sent before the list is confirmed
    tracking = browser.submit()
    assert tracking.h1.endswith("Tracking: Post-inspection evaluation")
    assert "3 invitations emailed." in tracking.main_text

    # Each person's email once, in their language (no language given: the organisation's, English).
    emails = notify.emails
    assert sorted(e.body["email_address"] for e in emails) == [
        "ann@example.gov.uk", "bryn@example.gov.uk", "cath@example.gov.uk"]
    languages = {e.body["email_address"]: template_language(e.body["template_id"]) for e in emails}
    assert languages == {"ann@example.gov.uk": "EN", "bryn@example.gov.uk": "CY", "cath@example.gov.uk": "EN"}

    links = {e.body["email_address"]: e.body["personalisation"]["link"] for e in emails}
    answer_through(client, links["ann@example.gov.uk"])
    answer_through(client, links["bryn@example.gov.uk"])
    rows = browser.get(f"{BASE}/{PIE}").summary_rows()
    assert rows["Response rate"] == "2 of 3 (67%)"
    assert rows["Completed"] == "2"
    assert rows["Started"] == "2"

    # The third email bounces: the receipt is taken once, and the reason shown in plain words.
    cath = next(i for i in invitations(db) if i.email == "cath@example.gov.uk")
    assert receipt(client, cath.notify_id, cath.notify_reference, "permanent-failure", token="wrong").status_code == 401
    assert receipt(client, cath.notify_id, cath.notify_reference, "permanent-failure").status_code == 200
    assert receipt(client, cath.notify_id, cath.notify_reference, "permanent-failure").json == {"result": "duplicate"}
    tracking = browser.get(f"{BASE}/{PIE}")
    assert tracking.summary_rows()["Email not delivered"] == "1"
    row = tracking.soup.select_one(f"#invitation-{cath.id}")
    assert "Not delivered" in row.get_text(" ")
    assert "The email address does not exist" in row.get_text(" ")

    # Its reminder goes once, from the worker, however often it runs.
    cath = invitations(db)[-1]
    cath.expires_at = utcnow() + timedelta(days=3)
    cath.sent_at = utcnow() - timedelta(days=25)
    db.commit()
    for _ in range(2):
        result = runner.invoke(args=["worker", "--once"])
        assert result.exit_code == 0, result.output
    reminders = [e for e in notify.emails if "-reminder" in (e.body.get("reference") or "")]
    assert [e.body["email_address"] for e in reminders] == ["cath@example.gov.uk"]

    db.expire_all()
    actions = [a for (a,) in db.execute(select(AuditEvent.action).order_by(AuditEvent.id))]
    assert actions.count("invitation.create") == 3
    assert actions.count("invitation.send") == 3
    assert actions.count("invitation.reminder") == 1

    # The Slack digest carries the response rate beside the figures.
    from feedback.results.periods import Period, business_year_of
    from feedback.slack import digest

    with notify_app.app_context():
        period = Period.business_year(business_year_of(utcnow().date()))
        message = digest.render(digest.collect(db, period), "en", "http://localhost")
        welsh = digest.render(digest.collect(db, period), "cy", "http://localhost")
    assert "response rate 2 of 3 invited (67%)" in message.text
    assert "67%" in welsh.text and "response rate" not in welsh.text
