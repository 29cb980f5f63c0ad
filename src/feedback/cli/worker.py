"""`feedback worker`: run the scheduled jobs of feedback.worker until stopped, or once."""

from __future__ import annotations

import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from ..notify import NotifyError, is_configured
from ..worker import DEFAULT_INTERVAL, describe, logger, loop, run_due_jobs


@click.command("worker")
@with_appcontext
@click.option("--once", is_flag=True, help="Run what is due once and exit (for tests and cron).")
@click.option("--interval", type=float, default=None, help="Seconds between rounds (default 30).")
def worker_command(once: bool, interval: float | None) -> None:
    """Send scheduled invitations and reminders, and settle unconfirmed emails, as they fall due."""
    config = current_app.config
    if not is_configured(config):
        click.echo("GOV.UK Notify is not configured (NOTIFY_API_KEY is empty): no emails to send.", err=True)
        if once:
            return
    app = current_app._get_current_object()

    def job() -> None:
        with app.app_context():
            run = run_due_jobs(app.config)
        if run is not None:
            for line in describe(run):
                logger.info(line)
                if once:
                    click.echo(line)

    if once:
        try:
            with app.app_context():
                run = run_due_jobs(config)
        except NotifyError as error:
            raise click.ClickException(str(error)) from None
        if run is not None:
            for line in describe(run):
                click.echo(line)
        return
    stop = threading.Event()
    seconds = interval or float(config.get("WORKER_INTERVAL", DEFAULT_INTERVAL))
    click.echo(f"Worker running every {seconds:g} s (stop with Ctrl+C).", err=True)
    try:
        loop(job, seconds, stop)
    except KeyboardInterrupt:
        stop.set()
