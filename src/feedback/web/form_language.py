"""The English / Cymraeg switch on a form page keeps what was typed.

On a page that opts in, the switch is a pair of submit buttons of the page's own form: they
post it to the page's address with ?lang= (so the reply is in the chosen language, which is
remembered) and name=switch_language. The view then shows what was posted again, in the new
language, without saving it or judging it: `submitted(form)` is False for a switch, and views
that read request.form themselves ask `switching_language()`. Works without JavaScript.

A page opts in with `{% set language_switch_form = "<its form's id>" %}` in its template.
"""

from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm

from ..i18n import LANGUAGES

SWITCH_FIELD = "switch_language"


def switching_language() -> bool:
    """Whether this request is the language switch of a form page rather than a submission."""
    return request.method == "POST" and request.form.get(SWITCH_FIELD) in LANGUAGES


def submitted(form: FlaskForm) -> bool:
    """Whether the form was sent to be acted on, and is valid: never for a language switch."""
    return not switching_language() and form.validate_on_submit()
