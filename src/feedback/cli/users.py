"""`feedback users ...`: staff accounts from the command line."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from .. import staff
from ..db import get_db
from ..models import STAFF_ROLES

users_group = AppGroup("users", help="Staff accounts.")


@users_group.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(STAFF_ROLES), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def add_user(email: str, role: str, password_stdin: bool) -> None:
    """Create a staff account; the password is asked for, never taken as an argument."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with get_db().session() as session:
        try:
            user = staff.add_user(session, email, role, password, method=current_app.config["PASSWORD_HASH_METHOD"])
        except staff.StaffError as error:
            raise click.UsageError(str(error)) from None
        click.echo(f"Added {user.email} as {user.role}.")


@users_group.command("list")
def list_users() -> None:
    """List staff accounts."""
    with get_db().session() as session:
        for user in staff.list_users(session):
            state = "disabled" if user.disabled_at else "active"
            click.echo(f"{user.email}\t{user.role}\t{state}")


def _user(session, email: str):
    user = staff.find_user(session, email)
    if user is None:
        raise click.UsageError(f"no staff account for {email}")
    return user


def _fail(problems) -> None:
    raise click.UsageError("; ".join(str(message) for message in problems.problems.values()))


@users_group.command("invite")
@click.argument("email")
@click.option("--role", type=click.Choice(STAFF_ROLES), required=True)
@click.option("--send", is_flag=True, help="Email the set-password link through GOV.UK Notify.")
def invite_user(email: str, role: str, send: bool) -> None:
    """Invite a member of staff: print (or email) a set-password link that works once, for 3 days."""
    from flask import current_app

    from ..audit import COMMAND_LINE
    from ..notify import NotifyError, NotifySender
    from ..operations import InputProblems, staff_accounts

    with get_db().session() as session:
        try:
            new = staff_accounts.invite_staff(session, email, role, actor=COMMAND_LINE)
        except InputProblems as problems:
            _fail(problems)
        link = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + new.path()
        if send:
            try:
                with NotifySender.from_config(current_app.config) as sender:
                    staff_accounts.send_staff_invitation(new, sender, current_app.config)
            except NotifyError as error:
                session.rollback()
                raise click.ClickException(f"Not sent, nothing saved: {error}") from None
            click.echo(f"Emailed a set-password link to {new.invitation.email}.")
        else:
            click.echo(f"Set-password link for {new.invitation.email} (works once, for 3 days):\n  {link}")


@users_group.command("role")
@click.argument("email")
@click.argument("role", type=click.Choice(STAFF_ROLES))
def change_role(email: str, role: str) -> None:
    """Give a member of staff another role (the last administrator keeps theirs)."""
    from ..audit import COMMAND_LINE
    from ..operations import InputProblems, staff_accounts

    with get_db().session() as session:
        user = _user(session, email)
        try:
            changed = staff_accounts.change_role(session, user, role, actor=COMMAND_LINE)
        except InputProblems as problems:
            _fail(problems)
        click.echo(f"{user.email} is now {role}." if changed else f"{user.email} is {role} already.")


@users_group.command("deactivate")
@click.argument("email")
@click.option("--undo", is_flag=True, help="Reactivate the account.")
def deactivate_user(email: str, undo: bool) -> None:
    """Stop a member of staff signing in (signing them out everywhere), or let them again."""
    from ..audit import COMMAND_LINE
    from ..operations import InputProblems, staff_accounts

    with get_db().session() as session:
        user = _user(session, email)
        try:
            changed = staff_accounts.set_active(session, user, undo, actor=COMMAND_LINE)
        except InputProblems as problems:
            _fail(problems)
        state = "active" if undo else "deactivated"
        click.echo(f"{user.email} is now {state}." if changed else f"{user.email} was {state} already.")


@users_group.command("reset-factors")
@click.argument("email")
def reset_factors(email: str) -> None:
    """Remove a member of staff's authenticator app, security keys and recovery codes (audited)."""
    from .. import audit
    from ..identity import factors

    with get_db().session() as session:
        user = staff.find_user(session, email)
        if user is None:
            raise click.UsageError(f"no staff account for {email}")
        before = factors.reset(session, user, actor=audit.COMMAND_LINE)
        session.commit()
        click.echo(f"Reset the sign-in methods of {user.email} (authenticator app: "
                   f"{'yes' if before.authenticator_app else 'no'}, security keys: {before.security_keys}); "
                   "they set up a new one at their next sign-in.")
