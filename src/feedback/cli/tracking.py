"""`feedback tracking`: who was invited, whether the email arrived, who answered, the response rate."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from ..db import get_db
from ..invitations import invitable_questionnaires
from ..operations.tracking import tracking_report
from .common import find_inspection
from .invitations import LINKED


@click.command("tracking")
@with_appcontext
@click.option("--inspection", "inspection_ref", required=True, help="Inspection id or code.")
@click.option("--questionnaire", "questionnaire_code", type=LINKED, default=None)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def tracking_command(inspection_ref: str, questionnaire_code: str | None, as_json: bool) -> None:
    """Who was invited, whether the email arrived, who answered, and the response rate."""
    with get_db().read_session() as session:
        inspection = find_inspection(session, inspection_ref)
        with force_locale("en_GB"):
            covered = invitable_questionnaires(inspection)
        codes = [questionnaire_code] if questionnaire_code else [q.code for q in covered]
        data = [tracking_report(session, inspection, code) for code in codes]
    if as_json:
        click.echo(json.dumps(data if not questionnaire_code else data[0], ensure_ascii=False, indent=2))
        return
    for item in data:
        click.echo(f"{item['questionnaire']} for {item['inspection']}"
                   + (f" (closed {item['closed_at'][:10]})" if item["closed_at"] else ""))
        if item["suppressed"]:
            click.echo(f"  invited {item['invited']}; too few responses to show")
        elif item["invited"]:
            click.echo(f"  invited {item['invited']}; delivered {item['delivered']}; failed {item['failed']}; "
                       f"not confirmed {item['not_confirmed']}; opened {item['opened']}; started {item['started']}; "
                       f"completed {item['completed']} of {item['invited']} ({item['response_rate']}%)")
        if item["shared_links"]:
            shared = item["shared_responses"]
            click.echo(f"  shared links {item['shared_links']}; responses "
                       f"{'too few to show' if shared is None else shared}")
        for row in item["invitations"]:
            reason = f" ({row['reason']})" if row["reason"] and row["state"] != "sending" else ""
            click.echo(f"  {row['id']}\t{row['name'] or '-'}\t{row['email']}\t{row['language']}\t"
                       f"{row['state']}{reason}\t{'answered' if row['completed'] else ''}")
