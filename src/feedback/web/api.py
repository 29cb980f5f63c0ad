"""The JSON API: `GET /api/v1/results` answers with what `feedback results --json` prints.

Authenticated by a bearer token (`feedback api-tokens add NAME`), never by the staff
session cookie, so it is exempt from CSRF. Rate-limited before anything else is done.
Errors are JSON too: 400 for a parameter it cannot use, 401 without a working token.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from .. import api_tokens, throttle
from ..clock import utcnow
from ..db import db_session
from ..extensions import csrf
from ..results import FilterError, PeriodError
from ..results.lookup import find_results, results_json
from .exports import FILTER_PARAMS, query_filters
from .openapi import openapi_document
from .rate_limits import limited

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

REALM = "feedback"
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # tokens.new_token(): 32 bytes, URL-safe base64
SINGLE_PARAMS = ("questionnaire", "by") + FILTER_PARAMS
REPEATABLE_PARAMS = ("equality",)


def problem(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """Answer an error as JSON: {"error": "Bad Request", "message": "..."}."""
    response = jsonify(error=HTTP_STATUS_CODES.get(status, "Error"), message=message)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def unauthorised(message: str, invalid: bool) -> Response:
    challenge = f'Bearer realm="{REALM}"'
    if invalid:
        challenge += ', error="invalid_token"'
    return problem(401, message, {"WWW-Authenticate": challenge})


@bp.get("/results")
@limited("RATELIMIT_API")
def results():
    """Return a questionnaire's figures as JSON, exactly as `feedback results --json` prints them."""
    credentials = request.authorization
    if credentials is None or credentials.type != "bearer" or not credentials.token:
        return unauthorised("Send a token: 'Authorization: Bearer TOKEN'.", invalid=False)
    dbs = db_session()
    # Wrong tokens are counted in the database by client, so guessing is slowed with Redis down too.
    client = throttle.API_CLIENT.key(request.remote_addr or "")
    wait = throttle.seconds_to_wait(dbs, [client], utcnow())
    if wait:
        return problem(429, f"Too many wrong tokens: try again in {wait} seconds.", {"Retry-After": str(wait)})
    token = api_tokens.authenticate(dbs, credentials.token)
    if token is None:
        dbs.rollback()
        if TOKEN_SHAPE.match(credentials.token):  # a guess at a real one; other shapes never match
            throttle.record_failure(dbs, [(throttle.API_CLIENT, client)], utcnow())
            dbs.commit()
        return unauthorised("The token is not valid: it may be wrong, revoked or expired.", invalid=True)
    dbs.commit()  # last_used_at

    unknown = sorted(set(request.args) - set(SINGLE_PARAMS) - set(REPEATABLE_PARAMS))
    if unknown:
        return problem(400, f"unknown parameter {unknown[0]!r}: use {', '.join(SINGLE_PARAMS + REPEATABLE_PARAMS)}")
    repeated = [name for name in SINGLE_PARAMS if len(request.args.getlist(name)) > 1]
    if repeated:
        return problem(400, f"give {repeated[0]!r} once")
    code = (request.args.get("questionnaire") or "").strip()
    if not code:
        return problem(400, "the questionnaire parameter is required")
    try:
        filters, by = query_filters(request.args)
        found = find_results(dbs, code, filters, by)
    except (PeriodError, FilterError) as error:
        return problem(400, str(error))
    return Response(results_json(found) + "\n", mimetype="application/json")


@bp.get("/openapi.json")
def openapi():
    """Describe the API (public: it holds nothing but the shape of the answers)."""
    return jsonify(openapi_document())


def _http_error(error: HTTPException):
    return problem(error.code or 500, error.description or error.name)


# By code as well as by class: the application's own handlers for these codes render HTML
# pages, and Flask prefers any handler registered for the code over one for the class.
for _code in (400, 401, 403, 404, 405, 429, 500):
    bp.register_error_handler(_code, _http_error)
bp.register_error_handler(HTTPException, _http_error)
