"""Signed-in sessions kept on the server: the cookie holds a random token, the row its hash."""

from __future__ import annotations

from sqlite_utils import Database

from . import one, write


def create_session(db: Database, id_hash: str, user_id, client: str, stamp: str) -> None:
    """Record a new session of an account, started and last seen at `stamp`."""
    with write(db):
        db.execute(
            "INSERT INTO sessions (id_hash, user_id, client, created_at, seen_at) "
            "VALUES (?,?,?,?,?)",
            [id_hash, user_id, client[:100], stamp, stamp],
        )


def get_session(db: Database, id_hash: str) -> dict | None:
    """A session by the hash of its token, or None."""
    return one(
        db,
        "SELECT id_hash, user_id, client, created_at, seen_at FROM sessions WHERE id_hash = ?",
        [id_hash],
    )


def touch_session(db: Database, id_hash: str, stamp: str) -> None:
    """Record that a session was used at `stamp`."""
    with write(db):
        db.execute("UPDATE sessions SET seen_at = ? WHERE id_hash = ?", [stamp, id_hash])


def delete_session(db: Database, id_hash: str) -> None:
    """End one session."""
    with write(db):
        db.execute("DELETE FROM sessions WHERE id_hash = ?", [id_hash])


def delete_user_sessions(db: Database, user_id) -> int:
    """End every session of an account; returns how many there were."""
    with write(db):
        return db.execute("DELETE FROM sessions WHERE user_id = ?", [user_id]).rowcount


def prune_sessions(db: Database, started_before: str, seen_before: str) -> None:
    """Drop sessions past their lifetime or their idle time."""
    with write(db):
        db.execute(
            "DELETE FROM sessions WHERE created_at < ? OR seen_at < ?",
            [started_before, seen_before],
        )
