"""Sign in and out, change password, and the administrator's list of accounts."""

from __future__ import annotations

import re

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for

from .. import auth
from ..db import get_db
from ..store import audit
from ..store import users as store

bp = Blueprint("web_auth", __name__)
MAX_EMAIL = 254
MAX_NAME = 200


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
    error, email, status = None, "", 200
    if request.method == "POST":
        email = request.form.get("email", "").strip()
        try:
            user = auth.authenticate(
                get_db(), email, request.form.get("password", ""), request.remote_addr or "unknown"
            )
        except auth.Throttled as exc:
            error, status = str(exc), 429
        except auth.LoginError as exc:
            error, status = str(exc), 401
        else:
            auth.start_session(user)
            if user["must_change_password"]:
                return redirect(url_for("web_auth.change_password"))
            return redirect(_safe_next(request.args.get("next")))
    return render_template("login.html", error=error, email=email), status


@bp.post("/logout")
def logout():
    """End the session (a POST with a CSRF token, so no other site can sign you out)."""
    user = g.get("user")
    if user:
        audit.append_audit_event(get_db(), auth.actor(user), "logout", {})
    session.clear()
    flash("You have signed out.", "info")
    return redirect(url_for("web_auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    """Choose a new password; required after signing in with a one-time password."""
    user = g.get("user")
    if user is None:
        return redirect(url_for("web_auth.login"))
    errors: dict[str, str] = {}
    if request.method == "POST":
        current, new = request.form.get("current", ""), request.form.get("new", "")
        if not auth.verify_password(user, current):
            errors["current"] = "Your current password is not right"
        problem = auth.password_problem(new, user["email"])
        if problem:
            errors["new"] = problem.rstrip(".")
        elif new != request.form.get("confirm", ""):
            errors["confirm"] = "The two new passwords do not match"
        elif new == current:
            errors["new"] = "Choose a password different from the current one"
        if not errors:
            auth.change_password(get_db(), user, new)
            auth.start_session(store.get_user(get_db(), user["id"]))
            flash("Your password has been changed.", "success")
            return redirect(url_for("dashboard.index"))
    return render_template(
        "password.html", errors=errors, forced=user["must_change_password"]
    ), 422 if errors else 200


@bp.route("/admin/users", methods=["GET", "POST"])
@auth.role_required("admin")
def users():
    """List accounts and create new ones; a new account gets a one-time password shown once."""
    db, created, errors, form = get_db(), None, {}, {}
    if request.method == "POST":
        form = {k: request.form.get(k, "").strip() for k in ("email", "name", "role")}
        if "@" not in form["email"] or len(form["email"]) > MAX_EMAIL:
            errors["email"] = "Enter an e-mail address such as name@example.com"
        elif store.get_user_by_email(db, form["email"]):
            errors["email"] = "An account with this e-mail address already exists"
        if len(form["name"]) > MAX_NAME:
            errors["name"] = f"Use at most {MAX_NAME} characters"
        if form["role"] not in store.ROLES:
            errors["role"] = "Choose a role"
        if not errors:
            user, password = auth.create_account(
                db, form["email"], form["role"], auth.actor(g.user), name=form["name"] or None
            )
            created, form = {"user": user, "password": password}, {}
    status = 422 if errors else 201 if created else 200
    return render_template(
        "users.html",
        users=store.list_users(db),
        roles=store.ROLES,
        created=created,
        errors=errors,
        form=form,
    ), status
