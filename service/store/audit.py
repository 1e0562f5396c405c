"""The audit trail: a chain of events, each signed with HMAC-SHA256 over the one before.

The key lives outside the database (the connection carries it, see store.connect), so someone
who can write the database but not read the key can neither rewrite an event nor add one.
Each event also records the digest of every audited row it changed (store.digests), before and
after the change: `audit verify` (store.audit_verify) then proves that the rows are the ones
the events describe. Events recorded before the chain was keyed keep their plain SHA-256 links
and are anchored by one keyed event (store.audit_upgrade).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
from collections.abc import Iterator

from sqlite_utils import Database

from .. import times
from . import digests, rows, write

GENESIS = "0" * 64
KEYED = "hmac-sha256"
LEGACY = "sha256"  # events written before the chain was keyed (migration 4 marks them so)


class NoAuditKey(RuntimeError):
    """The connection has no audit key, so it cannot sign an event."""


def canonical(event: dict) -> bytes:
    """The bytes an event's hash covers: sorted keys, no spaces, UTF-8."""
    return json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def legacy_digest(prev_hash: str, event: dict) -> str:
    """The unkeyed link of an event written before the chain was keyed."""
    return hashlib.sha256(prev_hash.encode() + canonical(event)).hexdigest()


def keyed_digest(key: bytes, prev_hash: str, event: dict) -> str:
    """HMAC-SHA256 under the audit key of the previous hash and the event."""
    return hmac.new(key, prev_hash.encode() + canonical(event), hashlib.sha256).hexdigest()


def event_body(row: dict) -> dict:
    """The fields of a stored event that its hash covers (legacy events have no state)."""
    body = {
        "seq": row["seq"],
        "assessment_id": row["assessment_id"],
        "actor_kind": row["actor_kind"],
        "actor_id": row["actor_id"],
        "actor_name": row["actor_name"],
        "action": row["action"],
        "details": row["details"],
        "created_at": row["created_at"],
    }
    if row["scheme"] != LEGACY:
        body["state"] = row["state"]
    return body


def last_event(db: Database) -> tuple[int, str]:
    """(seq, hash) of the newest event, or (0, GENESIS) for an empty chain."""
    row = db.execute("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)


def append_audit_event(
    db: Database,
    actor: dict,
    action: str,
    details: dict,
    assessment_id: str | None = None,
    state: dict[str, list] | None = None,
) -> str:
    """Append one signed event inside the caller's write transaction; returns its hash.

    `state` maps a row's ref (digests.ref) to [digest before, digest after] the change.
    """
    key = getattr(db, "audit_key", None)
    if not key:
        raise NoAuditKey("this connection has no audit key; open the store with one")
    with write(db):
        seq, prev = last_event(db)
        row = {
            "seq": seq + 1,
            "assessment_id": assessment_id,
            "actor_kind": actor["kind"],
            "actor_id": str(actor["id"]),
            "actor_name": actor["name"],
            "action": action,
            "details": details,
            "created_at": times.now(),
            "scheme": KEYED,
            "state": state or {},
        }
        digest = keyed_digest(key, prev, event_body(row))
        db.execute(
            "INSERT INTO audit_events (seq, assessment_id, actor_kind, actor_id, actor_name, "
            "action, details_json, created_at, prev_hash, hash, scheme, state_json) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                row["seq"],
                assessment_id,
                row["actor_kind"],
                row["actor_id"],
                row["actor_name"],
                action,
                json.dumps(details, sort_keys=True),
                row["created_at"],
                prev,
                digest,
                KEYED,
                json.dumps(row["state"], sort_keys=True),
            ],
        )
        return digest


class Change:
    """The rows one audited operation changes: their digests before, then after, the change."""

    def __init__(self, db: Database, details: dict, assessment_id: str | None):
        self.db, self.details, self.assessment_id = db, details, assessment_id
        self.before: dict[str, str | None] = {}

    def touch(self, kind: str, entity_id) -> None:
        """Name a row about to change; its digest as stored now is taken (once)."""
        name = digests.ref(kind, entity_id)
        if name not in self.before:
            self.before[name] = digests.row_digest(self.db, kind, entity_id)

    def created(self, kind: str, entity_id) -> None:
        """Name a row this operation inserted (it had no state before)."""
        self.before.setdefault(digests.ref(kind, entity_id), None)

    def state(self) -> dict[str, list]:
        """[before, after] for every row named."""
        out = {}
        for name, before in self.before.items():
            kind, entity_id = digests.parse_ref(name)
            out[name] = [before, digests.row_digest(self.db, kind, entity_id)]
        return out


@contextlib.contextmanager
def recorded(
    db: Database,
    actor: dict,
    action: str,
    details: dict | None = None,
    assessment_id: str | None = None,
    touches: tuple[tuple[str, object], ...] = (),
) -> Iterator[Change]:
    """One write transaction whose changes end in one audit event carrying their digests.

    The block names the rows it changes (`change.touch` before changing one, `change.created`
    after inserting one) and may add to `change.details`; when it returns, the event is
    appended with each row's digest before and after. If it raises, nothing is written.
    """
    with write(db):
        change = Change(db, dict(details or {}), assessment_id)
        for kind, entity_id in touches:
            change.touch(kind, entity_id)
        yield change
        append_audit_event(db, actor, action, change.details, change.assessment_id, change.state())


def audit_head(db: Database, assessment_id: str | None = None) -> str | None:
    """The hash of the newest event (for one assessment, or for the whole chain)."""
    sql, args = "SELECT hash FROM audit_events", []
    if assessment_id:
        sql, args = sql + " WHERE assessment_id = ?", [assessment_id]
    row = db.execute(sql + " ORDER BY seq DESC LIMIT 1", args).fetchone()
    return row[0] if row else None


def chain_head(db: Database) -> tuple[int, str] | None:
    """(seq, hash) of the newest event, to anchor outside the service; None for no events."""
    seq, digest = last_event(db)
    return (seq, digest) if seq else None


def list_audit_events(db: Database, assessment_id: str | None = None) -> list[dict]:
    """Events in chain order, optionally only those of one assessment."""
    sql, args = "SELECT * FROM audit_events", []
    if assessment_id:
        sql, args = sql + " WHERE assessment_id = ?", [assessment_id]
    return [_row(r) for r in rows(db, sql + " ORDER BY seq", args)]


def iter_audit_events(db: Database) -> Iterator[dict]:
    """Every event in chain order, one at a time (the chain may be long)."""
    for row in db.query("SELECT * FROM audit_events ORDER BY seq"):
        yield _row(row)


def _row(row: dict) -> dict:
    row["details"] = json.loads(row.pop("details_json"))
    state = row.pop("state_json", None)
    row["state"] = json.loads(state) if state else {}
    return row
