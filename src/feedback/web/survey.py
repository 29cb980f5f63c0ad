"""The respondent's journey: start page, one question a page, check answers, confirmation."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from .. import journey, questionnaires, responses
from ..clock import utcnow
from ..db import db_session
from ..forms import AboutYouForm, EmptyForm, question_form
from ..i18n import choose_language, current_language, has_chosen_language
from ..invitations import LinkState, find_invitation, link_state
from ..models import Draft
from ..operations.tracking import mark_opened, mark_started
from ..questionnaires import MULTIPLE
from .rate_limits import limit_public_posts

bp = Blueprint("survey", __name__)

DRAFT_KEY = "draft"
COMPLETED_KEY = "completed"


# Checked before CSRF and the view, so a flood costs little.
limit_public_posts(bp)


def unusable_link():
    # The same page for an unknown, expired, used or withdrawn link: it tells nobody which.
    return render_template("survey/link_unusable.html"), 404


def session_draft() -> Draft | None:
    max_age = timedelta(hours=current_app.config["DRAFT_HOURS"])
    draft = responses.find_draft(db_session(), session.get(DRAFT_KEY), max_age)
    return draft


def draft_or_expired():
    """Return (draft, definition), or a response explaining that the session has ended."""
    draft = session_draft()
    if draft is None:
        if session.get(COMPLETED_KEY):
            return None, redirect(url_for("survey.complete"))
        return None, (render_template("survey/session_expired.html"), 400)
    if draft.response_id is not None:
        return None, redirect(url_for("survey.complete"))
    try:
        definition = responses.definition_for(draft)
    except responses.SubmissionError:
        return None, (render_template("survey/session_expired.html"), 400)
    return (draft, definition), None


def pages_for(definition, draft: Draft) -> list[str]:
    return journey.steps(definition, draft.answers or {}, draft.include_about_you)


def step_url(step: str, **kwargs) -> str:
    if step == journey.CHECK:
        return url_for("survey.check", **kwargs)
    if step == journey.ABOUT_YOU:
        return url_for("survey.about_you", **kwargs)
    return url_for("survey.question", code=step, **kwargs)


@bp.route("/i/<token>", methods=["GET"])
def invitation_start(token: str):
    dbs = db_session()
    invitation = find_invitation(dbs, token)
    if link_state(invitation) is not LinkState.USABLE:
        return unusable_link()
    definition = questionnaires.get(invitation.questionnaire.code)
    if invitation.language in ("cy", "both") and not has_chosen_language():
        # Organisations in Wales open their invitation in Welsh; English is one click away.
        choose_language("cy")
        return redirect(url_for("survey.invitation_start", token=token))
    if invitation.opened_at is None:
        mark_opened(dbs, invitation, utcnow())
        dbs.commit()
    draft = session_draft()
    resuming = draft is not None and draft.invitation_id == invitation.id and draft.response_id is None
    return render_template(
        "survey/start.html",
        definition=definition,
        invitation=invitation,
        inspection=invitation.inspection,
        form=EmptyForm(),
        resuming=resuming,
    )


@bp.route("/i/<token>", methods=["POST"])
def invitation_begin(token: str):
    dbs = db_session()
    invitation = find_invitation(dbs, token)
    if link_state(invitation) is not LinkState.USABLE:
        return unusable_link()
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    draft = session_draft()
    if draft is None or draft.invitation_id != invitation.id or draft.response_id is not None:
        definition = questionnaires.get(invitation.questionnaire.code)
        draft = responses.start_draft(dbs, definition, channel="web", invitation=invitation)
        mark_started(dbs, invitation, utcnow())
        dbs.commit()
        session[DRAFT_KEY] = draft.key
        session.pop(COMPLETED_KEY, None)
        session.permanent = True
    definition = responses.definition_for(draft)
    pages = pages_for(definition, draft)
    first_unanswered = next((p for p in pages if p not in (draft.answers or {})), pages[0])
    return redirect(step_url(first_unanswered if draft.answers else pages[0]))


def answer_from_form(question, formdata):
    if question.kind == MULTIPLE:
        return formdata.getlist("answer")
    return formdata.get("answer")


@bp.route("/survey/questions/<code>", methods=["GET", "POST"])
def question(code: str):
    found, early = draft_or_expired()
    if early is not None:
        return early
    draft, definition = found
    pages = pages_for(definition, draft)
    question = definition.question(code)
    if question is None or code not in pages:
        abort(404)
    returning = request.values.get("change") == "1"
    stored = (draft.answers or {}).get(code)

    if request.method == "POST":
        switch_to = request.form.get("switch_language")
        if switch_to:
            # The language switch on a question page keeps what was entered, without judging it.
            form = question_form(question, formdata=request.form)
            if not form.validate_on_submit() and "csrf_token" in form.errors:
                abort(400)
            responses.record_answer(draft, question, answer_from_form(question, request.form))
            db_session().commit()
            choose_language(switch_to)
            return redirect(step_url(code, change="1") if returning else step_url(code))
        form = question_form(question, formdata=request.form)
        if form.validate_on_submit():
            responses.record_answer(draft, question, answer_from_form(question, request.form))
            db_session().commit()
            pages = pages_for(definition, draft)
            if returning:
                following = journey.step_after_change(definition, pages, code, draft.answers or {})
                return redirect(step_url(following, change="1") if following != journey.CHECK else step_url(following))
            return redirect(step_url(journey.next_step(pages, code)))
    else:
        form = question_form(question, formdata=MultiDict(), data=stored)

    previous = journey.previous_step(pages, code)
    return render_template(
        "survey/question.html",
        definition=definition,
        question=question,
        form=form,
        about_you=code in {q.code for q in definition.about_you},
        back_url=url_for("survey.check") if returning else (step_url(previous) if previous else None),
        returning=returning,
        inspection=draft.inspection,
    )


@bp.route("/survey/about-you", methods=["GET", "POST"])
def about_you():
    found, early = draft_or_expired()
    if early is not None:
        return early
    draft, definition = found
    if not definition.about_you:
        abort(404)
    returning = request.values.get("change") == "1"
    if request.method == "POST":
        form = AboutYouForm()
        if request.form.get("switch_language"):
            if form.answer.data in ("yes", "no"):
                draft.include_about_you = form.answer.data == "yes"
                db_session().commit()
            choose_language(request.form["switch_language"])
            return redirect(url_for("survey.about_you"))
        if form.validate_on_submit():
            draft.include_about_you = form.answer.data == "yes"
            draft.updated_at = utcnow()
            db_session().commit()
            pages = pages_for(definition, draft)
            return redirect(step_url(journey.next_step(pages, journey.ABOUT_YOU)))
    else:
        initial = {True: "yes", False: "no"}.get(draft.include_about_you)
        form = AboutYouForm(formdata=None, data={"answer": initial})
    pages = pages_for(definition, draft)
    previous = journey.previous_step(pages, journey.ABOUT_YOU)
    return render_template(
        "survey/about_you.html",
        definition=definition,
        form=form,
        back_url=url_for("survey.check") if returning else step_url(previous),
        inspection=draft.inspection,
    )


@bp.route("/survey/check", methods=["GET", "POST"])
def check():
    found, early = draft_or_expired()
    if early is not None:
        return early
    draft, definition = found
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            responses.submit(db_session(), draft, language=current_language())
        except responses.Incomplete as incomplete:
            return redirect(step_url(incomplete.missing[0]))
        except responses.LinkAlreadyUsed:
            return unusable_link()
        session.pop(DRAFT_KEY, None)
        session[COMPLETED_KEY] = draft.key
        return redirect(url_for("survey.complete"))
    pages = pages_for(definition, draft)
    missing = responses.missing_answers(definition, draft)
    asked = responses.asked_questions(definition, draft)
    about_codes = {q.code for q in definition.about_you}
    return render_template(
        "survey/check.html",
        definition=definition,
        draft=draft,
        main_asked=[q for q in asked if q.code not in about_codes],
        about_you_asked=[q for q in asked if q.code in about_codes],
        about_you_status=about_you_status(definition, draft),
        answers=draft.answers or {},
        missing=missing,
        form=form,
        back_url=step_url(journey.previous_step(pages, journey.CHECK)),
        inspection=draft.inspection,
    )


def about_you_status(definition, draft: Draft) -> str:
    """Say whether the "About you" questions were skipped, answered, or offered and left blank."""
    if not draft.include_about_you:
        return _("Skipped")
    if any(q.code in (draft.answers or {}) for q in definition.about_you):
        return _("Answered")
    return _("Not answered")


@bp.route("/survey/complete")
def complete():
    key = session.get(COMPLETED_KEY)
    if not key:
        # A submission retried after the session moved on still lands here.
        key = session.get(DRAFT_KEY)
    draft = responses.find_draft(db_session(), key, timedelta(days=3650)) if key else None
    if draft is None or draft.response_id is None:
        return render_template("survey/session_expired.html"), 400
    definition = responses.definition_for(draft)
    session.pop(DRAFT_KEY, None)
    session[COMPLETED_KEY] = draft.key
    return render_template("survey/complete.html", definition=definition, inspection=draft.inspection)
