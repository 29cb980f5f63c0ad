"""Paper: every questionnaire as a printable bilingual form, and a fast screen to type returns in.

Each blank entry form is issued a key of its own, in its address (/enter/<key>): the return is
stored under it once, so a double press of Enter, a resent form, Back and Save again, or a
reload all find the return already saved, and the page offers to change it instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from .. import paper_returns, questionnaires, responses
from ..db import db_session
from ..forms import EmptyForm
from ..i18n import LANGUAGES, current_language
from ..models import Inspection, Programme, Response
from ..questionnaires import FREE_TEXT, MULTIPLE
from ..roles import RUN_OPERATIONS
from ..tokens import new_token
from . import audit as web_audit
from .auth import current_staff, staff_required
from .form_language import switching_language

bp = Blueprint("paper", __name__, url_prefix="/staff/paper")

CHANNEL = paper_returns.CHANNEL
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
    saved = request.args.get("saved", type=int)
    saved_response = db_session().get(Response, saved) if saved else None
    if saved_response is not None and saved_response.channel != CHANNEL:
        saved_response = None
    return render_template(
        "paper/index.html",
        definitions=questionnaires.ALL,
        typed_in=typed_in,
        saved=saved_response,
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

    first = first_language()
    return render_template(
        "paper/form.html",
        definition=definition,
        wording=in_both(wording),
        questions=question_texts(definition),
        main_count=len(definition.questions),
        order=[first, "en" if first == "cy" else "cy"],
    )


def first_language() -> str:
    """Choose the language a printed form puts first: Welsh for an organisation in Wales.

    `?first=cy` or `?first=en` says so outright; `?inspection=CODE` takes the inspected
    organisation's language; otherwise the page's own language comes first.
    """
    chosen = request.args.get("first")
    if chosen in LANGUAGES:
        return chosen
    code = request.args.get("inspection")
    if code:
        inspection = db_session().execute(select(Inspection).where(Inspection.code == code)).scalar_one_or_none()
        organisation = inspection.organisation if inspection is not None else None
        if organisation is not None:
            return "cy" if organisation.in_wales or organisation.language_preference in ("cy", "both") else "en"
    return current_language()


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


def chosen_language(value: str | None) -> str:
    return value if value in LANGUAGES else "en"


@dataclass
class Entry:
    """The entry form as filled in so far, and what is wrong with it."""

    inspection_id: str = ""
    language: str = "en"
    values: dict = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)


def posted_entry(definition) -> Entry:
    """Read what was posted, and only that: the address may carry the last return's choices."""
    return Entry(
        inspection_id=request.form.get("inspection", ""),
        language=chosen_language(request.form.get("language")),
        values=raw_answers(definition, request.form),
    )


def checked_return(definition, entry: Entry, inspections) -> paper_returns.TypedReturn | None:
    """Check a posted entry: the return to store, or None with entry.errors filled in."""
    answers, _missing = responses.check_answers(definition, entry.values, include_about_you=True)
    for question in definition.all_questions:  # held to the same length as on the web
        typed = (entry.values.get(question.code) or "") if question.kind == FREE_TEXT else ""
        if len(typed.replace("\r\n", "\n")) > question.max_length:
            entry.errors.append({"text": _("Your answer must be %(max)d characters or fewer", max=question.max_length),
                                 "href": f"#{question.code}"})
    inspection = next((i for i in inspections if str(i.id) == entry.inspection_id), None)
    if entry.inspection_id and inspection is None:
        entry.errors.append({"text": _("Select an inspection from the list"), "href": "#inspection"})
    if not answers:
        first = definition.all_questions[0]
        entry.errors.append({"text": _("Enter at least one answer from the paper form"), "href": f"#{first.code}"})
    if entry.errors:
        return None
    return paper_returns.TypedReturn(entry.language, inspection.id if inspection else None, answers)


def check_csrf() -> None:
    if not EmptyForm().validate_on_submit():
        abort(400)


@bp.route("/<code>/enter")
@staff_required(RUN_OPERATIONS)
def enter(code: str):
    """Issue a blank form a key of its own, in its address: Back and reload keep it."""
    definition = definition_or_404(code)
    if not typed_in(definition):
        abort(404)
    # Only what fills in a blank form passes on: the last return's inspection and language.
    prefill = {name: request.args[name] for name in ("inspection", "language") if name in request.args}
    return redirect(url_for("paper.enter_return", code=code, key=new_token(), **prefill))


