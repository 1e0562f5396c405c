"""Local accounts: the account rules, password hashing, sign-in with throttling, roles.

Every edge (the administrator's page, `flask users ...`) creates and changes accounts through
these functions, so an address, a role or a password is judged the same way everywhere.
"""

from __future__ import annotations

import secrets

from sqlite_utils import Database
from werkzeug.security import check_password_hash, generate_password_hash

from .. import times
from ..store import audit, write
from ..store import users as store
from . import sessions, throttle
from .errors import InputError, LoginRefused, NotFound, PasswordExpired
from .inputs import field_error

ROLES = ("submitter", "reviewer", "admin")
HASH_METHOD = "scrypt"
MIN_PASSWORD = 12
MAX_EMAIL = 254
MAX_NAME = 200
ONE_TIME_HOURS = 24  # a generated or given first password works this long
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
    """The audit and four-eyes actor for an account: the person is the account itself."""
    return {"kind": "user", "id": user["id"], "name": user["email"], "person": str(user["id"])}


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

    The password (given or generated) works for ONE_TIME_HOURS. InputError names the field at
    fault, a duplicate address included.
    """
    email, name = (email or "").strip(), (name or "").strip() or (email or "").strip()
    with write(db):
        errors = _account_errors(db, email, name, role, password)
        if errors:
            raise InputError(errors)
        password = password or generate_password()
        details = {"email": email, "role": role}
        with audit.recorded(db, by, "user.create", details) as change:
            try:
                user = store.create_user(
                    db,
                    email,
                    name,
                    role,
                    hash_password(password),
                    must_change_password=True,
                    password_expires_at=times.shifted(hours=ONE_TIME_HOURS),
                )
            except store.DuplicateUser:
                raise InputError(
                    [field_error(("email",), "An account with this e-mail address already exists")]
                ) from None
            change.created("user", user["id"])
            change.details["user_id"] = user["id"]
    return user, password


def bootstrap(db: Database) -> tuple[dict, str] | None:
    """On a database without accounts, the first administrator and its one-time password."""
    with write(db):
        if store.count_users(db):
            return None
        return create_account(db, "admin@localhost", "admin", system_actor(), "Administrator")


def _account(db: Database, email: str) -> dict:
    user = store.get_user_by_email(db, email or "")
    if user is None:
        raise NotFound(f"There is no account for {email}.")
    return user


def set_disabled(db: Database, email: str, disabled: bool, by: dict) -> dict:
    """Disable or re-enable an account, audited; disabling ends its sessions and its keys work
    no more (a key acts for its owner)."""
    with write(db):
        user = _account(db, email)
        action = "user.disable" if disabled else "user.enable"
        details = {"user_id": user["id"], "email": user["email"]}
        with audit.recorded(db, by, action, details, touches=(("user", user["id"]),)):
            store.set_disabled(db, user["id"], disabled)
        if disabled:
            sessions.end_all(db, user["id"])
    return {**user, "disabled": disabled}


def reset_password(db: Database, email: str, by: dict) -> tuple[dict, str]:
    """Give an account a new one-time password (ONE_TIME_HOURS) and end its sessions, audited."""
    with write(db):
        user = _account(db, email)
        password = generate_password()
        details = {"user_id": user["id"], "email": user["email"]}
        with audit.recorded(
            db, by, "user.password_reset", details, touches=(("user", user["id"]),)
        ):
            store.set_password(
                db,
                user["id"],
                hash_password(password),
                must_change=True,
                expires_at=times.shifted(hours=ONE_TIME_HOURS),
            )
        sessions.end_all(db, user["id"])
        return store.get_user(db, user["id"]), password


def list_users(db: Database) -> list[dict]:
    """Every account, oldest first."""
    return store.list_users(db)


def get_user(db: Database, user_id) -> dict | None:
    """One account by id, or None."""
    return store.get_user(db, user_id)


def _anonymous(email: str, client: str) -> dict:
    return {"kind": "anonymous", "id": client, "name": (email or "")[:MAX_EMAIL]}


def authenticate(db: Database, email: str, password: str, client: str) -> dict:
    """The account for these credentials, or LoginRefused; attempts are throttled (throttle.py).

    The attempt is counted before the password is checked (one transaction, so concurrent
    guesses are counted one by one); the failure's audit event follows in its own.
    """
    email = (email or "").strip()
    attempt = throttle.reserve(db, email, client, _anonymous(email, client))
    user = store.get_user_by_email(db, email) if email else None
    ok = check_password_hash(user["password_hash"] if user else _DUMMY_HASH, password or "")
    if not ok or user is None or user["disabled"]:
        audit.append_audit_event(db, _anonymous(email, client), "login.failed", {"client": client})
        raise LoginRefused("The e-mail address or password is not right.")
    throttle.succeeded(db, attempt)
    if user["must_change_password"] and _expired(user):
        audit.append_audit_event(db, actor(user), "login.password_expired", {"client": client})
        raise PasswordExpired(
            "This one-time password has expired. Ask an administrator for a new one."
        )
    audit.append_audit_event(db, actor(user), "login", {"client": client})
    return user


def _expired(user: dict) -> bool:
    expires = times.parse(user.get("password_expires_at"))
    return expires is not None and expires <= times.parse(times.now())


def logout(db: Database, user: dict, token: str | None) -> None:
    """End this session and record that the user signed out."""
    with write(db):
        sessions.end(db, token)
        audit.append_audit_event(db, actor(user), "logout", {})


def change_password(
    db: Database, user: dict, current: str, new: str, confirm: str, client: str = "unknown"
) -> dict:
    """Set a user's own new password, clear must-change and end every session, audited.

    A wrong current password counts as a failed sign-in (throttled the same way), so the form
    is no way round the sign-in's limits. InputError names `current`, `new` or `confirm`.
    """
    attempt = throttle.reserve(db, user["email"], client, actor(user))
    errors = []
    if not verify_password(user, current):
        audit.append_audit_event(db, actor(user), "user.password_change_failed", {"client": client})
        errors.append(field_error(("current",), "Your current password is not right"))
    else:
        throttle.succeeded(db, attempt)
    problem = password_problem(new, user["email"])
    if problem:
        errors.append(field_error(("new",), problem.rstrip(".")))
    elif new != confirm:
        errors.append(field_error(("confirm",), "The two new passwords do not match"))
    elif new == current:
        errors.append(field_error(("new",), "Choose a password different from the current one"))
    if errors:
        raise InputError(errors)
    details = {"user_id": user["id"]}
    with audit.recorded(
        db, actor(user), "user.password_change", details, touches=(("user", user["id"]),)
    ):
        store.set_password(db, user["id"], hash_password(new), must_change=False)
        sessions.end_all(db, user["id"])
    return store.get_user(db, user["id"])
