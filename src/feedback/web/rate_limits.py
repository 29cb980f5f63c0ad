"""Rate limits by client address: public posts, staff sign-in and the API.

One fixed-window counter a limit, scope and client address, kept where RATELIMIT_STORAGE_URI
says (Redis in production, so every worker on every machine shares it), through the limits
library. A view that is limited does one counter update in the storage, and nothing else:
the service's busiest requests (a kiosk sending its queue, each page of a survey) spent more
time in a general rate-limiting extension working out which limits applied than in the
check itself.

- Public posts (the survey and kiosk blueprints, `limit_public_posts`) are checked first of
  all the application's checks, before CSRF, so a flood is turned away cheaply. If the
  storage is down they are let through, with the failure logged: respondents' answers are
  not refused for it.
- Staff sign-in and the API (`limited`) are checked when their view is called. If the
  storage is down they are let through too, with the failure logged: what guards them
  against guessing is counted in the database (feedback.throttle), so it holds with Redis
  down, and these limits come back by themselves when Redis does.
"""

from __future__ import annotations

from functools import lru_cache, wraps
from typing import Callable

from flask import Blueprint, Flask, abort, current_app, request
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

EXTENSION = "rate_limits"
_PUBLIC_POSTS: set[str] = set()


class RateLimits:
    """The application's counters: where they are kept, and whether limits apply at all."""

    def __init__(self, storage_uri: str, enabled: bool):
        self.enabled = enabled
        # Redis that does not answer must not hold requests up: give up on it quickly.
        options = {}
        if storage_uri.startswith(("redis", "rediss")):
            from redis.backoff import NoBackoff
            from redis.retry import Retry

            options = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5, "retry": Retry(NoBackoff(), 1)}
        self.strategy = FixedWindowRateLimiter(storage_from_string(storage_uri, **options))

    def allow(self, written: str, scope: str) -> bool:
        """Count this request against `written` ("120 per minute") for its address; say if allowed."""
        if not self.enabled:
            return True
        address = request.remote_addr or "127.0.0.1"
        return all(self.strategy.hit(item, scope, address) for item in _parsed(written))


@lru_cache(maxsize=16)
def _parsed(written: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(written))


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = RateLimits(app.config["RATELIMIT_STORAGE_URI"], app.config["RATELIMIT_ENABLED"])
    # First of all the application's checks, before CSRF.
    app.before_request_funcs.setdefault(None, []).insert(0, _check_public_post)


def limit_public_posts(bp: Blueprint) -> None:
    """Limit POSTs to `bp` to RATELIMIT_PUBLIC_POSTS a client address."""
    _PUBLIC_POSTS.add(bp.name)


def limited(config_key: str, methods: tuple[str, ...] | None = None) -> Callable:
    """Decorate a view: limit its requests (of `methods`, if given) to the setting `config_key`."""

    def decorate(view: Callable) -> Callable:
        scope = f"{view.__module__}.{view.__qualname__}"

        @wraps(view)
        def wrapped(*args, **kwargs):
            if methods is None or request.method in methods:
                try:
                    allowed = current_app.extensions[EXTENSION].allow(current_app.config[config_key], scope)
                except Exception:  # the storage is down: the database's throttle still applies
                    current_app.logger.warning("rate limit storage unreachable; %s let through", scope)
                    allowed = True
                if not allowed:
                    abort(429)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def _check_public_post() -> None:
    if request.method != "POST" or request.blueprint not in _PUBLIC_POSTS:
        return
    try:
        allowed = current_app.extensions[EXTENSION].allow(
            current_app.config["RATELIMIT_PUBLIC_POSTS"], f"public-posts.{request.blueprint}")
    except Exception:  # the storage is down: take the answers rather than lose them
        current_app.logger.exception("rate limit storage unreachable; %s let through", request.blueprint)
        return
    if not allowed:
        abort(429)
