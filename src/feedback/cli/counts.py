"""`feedback counts`: see and count the responses not yet in answer_counts."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from .. import counting
from ..db import get_db

counts_group = AppGroup("counts", help="The answer counts results are read from.")


@counts_group.command("status")
def status() -> None:
    """Say how many stored responses are waiting to be counted."""
    with get_db().read_session() as session:
        waiting = counting.waiting_count(session)
    click.echo(f"{waiting:,} responses waiting to be counted.")


@counts_group.command("catch-up")
def catch_up() -> None:
    """Count every response waiting to be counted (results include them meanwhile)."""
    database = get_db()
    with database.read_session() as session:
        waiting = counting.waiting_count(session)
    with database.session() as session, click.progressbar(
            length=waiting, label=f"Counting {waiting:,} responses", file=sys.stderr) as bar:
        counted = counting.count_all_waiting(session, progress=bar.update)
    click.echo(f"Counted {counted:,} responses into answer_counts.")
