"""`feedback inspections ...`: list, add and change inspections; thin callers of feedback.operations."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from .. import audit
from ..db import get_db
from ..operations import InputProblems
from ..operations import inspections as inspection_ops
from .common import day, fail

inspections_group = AppGroup("inspections", help="Inspections.")


@inspections_group.command("list")
@click.option("--programme", default="")
@click.option("--region", default="")
@click.option("--year", type=int, default=None, help="Business year by its first year: 2011 for 2011-12.")
@click.option("--status", type=click.Choice(inspection_ops.STATUSES), default=None)
@click.option("--search", default="")
def inspections_list(programme, region, year, status, search) -> None:
    """List inspections: code, programme, fieldwork, publication, status."""
    today = date.today()
    filters = inspection_ops.InspectionFilters(programme=programme.upper(), region=region, year=year,
                                               status=status or "", search=search)
    with get_db().session() as session:
        page_number = 1
        while True:
            page = inspection_ops.list_inspections(session, filters, today, page=page_number, per_page=500)
            for i in page.inspections:
                click.echo(f"{i.code}\t{i.programme.code}\t{i.fieldwork_start}\t{i.fieldwork_end}\t"
                           f"{i.published_on or ''}\t{inspection_ops.status_of(i, today)}\t{i.display_name('en')}")
            if page_number >= page.pages:
                break
            page_number += 1


def _inspection_options(command):
    for option in reversed((
        click.option("--programme", default=None),
        click.option("--organisation", default=None, help="Organisation code (none for a thematic)."),
        click.option("--start", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Fieldwork begins."),
        click.option("--end", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Fieldwork ends."),
        click.option("--published", default=None, help="Publication date, YYYY-MM-DD ('' for none)."),
        click.option("--title", default=None),
        click.option("--title-cy", default=None),
    )):
        command = option(command)
    return command


@inspections_group.command("add")
@_inspection_options
@click.option("--code", default="", help="A code of your own (default: made from the programme and organisation).")
def inspections_add(programme, organisation, start, end, published, title, title_cy, code) -> None:
    """Add an inspection."""
    details = inspection_ops.InspectionDetails(
        programme=programme or "", organisation=organisation or "",
        fieldwork_start=start.date() if start else None, fieldwork_end=end.date() if end else None,
        published_on=day(published), title=title or "", title_cy=title_cy or "", code=code)
    with get_db().session() as session:
        try:
            inspection = inspection_ops.add_inspection(session, details, actor=audit.COMMAND_LINE)
        except InputProblems as problems:
            fail(problems)
        click.echo(f"Added {inspection.code}.")


@inspections_group.command("edit")
@click.argument("code")
@_inspection_options
@click.option("--closed/--open", "closed", default=None, help="Close collection, or open it again.")
def inspections_edit(code, programme, organisation, start, end, published, title, title_cy, closed) -> None:
    """Change an inspection: only the options given change."""
    with get_db().session() as session:
        inspection = inspection_ops.find_inspection(session, code)
        if inspection is None:
            raise click.UsageError(f"no inspection with code {code!r}")
        details = inspection_ops.InspectionDetails(
            programme=programme or inspection.programme.code,
            organisation=(inspection.organisation.code if inspection.organisation else "") if organisation is None else organisation,
            fieldwork_start=start.date() if start else inspection.fieldwork_start,
            fieldwork_end=end.date() if end else inspection.fieldwork_end,
            published_on=inspection.published_on if published is None else day(published),
            title=(inspection.title or "") if title is None else title,
            title_cy=(inspection.title_cy or "") if title_cy is None else title_cy,
        )
        try:
            changes = inspection_ops.edit_inspection(session, inspection, details, actor=audit.COMMAND_LINE)
        except InputProblems as problems:
            fail(problems)
        if closed is not None:
            if inspection_ops.set_closed(session, inspection, closed, actor=audit.COMMAND_LINE):
                changes["closed"] = (not closed, closed)
        click.echo(f"Changed {', '.join(changes)} of {code}." if changes else "Nothing to change.")
