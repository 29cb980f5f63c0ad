"""The same from the command line; an email whose outcome is unknown is not sent twice; the audience check."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from feedback.clock import utcnow
from feedback.models import AuditEvent, Invitation
from tests.helpers.pages import Browser
from tests.test_web_journey import answer_pie

from .conftest import CALLBACK_TOKEN, template_language

MANCHESTER = "omi2-2011-greater-manchester"
PIE = "post-inspection-evaluation"


def invitations(db):
    db.commit()
    db.expire_all()
    return db.scalars(select(Invitation).order_by(Invitation.id)).all()


def test_the_same_from_the_command_line(notify_app, notify, demo_data, client, runner, tmp_path):
    db = demo_data
    people = tmp_path / "people.txt"
    people.write_text("Ann Jones, ann@example.gov.uk, English\nBryn Evans, bryn@example.gov.uk, Cymraeg\n"
                      "Cath Smith, cath@example.gov.uk, both\n")
    result = runner.invoke(args=["invite", "--inspection", MANCHESTER, "--questionnaire", PIE,
                                 "--recipients", str(people)])
    assert result.exit_code == 0, result.output
    assert result.output.count("Sent to ") == 3
    assert sorted(template_language(e.body["template_id"]) for e in notify.emails) == ["BOTH", "CY", "EN"]
    for email in notify.emails[:2]:
        respondent = Browser(client.application.test_client())
        respondent.get("/i/" + email.body["personalisation"]["link"].rsplit("/", 1)[1])
        respondent.submit()
        answer_pie(respondent)
        respondent.submit(selector="main form")
    cath = invitations(db)[-1]
    client.post("/notify/delivery-status", headers={"Authorization": f"Bearer {CALLBACK_TOKEN}"},
                json={"id": cath.notify_id, "reference": cath.notify_reference, "status": "temporary-failure"})
    tracked = runner.invoke(args=["tracking", "--inspection", MANCHESTER, "--questionnaire", PIE, "--json"])
    data = json.loads(tracked.output)
    assert (data["completed"], data["invited"], data["response_rate"]) == (2, 3, 67)
    assert data["failed"] == 1
    assert "completed 2 of 3 (67%)" in runner.invoke(args=["tracking", "--inspection", MANCHESTER]).output

    listed = runner.invoke(args=["invitations", "list", "--inspection", MANCHESTER, "--questionnaire", PIE]).output
    assert "temporary-failure" in listed
    extended = runner.invoke(args=["invitations", "extend", "--inspection", MANCHESTER, "--questionnaire", PIE,
                                   "--email", "cath@example.gov.uk", "--days", "7"])
    assert extended.exit_code == 0 and "now works until" in extended.output
    resent = runner.invoke(args=["invitations", "resend", "--inspection", MANCHESTER, "--questionnaire", PIE,
                                 "--email", "cath@example.gov.uk"])
    assert resent.exit_code == 0, resent.output
    assert len(notify.emails) == 4
    revoked = runner.invoke(args=["invitations", "revoke", "--inspection", MANCHESTER, "--questionnaire", PIE,
                                  "--email", "cath@example.gov.uk"])
    assert "withdrawn" in revoked.output
    actions = [a for (a,) in db.execute(select(AuditEvent.action).order_by(AuditEvent.id))]
    for action in ("invitation.create", "invitation.send", "invitation.extend", "invitation.resend",
                   "invitation.revoke"):
        assert action in actions


def test_an_email_notify_took_after_the_timeout_is_not_sent_twice(notify_app, notify, demo_data, runner):
    db = demo_data
    notify.silent_seconds = 2.5  # past the client's 1 s timeout
    result = runner.invoke(args=["invite", "--inspection", MANCHESTER, "--questionnaire", PIE,
                                 "--email", "ann@example.gov.uk", "--send"])
    assert result.exit_code != 0
    assert "Not confirmed: ann@example.gov.uk" in result.output
    [invitation] = invitations(db)
    assert invitation.email_status == "not_confirmed" and invitation.notify_reference
    resent = runner.invoke(args=["invitations", "resend", "--inspection", MANCHESTER, "--questionnaire", PIE,
                                 "--email", "ann@example.gov.uk"])
    assert resent.exit_code == 0, resent.output
    assert "Not sent again" in resent.output
    assert len(notify.emails) == 1  # Notify had it: no second email
    assert invitations(db)[0].email_status == "sending"


def test_an_unconfirmed_email_notify_never_had_is_settled_and_sent_by_the_worker(notify_app, notify, demo_data, runner):
    db = demo_data
    notify.fail_next(500)  # refuses, with an answer: not sent
    result = runner.invoke(args=["invite", "--inspection", MANCHESTER, "--questionnaire", PIE,
                                 "--email", "ann@example.gov.uk", "--send"])
    assert result.exit_code != 0 and "not emailed" in result.output
    [invitation] = invitations(db)
    assert invitation.email_status == "refused"
    # A worker killed between writing ahead and sending leaves "not confirmed" with nothing at Notify.
    invitation.email_status, invitation.scheduled_for = "not_confirmed", utcnow() - timedelta(hours=1)
    invitation.email_status_at = utcnow() - timedelta(hours=1)
    db.commit()
    for _ in range(2):
        assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    sent = [e for e in notify.emails if e.body.get("email_address") == "ann@example.gov.uk"]
    assert len(sent) == 2  # the refused one, then exactly one from the worker
    assert invitations(db)[0].email_status == "sending"


def test_invite_refuses_a_questionnaire_the_inspection_does_not_cover(app, demo_data, runner):
    result = runner.invoke(args=["invite", "--inspection", "cci-2011-birmingham", "--questionnaire", "adult-victims"])
    assert result.exit_code == 2
    assert "is not asked in CCI inspections" in result.output
    assert not invitations(demo_data)


def test_response_rates_outlive_the_retention_policy_and_follow_withdrawals(notify_app, notify, demo_data, client,
                                                                            runner, tmp_path):
    from feedback.operations.response_rates import response_rates
    from feedback.results.periods import Period, business_year_of
    from feedback.retention import RetentionPolicy, purge

    db = demo_data
    people = tmp_path / "people.txt"
    people.write_text("Ann, ann@example.gov.uk\nBryn, bryn@example.gov.uk\nCath, cath@example.gov.uk\n")
    assert runner.invoke(args=["invite", "--inspection", MANCHESTER, "--questionnaire", PIE,
                               "--recipients", str(people)]).exit_code == 0
    for email in notify.emails[:2]:
        respondent = Browser(client.application.test_client())
        respondent.get("/i/" + email.body["personalisation"]["link"].rsplit("/", 1)[1])
        respondent.submit()
        answer_pie(respondent)
        respondent.submit(selector="main form")
    period = Period.business_year(business_year_of(utcnow().date()))

    def rate():
        db.commit()
        [row] = response_rates(db, period)
        return row.rate.completed, row.rate.invited, row.rate.percent

    assert rate() == (2, 3, 67)
    assert runner.invoke(args=["invitations", "revoke", "--inspection", MANCHESTER, "--questionnaire", PIE,
                               "--email", "cath@example.gov.uk"]).exit_code == 0
    assert rate() == (2, 2, 100)
    with notify_app.app_context():
        purge(db, RetentionPolicy(comment_days=730, draft_hours=168), now=utcnow() + timedelta(days=400))
    assert not invitations(db)  # the invitations have gone under the policy...
    assert rate() == (2, 2, 100)  # ...and the period keeps its rate
