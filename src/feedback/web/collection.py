"""Staff pages for collecting responses to an inspection: invitations, shared links, tracking.

Thin over feedback.operations; entry page: collection.overview (/staff/inspections/<code>/collection).
"""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta, timezone

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from .. import kiosk, questionnaires
from ..clock import as_utc, utcnow
from ..db import db_session
from ..extensions import csrf
from ..forms import EmptyForm
from ..i18n import UK_TIME, current_language
from ..invitation_emails import EmailSettings
from ..invitations import (
    InvitationError,
    audience_problem,
    create_invitation,
    default_language,
    invitable_questionnaires,
)
from ..models import Device, Inspection, Invitation
from ..notify import NotifyError, NotifySender, is_configured
from ..operations import invitations_sending as sending
from ..operations import receipts
from ..operations.recipients import Problem, check_rows, pasted_rows, uploaded_rows
from ..operations.response_rates import response_rates
from ..operations.tracking import invitations_page, shared_response_counts, summary
from ..roles import RUN_OPERATIONS, VIEW_RESULTS
from . import audit as web_audit
from .auth import current_staff, staff_required
from .collection_forms import DaysForm, InviteForm, SharedLinkForm, read_date
from .collection_words import (
    email_state_words,
    inspection_name,
    language_words,
    notify_email_text,
    sheet_words,
)
from .form_language import submitted

bp = Blueprint("collection", __name__, url_prefix="/staff")
callbacks_bp = Blueprint("notify_callbacks", __name__)


@bp.context_processor
def _words():
    return {"inspection_name": inspection_name}

NEW_SHARED_LINK_KEY = "new_shared_link"
ACTIONS = ("resend", "revoke", "extend")


def inspection_or_404(code: str) -> Inspection:
    inspection = db_session().scalars(select(Inspection).where(Inspection.code == code)).first()
    if inspection is None:
        abort(404)
    return inspection


def questionnaire_or_404(inspection: Inspection, code: str):
    definition = questionnaires.get(code)
    if definition is None or audience_problem(definition, inspection) is not None:
        abort(404)
    return definition


def email_sender() -> NotifySender | None:
    return NotifySender.from_config(current_app.config) if is_configured(current_app.config) else None


@bp.route("/inspections/<code>/collection")
@staff_required(RUN_OPERATIONS)
def overview(code: str):
    dbs = db_session()
    inspection = inspection_or_404(code)
    items = [(definition, summary(dbs, inspection, definition.code)) for definition in invitable_questionnaires(inspection)]
    tablets = list(dbs.scalars(select(Device).where(Device.inspection_id == inspection.id).order_by(Device.id)))
    tablet_questionnaires = [q for q in kiosk.kiosk_questionnaires() if inspection.programme.code in q.programmes]
    return render_template("collection/overview.html", inspection=inspection, items=items, tablets=tablets,
                           tablet_questionnaires=tablet_questionnaires, kiosk_state=kiosk.state)


def problem_items(problems: list[Problem]) -> list[dict]:
    return [{"text": (_("Line %(number)d: %(reason)s", number=p.line, reason=p.reason) if p.line else p.reason),
             "href": "#recipients"} for p in problems]


@bp.route("/inspections/<code>/collection/<questionnaire>/invite", methods=["GET", "POST"])
@staff_required(RUN_OPERATIONS)
def invite(code: str, questionnaire: str):
    dbs = db_session()
    inspection = inspection_or_404(code)
    definition = questionnaire_or_404(inspection, questionnaire)
    if definition.invitation_mode != "single":
        return redirect(url_for("collection.shared_link", code=code, questionnaire=questionnaire))
    closed = sending.closure(dbs, inspection, questionnaire)
    form = InviteForm(data={"days": current_app.config["INVITATION_DAYS"],
                            "when": "publication" if inspection.published_on and
                            sending.publication_moment(inspection) > utcnow() else "now"})
    problems: list[Problem] = []
    recipients = []
    default = default_language(inspection)
    if submitted(form) and closed is None:
        upload = request.files.get(form.upload.name)
        if upload is not None and upload.filename:
            rows = uploaded_rows(upload.read(1_000_000))
            if rows is None:
                form.upload.errors.append(_("The file must be a CSV file"))
                rows = []
        else:
            rows = pasted_rows(form.recipients.data or "")
        if not form.errors:
            recipients, problems = check_rows(rows, default, sending.invited_emails(dbs, inspection, questionnaire))
            if not recipients and not problems:
                form.recipients.errors.append(_("Enter at least one recipient, or upload a CSV file"))
        if form.when.data == "publication" and inspection.published_on is None:
            form.when.errors.append(_("This inspection has no publication date yet: send the emails now"))
        if not problems and not form.errors:
            if request.form.get("confirm") == "1":
                return send_invitations(inspection, questionnaire, recipients, form)
            if form.when.data == "now" and not is_configured(current_app.config):
                form.when.errors.append(_("Emails cannot be sent: GOV.UK Notify is not set up for this service"))
            else:
                return render_template("collection/check.html", inspection=inspection, definition=definition,
                                       form=form, recipients=recipients, language_words=language_words,
                                       recipient_lines="\n".join(r.line() for r in recipients),
                                       send_at=sending.publication_moment(inspection)
                                       if form.when.data == "publication" else None)
    return render_template("collection/invite.html", inspection=inspection, definition=definition, form=form,
                           problems=problems, problem_items=problem_items(problems), closed=closed,
                           default_language=default, language_words=language_words,
                           publication=sending.publication_moment(inspection))


