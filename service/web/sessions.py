"""Signed-in sessions: start one, read its user, end it, and guard pages by sign-in and role.

The signed cookie carries only a random token (and the CSRF token); the session itself lives
in the store (application/sessions.py), so signing out ends it for every copy of the cookie.
"""

from __future__ import annotations

import functools

from flask import abort, current_app, g, redirect, request, session, url_for
from sqlite_utils import Database

from ..application import accounts
from ..application import sessions as server_sessions

TOKEN = "sid"


def client() -> str:
    """The client's address (from the trusted proxies' headers when MODELRISK_TRUSTED_PROXIES
    is set), for throttling and the audit trail."""
    return request.remote_addr or "unknown"


def start(db: Database, user: dict) -> None:
    """Log a user in: a fresh cookie (no fixation) naming a new server-side session."""
    config = current_app.config
    server_sessions.prune(db, config["SESSION_IDLE_MINUTES"], config["SESSION_LIFETIME_HOURS"])
    session.clear()
    session[TOKEN] = server_sessions.start(db, user, client())


def load_user(db: Database) -> dict | None:
    """The session's user, while the session lives on the server and the account is enabled."""
    token = session.get(TOKEN)
    if token is None:
        return None
    config = current_app.config
    user = server_sessions.current(
        db, token, config["SESSION_IDLE_MINUTES"], config["SESSION_LIFETIME_HOURS"]
    )
    if user is None:
        session.clear()
    return user


def end(db: Database, user: dict | None) -> None:
    """Sign out: the server-side session ends, then the cookie is emptied."""
    if user:
        accounts.logout(db, user, session.get(TOKEN))
    session.clear()


def login_required(view):
    """Pages for signed-in users; others go to the login page (and back afterwards)."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("user") is None:
            return redirect(url_for("web_auth.login", next=request.full_path.rstrip("?")))
        if g.user["must_change_password"]:
            return redirect(url_for("web_auth.change_password"))
        return view(*args, **kwargs)

    return wrapped


def role_required(*roles: str):
    """Pages for signed-in users holding one of the roles (admin holds every role)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            user = g.get("user")
            if user is not None and not accounts.has_role(user, *roles):
                abort(403, description="Your account's role does not allow this.")
            return view(*args, **kwargs)

        return login_required(wrapped)

    return decorator
