"""`feedback users ...`: staff accounts from the command line."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from . import get_db, staff
from .models import STAFF_ROLES

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
            user = staff.add_user(session, email, role, password)
        except staff.StaffError as error:
            raise click.UsageError(str(error)) from None
        click.echo(f"Added {user.email} as {user.role}.")


@users_group.command("list")
def list_users() -> None:
    """List staff accounts."""
    from sqlalchemy import select

    from .models import StaffUser

    with get_db().session() as session:
        for user in session.scalars(select(StaffUser).order_by(StaffUser.email)):
            state = "disabled" if user.disabled_at else "active"
            click.echo(f"{user.email}\t{user.role}\t{state}")


@users_group.command("reset-factors")
@click.argument("email")
def reset_factors(email: str) -> None:
    """Remove a member of staff's authenticator app, security keys and recovery codes (audited)."""
    from . import audit
    from .identity import factors

    with get_db().session() as session:
        user = staff.find_user(session, email)
        if user is None:
            raise click.UsageError(f"no staff account for {email}")
        before = factors.reset(session, user, actor=audit.COMMAND_LINE)
        session.commit()
        click.echo(f"Reset the sign-in methods of {user.email} (authenticator app: "
                   f"{'yes' if before.authenticator_app else 'no'}, security keys: {before.security_keys}); "
                   "they set up a new one at their next sign-in.")
