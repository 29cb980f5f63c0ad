"""`feedback digest`: the dashboard's figures posted to Slack once a period, channel and language."""

from __future__ import annotations

import json
import re
from datetime import date

from sqlalchemy import select

from feedback import questionnaires
from feedback.models import DigestPost
from feedback.results import Period, parse_period
from feedback.slack import blocks, digest
from tests.conftest import one_backend
from tests.slack.conftest import BASE_URL, CHANNEL, section_text

PERIOD = "2011-12"
QUESTION_LINE = re.compile(
    r"(?:(?P<pct>\d+)% .*?\((?P<n>[\d,]+) answers?\)"
    r"|(?P<mentions>[\d,]+) mentions?"
    r"|(?P<hidden>Not shown: fewer than \d+ answers?)"
    r"|(?P<none>No answers))"
    r"(?:.*?· (?P<change>Up \d+ points?|Down \d+ points?|No change|No comparison))?$"
)
HEADING = re.compile(r"/staff/results/(?P<code>[a-z-]+)\?period=")


def figures_in(text: str) -> dict[str, dict]:
    """Read a digest back: per questionnaire, its responses and each question's figure."""
    found: dict[str, dict] = {}
    current = None
    for line in text.splitlines():
        heading = HEADING.search(line)
        if heading and not line.startswith("•"):
            current = found.setdefault(heading["code"], {"responses": None, "figures": []})
            count = re.search(r"(\d[\d,]*) (?:responses?|ymateb)", line)  # grouped: 1,008
            current["responses"] = int(count[1].replace(",", "")) if count else None
            continue
        if current is None or not line.strip():
            continue
        match = QUESTION_LINE.search(line.strip())
        if match and (line.startswith(" ") or line.startswith("•")):
            if match["pct"]:
                figure = ("percent", int(match["pct"]), int(match["n"].replace(",", "")), match["change"])
            elif match["mentions"]:
                figure = ("mentions", int(match["mentions"].replace(",", "")))
            elif match["hidden"]:
                figure = ("suppressed",)
            else:
                figure = ("none",)
            current["figures"].append(figure)
    return found


def change_words(points):
    if points is None:
        return "No comparison"
    if points == 0:
        return "No change"
    size = abs(points)
    return f"{'Up' if points > 0 else 'Down'} {size} point{'' if size == 1 else 's'}"


def expected_from_json(data: dict) -> dict:
    figures = []
    for question in data["questions"]:
        if question["kind"] == "text" or question["code"].startswith("about_"):
            continue
        if question["suppressed"]:
            figures.append(("suppressed",))
        elif question["kind"] == "multiple":
            figures.append(("mentions", question["mentions"]))
        elif question["positive_percent"] is None:
            figures.append(("none",))
        else:
            figures.append(("percent", question["positive_percent"], question["n"],
                            change_words(question["change_points"])))
    return {"responses": data["responses"], "figures": figures}


def test_digest_posts_once_with_the_figures_feedback_results_prints(runner, demo_returns, slack):
    outcome = runner.invoke(args=["digest", "--period", PERIOD])
    assert outcome.exit_code == 0, outcome.output
    assert "Posted the English digest for 2011–12 to C0DIGEST" in outcome.output
    [post] = slack.calls("chat.postMessage")
    assert post.body["channel"] == CHANNEL
    assert len(post.blocks) <= blocks.MESSAGE_BLOCKS
    assert all(len(b["text"]["text"]) <= blocks.SECTION_CHARS for b in post.blocks if b["type"] == "section")

    in_blocks = figures_in(section_text(post.blocks))
    in_text = figures_in(post.body["text"])
    compared = 0
    for definition in questionnaires.ALL:
        printed = runner.invoke(args=["results", "--questionnaire", definition.code, "--period", PERIOD, "--json"])
        assert printed.exit_code == 0, printed.output
        data = json.loads(printed.output)
        if not data["responses"] and not data["suppressed"]:
            assert definition.code not in in_blocks
            continue
        expected = expected_from_json(data)
        assert in_blocks[definition.code] == expected, definition.code
        assert in_text[definition.code] == expected, definition.code
        compared += 1
    assert compared == 8  # every questionnaire with 2011–12 returns
    assert in_blocks["post-inspection-evaluation"]["figures"][4] == ("percent", 94, 48, "Up 4 points")
    assert f"{BASE_URL}/staff/results/post-inspection-evaluation?period=2011-12" in section_text(post.blocks)
    assert f"{BASE_URL}/staff/?period=2011-12" in section_text(post.blocks)


