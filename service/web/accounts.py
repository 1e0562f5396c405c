"""Sign in and out, change password, and the administrator's list of accounts."""

from __future__ import annotations

import re

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from ..application import InputError, accounts
from ..application.errors import LoginRefused, Throttled
from ..store.context import get_db
from . import sessions

bp = Blueprint("web_auth", __name__)


# Browsers and urllib drop tabs and line breaks from URLs ("/\t/evil.example" becomes
# "//evil.example") and read a backslash as a slash; a line break cannot go in a header at all.
_UNSAFE_IN_NEXT = re.compile(r"[\x00-\x20\x7f\\]")


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never //host or a scheme) may be the place to return to."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not _UNSAFE_IN_NEXT.search(target)
    ):
        return target
    return url_for("dashboard.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in form; failed attempts are counted per account and per client."""
    if g.get("user") and request.method == "GET":
        return redirect(url_for("dashboard.index"))
    error, email, status, retry = None, "", 200, None
    if request.method == "POST":
        email = request.form.get("email", "").strip()
        try:
            user = accounts.authenticate(
                get_db(), email, request.form.get("password", ""), sessions.client()
            )
        except LoginRefused as exc:
            error, status = exc.message, 429 if exc.kind == "throttled" else 401
            retry = exc.facts.get("retry_after")
        else:
            sessions.start(get_db(), user)
            if user["must_change_password"]:
                return redirect(url_for("web_auth.change_password"))
            return redirect(_safe_next(request.args.get("next")))
    headers = {"Retry-After": str(retry)} if status == 429 and retry else {}
    return render_template("login.html", error=error, email=email), status, headers


@bp.post("/logout")
def logout():
    """End the session on the server (a POST with a CSRF token, so no other site can sign you
    out); a copy of the cookie is worth nothing afterwards."""
    sessions.end(get_db(), g.get("user"))
    flash("You have signed out.", "info")
    return redirect(url_for("web_auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    """Choose a new password; required after signing in with a one-time password."""
    user = g.get("user")
    if user is None:
        return redirect(url_for("web_auth.login"))
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = {k: request.form.get(k, "") for k in ("current", "new", "confirm")}
        try:
            changed = accounts.change_password(get_db(), user, **form, client=sessions.client())
        except InputError as exc:
            errors = field_messages(exc)
        except Throttled as exc:
            errors, status = {"current": exc.message}, 429
        else:
            sessions.start(get_db(), changed)
            flash("Your password has been changed.", "success")
            return redirect(url_for("dashboard.index"))
    if errors and status == 200:
        status = 422
    return render_template(
        "password.html", errors=errors, forced=user["must_change_password"]
    ), status


@bp.route("/admin/users", methods=["GET", "POST"])
@sessions.role_required("admin")
def users():
    """List accounts and create new ones; a new account gets a one-time password shown once."""
    db, created, errors, form = get_db(), None, {}, {}
    if request.method == "POST":
        form = {k: request.form.get(k, "").strip() for k in ("email", "name", "role")}
        try:
            user, password = accounts.create_account(
                db, form["email"], form["role"], accounts.actor(g.user), name=form["name"] or None
            )
        except InputError as exc:
            errors = field_messages(exc)
        else:
            created, form = {"user": user, "password": password}, {}
    status = 422 if errors else 201 if created else 200
    return render_template(
        "users.html",
        users=accounts.list_users(db),
        roles=accounts.ROLES,
        created=created,
        errors=errors,
        form=form,
    ), status


def field_messages(exc: InputError) -> dict[str, str]:
    """An application's field errors as the form shows them: the first message per field."""
    out: dict[str, str] = {}
    for error in exc.errors:
        out.setdefault(error["field"], error["message"])
    return out
