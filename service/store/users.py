"""Local user accounts and failed-login records: every query about people lives here."""

from __future__ import annotations

import hashlib

from sqlite_utils import Database

from .. import times
from . import one, rows, write

SUBJECT_LENGTH = 320  # "email:" and the longest address, or "client:" and an IP address
_COLUMNS = "id, email, name, role, password_hash, must_change_password, disabled, created_at"


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
) -> dict:
    """Insert an account inside the caller's (or a new) write transaction; returns it."""
    with write(db):
        if get_user_by_email(db, email):
            raise DuplicateUser(email)
        cursor = db.execute(
            "INSERT INTO users (email, name, role, password_hash, must_change_password, "
            "disabled, created_at) VALUES (?, ?, ?, ?, ?, 0, ?)",
            [email, name, role, password_hash, int(must_change_password), times.now()],
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


def set_password(db: Database, user_id, password_hash: str, must_change: bool) -> None:
    """Replace an account's password hash and its must-change flag."""
    with write(db):
        db.execute(
            "UPDATE users SET password_hash = ?, must_change_password = ? WHERE id = ?",
            [password_hash, int(must_change), user_id],
        )


def set_disabled(db: Database, user_id, disabled: bool) -> None:
    """Disable or re-enable an account."""
    with write(db):
        db.execute("UPDATE users SET disabled = ? WHERE id = ?", [int(disabled), user_id])


def _subject(subject: str) -> str:
    """The subject as stored: as given up to SUBJECT_LENGTH characters, else its start and a
    digest, so an address typed a megabyte long is not stored a megabyte long per attempt."""
    if len(subject) <= SUBJECT_LENGTH:
        return subject
    digest = hashlib.sha256(subject.encode("utf-8", "replace")).hexdigest()
    return f"{subject[: SUBJECT_LENGTH - 65]}#{digest}"


def record_failed_login(db: Database, subjects: list[str]) -> None:
    """Remember a failed login against each subject (an e-mail address, a client address)."""
    with write(db):
        for subject in subjects:
            db.execute(
                "INSERT INTO login_attempts (subject, created_at) VALUES (?, ?)",
                [_subject(subject), times.now()],
            )
        # Old rows say nothing any more; pruning here keeps the table small without a job.
        db.execute("DELETE FROM login_attempts WHERE created_at < ?", [times.shifted(days=-1)])


def failed_logins(db: Database, subject: str, window_seconds: int) -> int:
    """How many failed logins a subject had within the window."""
    return db.execute(
        "SELECT COUNT(*) FROM login_attempts WHERE subject = ? AND created_at >= ?",
        [_subject(subject), times.shifted(seconds=-window_seconds)],
    ).fetchone()[0]


def clear_failed_logins(db: Database, subject: str) -> None:
    """Forget a subject's failed logins (after a successful one)."""
    with write(db):
        db.execute("DELETE FROM login_attempts WHERE subject = ?", [_subject(subject)])
