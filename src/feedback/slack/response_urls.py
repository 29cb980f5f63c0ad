"""Where the worker may send an answer: Slack's own response URLs, and nowhere else.

A signed request from Slack carries a response_url; the worker posts the answer there, so an
address that is not Slack's is never stored nor posted to (a leaked signing secret must not
turn the worker into a way to post from inside the network). Tests add their local stand-in
to SLACK_RESPONSE_URL_PREFIXES.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

SLACK_RESPONSE_URLS = ("https://hooks.slack.com/",)


def allowed(url: Any, config: Mapping[str, Any]) -> bool:
    """Say whether `url` is one of Slack's response URLs (or a configured stand-in's).

    Each prefix ends with the "/" after the host, so what follows it can only be the path.
    """
    prefixes: Iterable[str] = config.get("SLACK_RESPONSE_URL_PREFIXES") or SLACK_RESPONSE_URLS
    if not isinstance(url, str) or len(url) > 2000 or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return False
    return any(prefix.count("/") >= 3 and prefix.endswith("/") and url.startswith(prefix) for prefix in prefixes)
