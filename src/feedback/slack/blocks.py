"""Block Kit pieces kept within Slack's limits, and the dashboard addresses messages link to.

Limits (https://api.slack.com/reference/block-kit/blocks): 50 blocks a message, 100 in a Home
tab, 3,000 characters in a section's text, 150 in a header. Slack cuts a message's `text`
after 40,000 characters. Text given to `section` and `context` is mrkdwn the caller has
already escaped (feedback.slack.mrkdwn).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable
from urllib.parse import quote, urlencode

from .mrkdwn import cut

MESSAGE_BLOCKS = 50
HOME_BLOCKS = 100
SECTION_CHARS = 3000
HEADER_CHARS = 150
CONTEXT_CHARS = 2000
BUTTON_VALUE_CHARS = 2000
TEXT_CHARS = 39000  # under Slack's 40,000, leaving room for the pointer to the dashboard

Block = dict[str, Any]


@dataclass(frozen=True)
class Message:
    """A message as Slack takes it: Block Kit blocks and the plain-text fallback."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    shareable: bool = False  # figures worth posting in the channel (not help, not "no match")

    def payload(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


def truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    """Cut text to at most `limit` characters, saying it was cut, never inside an escape."""
    return text if len(text) <= limit else cut(text, limit - len(ellipsis)) + ellipsis


def header(text: str) -> Block:
    """A header: plain text, never parsed, so only our own words (no names from the database)."""
    return {"type": "header", "text": {"type": "plain_text", "text": truncate(text, HEADER_CHARS), "emoji": True}}


def section(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(mrkdwn, SECTION_CHARS)}}


def context(mrkdwn: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": truncate(mrkdwn, CONTEXT_CHARS)}]}


def divider() -> Block:
    return {"type": "divider"}


def sections(lines: Iterable[str], limit: int = SECTION_CHARS) -> list[Block]:
    """Pack lines into as few sections as fit, each within Slack's 3,000 characters."""
    blocks: list[Block] = []
    current: list[str] = []
    size = 0
    for line in lines:
        line = truncate(line, limit)
        extra = len(line) + (1 if current else 0)
        if current and size + extra > limit:
            blocks.append(section("\n".join(current)))
            current, size = [], 0
            extra = len(line)
        current.append(line)
        size += extra
    if current:
        blocks.append(section("\n".join(current)))
    return blocks


def fit(blocks: list[Block], limit: int, overflow: Block) -> list[Block]:
    """Keep a message within `limit` blocks; past it, end with `overflow` (where the rest is)."""
    if len(blocks) <= limit:
        return blocks
    return blocks[: limit - 1] + [overflow]


def fit_text(text: str, overflow: str, limit: int = TEXT_CHARS) -> str:
    """Keep the plain-text fallback within Slack's limit, ending with where the rest is."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(overflow) - 2]
    cut = cut[: cut.rfind("\n")] if "\n" in cut else cut
    return cut + "\n…\n" + overflow


# --- Addresses on the staff dashboard (feedback.web.dashboard) ----------------------------

def _query(params: dict[str, str | None]) -> str:
    kept = {k: v for k, v in params.items() if v}
    return "?" + urlencode(kept) if kept else ""


def overview_url(base_url: str, period_code: str | None = None) -> str:
    """/staff/?period=...: every questionnaire's figures for a period."""
    return f"{base_url.rstrip('/')}/staff/{_query({'period': period_code})}"


def questionnaire_url(base_url: str, code: str, period_code: str | None = None,
                      **filters: str | None) -> str:
    """/staff/results/<code>?period=...: one questionnaire's figures, charts and tables."""
    params = {"period": period_code, **filters}
    return f"{base_url.rstrip('/')}/staff/results/{quote(code, safe='')}{_query(params)}"


def inspection_url(base_url: str, code: str) -> str:
    """/staff/inspections/<code>: one inspection against the national figures."""
    return f"{base_url.rstrip('/')}/staff/inspections/{quote(code, safe='')}"
