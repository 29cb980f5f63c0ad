"""`feedback audit`: read the audit log, or write it out as CSV."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..db import get_db
from ..operations import audit_log as audit_log_ops
from ..spreadsheets import csv_rows
from .common import day


@click.command("audit")
@with_appcontext
@click.option("--action", default="")
@click.option("--actor", default="", help="An email address, or 'command line'.")
@click.option("--since", default=None, help="First UK day, YYYY-MM-DD.")
@click.option("--until", default=None, help="Last UK day, YYYY-MM-DD.")
@click.option("--csv", "as_csv", is_flag=True, help="Write every matching event as CSV.")
@click.option("--limit", type=int, default=50, help="How many events to list (not with --csv).")
def audit_command(action, actor, since, until, as_csv, limit) -> None:
    """Read the audit log, newest first (or all of it as CSV, oldest first)."""
    filters = audit_log_ops.AuditFilters(action=action, actor=actor, date_from=day(since), date_to=day(until))
    with get_db().read_session() as session:
        if as_csv:
            for line in csv_rows(audit_log_ops.CSV_HEADER, audit_log_ops.csv_rows(session, filters)):
                click.echo(line, nl=False)
            return
        page = audit_log_ops.find_events(session, filters, per_page=limit)
        for event in page.events:
            subject = f"{event.subject_type or ''} {event.subject_id or ''}".strip()
            click.echo(f"{event.at:%Y-%m-%d %H:%M:%S}\t{event.actor}\t{event.action}\t{subject}\t{event.detail}")
        click.echo(f"{len(page.events)} of {page.total} events.", err=True)
