"""Text for Slack's mrkdwn: escape what people and the database wrote; link only what we built.

Slack reads `<...>` as a control sequence: `<!channel>` notifies everyone, `<@U123>` mentions
someone, `<https://x|y>` shows "y" and hides where it goes. Escaping `&`, `<` and `>` as Slack
asks (https://api.slack.com/reference/surfaces/formatting#escaping) leaves only text.

Slack also formats `*bold*`, `_italic_`, `~strike~`, `` `code` `` and a line starting `>`
(a quote), with no way to escape them. A marker opens or closes only beside a space, a line's
end or punctuation, so each one someone wrote is held between zero-width joiners (U+200D),
which read as part of a word: the text looks as written and is never formatted.
"""

from __future__ import annotations

import re
from urllib.parse import quote

JOINER = "\u200d"
MARKERS = "*_~`"
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;",
                          **{marker: f"{JOINER}{marker}{JOINER}" for marker in MARKERS}})
_QUOTE_AT_LINE_START = re.compile(r"^([ \t]*)&gt;", re.MULTILINE)
# What escape() writes as one unit: an entity, or a marker between joiners. Never cut inside.
_UNITS = re.compile(r"&(?:amp|lt|gt);|" + JOINER + "[" + re.escape(MARKERS) + "]" + JOINER)


def escape(text: object) -> str:
    """Return text that Slack shows as written: no mentions, no links, no entities, no formatting."""
    escaped = str(text).translate(_ESCAPES)
    return _QUOTE_AT_LINE_START.sub(lambda m: m.group(1) + JOINER + "&gt;", escaped)


def cut(text: str, most: int) -> str:
    """Return the longest start of escaped text within `most` characters that cuts no escape
    in half (an `&lt;` cut to `&l` would show as typed; a marker without its joiners, format)."""
    if len(text) <= most:
        return text
    end = most
    for unit in _UNITS.finditer(text, max(0, most - 8), min(len(text), most + 8)):
        if unit.start() < end < unit.end():
            end = unit.start()
    return text[:end]


def safe_url(url: str) -> str:
    """Percent-encode what would end a Slack link early; write `&` as Slack asks (`&amp;`)."""
    return quote(url, safe=":/?=&#%~.-_+,;@!$'()*[]").replace("&", "&amp;")


def link(url: str, label: object) -> str:
    """Return a mrkdwn link to an address we built, its label escaped."""
    return f"<{safe_url(url)}|{escape(label)}>"


def bold(text: str) -> str:
    """Embolden text that is already escaped (or our own)."""
    return f"*{text}*" if text else text


def quote_lines(text: str) -> str:
    """Quote someone's words as a mrkdwn block quote, escaped line by line."""
    return "\n".join("> " + escape(line) if line.strip() else ">" for line in str(text).splitlines())
