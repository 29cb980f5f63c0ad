"""`feedback organisations ...`: the organisations inspected; thin callers of feedback.operations."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from .. import audit
from ..db import get_db
from ..operations import InputProblems
from ..operations import organisations as organisation_ops
from .common import fail

organisations_group = AppGroup("organisations", help="Organisations inspected.")


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
