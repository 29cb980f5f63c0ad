"""`feedback worker`: run the jobs of feedback.jobs until stopped, or once."""

from __future__ import annotations

import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from ..jobs import jobs_for
from ..worker import describe_error, run_once, start, stop_on_signals, wait_for


@click.command("worker")
@with_appcontext
@click.option("--once", is_flag=True, help="Do what is due now, each job until it finds nothing, then exit.")
@click.option("--interval", type=float, default=None,
              help="Seconds between rounds of scheduled emails (default WORKER_INTERVAL, 30).")
@click.option("--slack-threads", type=click.IntRange(1, 16), default=2, show_default=True,
              help="Slack requests answered at once (run more workers to use more CPUs).")
def worker_command(once: bool, interval: float | None, slack_threads: int) -> None:
    """Answer Slack, send alerts, count responses, and send scheduled emails and reminders."""
    app = current_app._get_current_object()
    found = jobs_for(app, email_every=interval, slack_threads=slack_threads, say=click.echo if once else None)
    for reason in found.off:
        click.echo(reason, err=True)
    if once:
        failed = run_once(found.jobs)
        if failed:
            raise click.ClickException("; ".join(f"the {name} job failed: {describe_error(error)}"
                                                  for name, error in failed))
        return
    stop = threading.Event()
    stop_on_signals(stop, lambda line: click.echo(line, err=True))
    click.echo(f"Worker running: {', '.join(job.name for job in found.jobs)} (stop with Ctrl+C).", err=True)
    wait_for(start(found.jobs, stop))
