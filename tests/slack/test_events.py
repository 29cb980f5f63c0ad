"""POST /slack/events: verified requests, /feedback answers, sharing, Welsh users and the App Home.

Each request is acknowledged and queued; `worker.drain()` answers what is queued, as
`feedback slack worker` does (tests/slack/test_worker.py: retries, two workers, restarts).
"""

from __future__ import annotations

import json
import time

import pytest
from slack_bolt.request import BoltRequest
from sqlalchemy import select

from feedback.clock import utcnow
from feedback.models import SlackRequest
from feedback.results import Period
from feedback.results.periods import business_year_of
from feedback.slack import commands
from feedback.slack.digest import uk_today
from tests.slack.conftest import (
    BASE_URL,
    action_body,
    answers,
    command_body,
    home_opened_body,
    post_command,
    section_text,
    signed_headers,
)

# --- Every request verified -------------------------------------------------------------------


@pytest.mark.parametrize("how", ["unsigned", "wrong secret", "six minutes old", "tampered"])
def test_requests_not_signed_by_slack_get_401(client, slack, worker, how):
    body = command_body("help", slack.response_url())
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if how == "wrong secret":
        headers = signed_headers(body, secret="not-the-signing-secret")
    elif how == "six minutes old":
        headers = signed_headers(body, timestamp=int(time.time()) - 6 * 60)
    elif how == "tampered":
        headers = signed_headers(body)
        body = body.replace("help", "digest")
    response = client.post("/slack/events", data=body, headers=headers)
    assert response.status_code == 401
    assert worker.drain() == 0  # nothing was queued
    assert slack.calls("response_url") == []


def test_a_request_four_minutes_old_is_still_accepted(client, slack):
    body = command_body("help", slack.response_url())
    response = client.post("/slack/events", data=body, headers=signed_headers(body, timestamp=int(time.time()) - 240))
    assert response.status_code == 200


# --- /feedback ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "help", "HELP", "cymorth"])
def test_help_gives_the_usage_text(client, slack, worker, text):
    assert post_command(client, slack, text).status_code == 200
    worker.drain()
    [reply] = answers(slack)
    body = section_text(reply.body["blocks"])
    assert "/feedback inspection &lt;organisation&gt;" in body
    assert "post-inspection-evaluation" in body
    assert "<organisation>" not in reply.text.replace("&lt;organisation&gt;", "")


@pytest.mark.parametrize("text, said", [
    ("frobnicate", "“frobnicate” is not a questionnaire or a command I know."),
    ("post-inspection-evaluation 2011-13", "“2011-13” is not a period I can read."),
    ("digest next-tuesday", "“next-tuesday” is not a period I can read."),
    ("inspection", "Say which organisation"),
    ("x" * 400, "That is longer than any command I know."),
    ("<!channel> <https://x|y>", "“&lt;!channel&gt;” is not a questionnaire"),
])
def test_input_it_cannot_read_gets_the_usage_text_never_a_trace(client, slack, worker, text, said):
    response = post_command(client, slack, text)
    assert response.status_code == 200
    worker.drain()
    [reply] = answers(slack)
    assert said in reply.body["text"]
    assert "/feedback digest" in reply.body["text"]
    assert "Traceback" not in slack.all_text()
    assert "<!channel>" not in slack.all_text()


def test_a_questionnaire_answer_is_private_with_a_button_to_share_it(client, slack, worker, demo_returns):
    post_command(client, slack, "post-inspection-evaluation 2011-12")
    worker.drain()
    [reply] = answers(slack)
    assert reply.body["response_type"] == "ephemeral"
    text = section_text(reply.body["blocks"])
    assert "Post-inspection evaluation, 2011–12" in text
    assert "94% fully or mainly (48 answers) · Up 4 points" in text
    assert f"{BASE_URL}/staff/results/post-inspection-evaluation?period=2011-12" in text
    [actions] = [b for b in reply.body["blocks"] if b["type"] == "actions"]
    [button] = actions["elements"]
    assert button["action_id"] == commands.SHARE_ACTION
    assert json.loads(button["value"]) == {"text": "post-inspection-evaluation 2011-12", "language": "en"}

    body = action_body(button["value"], slack.response_url("share"), user_id="U0ANNE")
    assert client.post("/slack/events", data=body, headers=signed_headers(body)).status_code == 200
    assert answers(slack, "share") == []  # acknowledged; the worker answers
    worker.drain()
    shared, deleted = answers(slack, "share")
    assert shared.body["response_type"] == "in_channel" and shared.body["replace_original"] is False
    assert "94% fully or mainly (48 answers)" in section_text(shared.body["blocks"])
    assert "Shared by <@U0ANNE>" in section_text(shared.body["blocks"])
    assert not any(b["type"] == "actions" for b in shared.body["blocks"])
    assert deleted.body["delete_original"] is True


def test_a_share_button_with_a_forged_value_gets_the_usage_text(client, slack, worker, demo_returns):
    body = action_body("{not json", slack.response_url("share"))
    assert client.post("/slack/events", data=body, headers=signed_headers(body)).status_code == 200
    worker.drain()
    shared = answers(slack, "share")[0]
    assert "/feedback digest" in shared.body["text"]


