"""Parameters for the GOV.UK macros, built from questions and forms, in the page's language.

The GOV.UK packages carry English defaults ("Error", "You have 20 characters remaining");
every one the service shows is given here through gettext instead.
"""

from __future__ import annotations

from babel import Locale
from flask_babel import get_locale, get_translations
from flask_babel import gettext as _
from markupsafe import Markup, escape

from ..questionnaires import FREE_TEXT, MULTIPLE, Question

# Numbers that fall in each CLDR plural category, to ask gettext for that category's wording.
SAMPLE_NUMBERS = range(0, 30)


def plural_messages(wording) -> dict[str, str]:
    """Give GOV.UK Frontend's JavaScript one message per plural category of the page's locale.

    `wording(translations, n)` returns the unformatted gettext plural for n; the browser fills
    in `%{count}`.
    """
    locale: Locale = get_locale() or Locale.parse("en_GB")
    translations = get_translations()
    messages: dict[str, str] = {}
    for number in SAMPLE_NUMBERS:
        category = locale.plural_form(number)
        if category not in messages:
            messages[category] = wording(translations, number).replace("%(num)d", "%{count}")
    return messages


def character_count_texts(max_length: int) -> dict:
    return {
        "textareaDescriptionText": _("You can enter up to %(count)s characters", count="%{count}"),
        "charactersUnderLimitText": plural_messages(
            lambda t, n: t.ungettext(
                "You have %(num)d character remaining", "You have %(num)d characters remaining", n
            )
        ),
        "charactersAtLimitText": _("You have 0 characters remaining"),
        "charactersOverLimitText": plural_messages(
            lambda t, n: t.ungettext(
                "You have %(num)d character too many", "You have %(num)d characters too many", n
            )
        ),
    }


def error_message(field) -> dict | None:
    if not field.errors:
        return None
    return {"text": str(field.errors[0]), "visuallyHiddenText": _("Error")}


def question_params(question: Question, field, caption: str | None = None, size: str = "l") -> dict:
    """Build the params of the GOV.UK macro that shows one question as the page's heading."""
    heading = escape(question.text)
    if caption:
        heading = Markup('<span class="govuk-caption-{}">{}</span>').format(size, caption) + heading
    hint = {"text": str(question.hint)} if question.hint else None
    if question.kind == FREE_TEXT:
        return {
            "id": field.id,
            "name": field.name,
            "value": field.data or "",
            "maxlength": question.max_length,
            "label": {"html": heading, "isPageHeading": True, "classes": f"govuk-label--{size}"},
            "hint": hint or {"text": _("This question is optional.")},
            "errorMessage": error_message(field),
            **character_count_texts(question.max_length),
        }
    data = field.data
    selected = set(data) if isinstance(data, (list, tuple)) else {data}
    return {
        "idPrefix": field.id,
        "name": field.name,
        "items": [
            {"value": o.code, "text": str(o.label), "checked": o.code in selected}
            for o in question.scale.options
        ],
        "hint": hint,
        "errorMessage": error_message(field),
        "fieldset": {
            "legend": {"html": heading, "isPageHeading": True, "classes": f"govuk-fieldset__legend--{size}"}
        },
    }


def macro_for(question: Question) -> str:
    if question.kind == FREE_TEXT:
        return "character_count"
    return "checkboxes" if question.kind == MULTIPLE else "radios"


def date_params(field, hint: str | None = None, size: str = "m") -> dict:
    """Build a GOV.UK date input for a DayField, its labels in the page's language."""
    raw = getattr(field, "raw", {}) or {}
    error = error_message(field)
    widths = {"day": 2, "month": 2, "year": 4}
    names = {"day": _("Day"), "month": _("Month"), "year": _("Year")}
    return {
        "id": field.name,
        "namePrefix": field.name,
        "fieldset": {"legend": {"text": str(field.label.text), "classes": f"govuk-fieldset__legend--{size}"}},
        "hint": {"text": hint} if hint else None,
        "errorMessage": error,
        "items": [
            {"name": part, "label": names[part], "value": raw.get(part, ""), "inputmode": "numeric",
             "classes": f"govuk-input--width-{widths[part]}" + (" govuk-input--error" if error else "")}
            for part in ("day", "month", "year")
        ],
    }
