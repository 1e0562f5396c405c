"""Queries for Idempotency-Key records: the reply kept for each (owner, key)."""

from __future__ import annotations

import json

from sqlite_utils import Database

from .. import times
from . import one, write


def get_record(db: Database, owner: str, key: str) -> dict | None:
    """The record for (owner, key), with headers decoded, or None."""
    record = one(db, "SELECT * FROM idempotency_keys WHERE owner = ? AND key = ?", [owner, key])
    if record is None:
        return None
    record["headers"] = json.loads(record.pop("headers_json") or "{}")
    return record


def save(
    db: Database,
    owner: str,
    key: str,
    request_hash: str,
    status: int,
    headers: dict,
    body: bytes,
) -> None:
    """Keep the reply of a finished request (inside the caller's transaction)."""
    with write(db):
        db.execute(
            "INSERT INTO idempotency_keys (owner, key, request_hash, state, status_code, "
            "headers_json, body, created_at) VALUES (?, ?, ?, 'done', ?, ?, ?, ?)",
            [owner, key, request_hash, status, json.dumps(headers), body, times.now()],
        )


def purge(db: Database, older_than: str) -> int:
    """Delete records created before `older_than`; returns how many went."""
    with write(db):
        return db.execute(
            "DELETE FROM idempotency_keys WHERE created_at < ?", [older_than]
        ).rowcount
