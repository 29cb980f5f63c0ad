"""Security headers on every response, and a nonce for the one inline script GOV.UK needs."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask, Request, abort, g, request
from werkzeug.exceptions import BadRequest

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; "
    "style-src 'self'; img-src 'self' data:; font-src 'none'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
EVERY_RESPONSE = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    # Pages reached by a link that carries a token must not leak it to other sites.
    ("Referrer-Policy", "no-referrer"),
)


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


class NulFreeRequest(Request):
    """A request whose posted fields hold no NUL character (U+0000).

    PostgreSQL can neither store nor compare text with a NUL in it, so one posted as the email
    address at sign-in was a 500 (and one in an API filter, found by Schemathesis). Nobody types
    one, and free text drops control characters anyway (responses.clean_text), so it is removed
    as the form is read.
    """

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        """Read JSON; nesting too deep for the parser is malformed JSON (400), not a 500."""
        try:
            return super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError:
            if silent:
                return None
            raise BadRequest("The body's JSON is nested too deeply.") from None

    def _load_form_data(self) -> None:
        super()._load_form_data()
        form = self.__dict__.get("form")
        if form and any("\x00" in key or "\x00" in value for key, value in form.items(multi=True)):
            self.__dict__["form"] = self.parameter_storage_class(
                [(key.replace("\x00", ""), value.replace("\x00", "")) for key, value in form.items(multi=True)]
            )


# Query parameters the views read as whole numbers, and the largest any of them may be.
NUMBER_PARAMETERS = ("page", "saved", "revoked")
LARGEST_NUMBER = 2**31 - 1

# Endpoints held to less than MAX_CONTENT_LENGTH (limit_body).
_BODY_LIMITS: dict[str, int] = {}


def limit_body(endpoint: str, most: int) -> None:
    """Hold requests to `endpoint` to `most` bytes of body (413 beyond), however they arrive."""
    _BODY_LIMITS[endpoint] = most


def _hold_body_to_its_limit() -> None:
    """Refuse a body over the limit, with a Content-Length or without one (chunked).

    Werkzeug refuses a Content-Length over the limit, but reads a chunked body only up to it
    and stops, silently: the form or JSON would be parsed from what was cut off. So a chunked
    body is read here, before anything parses it, and refused if more follows.
    """
    most = _BODY_LIMITS.get(request.endpoint)
    if most is not None:
        request.max_content_length = most
    if request.content_length is None and "wsgi.input_terminated" in request.environ:
        request.get_data(cache=True)  # what is read is kept for the form and JSON parsers
        if request.stream.read(1):  # at the limit this raises RequestEntityTooLarge itself
            abort(413)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.request_class = NulFreeRequest
    # Before CSRF, which reads the form (the rate limits still go first: web.rate_limits).
    app.before_request_funcs.setdefault(None, []).insert(0, _hold_body_to_its_limit)

    @app.before_request
    def _refuse_numbers_out_of_range():
        # Whole-number parameters name rows (ids, pages): one past a database integer was a 500.
        for name in NUMBER_PARAMETERS:
            value = request.args.get(name, "").strip()
            if value.lstrip("+-").isdigit() and not (len(value) <= 12 and 0 <= int(value) <= LARGEST_NUMBER):
                abort(400)

    @app.before_request
    def _refuse_nul_in_address():
        # An address with a NUL in its path or query was made by no link of ours (see above).
        if "\x00" in request.path or any(
            "\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)
        ):
            abort(400)

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        present = {name.lower() for name in headers.keys()}  # a view's own header wins
        if "content-security-policy" not in present:
            headers.add("Content-Security-Policy", CONTENT_SECURITY_POLICY.format(nonce=csp_nonce()))
        for name, value in EVERY_RESPONSE:
            if name.lower() not in present:
                headers.add(name, value)
        if app.config.get("SESSION_COOKIE_SECURE") and "strict-transport-security" not in present:
            headers.add("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if "cache-control" not in present and request.endpoint and not request.endpoint.startswith("assets."):
            headers.add("Cache-Control", "no-store")
        return response
