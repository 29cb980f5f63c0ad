"""`feedback api-tokens ...`: tokens for the results API, from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..api_tokens import ApiTokenError, add_token, list_tokens, revoke_token
from ..clock import as_utc, utcnow
from ..db import get_db

api_tokens_group = AppGroup("api-tokens", help="Tokens for the results API (GET /api/v1/results).")


def _when(moment) -> str:
    return as_utc(moment).strftime("%Y-%m-%d %H:%M UTC") if moment is not None else "-"


@api_tokens_group.command("add")
@click.argument("name")
@click.option("--expires", "days", type=click.IntRange(1, 3650), default=None,
              help="Days the token works for (1 to 3650; default: until revoked).")
def add(name: str, days: int | None) -> None:
    """Make a token called NAME and print it, once: only its hash is kept."""
    with get_db().session() as session:
        try:
            new = add_token(session, name, days)
        except ApiTokenError as error:
            raise click.UsageError(str(error)) from None
        expires = new.record.expires_at
    click.echo(new.token)
    click.echo(
        f"Token {new.record.name!r} works "
        f"{'until ' + _when(expires) if expires else 'until revoked'}. "
        "Send it as 'Authorization: Bearer TOKEN'. It is not shown again.",
        err=True,
    )


@api_tokens_group.command("revoke")
@click.argument("name")
def revoke(name: str) -> None:
    """Stop the token called NAME from working."""
    with get_db().session() as session:
        try:
            record = revoke_token(session, name)
        except ApiTokenError as error:
            raise click.UsageError(str(error)) from None
        click.echo(f"Revoked {record.name!r}.")


@api_tokens_group.command("list")
def list_command() -> None:
    """List tokens by name, with when each expires and was last used (never the token)."""
    now = utcnow()
    with get_db().session() as session:
        for record in list_tokens(session):
            if record.revoked_at is not None:
                state = f"revoked {_when(record.revoked_at)}"
            elif record.expires_at is not None and as_utc(record.expires_at) <= now:
                state = f"expired {_when(record.expires_at)}"
            else:
                state = f"expires {_when(record.expires_at)}" if record.expires_at else "no expiry"
            click.echo(f"{record.name}\t{state}\tlast used {_when(record.last_used_at)}")
