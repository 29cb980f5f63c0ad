"""Respondents' words reach Slack literally: no bold, italic, strike, code or quote of theirs,
and no escape cut in half where a long text is shortened."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedback.slack import blocks
from feedback.slack.mrkdwn import JOINER, bold, escape, quote_lines
from tests.slack.conftest import section_text
from tests.slack.test_alerts import PIE, store

BOUNDARY = r"\s.,;:!?()\[\]{}\"'"
# Slack's formatting, as its mrkdwn reads it: a marker opens after a space, a line's start or
# punctuation, before a non-space; it closes after a non-space, before a space, the end or
# punctuation. A line starting ">" (or "&gt;", as Slack stores one) is a quote.
FORMATTING = [re.compile(rf"(?:^|(?<=[{BOUNDARY}])){re.escape(m)}[^\s{re.escape(m)}][^\n]*?(?<=[^\s])"
                         rf"{re.escape(m)}(?=$|[{BOUNDARY}])", re.MULTILINE) for m in "*_~`"]
QUOTE = re.compile(r"^[ \t]*(?:>|&gt;)", re.MULTILINE)

WRITTEN = "*bold* _italic_ ~strike~ `code` ```block``` *two words* _a_b_\n> a quote\n  &gt; another & <that>"


def formatting_in(mrkdwn: str) -> list[str]:
    found = [match.group(0) for pattern in FORMATTING for match in pattern.finditer(mrkdwn)]
    return found + [match.group(0) for match in QUOTE.finditer(mrkdwn)]


def as_shown(mrkdwn: str) -> str:
    """What Slack shows of escaped text: joiners are invisible, entities are their characters."""
    return html.unescape(mrkdwn.replace(JOINER, ""))


def test_the_checker_sees_formatting():
    assert formatting_in(WRITTEN)
    assert formatting_in(bold("ours")) == ["*ours*"]


def test_escaped_text_is_never_formatted_and_shows_as_written():
    escaped = escape(WRITTEN)
    assert formatting_in(escaped) == []
    assert as_shown(escaped) == WRITTEN
    assert formatting_in(f"{bold(escape('Comment'))}: {escape(WRITTEN)}") == ["*Comment*"]
    # In a quote of ours, their words are quoted, and nothing more.
    quoted = quote_lines(WRITTEN)
    assert all(line.startswith(">") for line in quoted.splitlines())
    assert formatting_in("\n".join(line[1:] for line in quoted.splitlines())) == []


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(list("*_~`>&<ab \n;lgt")), max_size=60), st.integers(1, 70))
def test_shortened_text_never_cuts_an_escape_in_half(text, limit):
    escaped = escape(text)
    cut = blocks.truncate(escaped, limit)
    assert len(cut) <= limit
    body = cut[:-1] if cut != escaped else cut
    assert escaped.startswith(body)
    assert not re.search(r"&(?:a|am|amp|l|lt|g|gt)?$", body), body  # an entity cut short
    assert not body.endswith(JOINER) or escaped[len(body):len(body) + 1] not in "*_~`" or body.endswith(
        tuple(JOINER + m + JOINER for m in "*_~`"))
    assert formatting_in(body) == []


@pytest.mark.parametrize("comment", [WRITTEN, "&lt;" * 600, "*" * 1499 + "<"])
def test_a_comment_in_an_alert_reaches_slack_literally(app, demo_data, runner, slack, comment):
    store(app, demo_data, "post-inspection-evaluation", {**PIE, "comments": comment}, "pie-literal")
    assert runner.invoke(args=["slack", "send-alerts"]).exit_code == 0
    [alert] = slack.calls("chat.postMessage")
    text = section_text(alert.blocks)
    theirs = text[text.index("\n>") + 1:] if "\n>" in text else text
    quoted = "\n".join(line[1:].lstrip(" ") for line in theirs.splitlines() if line.startswith(">"))
    assert quoted and formatting_in(quoted) == []
    assert as_shown(quoted).rstrip("…") in comment.replace("\n  ", "\n")
    assert formatting_in(alert.body["text"]) == []  # the fallback (notifications) too
    for block in alert.blocks:
        written = block.get("text", {}).get("text", "")
        assert not re.search(r"&(?:a|am|amp|l|lt|g|gt)?…", written), "an escape cut in half"
