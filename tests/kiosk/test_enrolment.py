"""Enrolling a kiosk tablet: the command, the staff pages, binding once, revoking, the staff PIN."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from feedback import kiosk
from feedback.models import Device
from feedback.tokens import hash_token
from tests.conftest import one_backend
from tests.helpers.pages import Browser, parse

from .conftest import STAFF_PASSWORD


def bind(client, path: str):
    """Open an enrolment link and press "Set up this tablet", as the tablet would.

    The shell it leads to holds every screen as a <template> (many headings, by design), so it
    is parsed without the page invariants; the browser tests check the screens as shown.
    """
    page = Browser(client).get(path)
    assert page.h1 == "Set up this tablet for feedback"
    response = client.post(path, data={"csrf_token": page.csrf_token()}, follow_redirects=True)
    return parse(response, check=False)


def fresh(db, device_id: int) -> Device:
    """Read a device as the requests left it."""
    db.commit()
    db.expire_all()
    return db.get(Device, device_id)


def device_cookie(client) -> str | None:
    cookie = client.get_cookie("kiosk_device", path="/kiosk")
    return cookie.value if cookie else None


def test_kiosk_enrol_prints_a_link_a_qr_code_and_a_pin(runner, db, demo_data, tmp_path):
    svg = tmp_path / "qr.svg"
    result = runner.invoke(args=[
        "kiosk", "enrol", "--questionnaire", "young-people", "--site", "Cardiff YOT  waiting room",
        "--inspection", "cci-2011-birmingham", "--svg", str(svg),
    ])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    link = lines[0]
    assert re.fullmatch(r"http://localhost/kiosk/enrol/[A-Za-z0-9_-]{43}", link)
    assert any("▀" in line or "▄" in line for line in lines[1:]), "no QR code drawn"
    [pin] = re.findall(r"Staff PIN to leave kiosk mode: (\d{6})", result.output)
    assert svg.read_text().startswith("<?xml") and "<svg" in svg.read_text()

    device = db.execute(select(Device)).scalar_one()
    token = link.rsplit("/", 1)[1]
    assert device.enrolment_hash == hash_token(token)
    assert device.site == "Cardiff YOT waiting room"
    assert device.inspection.code == "cci-2011-birmingham"
    assert device.credential_hash is None
    # Neither the token nor the PIN is stored as given.
    columns = [str(getattr(device, c.key)) for c in Device.__table__.columns]
    assert not any(token in value or value == pin for value in columns)
    assert device.pin_hash.startswith("scrypt:")


def test_kiosk_enrol_refuses_questionnaires_not_answered_on_a_kiosk(runner, db):
    result = runner.invoke(args=["kiosk", "enrol", "--questionnaire", "sentencers", "--site", "X"])
    assert result.exit_code != 0
    assert "Invalid value for '--questionnaire'" in result.output
    result = runner.invoke(args=["kiosk", "enrol", "--questionnaire", "young-people", "--site", "   "])
    assert result.exit_code != 0 and "name the site" in result.output


def test_a_questionnaire_of_another_programme_is_refused_for_an_inspection(enrol, demo_data):
    import pytest

    with pytest.raises(kiosk.KioskError):
        enrol("young-people", inspection="omi2-2011-greater-manchester")


def test_the_link_binds_one_tablet_once(client, app, enrol, db):
    new = enrol("adult-service-user")
    shell = bind(client, new.path())
    assert shell.status == 200
    credential = device_cookie(client)
    assert credential and len(credential) >= 43
    device = fresh(db, new.device.id)
    assert device.credential_hash == hash_token(credential)
    assert device.enrolment_hash is None and device.bound_at is not None
    cookie = client.get_cookie("kiosk_device", path="/kiosk")
    assert cookie.http_only and cookie.same_site == "Strict"

    # The same link on a second tablet: refused.
    other = app.test_client()
    page = parse(other.get(new.path()))
    assert page.status == 404 and page.h1 == "This set-up link cannot be used"


def test_an_expired_link_cannot_be_used(client, enrol, db):
    new = enrol("adult-service-user")
    device = db.get(Device, new.device.id)
    device.enrolment_expires_at = device.enrolment_expires_at - timedelta(days=8)
    db.commit()
    assert parse(client.get(new.path())).status == 404


@one_backend
def test_the_shell_needs_an_enrolled_tablet(client):
    page = parse(client.get("/kiosk/"))
    assert page.status == 403
    assert page.h1 == "This tablet is not set up for feedback"
    assert not page.soup.select("a[href^='http']"), "a kiosk page links out"


def test_revoking_stops_the_tablet_at_once(client, enrol, runner, db):
    new = enrol("youth-victims")
    bind(client, new.path())
    assert client.get("/kiosk/").status_code == 200
    result = runner.invoke(args=["kiosk", "revoke", str(new.device.id)])
    assert result.exit_code == 0 and "Revoked device" in result.output
    assert client.get("/kiosk/").status_code == 403
    listing = runner.invoke(args=["kiosk", "list"])
    assert f"{new.device.id}\trevoked\tyouth-victims" in listing.output


def test_staff_enrol_show_the_qr_code_and_pin_once_and_revoke(client, staff_user, demo_data, db):
    browser = Browser(client)
    browser.get("/staff/sign-in?next=/staff/kiosks/")
    page = browser.submit({"email": staff_user, "password": STAFF_PASSWORD})
    assert page.h1 == "Kiosk tablets"
    page = browser.get("/staff/kiosks/new")
    assert page.h1 == "Set up a kiosk tablet"
    missing = browser.submit({})
    assert [text for text, _ in missing.error_summary()] == [
        "Select the questionnaire the tablet will ask", "Enter where the tablet will be",
    ]
    birmingham = next(o["value"] for o in page.soup.select("#inspection option") if "(cci-2011-birmingham)" in o.text)
    shown = browser.submit({"questionnaire": "young-people", "site": "Birmingham YOT", "inspection": birmingham})
    assert shown.h1 == "Enrol the tablet"
    image = shown.soup.select_one("img.app-enrolment__qr")
    assert image["src"].startswith("data:image/svg+xml") and image["alt"]
    link = shown.soup.select_one(".app-enrolment__link code").get_text()
    pin = shown.soup.select_one(".app-enrolment__pin").get_text()
    assert re.fullmatch(r"\d{6}", pin)
    db.commit()
    device = db.execute(select(Device)).scalar_one()
    assert device.enrolment_hash == hash_token(link.rsplit("/", 1)[1])
    assert device.created_by_id is not None
    assert device.inspection.code == "cci-2011-birmingham"

    listed = browser.get("/staff/kiosks/")
    assert "Birmingham YOT" in listed.main_text and "Waiting to be set up" in listed.main_text
    confirm = browser.get(f"/staff/kiosks/{device.id}/revoke")
    assert confirm.h1 == f"Remove tablet {device.id}?"
    done = browser.submit(selector="main form")
    assert done.h1 == "Kiosk tablets" and "Removed" in done.main_text
    assert fresh(db, device.id).revoked_at is not None
    # The enrolment page is not shown again once the tablet is gone.
    assert client.get(f"/staff/kiosks/{device.id}/enrolment").status_code == 302


@one_backend
def test_kiosk_staff_pages_need_signing_in(client):
    for path in ("/staff/kiosks/", "/staff/kiosks/new", "/staff/kiosks/1/revoke", "/staff/paper/"):
        response = client.get(path)
        assert response.status_code == 302 and "/staff/sign-in" in response.headers["Location"], path


def test_leaving_kiosk_mode_needs_the_staff_pin(client, enrol, db):
    new = enrol("adult-service-user")
    bind(client, new.path())
    browser = Browser(client)
    page = browser.get("/kiosk/staff")
    assert page.h1 == "Staff: enter the PIN"
    # The panel is not reachable without the PIN.
    assert client.get("/kiosk/staff/panel").headers["Location"].endswith("/kiosk/staff")
    wrong = browser.submit({"pin": "000000" if new.pin != "000000" else "111111"})
    assert wrong.error_summary() == [("The PIN is not right. Try again.", "#pin")]
    panel = browser.submit({"pin": new.pin})
    assert panel.h1 == "Kiosk settings"
    assert "Manchester probation office" in panel.main_text
    left = browser.submit(selector="#kiosk-leave-form")
    assert left.h1 == "The tablet has left kiosk mode"
    assert left.response.headers["Clear-Site-Data"] == '"cache"'
    assert device_cookie(client) is None
    assert fresh(db, new.device.id).revoked_at is not None
    assert client.get("/kiosk/").status_code == 403


def test_five_wrong_pins_lock_the_pin_for_a_while(client, enrol, db):
    new = enrol("adult-service-user")
    bind(client, new.path())
    browser = Browser(client)
    browser.get("/kiosk/staff")
    wrong = "000000" if new.pin != "000000" else "111111"
    for _ in range(5):
        page = browser.submit({"pin": wrong})
    assert "Too many wrong PINs" in page.error_summary()[0][0]
    assert "Too many wrong PINs" in browser.submit({"pin": new.pin}).error_summary()[0][0]


def test_kiosk_enrol_with_an_unwritable_svg_path_prints_no_link_and_keeps_no_tablet(runner, db, tmp_path):
    svg = tmp_path / "no-such-folder" / "qr.svg"
    result = runner.invoke(args=[
        "kiosk", "enrol", "--questionnaire", "young-people", "--site", "Cardiff YOT", "--svg", str(svg),
    ])
    assert result.exit_code != 0
    assert "/kiosk/enrol/" not in result.output and "PIN" not in result.output
    assert f"cannot write the QR code to {svg}" in result.output
    assert db.execute(select(Device)).scalars().all() == []


def test_kiosk_enrol_saves_the_tablet_before_it_prints_the_link(runner, db, monkeypatch):
    """Output cut short after the link (`| head -1`) still leaves a link that works."""
    import click

    from feedback.cli import kiosk as kiosk_commands

    printed = []

    def echo_then_pipe_closes(message=None, **kwargs):
        if printed:
            raise BrokenPipeError()
        db.expire_all()
        printed.append((message, db.execute(select(Device)).scalars().all()))

    monkeypatch.setattr(kiosk_commands.click, "echo", echo_then_pipe_closes)
    result = runner.invoke(args=["kiosk", "enrol", "--questionnaire", "young-people", "--site", "Cardiff YOT"])
    assert isinstance(result.exception, BrokenPipeError)
    monkeypatch.setattr(kiosk_commands.click, "echo", click.echo)
    [(link, devices_when_printed)] = printed
    assert "/kiosk/enrol/" in link
    assert [d.enrolment_hash for d in devices_when_printed] == [hash_token(link.rsplit("/", 1)[1])]
    db.commit()
    assert db.execute(select(Device)).scalar_one().enrolment_hash == hash_token(link.rsplit("/", 1)[1])
