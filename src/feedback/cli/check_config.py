"""`feedback check-config`: say what is wrong with the configuration, without starting the service."""

from __future__ import annotations

import click

from ..config import Config


@click.command("check-config")
def check_config() -> None:
    """Check the configuration read from the environment; exit 1 if it is unsafe."""
    config = Config.from_env()
    problems = config.problems()
    click.echo(f"Environment: {config.ENVIRONMENT}")
    click.echo(f"Database: {config.DATABASE_URL.split('://', 1)[0]}")
    click.echo(f"Slack: {'configured' if config.SLACK_BOT_TOKEN else 'not configured'}")
    click.echo(f"GOV.UK Notify: {'configured' if config.NOTIFY_API_KEY else 'not configured'}")
    if not problems:
        click.echo("No problems found.")
        return
    for problem in problems:
        click.echo(f"Problem: {problem}", err=True)
    raise SystemExit(1)
