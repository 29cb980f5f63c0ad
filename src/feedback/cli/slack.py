"""`feedback digest`, `feedback slack send-alerts` and `feedback slack worker`: thin callers of feedback.slack.

slack-sdk is imported only when something is posted. The digest is meant for cron or a systemd
timer (docs/slack.md), weekly. `feedback worker` (feedback.jobs) sends the alerts and answers
/feedback all the time, beside gunicorn; `send-alerts` and `slack worker` do one of its jobs
alone, by hand or for a test. Their own output is for operators, in English.
"""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from .. import jobs
from ..clock import utcnow
from ..i18n import format_day
from ..results import PeriodError, parse_period
from ..slack import alerts, digest

LANGUAGE_NAMES = {"en": "English", "cy": "Welsh"}
DIGEST_LANGUAGES = ("en", "cy", "both")

slack_group = AppGroup("slack", help="Slack: answer /feedback, send the alerts waiting in the outbox.")


def _languages(choice: str) -> list[str]:
    return ["en", "cy"] if choice == "both" else [choice]


def _configured_language(config) -> str:
    language = (config.get("SLACK_DIGEST_LANGUAGE") or "en").strip().lower()
    if language not in DIGEST_LANGUAGES:
        raise click.UsageError(f"SLACK_DIGEST_LANGUAGE is {language!r}: use en, cy or both.")
    return language


def _require_slack(config, what: str) -> None:
    if not config.get("SLACK_BOT_TOKEN"):
        raise click.UsageError(f"Slack is not configured (SLACK_BOT_TOKEN is empty), so {what}.")


@click.command("digest")
@with_appcontext
@click.option("--period", "period_text", default="last-week", show_default=True,
              help="last-week, last-month, this-year, last-year, or a period as `feedback results` "
                   "reads it: 2011-12, 2011-12-Q1, 2011-06, 2011-04-01..2011-06-30.")
@click.option("--channel", default=None, help="Slack channel id (default: SLACK_DIGEST_CHANNEL).")
@click.option("--language", type=click.Choice(DIGEST_LANGUAGES), default=None,
              help="English, Welsh or both, as separate messages (default: SLACK_DIGEST_LANGUAGE).")
@click.option("--dry-run", is_flag=True, help="Print the digest instead of posting it.")
@click.option("--json", "as_json", is_flag=True, help="With --dry-run, print the Block Kit payload as JSON.")
@click.option("--force", is_flag=True, help="Post again even if this period's digest was posted to the channel.")
def digest_command(period_text: str, channel: str | None, language: str | None, dry_run: bool,
                   as_json: bool, force: bool) -> None:
    """Build the Slack digest of the satisfaction figures and post it once a period and channel."""
    config = current_app.config
    now = utcnow()
    today = digest.uk_today(now)
    try:
        period = digest.named_period(period_text, today) or parse_period(period_text)
    except PeriodError as error:
        raise click.BadParameter(str(error), param_hint="--period") from None
    languages = _languages(language or _configured_language(config))
    channel = channel or config.get("SLACK_DIGEST_CHANNEL") or None
    base_url = config["PUBLIC_BASE_URL"]
    database = current_app.extensions["database"]

    if dry_run:
        with database.session() as session:
            for code in languages:
                since = digest.last_digest_day(session, channel, code, other_than=period.code) if channel else None
                message = digest.render(digest.collect(session, period, since, today), code, base_url)
                click.echo(json.dumps(message.payload(), ensure_ascii=False, indent=2) if as_json else message.text)
                click.echo()
        click.echo(f"Dry run: nothing posted ({period.label}, {', '.join(languages)}).", err=True)
        return

    from ..slack.posting import OutcomeUnknown, Poster, SlackPostError, client_from_config

    _require_slack(config, "the digest cannot be posted (try --dry-run)")
    if not channel:
        raise click.UsageError("Say which channel: --channel C0123456789, or set SLACK_DIGEST_CHANNEL.")
    poster = Poster(client_from_config(config))
    for code in languages:
        name = LANGUAGE_NAMES[code]
        what = f"The {name} digest for {period.label}"
        try:
            outcome = digest.post_digest(database.session, poster, period, channel, code, base_url, now, force)
        except OutcomeUnknown as error:
            if error.method == "chat.postMessage":
                raise click.ClickException(
                    f"{what} may have been posted to {channel}, but Slack's reply was lost ({error.error}). "
                    "It is recorded as unconfirmed: the next run looks for it in the channel before posting again."
                ) from None
            raise click.ClickException(
                f"{what} may already be in {channel}, and Slack could not be asked ({error}). "
                "Nothing was posted; the next run looks again."
            ) from None
        except SlackPostError as error:
            if error.method == "conversations.history":
                raise click.ClickException(
                    f"{what} may already be in {channel}, and Slack could not say ({error}). "
                    "Nothing was posted; the next run looks again."
                ) from None
            raise click.ClickException(
                f"{what} was not posted: {error}. Nothing was recorded, so the next run tries again."
            ) from None
        if outcome.found:
            click.echo(f"{what} was already in {channel} (message {outcome.message_ts}): an earlier run "
                       "posted it but lost Slack's reply. Recorded it; nothing posted.")
        elif outcome.busy:
            click.echo(f"{what} is being posted to {channel} by another run now; nothing done.")
        elif outcome.posted:
            click.echo(f"Posted the {name} digest for {period.label} to {channel} (message {outcome.message_ts}).")
        else:
            when = format_day(outcome.posted_at, "en") if outcome.posted_at else "an earlier run"
            click.echo(f"{what} was already posted to {channel} on {when}; --force posts it again.")


