"""`feedback export`: the dashboard's files from the command line, logged like downloads."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from .. import exports, questionnaires, staff
from ..clock import utcnow
from ..db import get_db
from ..results import FilterError, PeriodError
from ..results.lookup import find_results, read_filters
from ..results.query import load_scope
from ..roles import EXPORT_RESPONSES
from ..spreadsheets import csv_rows, ods_chunks


@click.command("export")
@with_appcontext
@click.option("--questionnaire", "code", required=True, type=click.Choice([q.code for q in questionnaires.ALL]))
@click.option("--period", default=None, help="2011-12, 2011-12-Q1, 2011-06 or 2011-04-01..2011-06-30.")
@click.option("--programme", default=None)
@click.option("--region", default=None)
@click.option("--inspection", default=None)
@click.option("--format", "fmt", type=click.Choice(["csv", "ods"]), default="csv")
@click.option("--responses", is_flag=True, help="One row a response (admins only) instead of the results.")
@click.option("--staff-email", required=True, help="The member of staff the export is logged against.")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="File to write (default: standard output for CSV).")
def export_command(code, period, programme, region, inspection, fmt, responses, staff_email, output) -> None:
    """Write a questionnaire's results (or, for admins, its responses) as CSV or ODS."""
    try:
        filters = read_filters(period=period, programme=programme, region=region, inspection=inspection)
    except (PeriodError, FilterError) as error:
        raise click.UsageError(str(error)) from None
    if fmt == "ods" and output is None:
        raise click.UsageError("an ODS file needs --output")
    definition = questionnaires.get(code)
    with get_db().session() as session:
        user = staff.find_user(session, staff_email)
        if user is None or user.disabled_at is not None:
            raise click.UsageError(f"no active staff account {staff_email!r}")
        if responses and not user.may(EXPORT_RESPONSES):
            raise click.UsageError("only admins can export responses")
        if responses:
            scope = load_scope(session, definition)
            total, up_to_id = exports.count_responses(session, scope, filters)
            columns = exports.response_columns(session, definition)
            header = exports.responses_header(columns)
            rows = exports.response_rows(session, scope, columns, filters, up_to_id)
            kind = "responses"
        else:
            found = find_results(session, code, filters, viewer="staff")
            rows = list(exports.results_rows(definition, found))
            header, total, kind = exports.RESULTS_HEADER, len(rows), "results"
        exports.log_export(session, user.id, kind, code, fmt, filters, total, utcnow())
        session.commit()
        if fmt == "ods":
            with open(output, "wb") as handle:
                for chunk in ods_chunks([(kind, header, rows)]):
                    handle.write(chunk)
        else:
            handle = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
            try:
                with click.progressbar(length=total, label=f"Exporting {total:,} rows", file=sys.stderr) as bar:
                    for line in csv_rows(header, _counted(rows, bar)):
                        handle.write(line)
            finally:
                if output:
                    handle.close()
    if output:
        click.echo(f"Wrote {total:,} {kind} rows to {output}.", err=True)


def _counted(rows, bar):
    for row in rows:
        bar.update(1)
        yield row
