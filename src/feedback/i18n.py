"""Languages: which one a request is in, and formatting dates and numbers in it."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from flask import has_request_context, request, session
from flask_babel import get_locale
from werkzeug.exceptions import HTTPException

# The languages a respondent can choose, by the code used in URLs and stored on responses,
# with the Babel locale used to format in each ("en" alone would format dates the US way).
LANGUAGES = {"en": "en_GB", "cy": "cy"}
LANGUAGE_NAMES = {"en": "English", "cy": "Cymraeg"}
UK_TIME = ZoneInfo("Europe/London")
SESSION_KEY = "lang"


# A respondent's form carries the language it was shown in (JOURNEY_FIELD): if the session
# cookie is lost mid-journey, the page that says so comes back in that language.
JOURNEY_FIELD = "lang"


def select_locale() -> str:
    """Pick the request's locale.

    In order: `?lang=` in the address; the choice kept in the session; the language of the
    form being posted (its `lang` field, for when the session is lost); the browser's
    preference (Accept-Language); English.

    Outside a request (commands, the worker) text is in English.
    """
    if not has_request_context():
        return LANGUAGES["en"]
    chosen = request.args.get("lang") or session.get(SESSION_KEY)
    if chosen not in LANGUAGES and request.method == "POST" and request.mimetype in (
        "application/x-www-form-urlencoded", "multipart/form-data"
    ):
        try:
            chosen = request.form.get(JOURNEY_FIELD)
        except HTTPException:  # a body refused (too large): the page saying so reads no language from it
            chosen = None
    if chosen in LANGUAGES:
        return LANGUAGES[chosen]
    best = request.accept_languages.best_match(["en-GB", "en", "cy"], default="en")
    return LANGUAGES["cy"] if best.startswith("cy") else LANGUAGES["en"]


def remember_choice() -> None:
    """Keep a language chosen with ?lang= for the rest of the visit."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        session[SESSION_KEY] = chosen


def choose_language(code: str) -> None:
    if code in LANGUAGES:
        session[SESSION_KEY] = code


def has_chosen_language() -> bool:
    return session.get(SESSION_KEY) in LANGUAGES or request.args.get("lang") in LANGUAGES


def current_language() -> str:
    """Return "en" or "cy" for the request being served."""
    locale = get_locale()
    return "cy" if locale is not None and locale.language == "cy" else "en"


def other_language() -> str:
    return "en" if current_language() == "cy" else "cy"


def format_day(value: date | datetime, language: str | None = None) -> str:
    """Format a date as people in the UK write it: 7 February 2026, 7 Chwefror 2026."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UK_TIME)  # the day it is in the UK, not in UTC
        value = value.date()
    locale = LANGUAGES[language or current_language()]
    return babel_format_date(value, format="d MMMM y", locale=locale)


def format_time(value: datetime, language: str | None = None) -> str:
    """Format the UK time of day of a stored moment: 14:05."""
    from babel.dates import format_time as babel_format_time

    if value.tzinfo is None:
        from datetime import timezone

        value = value.replace(tzinfo=timezone.utc)
    return babel_format_time(value.astimezone(UK_TIME), format="HH:mm", locale=LANGUAGES[language or current_language()])