@bp.route("/<code>/enter/<key>", methods=["GET", "POST"])
@staff_required(RUN_OPERATIONS)
def enter_return(code: str, key: str):
    definition = definition_or_404(code)
    if not typed_in(definition) or not KEY_PATTERN.match(key):
        abort(404)
    dbs = db_session()
    existing = paper_returns.saved_under(dbs, key)
    if existing is not None:
        if existing.channel != CHANNEL or existing.questionnaire_version.questionnaire.code != code:
            abort(404)
        return already_saved(definition, existing)
    inspections = inspections_for(definition)
    if request.method == "GET":
        # The address only fills in the blank form: the last return's inspection and language.
        entry = Entry(inspection_id=request.args.get("inspection", ""),
                      language=chosen_language(request.args.get("language")))
        return entry_page(definition, inspections, entry, saved=request.args.get("saved", type=int),
                          corrected=request.args.get("corrected", type=int),
                          unchanged=request.args.get("unchanged", type=int))
    check_csrf()
    entry = posted_entry(definition)
    if switching_language():
        return entry_page(definition, inspections, entry)
    typed = checked_return(definition, entry, inspections)
    if typed is None:
        return entry_page(definition, inspections, entry)
    stored = responses.store_response(
        dbs, definition, typed.answers, submission_key=key, channel=CHANNEL, language=typed.language,
        inspection_id=typed.inspection_id,
        on_stored=lambda response_id: web_audit.record(
            paper_returns.ENTERED, dbs.get(Response, response_id),
            {"questionnaire": definition.code, "language": typed.language, "inspection": typed.inspection_id},
        ),
    )
    if request.form.get("then") == "finish":
        return redirect(url_for("paper.index", saved=stored.id))
    return redirect(next_blank_form(code, entry.inspection_id, typed.language, saved=stored.id))


def next_blank_form(code: str, inspection_id: str, language: str, **banner) -> str:
    """The address of a new blank form, filled in with the last return's inspection and language."""
    return url_for("paper.enter_return", code=code, key=new_token(), inspection=inspection_id or None,
                   language=language, **banner)


def already_saved(definition, response: Response):
    """A return saved before (Back, then Save again): say so, and offer to change it."""
    if request.method == "POST":
        check_csrf()
    return render_template(
        "paper/already_saved.html",
        definition=definition,
        response=response,
        next_url=next_blank_form(definition.code, str(response.inspection_id or ""), response.language),
    ), 409 if request.method == "POST" else 200


@bp.route("/<code>/returns/<int:response_id>", methods=["GET", "POST"])
@staff_required(RUN_OPERATIONS)
def change(code: str, response_id: int):
    """Correct a saved return: the same return, changed, never a second one."""
    definition = definition_or_404(code)
    dbs = db_session()
    response = dbs.get(Response, response_id)
    if (response is None or response.channel != CHANNEL
            or response.questionnaire_version.questionnaire.code != code):
        abort(404)
    if response.questionnaire_version.version != definition.version:
        abort(404)  # typed in on an earlier version of the questionnaire: its questions have gone
    inspections = inspections_for(definition)
    if request.method == "GET":
        stored = paper_returns.as_typed(definition, response)
        entry = Entry(inspection_id=str(stored.inspection_id or ""), language=stored.language,
                      values=stored.answers)
        return entry_page(definition, inspections, entry, changing=response)
    check_csrf()
    entry = posted_entry(definition)
    if switching_language():
        return entry_page(definition, inspections, entry, changing=response)
    typed = checked_return(definition, entry, inspections)
    if typed is None:
        return entry_page(definition, inspections, entry, changing=response)
    changed = paper_returns.correct(dbs, definition, response, typed, actor=current_staff(),
                                    address=request.remote_addr)
    if changed:
        return redirect(next_blank_form(code, entry.inspection_id, typed.language, corrected=response.id))
    return redirect(next_blank_form(code, entry.inspection_id, typed.language, unchanged=response.id))


def entry_page(definition, inspections, entry: Entry, saved: int | None = None, corrected: int | None = None,
               unchanged: int | None = None, changing: Response | None = None):
    saved_response = db_session().get(Response, saved) if saved else None
    if saved_response is not None and saved_response.channel != CHANNEL:
        saved_response = None
    return render_template(
        "paper/enter.html",
        definition=definition,
        inspections=inspections,
        inspection_id=entry.inspection_id,
        language=entry.language,
        form=EmptyForm(),
        errors=entry.errors,
        values=entry.values,
        saved=saved_response,
        corrected=corrected,
        unchanged=unchanged,
        changing=changing,
        free_text=FREE_TEXT,
        multiple=MULTIPLE,
    ), 400 if entry.errors else 200
