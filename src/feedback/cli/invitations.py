"""`feedback invitations ...` and `feedback tracking`: the command line's equal of the collection pages."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import force_locale
from sqlalchemy import select

from .. import audit, get_db, questionnaires
from ..clock import utcnow
from ..i18n import format_day
from ..invitation_emails import EmailSettings
from ..invitations import (
    InvitationError,
    audience_problem,
    default_language,
    invitable_questionnaires,
)
from ..models import Invitation
from ..notify import NotifyError, NotifyNotConfigured, NotifySender, is_configured
from ..operations import invitations_sending as sending
from ..operations.recipients import check_rows, pasted_rows, uploaded_rows
from ..operations.tracking import invitations_page, summary
from ..questionnaire_store import questionnaire_row
from .common import find_inspection

invitations_group = AppGroup("invitations", help="List, resend, withdraw and extend invitations.")

LINKED = click.Choice([q.code for q in questionnaires.ALL if q.invitation_mode])


def notify_sender() -> NotifySender:
    config = current_app.config
    if not is_configured(config):
        raise click.UsageError("GOV.UK Notify is not configured (NOTIFY_API_KEY is empty), so no email can be sent.")
    try:
        return NotifySender.from_config(config)
    except NotifyNotConfigured as error:
        raise click.UsageError(str(error)) from None


def outcome_line(outcome: sending.SendOutcome, email: str | None, reference: str | None) -> str:
    if outcome.state == sending.SENDING:
        return f"Sent to {email} (reference {reference})."
    if outcome.state == sending.NOT_CONFIRMED:
        return (f"Not confirmed: {email} (reference {reference}). GOV.UK Notify did not answer in time, so the "
                "email may or may not have gone; it will be checked with Notify before anything sends it again.")
    if outcome.state == sending.SCHEDULED:
        return f"Scheduled for {email}."
    if outcome.state == "already_sent":
        return (f"Not sent again: GOV.UK Notify had taken the earlier email to {email} (reference {reference}) "
                "after all.")
    return f"Not sent to {email}: {outcome.reason or outcome.state}"


def read_recipients(path: str, default: str, already: set[str]):
    data = Path(path).read_bytes() if path != "-" else click.get_binary_stream("stdin").read()
    rows = uploaded_rows(data) if path.lower().endswith(".csv") else pasted_rows(data.decode("utf-8", "replace"))
    if rows is None:
        raise click.UsageError(f"{path} is not a CSV file of text.")
    with force_locale("en_GB"):
        recipients, problems = check_rows(rows, default, already)
    if problems:
        for problem in problems:
            click.echo(f"  line {problem.line}: {problem.text!r}: {problem.reason}", err=True)
        raise click.ClickException(f"{len(problems)} line{'' if len(problems) == 1 else 's'} to correct; "
                                   "nothing was sent.")
    if not recipients:
        raise click.UsageError("no recipients in the file")
    return recipients


def invite_recipients(inspection_ref: str, questionnaire_code: str, path: str, days: int | None,
                      at: str) -> None:
    """The `--recipients` form of `feedback invite`."""
    config = current_app.config
    with get_db().session() as session:
        inspection = find_inspection(session, inspection_ref)
        definition = questionnaires.get(questionnaire_code)
        with force_locale("en_GB"):
            problem = audience_problem(definition, inspection)
        if problem:
            raise click.UsageError(problem)
        recipients = read_recipients(path, default_language(inspection),
                                     sending.invited_emails(session, inspection, questionnaire_code))
        sender = notify_sender() if at == "now" or is_configured(config) else None
        try:
            run = sending.invite_recipients(
                session, inspection, questionnaire_code, recipients, days=days or config["INVITATION_DAYS"],
                at_publication=at == "publication", sender=sender, settings=EmailSettings.from_config(config),
                actor=audit.COMMAND_LINE, now=utcnow(),
            )
        except InvitationError as error:
            raise click.UsageError(str(error)) from None
        finally:
            if sender is not None:
                sender.close()
        for invitation, outcome in zip(run.invitations, run.outcomes, strict=True):
            click.echo(outcome_line(outcome, invitation.email, invitation.notify_reference))
        if run.count(sending.SCHEDULED):
            with force_locale("en_GB"):
                day = format_day(sending.publication_moment(inspection), "en")
            click.echo(f"{run.count(sending.SCHEDULED)} scheduled for the publication date, {day}: "
                       "`feedback worker` sends them.")
        if run.count(sending.REFUSED):
            raise click.ClickException(f"{run.count(sending.REFUSED)} not sent.")


def _selected(session, inspection_ref: str, questionnaire_code: str, invitation_id: int | None,
              email: str | None) -> list[Invitation]:
    inspection = find_inspection(session, inspection_ref)
    query = select(Invitation).where(
        Invitation.inspection_id == inspection.id,
        Invitation.questionnaire_id == questionnaire_row(session, questionnaire_code).id,
    )
    if invitation_id is not None:
        query = query.where(Invitation.id == invitation_id)
    if email is not None:
        query = query.where(Invitation.email == email.strip())
    found = list(session.scalars(query.order_by(Invitation.id)))
    if not found:
        raise click.UsageError("no invitation matches")
    return found


def selection(command):
    command = click.option("--inspection", "inspection_ref", required=True, help="Inspection id or code.")(command)
    command = click.option("--questionnaire", "questionnaire_code", required=True, type=LINKED)(command)
    return command


def one(command):
    command = click.option("--id", "invitation_id", type=int, default=None, help="The invitation's number.")(command)
    command = click.option("--email", default=None, help="The recipient's email address.")(command)
    return command


def pick_one(session, *args) -> Invitation:
    found = _selected(session, *args)
    if len(found) > 1:
        raise click.UsageError("more than one invitation matches: give --id")
    return found[0]


@invitations_group.command("list")
@with_appcontext
@selection
def list_invitations(inspection_ref: str, questionnaire_code: str) -> None:
    """List an inspection's invitations to a questionnaire, with what happened to each."""
    with get_db().read_session() as session:
        for invitation in _selected(session, inspection_ref, questionnaire_code, None, None):
            click.echo("\t".join(str(v) for v in (
                invitation.id, invitation.mode, invitation.recipient_name or "-", invitation.email or "-",
                invitation.language, state_word(invitation), "answered" if invitation.used_at else "-",
                invitation.expires_at.date().isoformat())))


