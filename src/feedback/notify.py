"""A thin client for GOV.UK Notify: send one email, and say clearly why it was not sent.

Nothing here runs at import time. The API key is read from the configuration when a sender is
built and is never put into a message, an exception or a log line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Protocol

import requests
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

# Notify API keys are "<key name>-<service id>-<secret>", both ids being UUIDs.
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_API_KEY = re.compile(rf"(?s).+-{_UUID}-{_UUID}")

REQUEST_TIMEOUT_SECONDS = 15


class NotifyError(RuntimeError):
    """An email was not sent through GOV.UK Notify."""

    def __init__(self, message: str, status_code: int | None = None, outcome_unknown: bool = False):
        super().__init__(message)
        self.status_code = status_code
        # No answer came back (a timeout, a dropped connection): Notify may have taken the email.
        self.outcome_unknown = outcome_unknown


class NotifyNotConfigured(NotifyError):
    """The service has no (usable) Notify settings."""


class EmailSender(Protocol):
    """What the invitation emails need from Notify; tests may pass a fake."""

    def send_email(
        self, to: str, template_id: str, personalisation: Mapping[str, Any], reference: str
    ) -> str: ...

    def find_email(self, reference: str) -> Mapping[str, Any] | None: ...


def is_configured(config: Mapping[str, Any]) -> bool:
    return bool((config.get("NOTIFY_API_KEY") or "").strip())


def notifications_client(config: Mapping[str, Any]) -> NotificationsAPIClient:
    """Build the Notify client from NOTIFY_API_KEY and NOTIFY_BASE_URL."""
    api_key = (config.get("NOTIFY_API_KEY") or "").strip()
    if not api_key:
        raise NotifyNotConfigured("GOV.UK Notify is not configured: set NOTIFY_API_KEY.")
    if not _API_KEY.fullmatch(api_key):
        # Never echo the key, not even part of it.
        raise NotifyNotConfigured(
            "NOTIFY_API_KEY is not a GOV.UK Notify API key "
            "(expected the form <key name>-<service id>-<secret>)."
        )
    base_url = (config.get("NOTIFY_BASE_URL") or "").strip().rstrip("/")
    if not base_url:
        raise NotifyNotConfigured("GOV.UK Notify is not configured: set NOTIFY_BASE_URL.")
    timeout = float(config.get("NOTIFY_TIMEOUT_SECONDS") or REQUEST_TIMEOUT_SECONDS)
    return NotificationsAPIClient(api_key, base_url=base_url, timeout=timeout)


class NotifySender:
    """Send emails through one Notify client; close it when done (it keeps a connection pool)."""

    def __init__(self, client: NotificationsAPIClient):
        self._client = client

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "NotifySender":
        return cls(notifications_client(config))

    def send_email(
        self, to: str, template_id: str, personalisation: Mapping[str, Any], reference: str
    ) -> str:
        """Ask Notify to send an email; return Notify's id for it, or raise NotifyError."""
        try:
            response = self._client.send_email_notification(
                email_address=to,
                template_id=template_id,
                personalisation=dict(personalisation),
                reference=reference,
            )
        except APIError as error:
            raise NotifyError(describe_error(error), status_code=_status_code(error),
                              outcome_unknown=_outcome_unknown(error)) from None
        return str((response or {}).get("id", ""))

    def find_email(self, reference: str) -> Mapping[str, Any] | None:
        """Ask Notify for the email sent with this reference: its id and status, or None if it has none."""
        try:
            found = self._client.get_all_notifications(reference=reference, template_type="email")
        except APIError as error:
            raise NotifyError(describe_error(error), status_code=_status_code(error),
                              outcome_unknown=True) from None
        notifications = [n for n in (found or {}).get("notifications", []) if n.get("reference") == reference]
        return notifications[0] if notifications else None

    def close(self) -> None:
        self._client.request_session.close()

    def __enter__(self) -> "NotifySender":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _outcome_unknown(error: APIError) -> bool:
    """True when the request may have reached Notify but no answer came back."""
    if error.response is not None:
        return False
    cause = error.__cause__ or error.__context__
    # A connection that was never made cannot have delivered the request.
    never_connected = isinstance(cause, requests.ConnectTimeout) or (
        isinstance(cause, requests.ConnectionError) and "NewConnectionError" in repr(cause)
    )
    return not never_connected


def _status_code(error: APIError) -> int | None:
    return error.response.status_code if error.response is not None else None


def describe_error(error: APIError) -> str:
    """Say what Notify answered, from its JSON body: never the request, so never the key."""
    if error.response is None:
        cause = error.__cause__ or error.__context__
        kind = type(cause).__name__ if cause is not None else "no response"
        return f"GOV.UK Notify could not be reached ({kind})."
    status = error.response.status_code
    message = error.message
    if isinstance(message, list):
        parts = []
        for item in message:
            if isinstance(item, dict):
                parts.append(": ".join(str(item[k]) for k in ("error", "message") if item.get(k)))
            else:
                parts.append(str(item))
        message = "; ".join(p for p in parts if p)
    return f"GOV.UK Notify refused the email (HTTP {status}): {message or 'no details given'}."
