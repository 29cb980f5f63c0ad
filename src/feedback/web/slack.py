"""POST /slack/events: Slack's requests handed to the bolt app, when Slack is configured.

Bolt checks every request's signature and timestamp (Slack's v0 scheme, five minutes) and
answers 401 otherwise, so the route is exempt from CSRF: Slack cannot hold a form token.
Without SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN the route does not exist and slack-bolt is
not imported.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, request

from ..extensions import csrf

bp = Blueprint("slack", __name__)
csrf.exempt(bp)


def is_configured(config) -> bool:
    return bool(config.get("SLACK_SIGNING_SECRET") and config.get("SLACK_BOT_TOKEN"))


@bp.post("/slack/events")
def events():
    return current_app.extensions["slack_handler"].handle(request)


def init_app(app: Flask) -> None:
    if not is_configured(app.config):
        return
    from ..slack.app import build_slack_app

    install(app, build_slack_app(app))
    app.register_blueprint(bp)


def install(app: Flask, bot) -> None:
    """Serve Slack's requests with this bot (tests install one that answers synchronously)."""
    from slack_bolt.adapter.flask import SlackRequestHandler

    previous = app.extensions.get("slack")
    app.extensions["slack"] = bot
    app.extensions["slack_handler"] = SlackRequestHandler(bot.bolt)
    if previous is not None and previous is not bot:
        previous.close()
