"""Queries for API keys: only a hash of each key is stored, never the key itself."""

from __future__ import annotations

from sqlite_utils import Database

from .. import times
from . import one, rows, write

# A key's record, with its owner's address and state (NULLs for a service key).
COLUMNS = (
    "k.id, k.name, k.prefix, k.key_hash, k.scopes, k.created_at, k.revoked_at, k.last_used_at, "
    "k.owner_user_id, u.email AS owner_email, u.disabled AS owner_disabled"
)
FROM = "api_keys AS k LEFT JOIN users AS u ON u.id = k.owner_user_id"


def insert_key(
    db: Database,
    name: str,
    prefix: str,
    key_hash: str,
    scopes: list[str],
    owner_user_id: int | None = None,
) -> dict:
    """Store a new key's public prefix, hash, scopes and owner; returns its record."""
    with write(db):
        cursor = db.execute(
            "INSERT INTO api_keys (name, prefix, key_hash, scopes, created_at, owner_user_id) "
            "VALUES (?,?,?,?,?,?)",
            [name, prefix, key_hash, " ".join(scopes), times.now(), owner_user_id],
        )
        return get_key(db, cursor.lastrowid)


def get_key(db: Database, key_id: int) -> dict | None:
    """One key's record by id, or None."""
    return _one(db, f"SELECT {COLUMNS} FROM {FROM} WHERE k.id = ?", [key_id])


def find_key(db: Database, prefix: str, window_start: int | None = None) -> dict | None:
    """One key's record by its public prefix (e.g. mr_live_AbC123xy), or None; with
    `window_start`, `used` is what the rate-limit counter holds for the key in that window."""
    return _one(
        db,
        f"SELECT {COLUMNS}, (SELECT count FROM rate_limits WHERE subject = 'key:' || k.id "
        f"AND window_start = ?) AS used FROM {FROM} WHERE k.prefix = ?",
        [window_start, prefix],
    )


def list_keys(db: Database) -> list[dict]:
    """Every key's record (revoked ones too), oldest first; hashes are left out."""
    found = rows(db, f"SELECT {COLUMNS} FROM {FROM} ORDER BY k.id")
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
    with write(db):  # the caller's transaction, when it has one
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
    row["owner_disabled"] = bool(row["owner_disabled"])
    return row
