"""`feedback organisations|inspections|programme|audit ...`: thin callers of feedback.operations."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext

from .. import audit, get_db
from ..operations import InputProblems, programme_import
from ..operations import audit_log as audit_log_ops
from ..operations import inspections as inspection_ops
from ..operations import organisations as organisation_ops
from ..operations.spreadsheet_files import FileProblem
from ..spreadsheets import csv_rows

organisations_group = AppGroup("organisations", help="Organisations inspected.")
inspections_group = AppGroup("inspections", help="Inspections.")
programme_group = AppGroup("programme", help="Import the inspection programme from a CSV or ODS file.")


def fail(problems: InputProblems) -> None:
    raise click.UsageError("; ".join(f"{field}: {message}" for field, message in problems.problems.items()))


def _organisation(session, code: str):
    found = organisation_ops.find_organisation(session, code)
    if found is None:
        raise click.UsageError(f"no organisation with code {code!r}")
    return found


@organisations_group.command("list")
@click.option("--search", default="")
@click.option("--retired", is_flag=True, help="Include retired organisations.")
def organisations_list(search: str, retired: bool) -> None:
    """List organisations: code, name, kind, region, language."""
    with get_db().session() as session:
        for o in organisation_ops.list_organisations(session, search, include_retired=retired):
            state = "\tretired" if o.retired_at else ""
            click.echo(f"{o.code}\t{o.name}\t{o.kind}\t{o.region_code}\t{o.language_preference}{state}")


def _organisation_options(command):
    for option in reversed((
        click.option("--name", default=None, help="Name in English."),
        click.option("--name-cy", default=None, help="Name in Welsh."),
        click.option("--kind", default=None, help="probation_trust, yot, prison or other."),
        click.option("--region", default=None, help="Region code, e.g. wales, london."),
        click.option("--language", default=None, help="en, cy or both (default: both in Wales, else en)."),
    )):
        command = option(command)
    return command


@organisations_group.command("add")
@_organisation_options
@click.option("--code", default="", help="A code of your own (default: made from the name).")
def organisations_add(name, name_cy, kind, region, language, code) -> None:
    """Add an organisation."""
    with get_db().session() as session:
        try:
            organisation = organisation_ops.add_organisation(session, organisation_ops.OrganisationDetails(
                name=name or "", name_cy=name_cy or "", kind=kind or "", region=region or "",
                language=language or "", code=code), actor=audit.COMMAND_LINE)
        except InputProblems as problems:
            fail(problems)
        click.echo(f"Added {organisation.code}.")


@organisations_group.command("edit")
@click.argument("code")
@_organisation_options
def organisations_edit(code, name, name_cy, kind, region, language) -> None:
    """Change an organisation: only the options given change."""
    with get_db().session() as session:
        organisation = _organisation(session, code)
        details = organisation_ops.OrganisationDetails(
            name=organisation.name if name is None else name,
            name_cy=(organisation.name_cy or "") if name_cy is None else name_cy,
            kind=organisation.kind if kind is None else kind,
            region=organisation.region_code if region is None else region,
            language=organisation.language_preference if language is None else language,
        )
        try:
            changes = organisation_ops.edit_organisation(session, organisation, details, actor=audit.COMMAND_LINE)
        except InputProblems as problems:
            fail(problems)
        click.echo(f"Changed {', '.join(changes)} of {code}." if changes else "Nothing to change.")


@organisations_group.command("retire")
@click.argument("code")
@click.option("--undo", is_flag=True, help="Reinstate a retired organisation.")
def organisations_retire(code: str, undo: bool) -> None:
    """Retire an organisation (its inspections and results are kept), or reinstate it."""
    with get_db().session() as session:
        organisation = _organisation(session, code)
        if undo:
            done = organisation_ops.reinstate_organisation(session, organisation, actor=audit.COMMAND_LINE)
            click.echo(f"Reinstated {code}." if done else f"{code} was not retired.")
        else:
            done = organisation_ops.retire_organisation(session, organisation, actor=audit.COMMAND_LINE)
            click.echo(f"Retired {code}." if done else f"{code} was retired already.")


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


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise click.UsageError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


@inspections_group.command("add")
@_inspection_options
@click.option("--code", default="", help="A code of your own (default: made from the programme and organisation).")
def inspections_add(programme, organisation, start, end, published, title, title_cy, code) -> None:
    """Add an inspection."""
    details = inspection_ops.InspectionDetails(
        programme=programme or "", organisation=organisation or "",
        fieldwork_start=start.date() if start else None, fieldwork_end=end.date() if end else None,
        published_on=_day(published), title=title or "", title_cy=title_cy or "", code=code)
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
            published_on=inspection.published_on if published is None else _day(published),
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


@programme_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Say what would change, and change nothing.")
def programme_import_command(path: Path, dry_run: bool) -> None:
    """Import organisations and inspections from a CSV or ODS file (nothing if any row is wrong)."""
    content = path.read_bytes()
    with get_db().session() as session:
        try:
            if dry_run:
                plan = programme_import.preview_programme(session, path.name, content, actor=audit.COMMAND_LINE)
            else:
                plan = programme_import.import_programme(session, path.name, content, actor=audit.COMMAND_LINE)
        except FileProblem as problem:
            raise click.UsageError(str(problem.message)) from None
    for outcome in plan.outcomes:
        parts = []
        if outcome.organisation_action:
            parts.append(f"organisation {outcome.organisation}: {outcome.organisation_action}")
        if outcome.inspection_action:
            parts.append(f"inspection {outcome.inspection}: {outcome.inspection_action}")
        click.echo(f"row {outcome.row}: " + "; ".join(parts))
    for problem in plan.problems:
        click.echo(f"row {problem.row}, {problem.column}: {problem.message}", err=True)
    summary = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in plan.summary().items())
    if not plan.ok:
        click.echo(f"Nothing imported: {len(plan.problems)} problems.", err=True)
        sys.exit(1)
    click.echo(("Would import: " if dry_run else "Imported: ") + summary)


@programme_group.command("template")
@click.option("--format", "fmt", type=click.Choice(["csv", "ods"]), default="csv")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
def programme_template(fmt: str, output: Path | None) -> None:
    """Write the programme file template (CSV to standard output unless --output)."""
    content = programme_import.template_ods() if fmt == "ods" else programme_import.template_csv().encode("utf-8")
    if output is None:
        if fmt == "ods":
            raise click.UsageError("an ODS template needs --output FILE")
        click.echo(content.decode("utf-8"), nl=False)
    else:
        output.write_bytes(content)
        click.echo(f"Wrote {output}.")


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
    filters = audit_log_ops.AuditFilters(action=action, actor=actor, date_from=_day(since), date_to=_day(until))
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
