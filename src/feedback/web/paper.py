"""Paper: every questionnaire as a printable bilingual form, and a fast screen to type returns in.

Each rendering of the data-entry screen carries its own idempotency key in a hidden field, so
a return submitted twice (a double press of Enter, a resent form) is stored once.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from .. import db_session, questionnaires, responses
from ..forms import EmptyForm
from ..i18n import LANGUAGES
from ..models import Inspection, Programme, Response
from ..questionnaires import FREE_TEXT, MULTIPLE
from ..roles import RUN_OPERATIONS
from ..tokens import new_token
from .auth import staff_required

bp = Blueprint("paper", __name__, url_prefix="/staff/paper")

CHANNEL = "paper"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def definition_or_404(code: str):
    definition = questionnaires.get(code)
    if definition is None:
        abort(404)
    return definition


def typed_in(definition) -> bool:
    return CHANNEL in definition.channels


@bp.route("/")
@staff_required(RUN_OPERATIONS)
def index():
    return render_template(
        "paper/index.html",
        definitions=questionnaires.ALL,
        typed_in=typed_in,
        saved=request.args.get("saved", type=int),
    )


def in_both(render) -> dict:
    """Render the same thing in English and in Welsh."""
    out = {}
    for language in ("en", "cy"):
        with force_locale(LANGUAGES[language]):
            out[language] = render()
    return out


def question_texts(definition) -> list[dict]:
    """Each question's wording and answers, in both languages, for the printed form."""

    def build():
        return [
            {
                "text": str(q.text),
                "hint": str(q.hint) if q.hint else None,
                "options": [str(o.label) for o in q.scale.options],
            }
            for q in definition.all_questions
        ]

    texts = in_both(build)
    return [
        {"question": q, "en": texts["en"][i], "cy": texts["cy"][i]}
        for i, q in enumerate(definition.all_questions)
    ]


@bp.route("/<code>/form")
@staff_required(RUN_OPERATIONS)
def printable(code: str):
    definition = definition_or_404(code)

    def wording():
        return {
            "title": str(definition.title),
            "intro": str(definition.intro),
            "service": _("HM Inspectorate of Probation"),
            "tick_one": _("Tick one box for each question."),
            "tick_all": _("Tick all that apply."),
            "optional": _("This question is optional."),
            "about_you": _("Questions about you"),
            "about_you_hint": _("These questions are optional. We use them only to check that we treat everyone fairly."),
            "no_name": _("Do not write your name on this form."),
            "return": _("When you have finished, put the form in the envelope and post it. You do not need a stamp."),
            "thanks": _("Thank you for your feedback"),
        }

    return render_template(
        "paper/form.html",
        definition=definition,
        wording=in_both(wording),
        questions=question_texts(definition),
        main_count=len(definition.questions),
    )


def inspections_for(definition) -> list[Inspection]:
    return list(
        db_session().execute(
            select(Inspection)
            .join(Programme, Inspection.programme_id == Programme.id)
            .where(Programme.code.in_(definition.programmes))
            .order_by(Inspection.fieldwork_start.desc(), Inspection.code)
        ).scalars()
    )


def raw_answers(definition, form) -> dict:
    raw = {}
    for question in definition.all_questions:
        if question.kind == MULTIPLE:
            raw[question.code] = form.getlist(question.code)
        else:
            raw[question.code] = form.get(question.code)
    return raw


@bp.route("/<code>/enter", methods=["GET", "POST"])
@staff_required(RUN_OPERATIONS)
def enter(code: str):
    definition = definition_or_404(code)
    if not typed_in(definition):
        abort(404)
    inspections = inspections_for(definition)
    errors: list[dict] = []
    values: dict = {}
    inspection_id = request.values.get("inspection", "")
    language = request.values.get("language", "en")
    if language not in LANGUAGES:
        language = "en"
    key = new_token()

    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        key = request.form.get("submission_key", "")
        if not KEY_PATTERN.match(key):
            abort(400)
        raw = raw_answers(definition, request.form)
        answers, _missing = responses.check_answers(definition, raw, include_about_you=True)
        for question in definition.all_questions:  # held to the same length as on the web
            if question.kind == FREE_TEXT and len((raw.get(question.code) or "").replace("\r\n", "\n")) > question.max_length:
                errors.append({"text": _("Your answer must be %(max)d characters or fewer", max=question.max_length),
                               "href": f"#{question.code}"})
        inspection = next((i for i in inspections if str(i.id) == inspection_id), None)
        if inspection_id and inspection is None:
            errors.append({"text": _("Select an inspection from the list"), "href": "#inspection"})
        if not answers:
            first = definition.all_questions[0]
            errors.append({"text": _("Enter at least one answer from the paper form"), "href": f"#{first.code}"})
        if not errors:
            response = responses.store_response(
                db_session(),
                definition,
                answers,
                submission_key=key,
                channel=CHANNEL,
                language=language,
                inspection_id=inspection.id if inspection else None,
            )
            if request.form.get("then") == "finish":
                return redirect(url_for("paper.index", saved=response.id))
            return redirect(url_for(
                "paper.enter", code=code, inspection=inspection_id, language=language, saved=response.id,
            ))
        values = raw

    saved = request.args.get("saved", type=int) if request.method == "GET" else None
    saved_response = db_session().get(Response, saved) if saved else None
    if saved_response is not None and saved_response.channel != CHANNEL:
        saved_response = None
    return render_template(
        "paper/enter.html",
        definition=definition,
        inspections=inspections,
        inspection_id=inspection_id,
        language=language,
        submission_key=key,
        form=EmptyForm(),
        errors=errors,
        values=values,
        saved=saved_response,
        free_text=FREE_TEXT,
        multiple=MULTIPLE,
    ), 400 if errors else 200
