"""Read configuration from the environment, once."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_INSTANCE_PATH = PROJECT_ROOT / "instance"

# A development-only key: `feedback check-config` and production mode refuse it.
DEVELOPMENT_SECRET_KEY = "development-only-not-secret"


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


@dataclass
class Config:
    """Settings for one running service; tests build their own."""

    SECRET_KEY: str = DEVELOPMENT_SECRET_KEY
    DATABASE_URL: str = ""
    PUBLIC_BASE_URL: str = "http://127.0.0.1:5000"
    ENVIRONMENT: str = "development"
    TESTING: bool = False

    # Flask and its extensions
    SESSION_COOKIE_HTTPONLY: bool = True
    SESSION_COOKIE_SAMESITE: str = "Lax"
    SESSION_COOKIE_SECURE: bool = False
    # A respondent may come back to a half-finished questionnaire for as long as its draft is
    # kept (the session cookie lasts as long).
    PERMANENT_SESSION_LIFETIME: int = 60 * 60 * 24 * 7
    # A form token lives no longer than a staff session can (STAFF_ABSOLUTE_HOURS; never longer,
    # whatever is set here): a page left open longer asks to be loaded again.
    WTF_CSRF_TIME_LIMIT: int | None = None
    WTF_CSRF_ENABLED: bool = True
    # The most any request may send, however it arrives (with a Content-Length or chunked):
    # 413 beyond it. The longest answer is 2,000 characters; kiosks are held to 64 KiB.
    MAX_CONTENT_LENGTH: int = 1024 * 1024
    RATELIMIT_STORAGE_URI: str = "memory://"
    RATELIMIT_ENABLED: bool = True
    RATELIMIT_PUBLIC_POSTS: str = "120 per minute"
    BABEL_DEFAULT_LOCALE: str = "en_GB"
    BABEL_DEFAULT_TIMEZONE: str = "Europe/London"
    BABEL_TRANSLATION_DIRECTORIES: str = str(PROJECT_ROOT / "translations")
    TEMPLATE_FOLDER: str = str(PROJECT_ROOT / "templates")
    ASSETS_DIRECTORIES: tuple[str, ...] = (
        str(PROJECT_ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
        str(PROJECT_ROOT / "node_modules" / "@ministryofjustice" / "frontend" / "moj"),
    )

    # Staff sessions end after this long unused, and after this long whatever happens.
    STAFF_IDLE_MINUTES: int = 30
    STAFF_ABSOLUTE_HOURS: int = 12
    RATELIMIT_SIGN_IN: str = "10 per minute"
    RATELIMIT_API: str = "60 per minute"
    # A password account needs a second factor (authenticator app or security key) to reach
    # any staff page. Production always requires it (feedback.identity.policy), whatever this says.
    STAFF_SECOND_FACTOR_REQUIRED: bool = True
    # The key that encrypts authenticator-app secrets at rest; derived from SECRET_KEY if empty.
    STAFF_FACTOR_KEY: str = ""

    # Single sign-on through OpenID Connect (Microsoft Entra ID, say); off while OIDC_ISSUER is empty.
    OIDC_ISSUER: str = ""
    OIDC_CLIENT_ID: str = ""
    OIDC_CLIENT_SECRET: str = ""
    # Email domains whose verified addresses may sign in (comma-separated), e.g. justice.gov.uk.
    OIDC_ALLOWED_DOMAINS: str = ""
    # The ID token claim that says the email is verified (Entra ID: xms_edov).
    OIDC_EMAIL_VERIFIED_CLAIM: str = "email_verified"

    # How staff passwords and kiosk PINs are hashed (feedback.staff.PASSWORD_METHOD). Not read
    # from the environment: only the tests choose another, a cheap one, to save time.
    PASSWORD_HASH_METHOD: str = "scrypt:32768:8:1"

    # Free-text answers are deleted (by `feedback purge`) this long after they were given.
    COMMENT_RETENTION_DAYS: int = 730
    INVITATION_RETENTION_DAYS: int = 90
    # How many reverse proxies sit in front of the service (for client addresses in rate limits).
    PROXY_COUNT: int = 0

    # Invitations and drafts
    INVITATION_DAYS: int = 28
    REMINDER_DAYS_BEFORE_EXPIRY: int = 7
    DRAFT_HOURS: int = 24 * 7
    # New responses are counted into answer_counts in batches after the reply has gone, at most
    # this often in each process (web.counting); None leaves it to `feedback worker`.
    COUNTS_CATCH_UP_SECONDS: float | None = 1.0

    # GOV.UK Notify (email invitations)
    NOTIFY_API_KEY: str = ""
    NOTIFY_BASE_URL: str = "https://api.notifications.service.gov.uk"
    NOTIFY_TEMPLATE_INVITATION_EN: str = ""
    NOTIFY_TEMPLATE_INVITATION_CY: str = ""
    NOTIFY_TEMPLATE_INVITATION_BOTH: str = ""
    NOTIFY_TEMPLATE_REMINDER_EN: str = ""
    NOTIFY_TEMPLATE_REMINDER_CY: str = ""
    NOTIFY_TEMPLATE_REMINDER_BOTH: str = ""
    NOTIFY_TEMPLATE_STAFF_INVITATION: str = ""
    # Audit events are deleted (by `feedback purge`) this long after they happened: 7 years.
    AUDIT_RETENTION_DAYS: int = 2557
    # The bearer token Notify sends with delivery receipts (set the same in Notify's callback settings).
    NOTIFY_CALLBACK_TOKEN: str = ""
    NOTIFY_TIMEOUT_SECONDS: float = 15.0
    WORKER_INTERVAL: float = 30.0

    # Slack
    SLACK_BOT_TOKEN: str = ""
    SLACK_SIGNING_SECRET: str = ""
    SLACK_DIGEST_CHANNEL: str = ""
    SLACK_API_URL: str = "https://slack.com/api/"
    SLACK_DIGEST_LANGUAGE: str = "en"  # en, cy or both (two messages)
    SLACK_TIMEOUT_SECONDS: int = 15  # a Web API call without a reply by then has an unknown outcome
    # Where the worker may answer: Slack's response URLs only (slack.response_urls); tests add theirs.
    SLACK_RESPONSE_URL_PREFIXES: tuple[str, ...] = ("https://hooks.slack.com/",)

    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, instance_path: Path = DEFAULT_INSTANCE_PATH) -> "Config":
        """Build the configuration from environment variables (and a .env file)."""
        load_dotenv(PROJECT_ROOT / ".env", override=False)
        env = os.environ.get
        database_url = env("DATABASE_URL") or f"sqlite:///{instance_path / 'feedback.sqlite3'}"
        environment = env("FEEDBACK_ENV", "development")
        return cls(
            SECRET_KEY=env("SECRET_KEY", DEVELOPMENT_SECRET_KEY),
            DATABASE_URL=normalise_database_url(database_url),
            PUBLIC_BASE_URL=env("PUBLIC_BASE_URL", cls.PUBLIC_BASE_URL).rstrip("/"),
            ENVIRONMENT=environment,
            SESSION_COOKIE_SECURE=_env_bool("SESSION_COOKIE_SECURE", environment == "production"),
            RATELIMIT_STORAGE_URI=env("RATELIMIT_STORAGE_URI", "memory://"),
            RATELIMIT_ENABLED=_env_bool("RATELIMIT_ENABLED", True),
            RATELIMIT_PUBLIC_POSTS=env("RATELIMIT_PUBLIC_POSTS", cls.RATELIMIT_PUBLIC_POSTS),
            RATELIMIT_SIGN_IN=env("RATELIMIT_SIGN_IN", cls.RATELIMIT_SIGN_IN),
            RATELIMIT_API=env("RATELIMIT_API", cls.RATELIMIT_API),
            STAFF_SECOND_FACTOR_REQUIRED=_env_bool("STAFF_SECOND_FACTOR_REQUIRED", True),
            STAFF_FACTOR_KEY=env("STAFF_FACTOR_KEY", ""),
            OIDC_ISSUER=env("OIDC_ISSUER", "").rstrip("/"),
            OIDC_CLIENT_ID=env("OIDC_CLIENT_ID", ""),
            OIDC_CLIENT_SECRET=env("OIDC_CLIENT_SECRET", ""),
            OIDC_ALLOWED_DOMAINS=env("OIDC_ALLOWED_DOMAINS", ""),
            OIDC_EMAIL_VERIFIED_CLAIM=env("OIDC_EMAIL_VERIFIED_CLAIM", cls.OIDC_EMAIL_VERIFIED_CLAIM),
            INVITATION_DAYS=_env_int("INVITATION_DAYS", cls.INVITATION_DAYS),
            COMMENT_RETENTION_DAYS=_env_int("COMMENT_RETENTION_DAYS", cls.COMMENT_RETENTION_DAYS),
            INVITATION_RETENTION_DAYS=_env_int("INVITATION_RETENTION_DAYS", cls.INVITATION_RETENTION_DAYS),
            PROXY_COUNT=_env_int("PROXY_COUNT", cls.PROXY_COUNT),
            REMINDER_DAYS_BEFORE_EXPIRY=_env_int(
                "REMINDER_DAYS_BEFORE_EXPIRY", cls.REMINDER_DAYS_BEFORE_EXPIRY
            ),
            NOTIFY_API_KEY=env("NOTIFY_API_KEY", ""),
            NOTIFY_BASE_URL=env("NOTIFY_BASE_URL", cls.NOTIFY_BASE_URL),
            NOTIFY_TEMPLATE_INVITATION_EN=env("NOTIFY_TEMPLATE_INVITATION_EN", ""),
            NOTIFY_TEMPLATE_INVITATION_CY=env("NOTIFY_TEMPLATE_INVITATION_CY", ""),
            NOTIFY_TEMPLATE_INVITATION_BOTH=env("NOTIFY_TEMPLATE_INVITATION_BOTH", ""),
            NOTIFY_TEMPLATE_REMINDER_EN=env("NOTIFY_TEMPLATE_REMINDER_EN", ""),
            NOTIFY_TEMPLATE_REMINDER_CY=env("NOTIFY_TEMPLATE_REMINDER_CY", ""),
            NOTIFY_TEMPLATE_REMINDER_BOTH=env("NOTIFY_TEMPLATE_REMINDER_BOTH", ""),
            NOTIFY_TEMPLATE_STAFF_INVITATION=env("NOTIFY_TEMPLATE_STAFF_INVITATION", ""),
            AUDIT_RETENTION_DAYS=_env_int("AUDIT_RETENTION_DAYS", cls.AUDIT_RETENTION_DAYS),
            NOTIFY_CALLBACK_TOKEN=env("NOTIFY_CALLBACK_TOKEN", ""),
            NOTIFY_TIMEOUT_SECONDS=float(env("NOTIFY_TIMEOUT_SECONDS", "") or cls.NOTIFY_TIMEOUT_SECONDS),
            WORKER_INTERVAL=float(env("WORKER_INTERVAL", "") or cls.WORKER_INTERVAL),
            SLACK_BOT_TOKEN=env("SLACK_BOT_TOKEN", ""),
            SLACK_SIGNING_SECRET=env("SLACK_SIGNING_SECRET", ""),
            SLACK_DIGEST_CHANNEL=env("SLACK_DIGEST_CHANNEL", ""),
            SLACK_API_URL=env("SLACK_API_URL", cls.SLACK_API_URL),
            SLACK_DIGEST_LANGUAGE=env("SLACK_DIGEST_LANGUAGE", cls.SLACK_DIGEST_LANGUAGE),
            SLACK_TIMEOUT_SECONDS=_env_int("SLACK_TIMEOUT_SECONDS", cls.SLACK_TIMEOUT_SECONDS),
            SLACK_RESPONSE_URL_PREFIXES=tuple(
                p.strip() for p in env("SLACK_RESPONSE_URL_PREFIXES", "").split(",") if p.strip()
            ) or cls.SLACK_RESPONSE_URL_PREFIXES,
        )

    def problems(self) -> list[str]:
        """Say what is unsafe about this configuration for production; empty when it is fine."""
        found = []
        if not self.SECRET_KEY or self.SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(self.SECRET_KEY) < 32:
            found.append("SECRET_KEY is missing, the development default, or shorter than 32 characters")
        if self.SLACK_BOT_TOKEN and not self.SLACK_SIGNING_SECRET:
            found.append("SLACK_BOT_TOKEN is set but SLACK_SIGNING_SECRET is not: Slack requests could not be verified")
        if self.OIDC_ISSUER and not (self.OIDC_CLIENT_ID and self.OIDC_CLIENT_SECRET and self.OIDC_ALLOWED_DOMAINS):
            found.append("OIDC_ISSUER is set but OIDC_CLIENT_ID, OIDC_CLIENT_SECRET or OIDC_ALLOWED_DOMAINS is not")
        if self.NOTIFY_CALLBACK_TOKEN and len(self.NOTIFY_CALLBACK_TOKEN) < 32:
            found.append("NOTIFY_CALLBACK_TOKEN is shorter than 32 characters: Notify's callbacks could be forged")
        if self.ENVIRONMENT == "production":
            if not self.STAFF_SECOND_FACTOR_REQUIRED:
                found.append("STAFF_SECOND_FACTOR_REQUIRED is off: a password alone must not open the staff pages "
                             "in production (it is required there whatever this says)")
            if self.OIDC_ISSUER and not self.OIDC_ISSUER.startswith("https://"):
                found.append("OIDC_ISSUER must be an https:// address in production")
            if self.DATABASE_URL.startswith("sqlite"):
                found.append("DATABASE_URL is SQLite: use PostgreSQL in production")
            if self.RATELIMIT_STORAGE_URI.startswith("memory://"):
                found.append("RATELIMIT_STORAGE_URI is memory://: use Redis so every worker shares the limits")
            if not self.PUBLIC_BASE_URL.startswith("https://"):
                found.append("PUBLIC_BASE_URL must be an https:// address in production")
            if not self.SESSION_COOKIE_SECURE:
                found.append("SESSION_COOKIE_SECURE must be on in production")
            if not self.RATELIMIT_ENABLED:
                found.append("RATELIMIT_ENABLED is off: rate limits must be on in production")
        return found

    def as_flask_mapping(self) -> dict:
        """Return the settings as the upper-case mapping Flask expects."""
        mapping = {k: v for k, v in self.__dict__.items() if k.isupper()}
        mapping.update(self.extra)
        staff_session = self.STAFF_ABSOLUTE_HOURS * 3600
        csrf = mapping.get("WTF_CSRF_TIME_LIMIT")
        mapping["WTF_CSRF_TIME_LIMIT"] = staff_session if csrf is None else min(csrf, staff_session)
        return mapping


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the common way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
