"""The `feedback` command (also `flask --app feedback ...`): one module per command group.

Each module is a thin caller of the domain modules, which the web views and the Slack bot call
too; nothing outside this package imports it, except the factory that registers the commands.
"""

from __future__ import annotations

from flask import Flask
from flask.cli import FlaskGroup

from .api_tokens import api_tokens_group
from .audit import audit_command
from .check_config import check_config
from .counts import counts_group
from .db import db_group
from .demo import demo
from .export import export_command
from .inspections import inspections_group
from .invitations import invitations_group, invite, reminders
from .kiosk import kiosk_group
from .organisations import organisations_group
from .programme import programme_group
from .purge import purge_command
from .questionnaires import list_questionnaires
from .results import results_command
from .slack import digest_command, slack_group
from .tracking import tracking_command
from .translate import translate_group
from .users import users_group
from .worker import worker_command

ALL_COMMANDS = (
    db_group, translate_group, invite, reminders, list_questionnaires, demo, users_group,
    check_config, purge_command, counts_group, export_command, results_command, kiosk_group,
    api_tokens_group, digest_command, slack_group, organisations_group, inspections_group,
    programme_group, audit_command, invitations_group, tracking_command, worker_command,
)


def register_commands(app: Flask) -> None:
    for command in ALL_COMMANDS:
        app.cli.add_command(command)


def main() -> None:
    from .. import create_app

    group = FlaskGroup(create_app=create_app, help="Feedback on HM Inspectorate of Probation inspections.")
    # Checked before the application is built, so it still answers when the service refuses to start.
    group.add_command(check_config)
    group()
