"""Staff accounts: invite by email through Notify, set a password once, roles, deactivation."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from feedback.clock import utcnow
from feedback.models import AuditEvent, StaffInvitation, StaffUser
from feedback.operations import InputProblems
from feedback.operations import staff_accounts as ops
from tests.helpers.notify_stub import API_KEY, NotifyStub
from tests.helpers.pages import Browser
from tests.test_staff import PASSWORD, sign_in

from .conftest import ADMIN, add_user, form_values

TEMPLATE = str(uuid.uuid5(uuid.NAMESPACE_URL, "staff-invitation"))
NEW_PASSWORD = "kettle orchard lantern"


@pytest.fixture
def notify(app):
    with NotifyStub() as stub:
        app.config.update(NOTIFY_API_KEY=API_KEY, NOTIFY_BASE_URL=stub.base_url, NOTIFY_TEMPLATE_STAFF_INVITATION=TEMPLATE)
        yield stub


def emailed_path(notify) -> str:
    [email] = notify.emails
    return email.body["personalisation"]["link"].removeprefix("http://localhost")


def test_an_invited_member_of_staff_sets_a_password_through_the_emailed_link_once(admin_browser, client, notify, db):
    admin_browser.get("/staff/accounts/invite")
    page = admin_browser.submit({"email": "New.Person@Justice.gov.uk", "role": "support"})
    assert "An invitation has been emailed to new.person@justice.gov.uk" in page.main_text
    [email] = notify.emails
    assert email.body["email_address"] == "new.person@justice.gov.uk" and email.body["template_id"] == TEMPLATE
    path = emailed_path(notify)
    token = path.rsplit("/", 1)[1]
    invitation = db.scalars(select(StaffInvitation)).one()
    assert len(token) >= 43 and token not in invitation.token_hash and len(invitation.token_hash) == 64
    assert invitation.expires_at - invitation.created_at == timedelta(days=3)
    assert "Invitations not yet accepted" in admin_browser.get("/staff/accounts/").main_text

    newcomer = Browser(client.application.test_client())
    form = newcomer.get(path)
    assert form.h1.endswith("Create a password")
    page = newcomer.submit({"password": "password1234", "confirm": "password1234"})
    assert page.error_summary() == [("Your password is too easy to guess: try three random words", "#password")]
    page = newcomer.submit({"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert page.error_summary() == [("The passwords do not match", "#confirm")]
    page = newcomer.submit({"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert page.h1 == "Your password has been saved"
    user = db.scalars(select(StaffUser).where(StaffUser.email == "new.person@justice.gov.uk")).one()
    assert user.role == "support" and NEW_PASSWORD not in user.password_hash
    assert newcomer.client.get(path).status_code == 404  # single use
    signed_in = sign_in(newcomer, "new.person@justice.gov.uk", NEW_PASSWORD)
    assert "Organisations" in [a.get_text(strip=True) for a in signed_in.soup.select(".govuk-service-navigation__link")]
    actions = db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["staff.invite", "staff.accept"]


def test_an_expired_link_cannot_be_used(app, db, admin_user, client):
    with app.app_context():
        new = ops.invite_staff(db, "late@justice.gov.uk", "analyst", actor=admin_user, now=utcnow() - timedelta(days=3, minutes=1))
        db.commit()
    response = client.get(new.path())
    assert response.status_code == 404


def test_an_invitation_is_not_saved_when_notify_refuses_it(admin_browser, notify, db):
    notify.fail_next(400, "Can't send to this recipient using a team-only API key")
    admin_browser.get("/staff/accounts/invite")
    page = admin_browser.submit({"email": "someone@justice.gov.uk", "role": "analyst"})
    assert page.error_summary() == [("The invitation could not be emailed. Nothing has been saved: try again later.", "#email")]
    assert db.scalars(select(StaffInvitation)).first() is None


def test_inviting_someone_who_has_an_account_or_a_bad_address_says_so(admin_browser, notify):
    admin_browser.get("/staff/accounts/invite")
    page = admin_browser.submit({"email": ADMIN, "role": "analyst"})
    assert page.error_summary()[0][1] == "#email" and "already has an account" in page.error_summary()[0][0]
    page = admin_browser.submit({"email": "not an address"})
    assert page.error_summary() == [
        ("Enter an email address in the correct format, like name@justice.gov.uk", "#email"), ("Select a role", "#role")]
    assert notify.emails == []


def test_the_last_admin_can_neither_demote_nor_deactivate_themselves(admin_browser, db):
    me = db.scalars(select(StaffUser).where(StaffUser.email == ADMIN)).one()
    admin_browser.get(f"/staff/accounts/{me.id}/role")
    page = admin_browser.submit({"role": "analyst"})
    assert page.error_summary() == [
        ("There must be at least one administrator: make someone else an administrator first", "#role")]
    admin_browser.get(f"/staff/accounts/{me.id}/deactivate")
    page = admin_browser.submit()
    assert page.error_summary()[0][0] == "There must be at least one active administrator: this is the last one"
    db.refresh(me)
    assert (me.role, me.disabled_at) == ("admin", None)


def test_changing_a_role_and_deactivating_sign_the_person_out(admin_browser, client, runner, db):
    add_user(runner, "analyst@justice.gov.uk", "analyst")
    analyst = Browser(client.application.test_client())
    sign_in(analyst, "analyst@justice.gov.uk")
    assert analyst.client.get("/staff/organisations/").status_code == 403
    user = db.scalars(select(StaffUser).where(StaffUser.email == "analyst@justice.gov.uk")).one()
    form = admin_browser.get(f"/staff/accounts/{user.id}/role")
    assert form_values(form)["role"] == "analyst"
    page = admin_browser.submit({"role": "support"})
    assert "The role of analyst@justice.gov.uk has been changed." in page.main_text
    assert analyst.client.get("/staff/organisations/").status_code == 302  # signed out: sign in again
    sign_in(analyst, "analyst@justice.gov.uk")
    assert analyst.client.get("/staff/organisations/").status_code == 200
    admin_browser.get(f"/staff/accounts/{user.id}/deactivate")
    admin_browser.submit()
    assert analyst.client.get("/staff/").status_code == 302
    assert sign_in(analyst, "analyst@justice.gov.uk").h1 == "Sign in"
    page = admin_browser.get("/staff/accounts/")
    admin_browser.submit(selector=f"form[action='/staff/accounts/{user.id}/reactivate']")
    assert sign_in(analyst, "analyst@justice.gov.uk", PASSWORD).h1 != "Sign in"
    actions = db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["staff.role", "staff.deactivate", "staff.reactivate"]


def test_domain_rules_hold_on_both_databases(app, db, admin_user):
    with app.app_context():
        with pytest.raises(InputProblems):
            ops.change_role(db, admin_user, "analyst", actor=admin_user)
        second = ops.accept_invitation(db, ops.invite_staff(db, "second@justice.gov.uk", "admin", actor=admin_user).invitation,
                                       NEW_PASSWORD)
        assert ops.change_role(db, admin_user, "analyst", actor=second)
        with pytest.raises(InputProblems):
            ops.set_active(db, second, False, actor=second)
        db.commit()


def test_the_staff_list_leads_to_each_persons_sign_in_methods(admin_browser):
    page = admin_browser.get("/staff/accounts/")
    link = next(a for a in page.soup.select("main table a") if a.get_text(" ", strip=True).startswith("Sign-in methods"))
    assert admin_browser.get(link["href"]).h1 == "Sign-in methods of admin@justice.gov.uk"
