"""Webhook endpoints, the outbox of events to deliver, and the delivery log."""

from __future__ import annotations

import json

from sqlite_utils import Database

from . import one, rows

ENDPOINT_COLUMNS = "id, url, events, created_at, created_by, removed_at"


def add_endpoint(db: Database, url: str, events: tuple, secret: str, created_by: str, at: str):
    """A new endpoint; returns its id."""
    cursor = db.execute(
        "INSERT INTO webhook_endpoints (url, events, secret, created_at, created_by) "
        "VALUES (?, ?, ?, ?, ?)",
        [url, json.dumps(list(events)), secret, at, created_by],
    )
    return cursor.lastrowid


def list_endpoints(db: Database) -> list[dict]:
    """Every endpoint that is not removed, oldest first, without secrets."""
    found = rows(
        db,
        f"SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE removed_at IS NULL ORDER BY id",
    )
    return [_endpoint(r) for r in found]


def get_endpoint(db: Database, endpoint_id: int) -> dict | None:
    """One endpoint with its secret (for signing), removed or not; None if there is none."""
    found = one(db, "SELECT * FROM webhook_endpoints WHERE id = ?", [endpoint_id])
    return _endpoint(found) if found else None


def remove_endpoint(db: Database, endpoint_id: int, at: str) -> bool:
    """Mark an endpoint removed and cancel its undelivered events; False if there was none."""
    cursor = db.execute(
        "UPDATE webhook_endpoints SET removed_at = ? WHERE id = ? AND removed_at IS NULL",
        [at, endpoint_id],
    )
    if cursor.rowcount:
        db.execute(
            "UPDATE webhook_outbox SET status = 'cancelled', lease_until = NULL "
            "WHERE endpoint_id = ? AND status = 'pending'",
            [endpoint_id],
        )
    return bool(cursor.rowcount)


def enqueue(db: Database, event_id, endpoint_id, event_type, assessment_id, body, at) -> None:
    """One event for one endpoint, due now (call inside the change's own transaction)."""
    db.execute(
        "INSERT INTO webhook_outbox (id, endpoint_id, event_type, assessment_id, body, "
        "created_at, status, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
        [event_id, endpoint_id, event_type, assessment_id, body, at, at],
    )


def claim_due(db: Database, at: str, lease_until: str, limit: int) -> list[dict]:
    """Lease up to `limit` due events (none leased by a live worker), oldest first."""
    due = rows(
        db,
        "SELECT * FROM webhook_outbox WHERE status = 'pending' AND next_attempt_at <= ? "
        "AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_attempt_at, id LIMIT ?",
        [at, at, limit],
    )
    if due:
        marks = ", ".join("?" for _ in due)
        db.execute(
            f"UPDATE webhook_outbox SET lease_until = ? WHERE id IN ({marks})",
            [lease_until, *(e["id"] for e in due)],
        )
    return due


def log_attempt(db: Database, event: dict, at: str, status_code, error, duration_ms) -> int:
    """Add an attempt to the delivery log; returns the attempt's number."""
    attempt = event["attempts"] + 1
    db.execute(
        "INSERT INTO webhook_deliveries (event_id, attempt, attempted_at, status_code, error, "
        "duration_ms) VALUES (?, ?, ?, ?, ?, ?)",
        [event["id"], attempt, at, status_code, error, duration_ms],
    )
    return attempt


def settle(db: Database, event_id: str, attempts: int, status: str, next_at, error, at) -> None:
    """Record an event's state after an attempt: delivered, failed, cancelled or pending."""
    db.execute(
        "UPDATE webhook_outbox SET attempts = ?, status = ?, next_attempt_at = COALESCE(?, "
        "next_attempt_at), lease_until = NULL, last_error = ?, delivered_at = CASE WHEN ? = "
        "'delivered' THEN ? ELSE delivered_at END WHERE id = ?",
        [attempts, status, next_at, error, status, at, event_id],
    )


def list_events(db: Database, endpoint_id: int | None = None, limit: int = 100) -> list[dict]:
    """The newest events (of one endpoint), without their bodies."""
    where, args = ("WHERE endpoint_id = ?", [endpoint_id]) if endpoint_id else ("", [])
    return rows(
        db,
        "SELECT id, endpoint_id, event_type, assessment_id, created_at, status, attempts, "
        f"next_attempt_at, delivered_at, last_error FROM webhook_outbox {where} "
        "ORDER BY created_at DESC, id DESC LIMIT ?",
        [*args, limit],
    )


def list_attempts(db: Database, endpoint_id: int, limit: int = 100) -> list[dict]:
    """The delivery log of one endpoint, newest first."""
    return rows(
        db,
        "SELECT d.event_id, o.event_type, d.attempt, d.attempted_at, d.status_code, d.error, "
        "d.duration_ms FROM webhook_deliveries d JOIN webhook_outbox o ON o.id = d.event_id "
        "WHERE o.endpoint_id = ? ORDER BY d.id DESC LIMIT ?",
        [endpoint_id, limit],
    )


def _endpoint(row: dict) -> dict:
    return {**row, "events": json.loads(row["events"])}
