"""Nothing secret in the client-side session, ever: the cookie is decoded after every request
of a staff journey (sign in, set up a tablet, type a paper return, remove the tablet, sign out)
and of a tablet's (set up, staff PIN, settings, back, leave), and holds no token, PIN,
credential or password.

Flask's session cookie is signed, not encrypted: anyone holding it can read it.
"""

from __future__ import annotations

import json

from itsdangerous import URLSafeTimedSerializer

from tests.helpers.pages import Browser

from .conftest import STAFF_PASSWORD
from .test_enrolment import bind


class Watched:
    """A browser whose cookies are read after each request, as anyone holding them could."""

    def __init__(self, client, secrets: list[str]):
        self.client = client
        self.browser = Browser(client)
        self.secrets = secrets
        self.checked = 0

    def check(self) -> None:
        app = self.client.application
        cookie = self.client.get_cookie("session")
        if cookie is not None and cookie.value:
            held = app.session_interface.get_signing_serializer(app).loads(cookie.value)
            written = json.dumps(held)
            for secret in self.secrets:
                assert secret not in written, f"a secret is in the session: {sorted(held)}"
        mark = self.client.get_cookie("staff_browser", path="/staff/sign-in")
        if mark is not None:
            held = URLSafeTimedSerializer(app.secret_key, salt="staff-known-browser").loads(mark.value)
            assert not any(secret in json.dumps(held) for secret in self.secrets)
        self.checked += 1

    def get(self, path: str):
        page = self.browser.get(path)
        self.check()
        return page

    def submit(self, *args, **kwargs):
        page = self.browser.submit(*args, **kwargs)
        self.check()
        return page


def test_no_secret_in_the_session_through_a_staff_journey(client, staff_user, demo_data):
    secrets = [STAFF_PASSWORD]
    staff = Watched(client, secrets)
    staff.get("/staff/sign-in?next=/staff/kiosks/")
    assert staff.submit({"email": staff_user, "password": STAFF_PASSWORD}).h1 == "Kiosk tablets"
    staff.get("/staff/kiosks/new")
    shown = staff.submit({"questionnaire": "young-people", "site": "Birmingham YOT"})
    assert shown.h1 == "Enrol the tablet"
    link = shown.soup.select_one(".app-enrolment__link code").get_text()
    pin = shown.soup.select_one(".app-enrolment__pin").get_text()
    secrets += [link.rsplit("/", 1)[1], pin]
    staff.check()
    listed = staff.get("/staff/kiosks/")
    assert "Birmingham YOT" in listed.main_text
    device_id = listed.soup.select_one("main table a")["href"].split("/")[-2]
    # The enrolment's link and PIN are not shown again, from the session or anywhere.
    again = client.get(f"/staff/kiosks/{device_id}/enrolment")
    assert again.status_code == 302 and pin not in again.get_data(as_text=True)
    staff.check()
    staff.get("/staff/paper/youth-victims/enter")
    staff.submit({"service_satisfaction": "yes"}, button=("then", "finish"))
    staff.get("/staff/")
    staff.get(f"/staff/kiosks/{device_id}/revoke")
    assert staff.submit(selector="main form").h1 == "Kiosk tablets"
    assert staff.submit(selector="form[action='/staff/sign-out']").h1 == "You have signed out"
    assert staff.checked >= 11


def test_no_secret_in_the_session_through_a_tablets_journey(app, enrol, db):
    new = enrol("adult-service-user")
    tablet = Watched(app.test_client(), [new.token, new.pin])
    bind(tablet.client, new.path())
    credential = tablet.client.get_cookie("kiosk_device", path="/kiosk").value
    tablet.secrets.append(credential)  # the tablet's own cookie holds it; the session must not
    tablet.check()
    tablet.get("/kiosk/staff")
    tablet.submit({"pin": "000000" if new.pin != "000000" else "111111"})
    assert tablet.submit({"pin": new.pin}).h1 == "Kiosk settings"
    panel = tablet.get("/kiosk/staff/panel")
    back = tablet.client.post("/kiosk/staff/back", data={"csrf_token": panel.csrf_token()})
    assert back.status_code == 302 and back.headers["Location"] == "/kiosk/"
    tablet.check()
    tablet.get("/kiosk/staff")
    assert tablet.submit({"pin": new.pin}).h1 == "Kiosk settings"
    assert tablet.submit(selector="#kiosk-leave-form").h1 == "The tablet has left kiosk mode"
    assert tablet.checked >= 7
