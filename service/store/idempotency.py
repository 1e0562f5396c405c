"""Queries for Idempotency-Key records: one row per (owner, key), in progress or done."""

from __future__ import annotations

import json

from sqlite_utils import Database

from .. import times
from . import one, write


def claim(
    db: Database,
    owner: str,
    key: str,
    request_hash: str,
    stale_before: str,
    expire_before: str | None = None,
) -> tuple[str, dict | None]:
    """Claim a key for a request inside one write transaction.

    Returns ("new", None) when the caller should run the request, or ("replay" | "mismatch" |
    "in_progress", record) when a request with this key was seen before. A record left in
    progress since before `stale_before` (its worker died) is taken over as new; records
    created before `expire_before` are deleted first, so the table never outgrows a retention
    period even when nobody runs the purge command.
    """
    with write(db):
        if expire_before:
            purge(db, expire_before)
        record = get_record(db, owner, key)
        if record is None or (
            record["state"] == "in_progress" and record["created_at"] < stale_before
        ):
            db.execute(
                "INSERT OR REPLACE INTO idempotency_keys (owner, key, request_hash, state, "
                "created_at) VALUES (?,?,?,?,?)",
                [owner, key, request_hash, "in_progress", times.now()],
            )
            return "new", None
        if record["request_hash"] != request_hash:
            return "mismatch", record
        if record["state"] == "in_progress":
            return "in_progress", record
        return "replay", record


def complete(db: Database, owner: str, key: str, status: int, headers: dict, body: bytes) -> None:
    """Store the response of a finished request so that repeats replay it."""
    with write(db):
        db.execute(
            "UPDATE idempotency_keys SET state = 'done', status_code = ?, "
            "headers_json = ?, body = ? WHERE owner = ? AND key = ?",
            [status, json.dumps(headers), body, owner, key],
        )


def release(db: Database, owner: str, key: str) -> None:
    """Forget an in-progress claim (the request failed), so the key may be used again."""
    with write(db):
        db.execute(
            "DELETE FROM idempotency_keys WHERE owner = ? AND key = ? AND state = 'in_progress'",
            [owner, key],
        )


def get_record(db: Database, owner: str, key: str) -> dict | None:
    """The record for (owner, key), with headers decoded, or None."""
    record = one(db, "SELECT * FROM idempotency_keys WHERE owner = ? AND key = ?", [owner, key])
    if record is None:
        return None
    record["headers"] = json.loads(record.pop("headers_json") or "{}")
    return record


def purge(db: Database, older_than: str) -> int:
    """Delete records created before `older_than`; returns how many went."""
    with write(db):
        return db.execute(
            "DELETE FROM idempotency_keys WHERE created_at < ?", [older_than]
        ).rowcount
