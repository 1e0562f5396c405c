"""Local accounts: the account rules, password hashing, sign-in with throttling, roles.

Every edge (the administrator's page, `flask users ...`) creates and changes accounts through
these functions, so an address, a role or a password is judged the same way everywhere.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlite_utils import Database
from werkzeug.security import check_password_hash, generate_password_hash

from ..store import audit, write
from ..store import users as store
from .errors import InputError, LoginRefused, NotFound, Throttled
from .inputs import field_error

ROLES = ("submitter", "reviewer", "admin")
HASH_METHOD = "scrypt"
MIN_PASSWORD = 12
MAX_EMAIL = 254
MAX_NAME = 200
WINDOW_SECONDS = 15 * 60
MAX_PER_ACCOUNT = 5
MAX_PER_CLIENT = 20
# Checked against when the e-mail is unknown, so a wrong address costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method=HASH_METHOD)
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or copied by hand


def hash_password(password: str) -> str:
    """A salted scrypt hash of the password."""
    return generate_password_hash(password, method=HASH_METHOD)


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


def has_role(user: dict | None, *roles: str) -> bool:
    """True when the user holds one of the roles; admin holds them all."""
    return bool(user) and (user["role"] == "admin" or user["role"] in roles)


def _account_errors(db: Database, email: str, name: str, role: str, password) -> list[dict]:
    """The account rules: an address, a known role, a bounded name, an acceptable password."""
    errors = []
    if "@" not in email or len(email) > MAX_EMAIL or any(c.isspace() for c in email):
        errors.append(field_error(("email",), "Enter an e-mail address such as name@example.com"))
    elif store.get_user_by_email(db, email):
        errors.append(field_error(("email",), "An account with this e-mail address already exists"))
    if len(name) > MAX_NAME:
        errors.append(field_error(("name",), f"Use at most {MAX_NAME} characters"))
    if role not in ROLES:
        errors.append(field_error(("role",), f"Choose a role ({', '.join(ROLES)})"))
    problem = password_problem(password, email) if password is not None else None
    if problem:
        errors.append(field_error(("password",), problem.rstrip(".")))
    return errors


def create_account(
    db: Database,
    email: str,
    role: str,
    by: dict,
    name: str | None = None,
    password: str | None = None,
) -> tuple[dict, str]:
    """Create an account that must change its password; returns (user, one-time password).

    InputError names the field at fault, a duplicate address included.
    """
    email, name = (email or "").strip(), (name or "").strip() or (email or "").strip()
    with write(db):
        errors = _account_errors(db, email, name, role, password)
        if errors:
            raise InputError(errors)
        password = password or generate_password()
        try:
            user = store.create_user(
                db, email, name, role, hash_password(password), must_change_password=True
            )
        except store.DuplicateUser:
            raise InputError(
                [field_error(("email",), "An account with this e-mail address already exists")]
            ) from None
        audit.append_audit_event(
            db, by, "user.create", {"user_id": user["id"], "email": user["email"], "role": role}
        )
    return user, password


def bootstrap(db: Database) -> tuple[dict, str] | None:
    """On a database without accounts, the first administrator and its one-time password."""
    with write(db):
        if store.count_users(db):
            return None
        return create_account(db, "admin@localhost", "admin", system_actor(), "Administrator")


def set_disabled(db: Database, email: str, disabled: bool, by: dict) -> dict:
    """Disable or re-enable an account (its sessions stop at their next request), audited."""
    with write(db):
        user = store.get_user_by_email(db, email or "")
        if user is None:
            raise NotFound(f"There is no account for {email}.")
        store.set_disabled(db, user["id"], disabled)
        action = "user.disable" if disabled else "user.enable"
        audit.append_audit_event(db, by, action, {"user_id": user["id"], "email": user["email"]})
    return {**user, "disabled": disabled}


def list_users(db: Database) -> list[dict]:
    """Every account, oldest first."""
    return store.list_users(db)


def get_user(db: Database, user_id) -> dict | None:
    """One account by id, or None."""
    return store.get_user(db, user_id)


def authenticate(db: Database, email: str, password: str, client: str) -> dict:
    """The account for these credentials, or LoginRefused; failures are counted and throttled."""
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
                {"kind": "anonymous", "id": client, "name": email[:MAX_EMAIL]},
                "login.failed",
                {"client": client},
            )
        raise LoginRefused("The e-mail address or password is not right.")
    with write(db):
        store.clear_failed_logins(db, subjects[0])
        audit.append_audit_event(db, actor(user), "login", {"client": client})
    return user


def logout(db: Database, user: dict) -> None:
    """Record that a user signed out."""
    with write(db):
        audit.append_audit_event(db, actor(user), "logout", {})


def change_password(db: Database, user: dict, current: str, new: str, confirm: str) -> dict:
    """Set a user's own new password and clear must-change, audited; returns the account.

    InputError names `current`, `new` or `confirm` when the change is refused.
    """
    errors = []
    if not verify_password(user, current):
        errors.append(field_error(("current",), "Your current password is not right"))
    problem = password_problem(new, user["email"])
    if problem:
        errors.append(field_error(("new",), problem.rstrip(".")))
    elif new != confirm:
        errors.append(field_error(("confirm",), "The two new passwords do not match"))
    elif new == current:
        errors.append(field_error(("new",), "Choose a password different from the current one"))
    if errors:
        raise InputError(errors)
    with write(db):
        store.set_password(db, user["id"], hash_password(new), must_change=False)
        audit.append_audit_event(db, actor(user), "user.password_change", {"user_id": user["id"]})
        return store.get_user(db, user["id"])


def session_stamp(user: dict) -> str:
    """A value that changes with the password, so a new password ends other sessions."""
    # A digest, not a slice: the session cookie is signed but readable by its holder.
    return hashlib.sha256(user["password_hash"].encode()).hexdigest()[:24]


def session_user(db: Database, user_id, stamp: str | None) -> dict | None:
    """The account a session names, if it still exists, is enabled and has that password."""
    if user_id is None:
        return None
    user = store.get_user(db, user_id)
    if user is None or user["disabled"] or stamp != session_stamp(user):
        return None
    return user