def state_word(invitation: Invitation) -> str:
    if invitation.revoked_at is not None:
        return "withdrawn"
    if invitation.closed_at is not None:
        return "closed"
    return (invitation.email_status or "not emailed").replace("_", " ")


@invitations_group.command("resend")
@with_appcontext
@selection
@one
def resend_invitation(inspection_ref, questionnaire_code, invitation_id, email) -> None:
    """Email an invitation again with a new link; an unconfirmed email is checked with Notify first."""
    sender = notify_sender()
    with sender, get_db().session() as session:
        invitation = pick_one(session, inspection_ref, questionnaire_code, invitation_id, email)
        try:
            outcome = sending.resend(session, invitation, sender, EmailSettings.from_config(current_app.config),
                                     audit.COMMAND_LINE, utcnow())
        except InvitationError as error:
            raise click.UsageError(str(error)) from None
        except NotifyError as error:
            raise click.ClickException(f"Could not check the earlier email with GOV.UK Notify, so nothing was "
                                       f"sent: {error}") from None
        click.echo(outcome_line(outcome, invitation.email, invitation.notify_reference))
        if outcome.state == sending.REFUSED:
            raise click.ClickException("The invitation was not emailed.")


@invitations_group.command("revoke")
@with_appcontext
@selection
@one
def revoke_invitation(inspection_ref, questionnaire_code, invitation_id, email) -> None:
    """Withdraw an invitation: its link stops working."""
    with get_db().session() as session:
        invitation = pick_one(session, inspection_ref, questionnaire_code, invitation_id, email)
        done = sending.revoke(session, invitation, audit.COMMAND_LINE, utcnow())
        click.echo(f"Invitation {invitation.id} {'withdrawn' if done else 'was already withdrawn'}.")