def test_suppressed_figures_are_said_to_be_suppressed(runner, demo_returns, slack):
    outcome = runner.invoke(args=["digest", "--period", "2012-13"])
    assert outcome.exit_code == 0, outcome.output
    [post] = slack.calls("chat.postMessage")
    text = section_text(post.blocks)
    victims = text.split("Victims of youth offending")[1].split("\n")[0]
    assert "Too few responses to show figures." in victims
    found = figures_in(text)
    assert found["youth-victims"] == {"responses": None, "figures": []}


def test_running_twice_posts_once_and_force_posts_again(runner, demo_returns, slack, db):
    first = runner.invoke(args=["digest", "--period", PERIOD])
    again = runner.invoke(args=["digest", "--period", PERIOD])
    assert first.exit_code == 0 and again.exit_code == 0, again.output
    assert "was already posted to C0DIGEST" in again.output and "--force" in again.output
    assert len(slack.calls("chat.postMessage")) == 1

    forced = runner.invoke(args=["digest", "--period", PERIOD, "--force"])
    assert forced.exit_code == 0, forced.output
    posts = slack.calls("chat.postMessage")
    assert len(posts) == 2
    db.commit()
    [row] = db.scalars(select(DigestPost)).all()
    assert (row.period_code, row.channel, row.language) == ("2011-12", CHANNEL, "en")
    assert row.message_ts == "1700000000.000002"

    elsewhere = runner.invoke(args=["digest", "--period", PERIOD, "--channel", "C0OTHER"])
    assert elsewhere.exit_code == 0 and len(slack.calls("chat.postMessage")) == 3


def test_a_refused_post_is_not_recorded_so_the_next_run_posts(runner, demo_returns, slack, db):
    slack.fail_next("chat.postMessage", "not_in_channel")
    failed = runner.invoke(args=["digest", "--period", PERIOD])
    assert failed.exit_code == 1
    assert "not_in_channel" in failed.output and "the next run tries again" in failed.output
    db.commit()
    assert db.scalars(select(DigestPost)).all() == []
    retried = runner.invoke(args=["digest", "--period", PERIOD])
    assert retried.exit_code == 0, retried.output
    assert len(slack.calls("chat.postMessage")) == 1


def test_welsh_digest_is_in_welsh_and_both_posts_two_a_second_apart(runner, demo_returns, slack, sleeps, db):
    outcome = runner.invoke(args=["digest", "--period", PERIOD, "--language", "both"])
    assert outcome.exit_code == 0, outcome.output
    english, welsh = slack.calls("chat.postMessage")
    assert "Post-inspection evaluation" in english.body["text"]
    welsh_text = section_text(welsh.blocks)
    assert "Gwerthusiad ar ôl arolygiad" in welsh_text
    assert "At ei gilydd, pa mor fodlon oeddech chi â'r ffordd y cafodd yr arolygiad ei reoli?" in welsh_text
    assert "Gwerthusiad ar ôl arolygiad" in welsh.body["text"]
    # The same figures in both languages.
    assert figures_in(welsh_text)["post-inspection-evaluation"]["responses"] == 48
    # The second message to the channel waited its turn: at most one a second (on a clock that
    # moves only when posting sleeps, so the whole second).
    assert len(sleeps) == 1 and 0 < sleeps[0] <= 1.0
    assert sleeps == [1.0]
    db.commit()
    assert sorted(r.language for r in db.scalars(select(DigestPost))) == ["cy", "en"]


def test_the_configured_language_is_used_when_none_is_given(app, runner, demo_returns, slack):
    app.config["SLACK_DIGEST_LANGUAGE"] = "cy"
    outcome = runner.invoke(args=["digest", "--period", PERIOD])
    assert outcome.exit_code == 0, outcome.output
    [post] = slack.calls("chat.postMessage")
    assert "Gwerthusiad ar ôl arolygiad" in post.body["text"]