def send_invitations(inspection: Inspection, questionnaire: str, recipients, form: InviteForm):
    dbs = db_session()
    sender = email_sender()
    try:
        run = sending.invite_recipients(
            dbs, inspection, questionnaire, recipients, days=form.days.data,
            at_publication=form.when.data == "publication", sender=sender,
            settings=EmailSettings.from_config(current_app.config), actor=current_staff(),
            now=utcnow(), address=request.remote_addr,
        )
    except InvitationError:
        abort(409)
    finally:
        if sender is not None:
            sender.close()
    counts = {state: run.count(state) for state in (sending.SENDING, sending.SCHEDULED, sending.NOT_CONFIRMED,
                                                    sending.REFUSED)}
    session["collection_done"] = {"kind": "invited", **counts}
    return redirect(url_for("collection.tracking", code=inspection.code, questionnaire=questionnaire))


def done_banner() -> str | None:
    done = session.pop("collection_done", None)
    if not done:
        return None
    kind = done.get("kind")
    if kind == "invited":
        parts = []
        if done.get(sending.SENDING):
            parts.append(ngettext("%(num)d invitation emailed.", "%(num)d invitations emailed.", done[sending.SENDING]))
        if done.get(sending.SCHEDULED):
            parts.append(ngettext("%(num)d invitation will be emailed on the publication date.",
                                  "%(num)d invitations will be emailed on the publication date.",
                                  done[sending.SCHEDULED]))
        if done.get(sending.NOT_CONFIRMED):
            parts.append(ngettext("%(num)d email is not confirmed: GOV.UK Notify did not answer in time.",
                                  "%(num)d emails are not confirmed: GOV.UK Notify did not answer in time.",
                                  done[sending.NOT_CONFIRMED]))
        if done.get(sending.REFUSED):
            parts.append(ngettext("%(num)d email was not sent: see the reason below.",
                                  "%(num)d emails were not sent: see the reasons below.", done[sending.REFUSED]))
        return " ".join(parts)
    return {
        "resent": _("The invitation was emailed again, with a new link."),
        "already_sent": _("GOV.UK Notify had taken the earlier email after all, so it was not sent again."),
        "resend_not_confirmed": _("The email is not confirmed: GOV.UK Notify did not answer in time. "
                                  "It will be checked before anything sends it again."),
        "resend_refused": _("The email was not sent: see the reason below."),
        "revoked": _("The invitation was withdrawn: its link no longer works."),
        "extended": _("The link now works for longer."),
        "closed": _("Collection is closed: every link for this questionnaire has stopped working."),
    }.get(kind)


