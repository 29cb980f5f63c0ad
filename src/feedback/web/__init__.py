"""The web layer: thin views over the domain modules."""

from __future__ import annotations

from flask import Flask

from . import assets, errors, pages, security, staff, survey, templating


def init_app(app: Flask) -> None:
    templating.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    app.register_blueprint(assets.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(survey.bp)
    app.register_blueprint(staff.bp)
