"""Talk to the Slack Web API politely: one message a second a channel, and wait when told to.

Slack answers 429 with a Retry-After header when a method is called too often
(https://api.slack.com/apis/rate-limits); chat.postMessage allows about one message a second
a channel. `Poster` spaces its posts to a channel by at least a second and, on 429, sleeps for
as long as Slack asks before trying again, a few times at most.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from .blocks import Message

# Module attributes so tests can replace them and assert on the waits.
sleep: Callable[[float], None] = time.sleep
monotonic: Callable[[], float] = time.monotonic

DEFAULT_RETRY_AFTER = 30.0  # seconds, when a 429 does not say
LONGEST_WAIT = 300.0


class SlackPostError(RuntimeError):
    """Slack refused a call, or kept saying "too many" after the retries."""

    def __init__(self, method: str, error: str):
        super().__init__(f"{method}: {error}")
        self.method = method
        self.error = error


def make_client(token: str, api_url: str, timeout: int = 15) -> WebClient:
    """Build a Web API client; `api_url` points it at Slack or at a local stand-in."""
    base_url = api_url if api_url.endswith("/") else api_url + "/"
    return WebClient(token=token, base_url=base_url, timeout=timeout)


def client_from_config(config) -> WebClient:
    return make_client(config["SLACK_BOT_TOKEN"], config["SLACK_API_URL"])


def retry_after(headers: Any) -> float:
    """Read Retry-After (seconds) from a response's headers, whatever their case."""
    for name, value in dict(headers or {}).items():
        if name.lower() == "retry-after":
            value = value[0] if isinstance(value, (list, tuple)) else value
            try:
                return min(max(float(value), 0.0), LONGEST_WAIT)
            except (TypeError, ValueError):
                break
    return DEFAULT_RETRY_AFTER


def call(method: str, request: Callable[[], Any], max_retries: int = 3) -> Any:
    """Make one Web API call, sleeping for Retry-After and trying again when Slack says 429."""
    for attempt in range(max_retries + 1):
        try:
            return request()
        except SlackApiError as error:
            response = error.response
            if response is not None and response.status_code == 429 and attempt < max_retries:
                sleep(retry_after(response.headers))
                continue
            reason = response.get("error") if response is not None and isinstance(response.data, dict) else None
            raise SlackPostError(method, reason or str(error)) from None
    raise AssertionError("unreachable")  # pragma: no cover


class Poster:
    """Post messages to channels, at most one a second a channel, honouring 429s."""

    def __init__(self, client: WebClient, min_interval: float = 1.0, max_retries: int = 3):
        self.client = client
        self.min_interval = min_interval
        self.max_retries = max_retries
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def _wait_turn(self, channel: str) -> None:
        with self._lock:
            last = self._last.get(channel)
            if last is not None:
                wait = self.min_interval - (monotonic() - last)
                if wait > 0:
                    sleep(wait)

    def post(self, channel: str, message: Message) -> str:
        """Post a message to a channel; return its timestamp (Slack's id for it)."""
        self._wait_turn(channel)
        try:
            response = call(
                "chat.postMessage",
                lambda: self.client.chat_postMessage(
                    channel=channel, text=message.text, blocks=message.blocks,
                    unfurl_links=False, unfurl_media=False,
                ),
                self.max_retries,
            )
        finally:
            with self._lock:
                self._last[channel] = monotonic()
        return str(response.get("ts", ""))
