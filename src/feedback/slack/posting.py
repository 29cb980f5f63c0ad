"""Talk to the Slack Web API politely: one message a second a channel, and wait when told to.

Slack answers 429 with a Retry-After header when a method is called too often
(https://api.slack.com/apis/rate-limits); chat.postMessage allows about one message a second
a channel. `Poster` spaces its posts to a channel by at least a second and, on 429, sleeps for
as long as Slack asks before trying again, a few times at most: a 429 means Slack did not take
the call, so trying again cannot post twice.

Nothing else is tried again blindly. slack_sdk's client would repeat a call after a connection
error, and a chat.postMessage whose reply was lost would be posted twice; here such a call
raises `OutcomeUnknown` (so does a 5xx or a reply that never comes), and the caller finds out
with `Poster.find` (conversations.history, reading back the metadata each post carries) before
it posts again.
"""

from __future__ import annotations

import http.client
import logging
import socket
import threading
import time
import urllib.error
from datetime import datetime
from typing import Any, Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from .blocks import Message

# Module attributes so tests can replace them and assert on the waits.
sleep: Callable[[float], None] = time.sleep
monotonic: Callable[[], float] = time.monotonic

DEFAULT_RETRY_AFTER = 30.0  # seconds, when a 429 does not say
LONGEST_WAIT = 300.0
HISTORY_PAGES = 10  # conversations.history pages of 200 messages looked through at most

# slack_sdk logs every connection error itself, a second line beside ours: keep it quiet.
_sdk_logger = logging.getLogger("feedback.slack.sdk")
_sdk_logger.addHandler(logging.NullHandler())
_sdk_logger.propagate = False
_sdk_logger.setLevel(logging.CRITICAL)


class SlackPostError(RuntimeError):
    """Slack refused a call, or kept saying "too many" after the retries: nothing was taken."""

    def __init__(self, method: str, error: str):
        super().__init__(f"{method}: {error}")
        self.method = method
        self.error = error


class OutcomeUnknown(SlackPostError):
    """The call may have reached Slack, but no answer came back: the connection dropped, the
    reply never came, or Slack failed with a 5xx. A post may be in the channel."""


def make_client(token: str, api_url: str, timeout: int = 15) -> WebClient:
    """Build a Web API client that never repeats a call by itself; `api_url` points it at
    Slack or at a local stand-in."""
    base_url = api_url if api_url.endswith("/") else api_url + "/"
    return WebClient(token=token, base_url=base_url, timeout=timeout, retry_handlers=[], logger=_sdk_logger)


def client_from_config(config) -> WebClient:
    return make_client(config["SLACK_BOT_TOKEN"], config["SLACK_API_URL"],
                       int(config.get("SLACK_TIMEOUT_SECONDS") or 15))


def connection_failure(error: BaseException) -> str | None:
    """Say in a few words what went wrong on the wire; None if `error` is not about the wire."""
    if isinstance(error, urllib.error.URLError) and not isinstance(error, urllib.error.HTTPError):
        reason = error.reason
        return connection_failure(reason) if isinstance(reason, BaseException) else f"could not connect ({reason})"
    if isinstance(error, (TimeoutError, socket.timeout)):
        return "no reply before the timeout"
    if isinstance(error, http.client.RemoteDisconnected):
        return "the connection closed before Slack replied"
    if isinstance(error, ConnectionRefusedError):
        return "could not connect (connection refused)"
    if isinstance(error, ConnectionError):
        return f"the connection failed ({type(error).__name__})"
    if isinstance(error, (OSError, http.client.HTTPException)):
        return f"the connection failed ({type(error).__name__})"
    return None


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
    """Make one Web API call, sleeping for Retry-After and trying again when Slack says 429.

    Raise SlackPostError when Slack refused it, OutcomeUnknown when it may have been taken.
    """
    for attempt in range(max_retries + 1):
        try:
            return request()
        except SlackApiError as error:
            response = error.response
            status = response.status_code if response is not None else None
            if status == 429 and attempt < max_retries:
                sleep(retry_after(response.headers))
                continue
            reason = response.get("error") if response is not None and isinstance(response.data, dict) else None
            if status is not None and status >= 500:
                raise OutcomeUnknown(method, f"Slack answered {status}") from None
            raise SlackPostError(method, reason or f"Slack answered {status}") from None
        except Exception as error:
            failure = connection_failure(error)
            if failure is None:
                raise
            raise OutcomeUnknown(method, failure) from None
    raise AssertionError("unreachable")  # pragma: no cover


def metadata_matches(message: dict, event_type: str, payload: dict[str, Any]) -> bool:
    """Whether a message from conversations.history carries this event type and payload."""
    metadata = message.get("metadata") or {}
    found = metadata.get("event_payload") or {}
    return metadata.get("event_type") == event_type and all(
        str(found.get(key)) == str(value) for key, value in payload.items())


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

    def post(self, channel: str, message: Message, metadata: dict[str, Any] | None = None) -> str:
        """Post a message to a channel, once; return its timestamp (Slack's id for it).

        `metadata` ({"event_type": ..., "event_payload": {...}}) names what the message is, so
        that `find` can tell later whether a post whose reply was lost reached the channel.
        """
        self._wait_turn(channel)
        try:
            response = call(
                "chat.postMessage",
                lambda: self.client.chat_postMessage(
                    channel=channel, text=message.text, blocks=message.blocks,
                    unfurl_links=False, unfurl_media=False, metadata=metadata,
                ),
                self.max_retries,
            )
        finally:
            with self._lock:
                self._last[channel] = monotonic()
        return str(response.get("ts", ""))

    def find(self, channel: str, event_type: str, payload: dict[str, Any], since: datetime) -> str | None:
        """Look in the channel's messages since `since` for one carrying this metadata; return
        its timestamp, or None if it is not there. Raise SlackPostError if Slack cannot say."""
        cursor = None
        for _page in range(HISTORY_PAGES):
            response = call(
                "conversations.history",
                lambda cursor=cursor: self.client.conversations_history(
                    channel=channel, oldest=f"{since.timestamp():.6f}", limit=200,
                    include_all_metadata=True, cursor=cursor,
                ),
                self.max_retries,
            )
            for message in response.get("messages") or []:
                if metadata_matches(message, event_type, payload):
                    return str(message.get("ts", ""))
            cursor = ((response.get("response_metadata") or {}).get("next_cursor")) or None
            if not response.get("has_more") or not cursor:
                return None
        raise SlackPostError("conversations.history",
                             f"more than {HISTORY_PAGES * 200} messages to look through")
