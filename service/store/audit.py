"""The tamper-evident audit trail: each event carries the hash of the one before."""

from __future__ import annotations

import hashlib
import json

from sqlite_utils import Database

from .. import times
from . import rows, write

GENESIS = "0" * 64


def _digest(prev_hash: str, event: dict) -> str:
    canonical = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def _event(seq, assessment_id, actor: dict, action: str, details: dict, created_at: str) -> dict:
    return {
        "seq": seq,
        "assessment_id": assessment_id,
        "actor_kind": actor["kind"],
        "actor_id": str(actor["id"]),
        "actor_name": actor["name"],
        "action": action,
        "details": details,
        "created_at": created_at,
    }


def append_audit_event(
    db: Database, actor: dict, action: str, details: dict, assessment_id: str | None = None
) -> str:
    """Append one event to the chain inside the caller's write transaction; returns its hash."""
    with write(db):
        row = db.execute("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev = (row[0] + 1, row[1]) if row else (1, GENESIS)
        event = _event(seq, assessment_id, actor, action, details, times.now())
        digest = _digest(prev, event)
        db.execute(
            "INSERT INTO audit_events (seq, assessment_id, actor_kind, actor_id, actor_name, "
            "action, details_json, created_at, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?)",
            [
                seq,
                assessment_id,
                event["actor_kind"],
                event["actor_id"],
                event["actor_name"],
                action,
                json.dumps(details, sort_keys=True),
                event["created_at"],
                prev,
                digest,
            ],
        )
        return digest


def audit_head(db: Database, assessment_id: str | None = None) -> str | None:
    """The hash of the newest event (for one assessment, or for the whole chain)."""
    sql, args = "SELECT hash FROM audit_events", []
    if assessment_id:
        sql, args = sql + " WHERE assessment_id = ?", [assessment_id]
    row = db.execute(sql + " ORDER BY seq DESC LIMIT 1", args).fetchone()
    return row[0] if row else None


def list_audit_events(db: Database, assessment_id: str | None = None) -> list[dict]:
    """Events in chain order, optionally only those of one assessment."""
    sql, args = "SELECT * FROM audit_events", []
    if assessment_id:
        sql, args = sql + " WHERE assessment_id = ?", [assessment_id]
    return [_row(r) for r in rows(db, sql + " ORDER BY seq", args)]


def _row(row: dict) -> dict:
    row["details"] = json.loads(row.pop("details_json"))
    return row


def verify_audit_chain(db: Database) -> tuple[bool, int, str]:
    """Walk the chain; returns (ok, events checked, message naming the first broken event)."""
    prev, count = GENESIS, 0
    for row in list_audit_events(db):
        actor = {"kind": row["actor_kind"], "id": row["actor_id"], "name": row["actor_name"]}
        event = _event(
            row["seq"],
            row["assessment_id"],
            actor,
            row["action"],
            row["details"],
            row["created_at"],
        )
        if row["prev_hash"] != prev:
            return False, count, f"event {row['seq']}: does not link to the event before it"
        if _digest(prev, event) != row["hash"]:
            return False, count, f"event {row['seq']}: its content does not match its hash"
        prev, count = row["hash"], count + 1
    return True, count, f"audit chain intact: {count} events"
