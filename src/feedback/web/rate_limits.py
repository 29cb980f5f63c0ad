"""The rate limit on public posts (survey pages, kiosk queues), checked directly.

flask-limiter works out on every request which of its limits apply to it (defaults,
blueprint and view decorators, exemptions, meta limits): half a millisecond of Python here,
more than the check itself, on the service's busiest requests. These blueprints carry one limit
each, so they check it themselves, with flask-limiter's own storage and strategy (Redis in
production, shared by every worker), and flask-limiter leaves them alone. Staff sign-in and
the API keep flask-limiter's decorators.
"""

from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, Flask, abort, current_app, request
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many

from ..extensions import limiter

SCOPE = "public-posts"
_CHECKED_HERE: set[str] = set()


@lru_cache(maxsize=16)
def _limits(written: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(written))


def limit_public_posts(bp: Blueprint) -> None:
    """Limit POSTs to `bp` by client address to RATELIMIT_PUBLIC_POSTS."""
    _CHECKED_HERE.add(bp.name)


def init_app(app: Flask) -> None:
    # First of all the application's checks, before CSRF, so a flood is turned away cheaply.
    app.before_request_funcs.setdefault(None, []).insert(0, _check_public_post_limit)


def _check_public_post_limit() -> None:
    if request.method != "POST" or request.blueprint not in _CHECKED_HERE or not limiter.enabled:
        return
    address = get_remote_address()
    try:
        allowed = all(limiter.limiter.hit(item, SCOPE, request.blueprint, address)
                      for item in _limits(current_app.config["RATELIMIT_PUBLIC_POSTS"]))
    except Exception:  # the limit's storage is down: take the answers rather than lose them
        current_app.logger.exception("rate limit storage unreachable; %s let through", request.blueprint)
        return
    if not allowed:
        abort(429)


@limiter.request_filter
def _checked_here() -> bool:
    """flask-limiter skips the requests these blueprints limit themselves."""
    return request.blueprint in _CHECKED_HERE