@invitations_group.command("extend")
@with_appcontext
@selection
@one
@click.option("--days", type=int, required=True, help="Days more the link works for.")
def extend_invitation(inspection_ref, questionnaire_code, invitation_id, email, days) -> None:
    """Let an invitation's link work for longer."""
    with get_db().session() as session:
        invitation = pick_one(session, inspection_ref, questionnaire_code, invitation_id, email)
        try:
            until = sending.extend(session, invitation, days, audit.COMMAND_LINE, utcnow())
        except InvitationError as error:
            raise click.UsageError(str(error)) from None
        with force_locale("en_GB"):
            click.echo(f"Invitation {invitation.id} now works until {format_day(until, 'en')}.")


@invitations_group.command("close")
@with_appcontext
@selection
def close(inspection_ref, questionnaire_code) -> None:
    """Close collection: every link of the inspection's questionnaire stops working."""
    with get_db().session() as session:
        inspection = find_inspection(session, inspection_ref)
        closed = sending.close_collection(session, inspection, questionnaire_code, audit.COMMAND_LINE, utcnow())
        click.echo(f"Collection closed; {closed} link{'' if closed == 1 else 's'} stopped working.")


def tracking_data(session, inspection, code: str) -> dict:
    figures = summary(session, inspection, code)
    rate = figures.rate
    named = invitations_page(session, inspection, code, "single", size=10_000)
    return {
        "inspection": inspection.code, "questionnaire": code,
        "invited": figures.invited, "scheduled": figures.scheduled, "sending": figures.sending,
        "delivered": figures.delivered, "failed": figures.failed, "not_confirmed": figures.not_confirmed,
        "opened": figures.opened, "started": figures.started,
        "completed": None if rate.suppressed else figures.completed,
        "response_rate": None if rate.suppressed else rate.percent,
        "suppressed": rate.suppressed, "withdrawn": figures.revoked,
        "shared_links": figures.shared_links,
        "shared_responses": None if figures.shared_suppressed else figures.shared_responses,
        "closed_at": figures.closed_at.isoformat() if figures.closed_at else None,
        "invitations": [
            {"id": i.id, "name": i.recipient_name, "email": i.email, "language": i.language,
             "state": state_word(i), "reason": i.email_error, "reference": i.notify_reference,
             "opened": i.opened_at is not None, "started": i.started_at is not None,
             "completed": i.used_at is not None} for i in named
        ] if not rate.suppressed else [],
    }


@click.command("tracking")
@with_appcontext
@click.option("--inspection", "inspection_ref", required=True, help="Inspection id or code.")
@click.option("--questionnaire", "questionnaire_code", type=LINKED, default=None)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def tracking_command(inspection_ref: str, questionnaire_code: str | None, as_json: bool) -> None:
    """Who was invited, whether the email arrived, who answered, and the response rate."""
    with get_db().read_session() as session:
        inspection = find_inspection(session, inspection_ref)
        with force_locale("en_GB"):
            covered = invitable_questionnaires(inspection)
        codes = [questionnaire_code] if questionnaire_code else [q.code for q in covered]
        data = [tracking_data(session, inspection, code) for code in codes]
    if as_json:
        click.echo(json.dumps(data if not questionnaire_code else data[0], ensure_ascii=False, indent=2))
        return
    for item in data:
        click.echo(f"{item['questionnaire']} for {item['inspection']}"
                   + (f" (closed {item['closed_at'][:10]})" if item["closed_at"] else ""))
        if item["suppressed"]:
            click.echo(f"  invited {item['invited']}; too few responses to show")
        elif item["invited"]:
            click.echo(f"  invited {item['invited']}; delivered {item['delivered']}; failed {item['failed']}; "
                       f"not confirmed {item['not_confirmed']}; opened {item['opened']}; started {item['started']}; "
                       f"completed {item['completed']} of {item['invited']} ({item['response_rate']}%)")
        if item["shared_links"]:
            shared = item["shared_responses"]
            click.echo(f"  shared links {item['shared_links']}; responses "
                       f"{'too few to show' if shared is None else shared}")
        for row in item["invitations"]:
            reason = f" ({row['reason']})" if row["reason"] and row["state"] != "sending" else ""
            click.echo(f"  {row['id']}\t{row['name'] or '-'}\t{row['email']}\t{row['language']}\t"
                       f"{row['state']}{reason}\t{'answered' if row['completed'] else ''}")