def test_a_questionnaire_for_an_organisation_or_a_programme(client, slack, worker, demo_returns):
    post_command(client, slack, "case-manager 2011-12 CCI", name="programme")
    worker.drain()
    [by_programme] = answers(slack, "programme")
    text = section_text(by_programme.body["blocks"])
    assert "YOT case managers, 2011–12, Core Case Inspection (CCI)" in text
    assert "programme=CCI" in text

    post_command(client, slack, "offender-manager 2011-12 greater manchester", name="organisation")
    worker.drain()
    [by_organisation] = answers(slack, "organisation")
    text = section_text(by_organisation.body["blocks"])
    assert "Greater Manchester Probation Trust" in text
    assert "organisation=trust-greater-manchester" in text

    post_command(client, slack, "offender-manager 2011-12 trust", name="several")
    worker.drain()
    [several] = answers(slack, "several")
    assert "matches more than one organisation" in several.body["text"]

    post_command(client, slack, "offender-manager 2011-12 Atlantis", name="none")
    worker.drain()
    [none] = answers(slack, "none")
    assert "No organisation or programme matches “Atlantis”." in none.body["text"]


def test_inspection_gives_the_latest_inspection_beside_the_national_figures(client, slack, worker, demo_returns):
    post_command(client, slack, "inspection greater manchester")
    worker.drain()
    [reply] = answers(slack)
    text = section_text(reply.body["blocks"])
    assert "Inspection: Greater Manchester Probation Trust" in text
    assert "National:" in text
    assert f"{BASE_URL}/staff/inspections/" in text


def test_the_digest_on_demand(client, slack, worker, demo_returns):
    post_command(client, slack, "digest 2011-12")
    worker.drain()
    [reply] = answers(slack)
    assert "Feedback digest: 2011–12" in reply.body["text"]
    assert len(reply.body["blocks"]) <= 50
    assert reply.body["blocks"][-1]["type"] == "actions"


def test_a_welsh_speaker_gets_welsh_replies_and_their_locale_is_asked_once(client, slack, worker, demo_returns):
    slack.locales["U0CYMRU"] = "cy-GB"
    post_command(client, slack, "post-inspection-evaluation 2011-12", user_id="U0CYMRU", name="cy")
    post_command(client, slack, "post-inspection-evaluation 2011-12", user_id="U0CYMRU", name="cy")
    post_command(client, slack, "post-inspection-evaluation 2011-12", user_id="U0ANNE", name="en")
    assert worker.drain() == 3
    welsh = answers(slack, "cy")
    english = answers(slack, "en")
    assert "Gwerthusiad ar ôl arolygiad, 2011–12" in welsh[0].body["text"]
    assert "At ei gilydd, pa mor fodlon oeddech chi â'r ffordd y cafodd yr arolygiad ei reoli?" in welsh[0].body["text"]
    assert "Overall, how satisfied were you with the management of the inspection?" in english[0].body["text"]
    lookups = slack.calls("users.info")
    assert [c.body["user"] for c in lookups] == ["U0CYMRU", "U0ANNE"]
    assert lookups[0].body["include_locale"] in ("true", "1", True)
    [button] = [b for b in welsh[0].body["blocks"] if b["type"] == "actions"][0]["elements"]
    assert json.loads(button["value"])["language"] == "cy"


def test_an_unreachable_users_info_means_english(client, slack, worker, demo_returns):
    slack.fail_next("users.info", "user_not_found")
    post_command(client, slack, "post-inspection-evaluation 2011-12", user_id="U0GONE")
    worker.drain()
    [reply] = answers(slack)
    assert "Post-inspection evaluation, 2011–12" in reply.body["text"]


def test_a_failure_while_answering_says_sorry_without_a_trace(client, slack, worker, db, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("connection to the database lost: password=hunter2")

    monkeypatch.setattr(commands, "answer", broken)
    post_command(client, slack, "post-inspection-evaluation")
    worker.drain()
    [reply] = answers(slack)
    assert "could not be fetched just now" in reply.body["text"]
    assert reply.body["response_type"] == "ephemeral" and reply.body["replace_original"] is False
    assert "hunter2" not in slack.all_text() and "RuntimeError" not in slack.all_text()
    [stored] = db.scalars(select(SlackRequest)).all()
    assert (stored.outcome, stored.attempts, stored.last_error) == ("failed", 1, None)  # not retried


# --- Through app.dispatch, without Flask --------------------------------------------------------


def test_listeners_answer_through_dispatch(app, slack, worker, demo_returns):
    bolt = app.extensions["slack"].bolt
    body = command_body("youth-victims 2012-13", slack.response_url("dispatch"))
    response = bolt.dispatch(BoltRequest(body=body, headers=signed_headers(body)))
    assert response.status == 200
    worker.drain()
    [reply] = answers(slack, "dispatch")
    assert "Victims of youth offending, 2012–13" in reply.body["text"]
    assert "Too few responses to show figures." in reply.body["text"]

    unsigned = bolt.dispatch(BoltRequest(body=body, headers={"Content-Type": "application/x-www-form-urlencoded"}))
    assert unsigned.status == 401


# --- App Home -------------------------------------------------------------------------------------


def test_the_home_tab_shows_this_business_years_figures(client, slack, worker, demo_returns):
    slack.locales["U0CYMRU"] = "cy-GB"
    for user in ("U0ANNE", "U0CYMRU"):
        body = home_opened_body(user)
        response = client.post("/slack/events", data=body, headers=signed_headers(body, content_type="application/json"))
        assert response.status_code == 200
    assert slack.calls("views.publish") == []  # acknowledged; the worker publishes
    assert worker.drain() == 2
    english, welsh = slack.calls("views.publish")
    year = Period.business_year(business_year_of(uk_today(utcnow())))
    assert english.body["user_id"] == "U0ANNE"
    view = english.body["view"]
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    assert view["blocks"][0]["text"]["text"] == f"Feedback figures for {year.label} so far"
    assert f"{BASE_URL}/staff/?period={year.code}" in section_text(view["blocks"])
    assert welsh.body["user_id"] == "U0CYMRU"
