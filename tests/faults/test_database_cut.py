"""The connection to PostgreSQL cut while kiosks send their answers: every acknowledged answer
is stored once, the rest are stored once when sent again, and the service recovers without a
restart. The proxy resets every connection and refuses new ones for the length of the cut."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest
from sqlalchemy import select

from feedback import kiosk
from feedback.models import Inspection, Response
from tests.conftest import CHEAP_PASSWORD_HASH_METHOD
from tests.faults.conftest import POSTGRES_ONLY, through
from tests.kiosk.test_enrolment import bind
from tests.kiosk.test_sync import HEADERS, queued

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SENT = 100
CLIENTS = 4
CUT_AFTER = 30  # acknowledged answers before the cut
CUT_SECONDS = 2.0


@pytest.fixture
def service_config(service_config):
    return {**service_config, "RATELIMIT_PUBLIC_POSTS": "100000 per minute"}  # the load, not the limit


def stored_keys(db) -> Counter:
    db.commit()
    return Counter(db.scalars(select(Response.submission_key)))


@POSTGRES_ONLY
def test_kiosk_answers_sent_while_the_database_is_cut_are_stored_once_each(app, client, demo_data, proxy):
    db = demo_data
    inspection = db.execute(select(Inspection).where(Inspection.code == "cci-2011-birmingham")).scalar_one()
    with app.app_context():
        tablet = kiosk.enrol(db, "young-people", "Birmingham YOT", inspection=inspection,
                             method=CHEAP_PASSWORD_HASH_METHOD)
    db.commit()
    bind(client, tablet.path())
    cookie = client.get_cookie("kiosk_device", path="/kiosk").value

    items = [queued() for _ in range(SENT)]
    acknowledged: list[str] = []
    refusals: Counter = Counter()
    lock = threading.Lock()
    cut_done = threading.Event()
    restorer: list[threading.Thread] = []

    def tablet_sending(mine: list[dict]) -> None:
        """Send each answer as the kiosk does: on failure wait a moment and send it again."""
        sender = app.test_client()
        sender.set_cookie("kiosk_device", cookie, path="/kiosk")
        for item in mine:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                response = sender.post("/kiosk/api/responses", json=item, headers=HEADERS)
                if response.status_code in (200, 201):
                    assert response.get_json() == {"stored": True, "key": item["key"]}
                    with lock:
                        acknowledged.append(item["key"])
                        if len(acknowledged) == CUT_AFTER and not cut_done.is_set():
                            cut_done.set()
                            restorer.append(proxy.cut_for(CUT_SECONDS))
                    break
                with lock:
                    refusals[response.status_code] += 1
                time.sleep(0.1)

    threads = [threading.Thread(target=tablet_sending, args=(items[n::CLIENTS],)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    restorer[0].join()

    assert proxy.cuts == 1 and sum(refusals.values()) > 0  # the cut was felt ...
    assert set(refusals) <= {500, 503}  # ... as a server error, never as a refusal of the answer
    keys = stored_keys(db)
    assert len(acknowledged) == SENT
    assert all(keys[key] == 1 for key in acknowledged)  # every acknowledged answer, once
    # A tablet that lost the replies sends its whole queue again: still one row each.
    for item in items:
        assert client.post("/kiosk/api/responses", json=item, headers=HEADERS).status_code == 200
    keys = stored_keys(db)
    assert sorted(keys) == sorted(item["key"] for item in items) and set(keys.values()) == {1}


@POSTGRES_ONLY
def test_the_slack_worker_with_its_database_cut_says_so_in_a_line_and_exits_non_zero(database_url, proxy):
    proxy.cut()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_", "FEEDBACK_"))}
    env.update(DATABASE_URL=through(database_url, proxy), SECRET_KEY="test-secret-key",
               SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET="secret", RATELIMIT_STORAGE_URI="memory://")
    done = subprocess.run([sys.executable, "-m", "feedback.cli", "slack", "worker", "--once"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "the Slack worker could not reach the database (OperationalError)" in done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        "Error: The database could not be reached: the requests waiting stay queued.")
