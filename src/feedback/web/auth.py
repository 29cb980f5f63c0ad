"""Staff sign-in state: who is signed in, and timeouts."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, g, redirect, request, session, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RoutingException

from ..clock import utcnow
from ..db import db_session
from ..models import StaffUser

USER_KEY = "staff_user"
GENERATION_KEY = "staff_generation"
SIGNED_IN_KEY = "staff_signed_in_at"
SEEN_KEY = "staff_seen_at"


def start_staff_session(user: StaffUser) -> None:
    language = session.get("lang")
    session.clear()  # a fresh session at sign-in: nothing carried over from before
    if language:
        session["lang"] = language
    now = utcnow().timestamp()
    session[USER_KEY] = user.id
    session[GENERATION_KEY] = user.session_generation
    session[SIGNED_IN_KEY] = now
    session[SEEN_KEY] = now
    session.permanent = True


def end_staff_session() -> None:
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def current_staff() -> StaffUser | None:
    """Return the signed-in member of staff, or None once any timeout has passed."""
    if "staff" in g:
        return g.staff
    g.staff = None
    user_id = session.get(USER_KEY)
    if user_id is None:
        return None
    now = utcnow().timestamp()
    idle = current_app.config["STAFF_IDLE_MINUTES"] * 60
    absolute = current_app.config["STAFF_ABSOLUTE_HOURS"] * 3600
    if now - session.get(SEEN_KEY, 0) > idle or now - session.get(SIGNED_IN_KEY, 0) > absolute:
        end_staff_session()
        return None
    user = db_session().get(StaffUser, user_id)
    if user is None or user.disabled_at is not None or user.session_generation != session.get(GENERATION_KEY):
        end_staff_session()
        return None
    session[SEEN_KEY] = now
    g.staff = user
    return user


def staff_required(permission: str | None = None):
    """Let only signed-in staff (and, with a permission, only roles holding it) reach a view."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = current_staff()
            if user is None:
                return redirect(url_for("staff.sign_in", next=request.full_path.rstrip("?")))
            if permission is not None and not user.may(permission):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def safe_next(target: str | None) -> str:
    """Return a page of this service to go to after signing in; never another site.

    Browsers drop tabs and line breaks from a Location and read a backslash as a slash, so
    "/\t/evil.example" would take them to //evil.example: anything holding a control
    character, white space or a backslash is refused, and what is left must be the path of
    one of this service's pages.
    """
    home = url_for("dashboard.overview")
    if not target or len(target) > 2000 or "\\" in target:
        return home
    if any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in target):
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return home
    try:
        current_app.url_map.bind("localhost").match(parts.path, method="GET")
    except (HTTPException, RoutingException):
        return home
    return target


def idle_deadline() -> datetime:
    return utcnow() + timedelta(minutes=current_app.config["STAFF_IDLE_MINUTES"])
