"""Text for Slack's mrkdwn: escape what people and the database wrote; link only what we built.

Slack reads `<...>` as a control sequence: `<!channel>` notifies everyone, `<@U123>` mentions
someone, `<https://x|y>` shows "y" and hides where it goes. Escaping `&`, `<` and `>` as Slack
asks (https://api.slack.com/reference/surfaces/formatting#escaping) leaves only text.
"""

from __future__ import annotations

from urllib.parse import quote

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def escape(text: object) -> str:
    """Return text that Slack shows as written: no mentions, no links, no entities."""
    return str(text).translate(_ESCAPES)


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
