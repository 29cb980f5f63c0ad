"""`feedback questionnaires`: the questionnaires as declared, their versions and questions."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from .. import questionnaires


@click.command("questionnaires")
@with_appcontext
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def list_questionnaires(as_json: bool) -> None:
    """List the questionnaires, their versions and their questions."""
    with force_locale("en_GB"):
        snapshots = [q.snapshot() for q in questionnaires.ALL]
    if as_json:
        click.echo(json.dumps(snapshots, ensure_ascii=False, indent=2))
        return
    for snapshot in snapshots:
        click.echo(f"{snapshot['code']} (version {snapshot['version']}): {snapshot['title']}")
        for question in snapshot["questions"]:
            condition = question["asked_if"]
            asked = f" [asked if {condition['question']} = {', '.join(condition['answers'])}]" if condition else ""
            click.echo(f"  {question['code']:<28} {question['scale']:<24} {question['text']}{asked}")
