"""What every template can use: the language, its switch, and formatting helpers."""

from __future__ import annotations

from babel.numbers import format_decimal
from flask import Flask, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from .. import presenting
from ..i18n import (
    JOURNEY_FIELD,
    LANGUAGE_NAMES,
    LANGUAGES,
    current_language,
    format_day,
    format_time,
    other_language,
    remember_choice,
)
from ..models import Inspection, Organisation
from .auth import current_staff
from .components import date_params, error_message, macro_for, question_params


def switch_language_url(language: str) -> str:
    """Return the current page's address in another language."""
    # The path's own parts win over query parameters of the same name, and url_for's own
    # arguments (endpoint, _external, ...) are never taken from the address.
    args = {k: v for k, v in request.args.items() if k != "endpoint" and not k.startswith("_")}
    args.update(request.view_args or {})
    args["lang"] = language
    return url_for(request.endpoint or "pages.index", **args)


def error_summary_params(form) -> dict | None:
    """Build the GOV.UK error summary for a form, in the page's language."""
    errors = []
    for field in form:
        if field.errors:
            # GOV.UK radios and checkboxes give their first input the field's id.
            errors.append({"text": field.errors[0], "href": f"#{field.id}"})
    if not errors:
        return None
    return {"titleText": _("There is a problem"), "errorList": errors}


def format_number(value) -> str:
    """Write a number with the page's grouping: 2,189."""
    return format_decimal(value, locale=LANGUAGES[current_language()])


def name_language(thing: Organisation | Inspection, language: str) -> str:
    """Return the language an organisation's or inspection's name is shown in, for `language`."""
    if language != "cy":
        return "en"
    if isinstance(thing, Inspection):
        welsh = thing.organisation.name_cy if thing.organisation is not None else thing.title_cy
    else:
        welsh = thing.name_cy
    return "cy" if welsh else "en"


def shown_name(thing: Organisation | Inspection) -> Markup:
    """Name an organisation or inspection in the page's language, marking English on a Welsh page."""
    language = current_language()
    text = thing.display_name(language)
    if name_language(thing, language) != language:
        return Markup('<span lang="{}">{}</span>').format(name_language(thing, language), text)
    return escape(text)


def journey_language_field() -> Markup:
    """Carry the page's language in a respondent's form, for when the session is lost."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(JOURNEY_FIELD, current_language())


def init_app(app: Flask) -> None:
    app.before_request(remember_choice)

    @app.context_processor
    def _language_context():
        return {
            "current_language": current_language(),
            "other_language": other_language(),
            "language_names": LANGUAGE_NAMES,
            "switch_language_url": switch_language_url,
            "format_day": format_day,
            "format_time": format_time,
            "error_summary_params": error_summary_params,
            "question_params": question_params,
            "error_message": error_message,
            "date_params": date_params,
            "macro_for": macro_for,
            "format_number": format_number,
            "current_staff": current_staff,
            "presenting": presenting,
            "exclusion_label": presenting.exclusion_label,
            "shown_name": shown_name,
            "journey_language_field": journey_language_field,
            # "Cymraeg" inside English text is a Welsh word, marked as such.
            "welsh_language_name": Markup('<span lang="cy">Cymraeg</span>'),
            "name_language": name_language,
        }
