"""The web layer: thin views over the domain modules."""

from __future__ import annotations

from flask import Flask

from . import (
    account_security,
    api,
    assets,
    audit_log,
    collection,
    counting,
    dashboard,
    errors,
    exports,
    identity,
    inspections_admin,
    kiosk,
    organisations,
    pages,
    paper,
    programme_import,
    rate_limits,
    security,
    slack,
    staff,
    staff_accounts,
    survey,
    templating,
)


def init_app(app: Flask) -> None:
    templating.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    counting.init_app(app)
    rate_limits.init_app(app)
    app.register_blueprint(assets.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(survey.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(identity.bp)
    app.register_blueprint(account_security.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(kiosk.bp)
    app.register_blueprint(kiosk.staff_bp)
    app.register_blueprint(paper.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(organisations.bp)
    app.register_blueprint(inspections_admin.bp)
    app.register_blueprint(programme_import.bp)
    app.register_blueprint(staff_accounts.bp)
    app.register_blueprint(audit_log.bp)
    app.register_blueprint(collection.bp)
    app.register_blueprint(collection.callbacks_bp)
    slack.init_app(app)  # POST /slack/events, only when Slack is configured
