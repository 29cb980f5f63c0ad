"""`feedback purge`: apply the retention policy (run daily from cron or a systemd timer)."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from ..db import get_db
from ..retention import PURGE_STEPS, RetentionPolicy, purge


@click.command("purge")
@with_appcontext
def purge_command() -> None:
    """Blank old free text; delete old drafts, finished invitations, audit events and uploads."""
    config = current_app.config
    policy = RetentionPolicy(
        comment_days=config["COMMENT_RETENTION_DAYS"],
        draft_hours=config["DRAFT_HOURS"],
        invitation_days=config["INVITATION_RETENTION_DAYS"],
        audit_days=config["AUDIT_RETENTION_DAYS"],
    )
    with get_db().session() as session, click.progressbar(
            length=PURGE_STEPS, label="Applying the retention policy", file=sys.stderr) as bar:
        report = purge(session, policy, progress=bar.update)
    click.echo(
        f"Blanked {report.comments_blanked} comments older than {policy.comment_days} days; "
        f"deleted {report.drafts_deleted} drafts, {report.invitations_deleted} finished invitations, "
        f"{report.audit_events_deleted} audit events older than {policy.audit_days} days "
        f"and {report.uploads_deleted} programme files uploaded for a preview."
    )
