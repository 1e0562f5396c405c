"""Local accounts: password hashing, login with throttling, the session's user and role checks."""

from __future__ import annotations

import functools
import hashlib
import secrets

from flask import abort, g, redirect, request, session, url_for
from sqlite_utils import Database
from werkzeug.security import check_password_hash, generate_password_hash

from .store import audit, write
from .store import users as store

HASH_METHOD = "scrypt"
MIN_PASSWORD = 12
WINDOW_SECONDS = 15 * 60
MAX_PER_ACCOUNT = 5
MAX_PER_CLIENT = 20
# Checked against when the e-mail is unknown, so a wrong address costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method=HASH_METHOD)


class LoginError(Exception):
    """The login was refused; the message is safe to show (it never says which part was wrong)."""


class Throttled(LoginError):
    """Too many failed logins for this account or client; try again later."""


def hash_password(password: str) -> str:
    """A salted scrypt hash of the password."""
    return generate_password_hash(password, method=HASH_METHOD)


_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or copied by hand


def generate_password() -> str:
    """A random one-time password, easy to type: four groups of five (about 99 bits)."""
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(5)) for _ in range(4))


def password_problem(password: str, email: str = "") -> str | None:
    """Why a new password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD:
        return f"Use at least {MIN_PASSWORD} characters."
    if email and password.strip().lower() == email.strip().lower():
        return "Do not use your e-mail address as your password."
    return None


def verify_password(user: dict, password: str) -> bool:
    """True when the password is the user's."""
    return check_password_hash(user["password_hash"], password or "")


def actor(user: dict) -> dict:
    """The audit actor for an account."""
    return {"kind": "user", "id": user["id"], "name": user["email"]}


def system_actor() -> dict:
    """The audit actor for commands run on the server."""
    return {"kind": "system", "id": "cli", "name": "flask cli"}


def create_account(
    db: Database,
    email: str,
    role: str,
    by: dict,
    name: str | None = None,
    password: str | None = None,
) -> tuple[dict, str]:
    """Create an account that must change its password; returns (user, one-time password)."""
    password = password or generate_password()
    with write(db):
        user = store.create_user(
            db,
            email.strip(),
            (name or email).strip(),
            role,
            hash_password(password),
            must_change_password=True,
        )
        audit.append_audit_event(
            db, by, "user.create", {"user_id": user["id"], "email": user["email"], "role": role}
        )
    return user, password


class UnknownAccount(LookupError):
    """No account has this e-mail address."""


def set_account_disabled(db: Database, email: str, disabled: bool, by: dict) -> dict:
    """Disable or re-enable an account (its sessions stop at their next request), audited."""
    with write(db):
        user = store.get_user_by_email(db, email)
        if user is None:
            raise UnknownAccount(email)
        store.set_disabled(db, user["id"], disabled)
        action = "user.disable" if disabled else "user.enable"
        audit.append_audit_event(db, by, action, {"user_id": user["id"], "email": user["email"]})
    return {**user, "disabled": disabled}


def authenticate(db: Database, email: str, password: str, client: str) -> dict:
    """The account for these credentials, or LoginError; failures are counted and throttled."""
    email = (email or "").strip()
    subjects = [f"email:{email.lower()}", f"client:{client}"]
    if (
        store.failed_logins(db, subjects[0], WINDOW_SECONDS) >= MAX_PER_ACCOUNT
        or store.failed_logins(db, subjects[1], WINDOW_SECONDS) >= MAX_PER_CLIENT
    ):
        raise Throttled("Too many failed sign-in attempts. Wait 15 minutes and try again.")
    user = store.get_user_by_email(db, email) if email else None
    ok = check_password_hash(user["password_hash"] if user else _DUMMY_HASH, password or "")
    if not ok or user is None or user["disabled"]:
        with write(db):
            store.record_failed_login(db, subjects)
            audit.append_audit_event(
                db,
                {"kind": "anonymous", "id": client, "name": email[:254]},
                "login.failed",
                {"client": client},
            )
        raise LoginError("The e-mail address or password is not right.")
    with write(db):
        store.clear_failed_logins(db, subjects[0])
        audit.append_audit_event(db, actor(user), "login", {"client": client})
    return user


def change_password(db: Database, user: dict, new_password: str) -> None:
    """Set a user's own new password and clear must-change; audited."""
    with write(db):
        store.set_password(db, user["id"], hash_password(new_password), must_change=False)
        audit.append_audit_event(db, actor(user), "user.password_change", {"user_id": user["id"]})


def session_stamp(user: dict) -> str:
    """A value that changes with the password, so a new password ends other sessions."""
    # A digest, not a slice: the session cookie is signed but readable by its holder.
    return hashlib.sha256(user["password_hash"].encode()).hexdigest()[:24]


def start_session(user: dict) -> None:
    """Log a user in: a fresh session (no fixation), stamped with their password version."""
    session.clear()
    session["user_id"] = user["id"]
    session["stamp"] = session_stamp(user)


def load_user(db: Database) -> dict | None:
    """The session's user, if the account still exists, is enabled and has that password."""
    user_id = session.get("user_id")
    if user_id is None:
        return None
    user = store.get_user(db, user_id)
    if user is None or user["disabled"] or session.get("stamp") != session_stamp(user):
        session.clear()
        return None
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
            if user is not None and not has_role(user, *roles):
                abort(403, description="Your account's role does not allow this.")
            return view(*args, **kwargs)

        return login_required(wrapped)

    return decorator


def has_role(user: dict | None, *roles: str) -> bool:
    """True when the user holds one of the roles; admin holds them all."""
    return bool(user) and (user["role"] == "admin" or user["role"] in roles)