@bp.route("/inspections/<code>/collection/<questionnaire>")
@staff_required(RUN_OPERATIONS)
def tracking(code: str, questionnaire: str):
    dbs = db_session()
    inspection = inspection_or_404(code)
    definition = questionnaire_or_404(inspection, questionnaire)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    figures = summary(dbs, inspection, questionnaire)
    named = invitations_page(dbs, inspection, questionnaire, "single", page) if not figures.rate.suppressed else []
    shared = invitations_page(dbs, inspection, questionnaire, "shared", 1, size=100)
    counts = shared_response_counts(dbs, [i.id for i in shared])
    return render_template(
        "collection/tracking.html", inspection=inspection, definition=definition, figures=figures,
        named=named, shared=shared, shared_counts=counts, page=page, now=utcnow(),
        banner=done_banner(), email_state_words=email_state_words, language_words=language_words,
        as_utc=as_utc, pages=max((figures.invited + figures.revoked + 49) // 50, 1),
    )


def invitation_or_404(inspection: Inspection, questionnaire: str, invitation_id: int) -> Invitation:
    invitation = db_session().get(Invitation, invitation_id)
    if (invitation is None or invitation.inspection_id != inspection.id
            or invitation.questionnaire.code != questionnaire):
        abort(404)
    return invitation


@bp.route("/inspections/<code>/collection/<questionnaire>/invitations/<int:invitation_id>/<action>",
          methods=["GET", "POST"])
@staff_required(RUN_OPERATIONS)
def invitation_action(code: str, questionnaire: str, invitation_id: int, action: str):
    if action not in ACTIONS:
        abort(404)
    dbs = db_session()
    inspection = inspection_or_404(code)
    definition = questionnaire_or_404(inspection, questionnaire)
    invitation = invitation_or_404(inspection, questionnaire, invitation_id)
    form = DaysForm(data={"days": 14}) if action == "extend" else EmptyForm()
    error = None
    back = url_for("collection.tracking", code=code, questionnaire=questionnaire)
    if request.method == "POST" and form.validate_on_submit():
        now = utcnow()
        try:
            if action == "revoke":
                sending.revoke(dbs, invitation, current_staff(), now, request.remote_addr)
                session["collection_done"] = {"kind": "revoked"}
            elif action == "extend":
                sending.extend(dbs, invitation, form.days.data, current_staff(), now, request.remote_addr)
                session["collection_done"] = {"kind": "extended"}
            else:
                sender = email_sender()
                if sender is None:
                    raise NotifyError("not configured")
                with sender:
                    outcome = sending.resend(dbs, invitation, sender, EmailSettings.from_config(current_app.config),
                                             current_staff(), now, request.remote_addr)
                session["collection_done"] = {"kind": {
                    sending.SENDING: "resent", "already_sent": "already_sent",
                    sending.NOT_CONFIRMED: "resend_not_confirmed"}.get(outcome.state, "resend_refused")}
            return redirect(back)
        except InvitationError:
            error = _("This cannot be done to this invitation now: it has been answered, withdrawn or closed, "
                      "or it has expired (extend it first).")
        except NotifyError:
            dbs.rollback()
            error = _("GOV.UK Notify could not be reached, so nothing was sent. Try again in a few minutes.")
    return render_template("collection/action.html", inspection=inspection, definition=definition,
                           invitation=invitation, action=action, form=form, error=error, back=back,
                           language_words=language_words, email_state_words=email_state_words)


@bp.route("/inspections/<code>/collection/<questionnaire>/close", methods=["GET", "POST"])
@staff_required(RUN_OPERATIONS)
def close(code: str, questionnaire: str):
    dbs = db_session()
    inspection = inspection_or_404(code)
    definition = questionnaire_or_404(inspection, questionnaire)
    form = EmptyForm()
    back = url_for("collection.tracking", code=code, questionnaire=questionnaire)
    if request.method == "POST" and form.validate_on_submit():
        sending.close_collection(dbs, inspection, questionnaire, current_staff(), utcnow(), request.remote_addr)
        session["collection_done"] = {"kind": "closed"}
        return redirect(back)
    return render_template("collection/close.html", inspection=inspection, definition=definition, form=form,
                           back=back)


def uk_start(day) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UK_TIME).astimezone(timezone.utc)


