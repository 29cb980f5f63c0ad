"""Single sign-on through OpenID Connect: the authorisation code flow with PKCE (Authlib).

The state, nonce and PKCE verifier stay on the server (a SignInAttempt row); the ID token's
signature (the provider's published keys), issuer, audience, expiry and nonce are checked
(joserfc, which Authlib builds on) before its verified email is matched to a staff account
made beforehand: nobody signs themselves up, and roles stay the service's.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..clock import utcnow
from ..models import SignInAttempt, StaffUser
from ..staff import normalise_email
from . import attempts

SCOPE = "openid email profile"
SIGNING_ALGORITHMS = ["RS256", "PS256", "ES256"]
# Clocks differ a little between the provider and this service.
LEEWAY_SECONDS = 60
HTTP_TIMEOUT = 10


class SsoRefused(Exception):
    """Single sign-on did not end in a staff account; `reason` says why (for the page and logs)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


# The reasons, each shown to the user as its own message.
STATE = "state"              # unknown, used, expired, or another browser's sign-in
PROVIDER = "provider"        # the provider sent an error, or could not be reached
TOKEN = "token"              # the ID token failed a check: signature, issuer, audience, expiry, nonce
UNVERIFIED = "unverified"    # no email, or one the provider has not verified
DOMAIN = "domain"            # an email of a domain not allowed
NO_ACCOUNT = "no_account"    # no staff account (or a disabled one) has that email


@dataclass(frozen=True)
class Settings:
    issuer: str
    client_id: str
    client_secret: str
    allowed_domains: frozenset[str]
    email_verified_claim: str = "email_verified"

    @classmethod
    def from_config(cls, config: dict) -> "Settings | None":
        """Return the settings, or None when single sign-on is not configured."""
        issuer = (config.get("OIDC_ISSUER") or "").rstrip("/")
        if not issuer or not config.get("OIDC_CLIENT_ID"):
            return None
        domains = {d.strip().lower().lstrip("@") for d in (config.get("OIDC_ALLOWED_DOMAINS") or "").split(",")}
        return cls(issuer=issuer, client_id=config["OIDC_CLIENT_ID"],
                   client_secret=config.get("OIDC_CLIENT_SECRET") or "",
                   allowed_domains=frozenset(d for d in domains if d),
                   email_verified_claim=config.get("OIDC_EMAIL_VERIFIED_CLAIM") or "email_verified")


@dataclass
class Provider:
    """The identity provider's published metadata and keys, fetched once and kept."""

    settings: Settings
    _metadata: dict | None = None
    _keys: KeySet | None = None
    _get: Callable = field(default=requests.get)

    def metadata(self) -> dict:
        if self._metadata is None:
            url = self.settings.issuer + "/.well-known/openid-configuration"
            try:
                document = self._get(url, timeout=HTTP_TIMEOUT)
                document.raise_for_status()
                metadata = document.json()
            except (requests.RequestException, ValueError) as error:
                raise SsoRefused(PROVIDER, f"discovery failed: {error}") from None
            # The document must describe the issuer we were configured with (OIDC Discovery 4.3).
            if metadata.get("issuer", "").rstrip("/") != self.settings.issuer:
                raise SsoRefused(PROVIDER, f"discovery names another issuer: {metadata.get('issuer')!r}")
            self._metadata = metadata
        return self._metadata

    def keys(self, refresh: bool = False) -> KeySet:
        if self._keys is None or refresh:
            try:
                answer = self._get(self.metadata()["jwks_uri"], timeout=HTTP_TIMEOUT)
                answer.raise_for_status()
                self._keys = KeySet.import_key_set(answer.json())
            except (requests.RequestException, ValueError, KeyError, JoseError) as error:
                raise SsoRefused(PROVIDER, f"keys could not be fetched: {error}") from None
        return self._keys

    def client(self, redirect_uri: str) -> OAuth2Session:
        return OAuth2Session(
            self.settings.client_id, self.settings.client_secret, scope=SCOPE, redirect_uri=redirect_uri,
            code_challenge_method="S256", token_endpoint_auth_method="client_secret_basic",
        )


def _hash_state(state: str) -> str:
    return hashlib.sha256(state.encode("utf-8")).hexdigest()


