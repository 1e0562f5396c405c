"""Local user accounts: every query about the people who sign in lives here."""

from __future__ import annotations

from sqlite_utils import Database

from .. import times
from . import one, rows, write

_COLUMNS = (
    "id, email, name, role, password_hash, must_change_password, disabled, created_at, "
    "password_expires_at"
)


class DuplicateUser(Exception):
    """An account with this e-mail address already exists."""


def _user(user: dict | None) -> dict | None:
    if user is None:
        return None
    user["must_change_password"] = bool(user["must_change_password"])
    user["disabled"] = bool(user["disabled"])
    return user


def create_user(
    db: Database,
    email: str,
    name: str,
    role: str,
    password_hash: str,
    must_change_password: bool = True,
    password_expires_at: str | None = None,
) -> dict:
    """Insert an account inside the caller's (or a new) write transaction; returns it."""
    with write(db):
        if get_user_by_email(db, email):
            raise DuplicateUser(email)
        cursor = db.execute(
            "INSERT INTO users (email, name, role, password_hash, must_change_password, "
            "disabled, created_at, password_expires_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
            [
                email,
                name,
                role,
                password_hash,
                int(must_change_password),
                times.now(),
                password_expires_at,
            ],
        )
        return get_user(db, cursor.lastrowid)


def get_user(db: Database, user_id) -> dict | None:
    """One account by id, or None."""
    return _user(one(db, f"SELECT {_COLUMNS} FROM users WHERE id = ?", [user_id]))


def get_user_by_email(db: Database, email: str) -> dict | None:
    """One account by e-mail address (case-insensitive), or None."""
    return _user(one(db, f"SELECT {_COLUMNS} FROM users WHERE email = ?", [email.strip()]))


def list_users(db: Database) -> list[dict]:
    """Every account, oldest first."""
    return [_user(r) for r in rows(db, f"SELECT {_COLUMNS} FROM users ORDER BY id")]


def count_users(db: Database) -> int:
    """How many accounts exist."""
    return db.execute("SELECT COUNT(*) FROM users").fetchone()[0]


def set_password(
    db: Database, user_id, password_hash: str, must_change: bool, expires_at: str | None = None
) -> None:
    """Replace an account's password hash, its must-change flag and when it expires."""
    with write(db):
        db.execute(
            "UPDATE users SET password_hash = ?, must_change_password = ?, "
            "password_expires_at = ? WHERE id = ?",
            [password_hash, int(must_change), expires_at, user_id],
        )


def set_disabled(db: Database, user_id, disabled: bool) -> None:
    """Disable or re-enable an account."""
    with write(db):
        db.execute("UPDATE users SET disabled = ? WHERE id = ?", [int(disabled), user_id])
