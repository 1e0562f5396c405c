"""Queries for API keys: only a hash of each key is stored, never the key itself."""

from __future__ import annotations

from sqlite_utils import Database

from .. import times
from . import one, rows, write

COLUMNS = "id, name, prefix, key_hash, scopes, created_at, revoked_at, last_used_at"


def insert_key(db: Database, name: str, prefix: str, key_hash: str, scopes: list[str]) -> dict:
    """Store a new key's public prefix, hash and scopes; returns its record."""
    with write(db):
        cursor = db.execute(
            "INSERT INTO api_keys (name, prefix, key_hash, scopes, created_at) VALUES (?,?,?,?,?)",
            [name, prefix, key_hash, " ".join(scopes), times.now()],
        )
        return get_key(db, cursor.lastrowid)


def get_key(db: Database, key_id: int) -> dict | None:
    """One key's record by id, or None."""
    return _one(db, f"SELECT {COLUMNS} FROM api_keys WHERE id = ?", [key_id])


def find_key(db: Database, prefix: str) -> dict | None:
    """One key's record by its public prefix (e.g. mr_live_AbC123xy), or None."""
    return _one(db, f"SELECT {COLUMNS} FROM api_keys WHERE prefix = ?", [prefix])


def list_keys(db: Database) -> list[dict]:
    """Every key's record (revoked ones too), oldest first; hashes are left out."""
    found = rows(db, f"SELECT {COLUMNS} FROM api_keys ORDER BY id")
    return [{k: v for k, v in _record(r).items() if k != "key_hash"} for r in found]


def revoke_key(db: Database, key_id: int) -> bool:
    """Mark a key revoked; False when there is no such key or it was already revoked."""
    with write(db):
        cursor = db.execute(
            "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            [times.now(), key_id],
        )
        return cursor.rowcount == 1


def touch_key(db: Database, key_id: int, stamp: str, older_than: str) -> None:
    """Record that a key was used, at most once per interval (`older_than` is the cut-off)."""
    with write(db):
        db.execute(
            "UPDATE api_keys SET last_used_at = ? WHERE id = ? AND "
            "(last_used_at IS NULL OR last_used_at < ?)",
            [stamp, key_id, older_than],
        )


def _one(db: Database, sql: str, args: list) -> dict | None:
    row = one(db, sql, args)
    return _record(row) if row else None


def _record(row: dict) -> dict:
    row["scopes"] = row["scopes"].split()
    return row
