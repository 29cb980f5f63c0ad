"""Invitations sent by email through GOV.UK Notify, in the organisation's language, with one reminder."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from notifications_python_client.authentication import decode_jwt_token, get_token_issuer
from sqlalchemy import func, select

from feedback.clock import as_utc, utcnow
from feedback.invitation_emails import format_expiry
from feedback.invitations import create_invitation
from feedback.models import Inspection, Invitation, Organisation
from feedback.notify import NotifyNotConfigured, NotifySender
from tests.helpers.notify_stub import API_KEY, SECRET, SERVICE_ID, NotifyStub

ENGLAND = "omi2-2011-greater-manchester"
WALES = "omi2-2012-wales"
PIE = "post-inspection-evaluation"  # single use
OFFENDER_MANAGER = "offender-manager"  # shared

TEMPLATES = {
    f"NOTIFY_TEMPLATE_{kind}_{language}": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{kind}/{language}"))
    for kind in ("INVITATION", "REMINDER")
    for language in ("EN", "CY", "BOTH")
}
ENGLISH_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December"]
WELSH_MONTHS = ["Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst",
                "Medi", "Hydref", "Tachwedd", "Rhagfyr"]


@pytest.fixture
def notify():
    with NotifyStub() as stub:
        yield stub


@pytest.fixture
def notify_app(app, notify):
    app.config.update(NOTIFY_API_KEY=API_KEY, NOTIFY_BASE_URL=notify.base_url, **TEMPLATES)
    return app


def london_day(moment: datetime):
    return as_utc(moment).astimezone(ZoneInfo("Europe/London")).date()


def written(day, months) -> str:
    return f"{day.day} {months[day.month - 1]} {day.year}"


def fresh(db, invitation_id: int) -> Invitation:
    """Read an invitation as the commands left it."""
    db.commit()
    db.expire_all()
    return db.get(Invitation, invitation_id)


def invitations(db) -> list[Invitation]:
    db.commit()
    db.expire_all()
    return db.scalars(select(Invitation).order_by(Invitation.id)).all()


def invite(runner, inspection=ENGLAND, questionnaire=PIE, *extra):
    return runner.invoke(args=["invite", "--inspection", inspection, "--questionnaire", questionnaire, *extra])


def path_of(link: str) -> str:
    assert link.startswith("http://localhost/i/")
    return urlsplit(link).path


def assert_signed_for_the_service(authorization: str) -> None:
    scheme, _, token = authorization.partition(" ")
    assert scheme == "Bearer" and token.count(".") == 2, "Authorization is Bearer <jwt>"
    assert get_token_issuer(token) == SERVICE_ID
    assert decode_jwt_token(token, SECRET) is True
    assert SECRET not in authorization


# Sending an invitation


def test_an_english_organisation_is_emailed_the_english_template(runner, client, demo_data, notify, notify_app):
    result = invite(runner, ENGLAND, PIE, "--email", "chief@gm-probation.example", "--send")
    assert result.exit_code == 0, result.output
    link = result.stdout.strip()
    assert "Sent to chief@gm-probation.example" in result.stderr

    [invitation] = invitations(demo_data)
    assert invitation.sent_at is not None and invitation.reminder_sent_at is None
    assert invitation.email == "chief@gm-probation.example"

    [email] = notify.requests
    assert email.method == "POST" and email.path == "/v2/notifications/email"
    assert_signed_for_the_service(email.authorization)
    day = london_day(invitation.expires_at)
    assert email.body == {
        "email_address": "chief@gm-probation.example",
        "template_id": TEMPLATES["NOTIFY_TEMPLATE_INVITATION_EN"],
        "reference": f"invitation-{invitation.id}",
        "personalisation": {
            "organisation_name": "Greater Manchester Probation Trust",
            "organisation_name_cy": "Greater Manchester Probation Trust",  # it has no Welsh name
            "questionnaire_title": "Post-inspection evaluation",
            "questionnaire_title_cy": "Gwerthusiad ar ôl arolygiad",
            "link": link,
            "expiry_date": written(day, ENGLISH_MONTHS),
            "expiry_date_cy": written(day, WELSH_MONTHS),
        },
    }

    start = client.get(path_of(email.body["personalisation"]["link"]))
    assert start.status_code == 200
    assert "Post-inspection evaluation" in start.get_data(as_text=True)


def test_an_organisation_in_wales_is_emailed_in_both_languages(runner, client, demo_data, notify, notify_app):
    result = invite(runner, WALES, PIE, "--email", "prif@prawf-cymru.example", "--send")
    assert result.exit_code == 0, result.output

    [invitation] = invitations(demo_data)
    assert invitation.language == "both"
    [email] = notify.emails
    assert email.body["template_id"] == TEMPLATES["NOTIFY_TEMPLATE_INVITATION_BOTH"]
    values = email.body["personalisation"]
    assert values["organisation_name"] == "Wales Probation Trust"
    assert values["organisation_name_cy"] == "Ymddiriedolaeth Prawf Cymru"
    assert values["questionnaire_title"] == "Post-inspection evaluation"
    assert values["questionnaire_title_cy"] == "Gwerthusiad ar ôl arolygiad"
    day = london_day(invitation.expires_at)
    assert values["expiry_date"] == written(day, ENGLISH_MONTHS)
    assert values["expiry_date_cy"] == written(day, WELSH_MONTHS)

    start = client.get(path_of(values["link"]), follow_redirects=True)
    assert start.status_code == 200
    assert 'lang="cy"' in start.get_data(as_text=True)
    assert "Ymddiriedolaeth Prawf Cymru" in start.get_data(as_text=True)


def test_an_organisation_preferring_welsh_gets_the_welsh_template(runner, demo_data, notify, notify_app):
    organisation = demo_data.scalars(select(Organisation).where(Organisation.code == "trust-wales")).one()
    organisation.language_preference = "cy"
    demo_data.commit()
    result = invite(runner, WALES, OFFENDER_MANAGER, "--email", "tim@prawf-cymru.example", "--send")
    assert result.exit_code == 0, result.output
    [email] = notify.emails
    assert email.body["template_id"] == TEMPLATES["NOTIFY_TEMPLATE_INVITATION_CY"]


def test_send_without_email_uses_the_organisations_contact_address(runner, demo_data, notify, notify_app):
    organisation = demo_data.scalars(
        select(Organisation).where(Organisation.code == "trust-greater-manchester")
    ).one()
    organisation.contact_email = "inspections@gm-probation.example"
    demo_data.commit()
    result = invite(runner, ENGLAND, PIE, "--send")
    assert result.exit_code == 0, result.output
    [email] = notify.emails
    assert email.body["email_address"] == "inspections@gm-probation.example"
    [invitation] = invitations(demo_data)
    assert invitation.email == "inspections@gm-probation.example"


def test_send_without_any_address_is_a_usage_error(runner, demo_data, notify, notify_app):
    result = invite(runner, ENGLAND, PIE, "--send")
    assert result.exit_code == 2
    assert "--send needs --email" in result.output
    assert invitations(demo_data) == [] and notify.requests == []


def test_send_without_notify_configured_is_a_usage_error(runner, demo_data, notify, notify_app):
    notify_app.config["NOTIFY_API_KEY"] = ""
    result = invite(runner, ENGLAND, PIE, "--email", "chief@gm-probation.example", "--send")
    assert result.exit_code == 2
    assert "GOV.UK Notify is not configured" in result.output
    assert invitations(demo_data) == [] and notify.requests == []


def test_a_missing_template_is_a_usage_error_naming_the_setting(runner, demo_data, notify, notify_app):
    notify_app.config["NOTIFY_TEMPLATE_INVITATION_BOTH"] = ""
    result = invite(runner, WALES, PIE, "--email", "prif@prawf-cymru.example", "--send")
    assert result.exit_code == 2
    assert "NOTIFY_TEMPLATE_INVITATION_BOTH" in result.output
    assert invitations(demo_data) == [] and notify.requests == []


def test_a_malformed_api_key_is_refused_without_being_shown(notify):
    key = "not-a-notify-key-but-secret-looking-0123456789"
    with pytest.raises(NotifyNotConfigured) as raised:
        NotifySender.from_config({"NOTIFY_API_KEY": key, "NOTIFY_BASE_URL": notify.base_url})
    assert key not in str(raised.value) and "NOTIFY_API_KEY" in str(raised.value)


@pytest.mark.parametrize(
    ("status", "message"),
    [(400, "Can't send to this recipient using a team-only API key"), (500, "Internal server error")],
)
def test_a_notify_error_fails_the_command_and_leaves_the_invitation_unsent(
    runner, client, demo_data, notify, notify_app, status, message
):
    notify.fail_next(status, message)
    result = invite(runner, ENGLAND, PIE, "--email", "chief@gm-probation.example", "--send")
    assert result.exit_code == 1
    assert f"GOV.UK Notify refused the email (HTTP {status})" in result.stderr
    assert message in result.stderr
    assert API_KEY not in result.output and SECRET not in result.output
    assert len(notify.emails) == 1
    [invitation] = invitations(demo_data)
    assert invitation.sent_at is None
    # The printed link still works, to be sent by hand.
    assert client.get(path_of(result.stdout.strip())).status_code == 200


def test_notify_unreachable_is_reported_clearly(runner, demo_data, notify, notify_app):
    with NotifyStub() as gone:
        unreachable = gone.base_url
    notify_app.config["NOTIFY_BASE_URL"] = unreachable
    result = invite(runner, ENGLAND, PIE, "--email", "chief@gm-probation.example", "--send")
    assert result.exit_code == 1
    assert "GOV.UK Notify could not be reached" in result.stderr
    assert invitations(demo_data)[0].sent_at is None


def test_expiry_dates_are_written_as_in_the_uk_in_both_languages():
    christmas_eve = datetime(2026, 12, 24, 12, 0, tzinfo=timezone.utc)
    assert format_expiry(christmas_eve, "en") == "24 December 2026"
    assert format_expiry(christmas_eve, "cy") == "24 Rhagfyr 2026"
    # The day in London: 23:30 UTC on 30 June is 00:30 on 1 July (BST).
    assert format_expiry(datetime(2026, 6, 30, 23, 30, tzinfo=timezone.utc), "en") == "1 July 2026"
    # SQLite gives back naive UTC.
    assert format_expiry(datetime(2026, 2, 7, 9, 0), "cy") == "7 Chwefror 2026"


# Reminders


def sent_invitation(db, inspection_code=ENGLAND, questionnaire=PIE, days_left=3.0, email="someone@example.org",
                    sent_days_ago=10):
    """An invitation emailed `sent_days_ago` days ago that expires in `days_left` days."""
    inspection = db.scalars(select(Inspection).where(Inspection.code == inspection_code)).one()
    created = utcnow() - timedelta(days=sent_days_ago)
    with db.info["app"].app_context():
        new = create_invitation(db, inspection, questionnaire, days=1, email=email, now=created)
    new.invitation.expires_at = utcnow() + timedelta(days=days_left)
    new.invitation.sent_at = created
    db.commit()
    return new.invitation.id, new.token


def remind(runner, *extra):
    return runner.invoke(args=["reminders", *extra])


def test_one_reminder_with_a_new_link_for_an_invitation_about_to_expire(runner, client, demo_data, notify, notify_app):
    db = demo_data
    soon, old_token = sent_invitation(db, days_left=3, email="soon@example.org")
    later, _ = sent_invitation(db, days_left=20, email="later@example.org")
    used, _ = sent_invitation(db, days_left=3, email="used@example.org")
    fresh(db, used).used_at = utcnow() - timedelta(days=1)
    revoked, _ = sent_invitation(db, days_left=3, email="revoked@example.org")
    fresh(db, revoked).revoked_at = utcnow() - timedelta(days=1)
    expired, _ = sent_invitation(db, days_left=-1, email="expired@example.org")
    unsent, _ = sent_invitation(db, days_left=3, email="unsent@example.org")
    fresh(db, unsent).sent_at = None
    just_sent, _ = sent_invitation(db, days_left=3, email="just-sent@example.org", sent_days_ago=0)
    db.commit()

    first = remind(runner)
    assert first.exit_code == 0, first.output
    assert first.stdout.strip() == "Sent 1 reminder."
    second = remind(runner)
    assert second.exit_code == 0, second.output
    assert second.stdout.strip() == "Sent 0 reminders."

    [email] = notify.emails
    assert_signed_for_the_service(email.authorization)
    assert email.body["email_address"] == "soon@example.org"
    assert email.body["template_id"] == TEMPLATES["NOTIFY_TEMPLATE_REMINDER_EN"]
    assert email.body["reference"] == f"invitation-{soon}-reminder"
    values = email.body["personalisation"]
    assert values["organisation_name"] == "Greater Manchester Probation Trust"
    assert values["expiry_date"] == written(london_day(fresh(db, soon).expires_at), ENGLISH_MONTHS)

    reminded = fresh(db, soon)
    assert reminded.reminder_sent_at is not None
    for other in (later, used, revoked, expired, unsent, just_sent):
        assert fresh(db, other).reminder_sent_at is None

    # The reminder's link replaces the first one.
    new_path = path_of(values["link"])
    assert new_path != f"/i/{old_token}"
    assert client.get(f"/i/{old_token}").status_code == 404
    assert app_client_get(notify_app, new_path).status_code == 200


def app_client_get(app, path):
    """Open a link in a browser of its own."""
    return app.test_client().get(path, follow_redirects=True)


def test_a_shared_link_already_used_still_gets_its_reminder(runner, demo_data, notify, notify_app):
    shared, _ = sent_invitation(demo_data, questionnaire=OFFENDER_MANAGER, days_left=2, email="team@example.org")
    fresh(demo_data, shared).used_at = utcnow() - timedelta(days=1)
    demo_data.commit()
    assert remind(runner).exit_code == 0
    [email] = notify.emails
    assert email.body["reference"] == f"invitation-{shared}-reminder"


def test_a_reminder_to_wales_uses_the_bilingual_template(runner, demo_data, notify, notify_app):
    wales, _ = sent_invitation(demo_data, WALES, days_left=5, email="prif@prawf-cymru.example")
    result = remind(runner)
    assert result.exit_code == 0, result.output
    [email] = notify.emails
    assert email.body["template_id"] == TEMPLATES["NOTIFY_TEMPLATE_REMINDER_BOTH"]
    values = email.body["personalisation"]
    assert values["organisation_name_cy"] == "Ymddiriedolaeth Prawf Cymru"
    day = london_day(fresh(demo_data, wales).expires_at)
    assert values["expiry_date_cy"] == written(day, WELSH_MONTHS)


def test_reminder_days_come_from_the_configuration(runner, demo_data, notify, notify_app):
    sent_invitation(demo_data, days_left=10, email="ten-days@example.org")
    assert remind(runner).stdout.strip() == "Sent 0 reminders."
    notify_app.config["REMINDER_DAYS_BEFORE_EXPIRY"] = 14
    assert remind(runner).stdout.strip() == "Sent 1 reminder."
    assert [e.body["email_address"] for e in notify.emails] == ["ten-days@example.org"]


def test_a_refused_reminder_changes_nothing_and_is_tried_again(runner, client, demo_data, notify, notify_app):
    soon, old_token = sent_invitation(demo_data, days_left=3)
    notify.fail_next(500, "Internal server error")
    failed = remind(runner)
    assert failed.exit_code == 1
    assert "Sent 0 reminders." in failed.stdout
    assert f"Reminder for invitation {soon} not sent: GOV.UK Notify refused the email (HTTP 500)" in failed.stderr
    assert API_KEY not in failed.output
    invitation = fresh(demo_data, soon)
    assert invitation.reminder_sent_at is None
    assert client.get(f"/i/{old_token}").status_code == 200, "the first link still works"

    retried = remind(runner)
    assert retried.exit_code == 0, retried.output
    assert len(notify.emails) == 2
    assert fresh(demo_data, soon).reminder_sent_at is not None
    assert app_client_get(notify_app, f"/i/{old_token}").status_code == 404


def test_a_dry_run_lists_what_is_due_and_changes_nothing(runner, client, demo_data, notify, notify_app):
    soon, old_token = sent_invitation(demo_data, days_left=3, email="soon@example.org")
    hash_before = fresh(demo_data, soon).token_hash
    result = remind(runner, "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"invitation {soon} to soon@example.org" in result.stdout
    assert "1 reminder due; none sent (dry run)." in result.stdout
    assert notify.requests == []
    invitation = fresh(demo_data, soon)
    assert invitation.reminder_sent_at is None and invitation.token_hash == hash_before


def test_reminders_without_notify_configured_is_a_usage_error(runner, demo_data, notify, notify_app):
    sent_invitation(demo_data, days_left=3)
    notify_app.config["NOTIFY_API_KEY"] = ""
    result = remind(runner)
    assert result.exit_code == 2
    assert "GOV.UK Notify is not configured" in result.output
    assert notify.requests == []
    assert demo_data.scalar(select(func.count()).select_from(Invitation).where(Invitation.reminder_sent_at.is_not(None))) == 0


def test_two_reminder_runs_at_once_send_one_email(app, demo_data):
    """Cron overlapping itself: the row lock and the reminder_sent_at check let one run send."""
    import threading
    import time

    from feedback.db import get_db
    from feedback.invitation_emails import EmailSettings, send_reminders

    app.config.update(**TEMPLATES)
    soon, _ = sent_invitation(demo_data, days_left=3)
    sent, errors = [], []

    class SlowSender:
        def send_email(self, to, template_id, personalisation, reference):
            time.sleep(0.3)  # long enough for the other run to reach the same invitation
            sent.append(reference)
            return str(uuid.uuid4())

    def run():
        try:
            with app.app_context(), get_db(app).session() as session:
                send_reminders(session, SlowSender(), EmailSettings.from_config(app.config), utcnow())
        except Exception as error:  # reported below; a thread's exception would be lost
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sent == [f"invitation-{soon}-reminder"]
    assert fresh(demo_data, soon).reminder_sent_at is not None
