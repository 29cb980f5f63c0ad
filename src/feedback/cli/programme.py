"""`feedback programme ...`: import the inspection programme from a file, or write its template."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from .. import audit
from ..db import get_db
from ..operations import programme_import
from ..operations.spreadsheet_files import FileProblem

programme_group = AppGroup("programme", help="Import the inspection programme from a CSV or ODS file.")


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
