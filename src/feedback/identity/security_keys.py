"""Security keys and passkeys (WebAuthn), through py_webauthn: register, then sign in with one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import (
    InvalidAuthenticationResponse,
    InvalidRegistrationResponse,
)
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from ..clock import utcnow
from ..models import SecurityKey, StaffUser

RP_NAME = "HMI Probation feedback"


class KeyRefused(ValueError):
    """The browser's answer did not prove possession of a registered key."""


@dataclass(frozen=True)
class RelyingParty:
    """The service as WebAuthn sees it: its host name and its origin."""

    rp_id: str
    origin: str

    @classmethod
    def from_base_url(cls, base_url: str) -> "RelyingParty":
        parts = urlsplit(base_url)
        return cls(rp_id=parts.hostname or "localhost", origin=f"{parts.scheme}://{parts.netloc}")


def keys_of(session: Session, user: StaffUser) -> list[SecurityKey]:
    return list(session.scalars(select(SecurityKey).where(SecurityKey.staff_user_id == user.id).order_by(SecurityKey.id)))


def _descriptor(key: SecurityKey) -> PublicKeyCredentialDescriptor:
    transports = []
    for name in key.transports or []:
        try:
            transports.append(AuthenticatorTransport(name))
        except ValueError:
            continue
    return PublicKeyCredentialDescriptor(id=base64url_to_bytes(key.credential_id), transports=transports or None)


def registration_options(session: Session, user: StaffUser, rp: RelyingParty) -> tuple[str, str]:
    """Return (options as JSON for the browser, the challenge to keep on the server)."""
    options = generate_registration_options(
        rp_id=rp.rp_id, rp_name=RP_NAME, user_name=user.email, user_display_name=user.email,
        user_id=f"staff-{user.id}".encode("ascii"),
        exclude_credentials=[_descriptor(key) for key in keys_of(session, user)],
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    return options_to_json(options), bytes_to_base64url(options.challenge)


def register(session: Session, user: StaffUser, rp: RelyingParty, challenge: str, credential_json: str,
             name: str, now: datetime | None = None) -> SecurityKey:
    """Check the browser's new credential against the challenge and keep it."""
    try:
        verified = verify_registration_response(
            credential=credential_json, expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp.rp_id, expected_origin=rp.origin,
        )
        transports = json.loads(credential_json).get("response", {}).get("transports") or []
    except (InvalidRegistrationResponse, ValueError, TypeError, KeyError) as error:
        raise KeyRefused(str(error)) from None
    key = SecurityKey(
        staff_user_id=user.id, name=name[:100],
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=bytes_to_base64url(verified.credential_public_key),
        sign_count=verified.sign_count, transports=[str(t) for t in transports][:10],
        created_at=now or utcnow(),
    )
    session.add(key)
    session.flush()
    return key


def authentication_options(session: Session, user: StaffUser, rp: RelyingParty) -> tuple[str, str]:
    """Return (options as JSON for the browser, the challenge to keep on the server)."""
    options = generate_authentication_options(
        rp_id=rp.rp_id, allow_credentials=[_descriptor(key) for key in keys_of(session, user)],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return options_to_json(options), bytes_to_base64url(options.challenge)


def authenticate(session: Session, user: StaffUser, rp: RelyingParty, challenge: str, credential_json: str,
                 now: datetime | None = None) -> SecurityKey:
    """Check a signed challenge from one of the user's keys; refuse a sign count that went back."""
    try:
        credential_id = json.loads(credential_json)["id"]
    except (ValueError, TypeError, KeyError):
        raise KeyRefused("not a credential") from None
    key = session.scalar(select(SecurityKey).where(
        SecurityKey.staff_user_id == user.id, SecurityKey.credential_id == credential_id))
    if key is None:
        raise KeyRefused("not one of this account's keys")
    try:
        # py_webauthn refuses a sign count not above the stored one (unless both are 0): a
        # cloned key shows itself that way.
        verified = verify_authentication_response(
            credential=credential_json, expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp.rp_id, expected_origin=rp.origin,
            credential_public_key=base64url_to_bytes(key.public_key),
            credential_current_sign_count=key.sign_count,
        )
    except (InvalidAuthenticationResponse, ValueError, TypeError, KeyError) as error:
        raise KeyRefused(str(error)) from None
    key.sign_count = verified.new_sign_count
    key.last_used_at = now or utcnow()
    return key