def test_a_429_is_waited_out_before_trying_again(runner, demo_returns, slack, sleeps):
    slack.rate_limit_next("chat.postMessage", retry_after=7)
    outcome = runner.invoke(args=["digest", "--period", PERIOD])
    assert outcome.exit_code == 0, outcome.output
    posts = [entry for entry in slack.log if entry[0] == "call" and entry[1] == "chat.postMessage"]
    assert posts == [("call", "chat.postMessage", 429), ("call", "chat.postMessage", 200)]
    order = [entry for entry in slack.log if entry[0] in ("call", "sleep") and entry[1] != "auth.test"]
    assert order == [("call", "chat.postMessage", 429), ("sleep", 7.0), ("call", "chat.postMessage", 200)]


def test_dry_run_prints_the_digest_and_posts_nothing(runner, demo_returns, slack, db):
    outcome = runner.invoke(args=["digest", "--period", PERIOD, "--dry-run"])
    assert outcome.exit_code == 0, outcome.output
    assert "Feedback digest: 2011–12" in outcome.output
    assert "94% fully or mainly (48 answers) · Up 4 points" in outcome.output
    assert slack.calls() == []
    db.commit()
    assert db.scalars(select(DigestPost)).all() == []
    as_json = runner.invoke(args=["digest", "--period", PERIOD, "--dry-run", "--json", "--language", "cy"])
    payload = json.loads(as_json.stdout)
    assert payload["blocks"][0]["type"] == "header" and "Gwerthusiad ar ôl arolygiad" in payload["text"]


def test_a_bad_period_or_missing_channel_is_a_usage_error(app, runner, demo_returns, slack):
    bad = runner.invoke(args=["digest", "--period", "2011-13"])
    assert bad.exit_code == 2 and "--period" in bad.output
    app.config["SLACK_DIGEST_CHANNEL"] = ""
    nowhere = runner.invoke(args=["digest", "--period", PERIOD])
    assert nowhere.exit_code == 2 and "channel" in nowhere.output
    assert slack.calls("chat.postMessage") == []


def test_the_default_period_is_last_week_and_new_responses_follow_the_last_digest(app, demo_returns, slack):
    today = date(2026, 11, 26)  # a Thursday
    assert digest.last_week(today) == Period.days(date(2026, 11, 16), date(2026, 11, 22))
    assert digest.named_period("last-month", today) == Period.month(2026, 10)
    assert digest.named_period("this-year", today) == Period.business_year(2026)
    with app.app_context():
        found = digest.collect(demo_returns, parse_period("2011-12"), since=date(2012, 3, 1), today=date(2012, 3, 31))
        message = digest.render(found, "en", BASE_URL)
    text = message.text
    assert "New responses are counted from 1 March 2012, the day of the last digest." in text
    assert re.search(r"Young people: 2,189 responses · \d+ new since 1 March 2012", text)


def test_very_long_lists_keep_within_block_kit_limits(app, demo_returns):
    with app.app_context():
        found = digest.collect(demo_returns, parse_period("2011-12"))
        many = digest.Digest(found.period, found.sections * 40, found.empty)
        message = digest.render(many, "en", BASE_URL)
    assert len(message.blocks) == blocks.MESSAGE_BLOCKS
    for block in message.blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= blocks.SECTION_CHARS
    assert "see them on the dashboard" in message.blocks[-1]["text"]["text"]
    assert f"{BASE_URL}/staff/?period=2011-12" in message.blocks[-1]["text"]["text"]
    assert len(message.text) <= blocks.TEXT_CHARS


def test_sections_split_long_text_at_lines_and_cut_a_line_too_long():
    lines = [f"• question {i} " + "x" * 180 for i in range(60)] + ["y" * 5000]
    packed = blocks.sections(lines)
    assert all(len(b["text"]["text"]) <= blocks.SECTION_CHARS for b in packed)
    joined = "\n".join(b["text"]["text"] for b in packed)
    assert all(line in joined for line in lines[:60])
    assert packed[-1]["text"]["text"].endswith("…")


@one_backend
def test_dashboard_addresses_are_the_dashboards_own(app):
    with app.test_request_context(base_url=BASE_URL):
        from flask import url_for

        assert blocks.overview_url(BASE_URL, "2011-12") == url_for("dashboard.overview", period="2011-12", _external=True)
        assert blocks.questionnaire_url(BASE_URL, "youth-victims", "2011-12") == url_for(
            "dashboard.questionnaire", code="youth-victims", period="2011-12", _external=True)
        assert blocks.inspection_url(BASE_URL, "cci-2011-brent") == url_for(
            "dashboard.inspection", code="cci-2011-brent", _external=True)
