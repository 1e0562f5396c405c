"""Signed-in sessions: start one, read its user, and guard pages by sign-in and role."""

from __future__ import annotations

import functools

from flask import abort, g, redirect, request, session, url_for
from sqlite_utils import Database

from ..application import accounts


def start(user: dict) -> None:
    """Log a user in: a fresh session (no fixation), stamped with their password version."""
    session.clear()
    session["user_id"] = user["id"]
    session["stamp"] = accounts.session_stamp(user)


def load_user(db: Database) -> dict | None:
    """The session's user, if the account still exists, is enabled and has that password."""
    if session.get("user_id") is None:
        return None
    user = accounts.session_user(db, session.get("user_id"), session.get("stamp"))
    if user is None:
        session.clear()
    return user


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
