"""Queries for the re-assessment watch of approvals: when each falls due, and when the gate
stops honouring it."""

from __future__ import annotations

from sqlite_utils import Database

from . import one, rows, write

COLUMNS = (
    "assessment_id, remind_at, evidence_expires_at, content_changed_at, content_reasons, "
    "due_at, grace_days, refuse_at, notified_at"
)


def put(db: Database, record: dict) -> None:
    """Insert or replace the watch of one approval (the record's keys are the columns)."""
    names = [c.strip() for c in COLUMNS.split(",")]
    with write(db):
        db.execute(
            f"INSERT OR REPLACE INTO reassessments ({COLUMNS}) VALUES ({','.join('?' * 9)})",
            [record.get(n) for n in names],
        )


def get(db: Database, assessment_id: str) -> dict | None:
    """The watch of one assessment, or None."""
    return one(db, f"SELECT {COLUMNS} FROM reassessments WHERE assessment_id = ?", [assessment_id])


def approved_unwatched(db: Database) -> list[dict]:
    """Approved assessments without a watch (approved before watches existed)."""
    return rows(
        db,
        "SELECT id, policy_id, expires_at FROM assessments AS a WHERE status = 'approved' "
        "AND expires_at IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM reassessments AS w WHERE w.assessment_id = a.id) ORDER BY id",
    )


def approved_watches(db: Database) -> list[dict]:
    """The watch of every approved assessment."""
    return rows(
        db,
        f"SELECT {', '.join('w.' + c.strip() for c in COLUMNS.split(','))}, a.policy_id "
        "FROM reassessments AS w JOIN assessments AS a ON a.id = w.assessment_id "
        "WHERE a.status = 'approved' ORDER BY w.assessment_id",
    )


def due_unnotified(db: Database, now: str) -> list[str]:
    """Ids of approved assessments due for re-assessment whose event is not yet sent."""
    found = db.execute(
        "SELECT w.assessment_id FROM reassessments AS w JOIN assessments AS a "
        "ON a.id = w.assessment_id WHERE a.status = 'approved' AND w.due_at <= ? "
        "AND w.notified_at IS NULL ORDER BY w.due_at, w.assessment_id",
        [now],
    )
    return [row[0] for row in found]


def mark_notified(db: Database, assessment_id: str, at: str) -> None:
    """Record that the re-assessment event of an approval was written to the outbox."""
    with write(db):
        db.execute(
            "UPDATE reassessments SET notified_at = ? WHERE assessment_id = ?", [at, assessment_id]
        )
