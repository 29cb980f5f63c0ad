"""Error pages in the reader's language; nothing a respondent does should show a stack trace."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf_error(error):
        return render_template("errors/form_expired.html"), 400

    @app.errorhandler(404)
    def _not_found(error):
        return render_template("errors/not_found.html"), 404

    @app.errorhandler(429)
    def _too_many(error):
        return render_template("errors/too_many_requests.html"), 429

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if request.path.startswith("/api/") or request.path == "/healthz":
            return {"error": error.name}, error.code
        return render_template("errors/generic.html", error=error), error.code

    @app.errorhandler(500)
    def _server_error(error):
        return render_template("errors/server_error.html"), 500
