"""Queries for reviews: record one, list those of a revision or of the revisions before it."""

from __future__ import annotations

from sqlite_utils import Database

from .. import times
from . import rows, write


def add_review(
    db: Database,
    assessment_id: str,
    reviewer: dict,
    decision: str,
    comment: str,
    accept_risk: bool = False,
    created_at: str | None = None,
) -> int:
    """Record a reviewer's decision on an assessment (at `created_at`, or now); returns the
    review id."""
    with write(db):
        cursor = db.execute(
            "INSERT INTO reviews (assessment_id, reviewer_kind, reviewer_id, reviewer_name, "
            "reviewer_person, decision, comment, created_at, accept_risk) "
            "VALUES (?,?,?,?,?,?,?,?,?)",
            [
                assessment_id,
                reviewer["kind"],
                str(reviewer["id"]),
                reviewer["name"],
                reviewer.get("person"),
                decision,
                comment,
                created_at or times.now(),
                int(accept_risk),
            ],
        )
        return cursor.lastrowid


def list_reviews(db: Database, assessment_id: str) -> list[dict]:
    """The reviews of one assessment, oldest first, each with the address of the account its
    reviewer acted for (a key's owner)."""
    found = rows(
        db,
        "SELECT r.*, u.email AS person_name FROM reviews AS r "
        "LEFT JOIN users AS u ON u.id = r.reviewer_person WHERE r.assessment_id = ? ORDER BY r.id",
        [assessment_id],
    )
    return [_review(r) for r in found]


def list_earlier_reviews(db: Database, root_id: str, revision: int) -> list[dict]:
    """The reviews of a chain's revisions before `revision`, oldest first, each with the
    revision it belongs to."""
    found = rows(
        db,
        "SELECT r.*, u.email AS person_name, a.revision AS revision FROM reviews AS r "
        "JOIN assessments AS a ON a.id = r.assessment_id "
        "LEFT JOIN users AS u ON u.id = r.reviewer_person "
        "WHERE a.root_id = ? AND a.revision < ? ORDER BY a.revision, r.id",
        [root_id, revision],
    )
    return [{**_review(r), "revision": r["revision"]} for r in found]


def _review(r: dict) -> dict:
    return {
        "id": r["id"],
        "reviewer": {
            "kind": r["reviewer_kind"],
            "id": r["reviewer_id"],
            "name": r["reviewer_name"],
            "person": r["reviewer_person"],
            "person_name": r["person_name"],
        },
        "decision": r["decision"],
        "comment": r["comment"],
        "accept_risk": bool(r["accept_risk"]),
        "created_at": r["created_at"],
    }