@slack_group.command("send-alerts")
@click.option("--max-attempts", type=click.IntRange(1, 50), default=alerts.DEFAULT_MAX_ATTEMPTS,
              show_default=True, help="Give up on an alert after this many failed attempts.")
@click.option("--limit", type=click.IntRange(1, 1000), default=100, show_default=True,
              help="Send at most this many alerts in one run.")
def send_alerts_command(max_attempts: int, limit: int) -> None:
    """Post the alerts waiting in the outbox to SLACK_DIGEST_CHANNEL (`feedback worker` does it too)."""
    from ..slack.posting import Poster, client_from_config

    config = current_app.config
    _require_slack(config, "alerts stay in the outbox until it is")
    channel = config.get("SLACK_DIGEST_CHANNEL")
    if not channel:
        raise click.UsageError("SLACK_DIGEST_CHANNEL is empty: alerts go to the team channel it names.")
    _configured_language(config)
    poster = Poster(client_from_config(config))
    report = jobs.send_alerts(current_app._get_current_object(), poster, max_attempts=max_attempts, limit=limit)
    click.echo(f"Sent {len(report.sent)} alert{'' if len(report.sent) == 1 else 's'}.")
    if report.found:
        click.echo(f"Found {_ids(report.found)} in {channel} already (an earlier run lost Slack's reply): "
                   "recorded, not posted again.")
    for item_id, reason in report.failed:
        click.echo(f"Alert {item_id} not sent ({reason}); it will be tried again.", err=True)
    for item_id, reason in report.abandoned:
        click.echo(f"Alert {item_id} given up after repeated failures: {reason}", err=True)
    if report.unconfirmed:
        reason = report.unconfirmed[0][1]
        raise click.ClickException(
            f"{_ids([i for i, _ in report.unconfirmed]).capitalize()} may be in {channel}, but Slack's reply "
            f"was lost or could not be had ({reason}). Recorded as unconfirmed: the next run looks in the "
            "channel before posting again.")
    if report.abandoned:
        raise click.ClickException(f"{len(report.abandoned)} alert(s) could not be sent; see slack_outbox.last_error.")


def _ids(ids: list[int]) -> str:
    return ("alert " if len(ids) == 1 else "alerts ") + ", ".join(str(i) for i in ids)


@slack_group.command("worker")
@click.option("--threads", type=click.IntRange(1, 16), default=2, show_default=True,
              help="Requests answered at once in this process (run more processes to use more CPUs).")
@click.option("--poll", type=click.FloatRange(0.05, 60), default=0.2, show_default=True,
              help="Seconds between looks at the queue when it is empty.")
@click.option("--once", is_flag=True, help="Answer the requests waiting now, then exit.")
def worker_command(threads: int, poll: float, once: bool) -> None:
    """Answer /feedback, the share button and the App Home: the requests the web process queued.

    `feedback worker` does this too, beside its other jobs; this runs the Slack requests alone.
    Runs until stopped (SIGTERM or Ctrl+C: each request being answered is finished first).
    Any number may run, on any machines, against PostgreSQL (on SQLite one is enough): none
    takes a request another has claimed.
    """
    import signal
    import threading

    from ..slack.worker import Worker, run_threads

    if not (current_app.config.get("SLACK_BOT_TOKEN") and current_app.config.get("SLACK_SIGNING_SECRET")):
        click.echo("Slack is not configured (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET): no Slack worker needed.", err=True)
        return
    worker = Worker.from_app(current_app._get_current_object())
    stop = threading.Event()
    if not once:
        def request_stop(signum, _frame):
            click.echo(f"Stopping (signal {signum}): finishing the requests being answered.", err=True)
            stop.set()

        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, request_stop)
        click.echo(f"Answering Slack requests with {threads} thread{'' if threads == 1 else 's'}.", err=True)
    started = run_threads(worker, threads, stop, poll, once)
    while any(thread.is_alive() for thread in started):
        for thread in started:
            thread.join(timeout=0.5)
    if worker.unreachable:
        raise click.ClickException("The database could not be reached: the requests waiting stay queued.")