@bp.route("/inspections/<code>/collection/<questionnaire>/shared-link", methods=["GET", "POST"])
@staff_required(RUN_OPERATIONS)
def shared_link(code: str, questionnaire: str):
    dbs = db_session()
    inspection = inspection_or_404(code)
    definition = questionnaire_or_404(inspection, questionnaire)
    if definition.invitation_mode != "shared":
        return redirect(url_for("collection.invite", code=code, questionnaire=questionnaire))
    closed = sending.closure(dbs, inspection, questionnaire)
    start = inspection.fieldwork_start
    end = (inspection.fieldwork_end or start) + timedelta(days=28)
    form = SharedLinkForm(data={"opens_day": start.day, "opens_month": start.month, "opens_year": start.year,
                                "closes_day": end.day, "closes_month": end.month, "closes_year": end.year})
    errors: dict[str, str] = {}
    if request.method == "POST" and form.validate_on_submit() and closed is None:
        opens, closes = read_date(form, "opens"), read_date(form, "closes")
        if opens is None:
            errors["opens"] = _("Enter the date the link opens as a real date, like 3 12 2026")
        if closes is None:
            errors["closes"] = _("Enter the date the link closes as a real date, like 31 12 2026")
        elif opens is not None and closes <= opens:
            errors["closes"] = _("The closing date must be after the opening date")
        elif closes <= utcnow().astimezone(UK_TIME).date():
            errors["closes"] = _("The closing date must be in the future")
        if not errors:
            opens_at, closes_at = uk_start(opens), uk_start(closes + timedelta(days=1)) - timedelta(seconds=1)
            new = create_invitation(dbs, inspection, questionnaire, days=max((closes_at - opens_at).days, 1),
                                    now=utcnow(), opens_at=opens_at)
            new.invitation.expires_at = closes_at
            web_audit.record("shared_link.create", new.invitation,
                             {"inspection": inspection.code, "questionnaire": questionnaire,
                              "opens": opens.isoformat(), "closes": closes.isoformat()})
            dbs.commit()
            # Shown on the next page only, to whoever made it: only its hash is stored.
            session[NEW_SHARED_LINK_KEY] = {"invitation": new.invitation.id, "token": new.token}
            return redirect(url_for("collection.shared_sheet", code=code, questionnaire=questionnaire,
                                    invitation_id=new.invitation.id))
    return render_template("collection/shared_new.html", inspection=inspection, definition=definition, form=form,
                           errors=errors, closed=closed)


@bp.route("/inspections/<code>/collection/<questionnaire>/shared-link/<int:invitation_id>")
@staff_required(RUN_OPERATIONS)
def shared_sheet(code: str, questionnaire: str, invitation_id: int):
    inspection = inspection_or_404(code)
    definition = questionnaire_or_404(inspection, questionnaire)
    invitation = invitation_or_404(inspection, questionnaire, invitation_id)
    shown = session.pop(NEW_SHARED_LINK_KEY, None) or {}  # shown this once only
    if shown.get("invitation") != invitation.id:
        return redirect(url_for("collection.tracking", code=code, questionnaire=questionnaire))
    from .kiosk import enrolment_qr

    link = current_app.config["PUBLIC_BASE_URL"] + f"/i/{shown['token']}"
    titles, texts = sheet_words(definition, inspection, invitation)
    return render_template("collection/shared_sheet.html", inspection=inspection, definition=definition,
                           invitation=invitation, link=link, qr=enrolment_qr(link), sheet_titles=titles,
                           sheet_texts=texts,
                           email_text=notify_email_text(definition, inspection, invitation, link))


@bp.route("/response-rates")
@staff_required(VIEW_RESULTS)
def rates():
    from ..results.periods import parse_period
    from .dashboard import latest_year_with_responses

    by = request.args.get("by", "programme")
    if by not in ("programme", "region"):
        by = "programme"
    try:
        period = parse_period(request.args["period"]) if request.args.get("period") else latest_year_with_responses()
    except (ValueError, KeyError):
        period = latest_year_with_responses()
    dbs = db_session()
    totals = {row.questionnaire: row for row in response_rates(dbs, period)}
    groups = response_rates(dbs, period, by=by)
    return render_template("collection/response_rates.html", period=period, by=by, totals=totals, groups=groups,
                           definitions={q.code: q for q in questionnaires.ALL}, language=current_language())


# --- GOV.UK Notify's delivery receipts --------------------------------------------------------

@callbacks_bp.route("/notify/delivery-status", methods=["POST"])
@csrf.exempt  # authenticated by Notify's bearer token instead
def delivery_status():
    expected = (current_app.config.get("NOTIFY_CALLBACK_TOKEN") or "").strip()
    given = request.headers.get("Authorization", "")
    scheme, _space, token = given.partition(" ")
    # With no token configured, nothing is accepted.
    if not expected or scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected.encode()):
        return jsonify({"error": "unauthorised"}), 401
    payload = request.get_json(silent=True)
    try:
        outcome = receipts.record_receipt(db_session(), payload, utcnow())
    except receipts.BadReceipt as error:
        return jsonify({"error": str(error)}), 400
    return jsonify({"result": outcome}), 200