def begin(session: Session, provider: Provider, redirect_uri: str, next_path: str | None = None,
          now: datetime | None = None) -> tuple[SignInAttempt, str]:
    """Start a sign-in: return the attempt kept on the server and the provider's address to go to."""
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)  # 86 characters, within PKCE's 43 to 128
    attempt = attempts.start(session, attempts.SSO, next_path=next_path, now=now,
                             state_hash=_hash_state(state), nonce=nonce, code_verifier=verifier)
    url, _ = provider.client(redirect_uri).create_authorization_url(
        provider.metadata()["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier,
    )
    return attempt, url


def claim_attempt(session: Session, state: str | None, browser_attempt_id: object,
                  now: datetime | None = None) -> SignInAttempt:
    """Take the attempt this state belongs to, once, and only in the browser that began it."""
    if not state:
        raise SsoRefused(STATE, "no state")
    attempt = session.scalar(select(SignInAttempt).where(SignInAttempt.state_hash == _hash_state(state)))
    if attempt is None:
        raise SsoRefused(STATE, "unknown state")
    if attempt.id != browser_attempt_id:
        raise SsoRefused(STATE, "state of a sign-in begun in another browser")
    if attempts.find_open(session, attempt.id, attempts.SSO, now) is None or not attempts.finish(session, attempt, now):
        raise SsoRefused(STATE, "state already used or expired")
    return attempt


def complete(session: Session, provider: Provider, attempt: SignInAttempt, code: str | None,
             redirect_uri: str, now: datetime | None = None, returned_issuer: str | None = None) -> StaffUser:
    """Exchange the code, check the ID token, and return the staff account it signs in."""
    if not code:
        raise SsoRefused(PROVIDER, "no code")
    # A provider that names itself in the answer (RFC 9207) must be the one we sent them to.
    if returned_issuer is not None and returned_issuer.rstrip("/") != provider.settings.issuer:
        raise SsoRefused(TOKEN, f"the answer came from another issuer: {returned_issuer!r}")
    try:
        tokens = provider.client(redirect_uri).fetch_token(
            provider.metadata()["token_endpoint"], grant_type="authorization_code", code=code,
            code_verifier=attempt.code_verifier,
        )
    except Exception as error:  # Authlib raises its own errors and requests' alike
        raise SsoRefused(PROVIDER, f"token request failed: {error}") from None
    claims = verify_id_token(provider, tokens.get("id_token"), attempt.nonce, now)
    return find_account(session, provider.settings, claims)


def verify_id_token(provider: Provider, id_token: str | None, nonce: str | None,
                    now: datetime | None = None) -> dict:
    """Check the ID token's signature, issuer, audience, expiry and nonce; return its claims."""
    if not id_token:
        raise SsoRefused(TOKEN, "no ID token")
    settings = provider.settings
    try:
        try:
            token = jwt.decode(id_token, provider.keys(), algorithms=SIGNING_ALGORITHMS)
        except JoseError:
            # The provider may have rolled its keys over since they were fetched.
            token = jwt.decode(id_token, provider.keys(refresh=True), algorithms=SIGNING_ALGORITHMS)
        moment = int((now or utcnow()).timestamp())
        jwt.JWTClaimsRegistry(
            now=moment, leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": settings.issuer},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(token.claims)
    except (JoseError, ValueError) as error:
        raise SsoRefused(TOKEN, str(error) or type(error).__name__) from None
    claims = token.claims
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if settings.client_id not in audiences:
        raise SsoRefused(TOKEN, f"audience {audience!r} is not this service")
    if len(audiences) > 1 and claims.get("azp") != settings.client_id:
        raise SsoRefused(TOKEN, "several audiences and this service is not the authorised party")
    return claims


def find_account(session: Session, settings: Settings, claims: dict) -> StaffUser:
    """Return the invited staff account for a verified email of an allowed domain, and link it."""
    email = normalise_email(str(claims.get("email") or ""))
    if not email or "@" not in email or claims.get(settings.email_verified_claim) is not True:
        raise SsoRefused(UNVERIFIED, f"email {email!r} not verified by the provider")
    if email.rsplit("@", 1)[1] not in settings.allowed_domains:
        raise SsoRefused(DOMAIN, f"{email} is not of an allowed domain")
    subject = f"{claims['iss']}|{claims['sub']}"
    user = session.scalar(select(StaffUser).where(StaffUser.sso_subject == subject))
    if user is None:
        user = session.scalar(select(StaffUser).where(StaffUser.email == email))
        if user is None:
            raise SsoRefused(NO_ACCOUNT, f"no staff account for {email}")
        if user.sso_subject is not None:
            raise SsoRefused(NO_ACCOUNT, f"{email} is linked to another account at the provider")
        user.sso_subject = subject
    elif user.email != email:
        raise SsoRefused(NO_ACCOUNT, f"the provider's email for this person is now {email}, not {user.email}")
    if user.disabled_at is not None:
        raise SsoRefused(NO_ACCOUNT, f"{email}'s account is disabled")
    return user
