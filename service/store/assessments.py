"""Queries for assessments and their reviews; rows come back as the stored-assessment dicts."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

from sqlite_utils import Database

from .. import times
from . import one, rows, write
from .audit import audit_head
from .reviews import list_reviews

SUMMARY_COLUMNS = (
    "id, revision, previous_id, root_id, title, status, created_at, updated_at, expires_at, "
    "submitted_by_kind, submitted_by_id, submitted_by_name, submitted_by_person, model_id, "
    "model_name, rating, decision, score, policy_id, policy_version, next_id, risk_accepted"
)
FILTERS = {
    "status": "status = ?",
    "decision": "decision = ?",
    "rating": "rating = ?",
    "model": "(model_id = ? COLLATE NOCASE OR model_name = ? COLLATE NOCASE)",
    "since": "created_at >= ?",
    # A LIKE pattern (the caller adds the % signs) over what people search by on the dashboard.
    "q": "(title LIKE ? OR model_name LIKE ? OR model_id LIKE ? OR submitted_by_name LIKE ?)",
    "submitted_by_kind": "submitted_by_kind = ?",
    "submitted_by_id": "submitted_by_id = ?",
}
# An approval in force whose re-assessment watch has fallen due (application/reassessment.py).
DUE = "(status = 'approved' AND id IN (SELECT assessment_id FROM reassessments WHERE due_at <= ?))"


def new_id() -> str:
    """A fresh assessment id: 32 lowercase hex characters."""
    return uuid.uuid4().hex


def save_assessment(
    db: Database,
    clean: dict,
    result: dict,
    actor: dict,
    previous: dict | None,
    input_json: str,
    result_json: str,
) -> str:
    """Insert a submitted assessment (a new revision of `previous`, if given), its input and
    result as the caller encoded them; returns its id."""
    assessment_id, stamp = new_id(), times.now()
    model = result.get("model") or {}
    with write(db):
        db.execute(
            "INSERT INTO assessments (id, revision, previous_id, root_id, title, status, "
            "created_at, updated_at, expires_at, submitted_by_kind, submitted_by_id, "
            "submitted_by_name, submitted_by_person, model_id, model_name, rating, decision, "
            "score, policy_id, policy_version, policy_hash, content_hash, engine_version, "
            "input_hash, input_json, result_json) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                assessment_id,
                previous["revision"] + 1 if previous else 1,
                previous["id"] if previous else None,
                previous["root_id"] if previous else assessment_id,
                clean["title"],
                "submitted",
                stamp,
                stamp,
                None,
                actor["kind"],
                str(actor["id"]),
                actor["name"],
                actor.get("person"),
                model.get("id"),
                model.get("name") or model.get("id") or "",
                result["overall"]["rating"],
                result["decision"],
                result["overall"]["score"],
                result["policy"]["id"],
                result["policy"]["version"],
                result["policy"]["hash"],
                result["content"]["hash"],
                result["engine_version"],
                result["input_hash"],
                input_json,
                result_json,
            ],
        )
    return assessment_id


def get_assessment(db: Database, assessment_id: str) -> dict | None:
    """The stored assessment with its input, result, reviews and audit head; None if absent."""
    row = one(db, "SELECT * FROM assessments WHERE id = ?", [assessment_id])
    if row is None:
        return None
    stored = _summary(row)
    stored["input"] = json.loads(row["input_json"])
    stored["result"] = json.loads(row["result_json"])  # as stored: lean (format 2) or whole
    stored["reviews"] = list_reviews(db, assessment_id)
    stored["audit_head"] = audit_head(db, assessment_id)
    return stored


def get_summary(db: Database, assessment_id: str) -> dict | None:
    """The assessment's columns without input, result or reviews (cheap); None if absent."""
    row = one(db, f"SELECT {SUMMARY_COLUMNS} FROM assessments WHERE id = ?", [assessment_id])
    return _summary(row) if row else None


def list_assessments(
    db: Database, filters: dict | None = None, page: int = 1, per_page: int = 20
) -> tuple[list[dict], int]:
    """One page of assessment summaries, newest first, and the total that match the filters."""
    where, args = _where(filters or {})
    total = db.execute(f"SELECT COUNT(*) FROM assessments{where}", args).fetchone()[0]
    found = rows(
        db,
        f"SELECT {SUMMARY_COLUMNS} FROM assessments{where} "
        "ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
        [*args, per_page, (page - 1) * per_page],
    )
    return [_summary(r) for r in found], total


def list_revisions(db: Database, root_id: str) -> list[dict]:
    """Every revision of one assessment, oldest first."""
    found = rows(
        db,
        f"SELECT {SUMMARY_COLUMNS} FROM assessments WHERE root_id = ? ORDER BY revision",
        [root_id],
    )
    return [_summary(r) for r in found]


def list_due_approvals(db: Database, within_days: int) -> list[dict]:
    """Approved assessments whose approval has expired or expires within `within_days` days."""
    cutoff, stamp = times.shifted(days=within_days), times.now()
    found = rows(
        db,
        f"SELECT {SUMMARY_COLUMNS} FROM assessments WHERE status = 'approved' "
        "AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at, id",
        [cutoff],
    )
    return [{**_summary(r), "expired": r["expires_at"] <= stamp} for r in found]


def set_status(
    db: Database,
    assessment_id: str,
    status: str,
    expires_at: str | None = None,
    risk_accepted: bool = False,
) -> None:
    """Move an assessment to a new status (with when its approval expires, and whether it
    accepts the risk of a reject decision)."""
    with write(db):
        db.execute(
            "UPDATE assessments SET status = ?, updated_at = ?, expires_at = ?, "
            "risk_accepted = ? WHERE id = ?",
            [status, times.now(), expires_at, int(risk_accepted), assessment_id],
        )


def supersede(db: Database, assessment_id: str) -> None:
    """Mark a revision superseded; its approval (expiry, risk accepted) stays on record."""
    with write(db):
        db.execute(
            "UPDATE assessments SET status = 'superseded', updated_at = ? WHERE id = ?",
            [times.now(), assessment_id],
        )


def set_next(db: Database, assessment_id: str, next_id: str) -> None:
    """Link a revision to the one that follows it."""
    with write(db):
        db.execute(
            "UPDATE assessments SET next_id = ?, updated_at = ? WHERE id = ?",
            [next_id, times.now(), assessment_id],
        )


def input_hash(db: Database, assessment_id: str) -> str | None:
    """The SHA-256 of an assessment's canonical input, or None when there is no such one."""
    row = db.execute("SELECT input_hash FROM assessments WHERE id = ?", [assessment_id]).fetchone()
    return row[0] if row else None


def chain_submitters(db: Database, root_id: str) -> list[dict]:
    """Who submitted the revisions of one chain: {kind, id, person}, each once."""
    return rows(
        db,
        "SELECT DISTINCT submitted_by_kind AS kind, submitted_by_id AS id, "
        "submitted_by_person AS person FROM assessments WHERE root_id = ?",
        [root_id],
    )


def approved_revisions(db: Database, root_id: str) -> list[str]:
    """Ids of a chain's revisions whose approval is in force (status approved)."""
    found = db.execute(
        "SELECT id FROM assessments WHERE root_id = ? AND status = 'approved' ORDER BY revision",
        [root_id],
    )
    return [row[0] for row in found]


def count_assessments(db: Database) -> int:
    """How many assessments (all revisions) are stored."""
    return db.execute("SELECT COUNT(*) FROM assessments").fetchone()[0]


def _where(filters: dict) -> tuple[str, list]:
    clauses, args = [], []
    for name, value in filters.items():
        if value is None:
            continue
        if name == "reassessment_due":  # true: due now; false: anything else
            clauses.append(DUE if value else f"NOT {DUE}")
            args.append(times.now())
            continue
        if name not in FILTERS:
            raise ValueError(f"unknown filter {name!r}")
        clauses.append(FILTERS[name])
        args.extend([value] * FILTERS[name].count("?"))
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), args


def _summary(row: dict) -> dict:
    return {
        "id": row["id"],
        "revision": row["revision"],
        "previous_id": row["previous_id"],
        "root_id": row["root_id"],
        "title": row["title"],
        "status": row["status"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "expires_at": row["expires_at"],
        "submitted_by": {
            "kind": row["submitted_by_kind"],
            "id": row["submitted_by_id"],
            "name": row["submitted_by_name"],
            "person": row["submitted_by_person"],
        },
        "model_id": row["model_id"],
        "model_name": row["model_name"],
        "rating": row["rating"],
        "decision": row["decision"],
        "score": row["score"],
        "policy_id": row["policy_id"],
        "policy_version": row["policy_version"],
        "next_id": row["next_id"],
        "risk_accepted": bool(row["risk_accepted"]),
    }


# What portfolio impact reads of each current assessment: its input, and from its stored result
# only the verdict and the versions it was scored with (the findings stay on disk).
IMPACT_COLUMNS = (
    "id, title, status, model_id, model_name, decision, rating, score, policy_id, "
    "policy_version, input_json, json_extract(result_json, '$.blockers') AS blockers, "
    "json_extract(result_json, '$.content.versions') AS content_versions, "
    "content_hash, policy_hash, engine_version, created_at, "
    "json_extract(result_json, '$.as_of') AS as_of"
)


def iter_current(db: Database, status: str | None = None) -> Iterator[dict]:
    """Every current assessment (not superseded: the latest revision of each chain, and an
    approval still in force while a newer revision awaits review), oldest first, with what
    portfolio impact reads; rows are read as they are used."""
    where, args = "status != 'superseded'", []
    if status:
        where, args = "status = ?", [status]
    for row in db.query(
        f"SELECT {IMPACT_COLUMNS} FROM assessments WHERE {where} ORDER BY created_at, id", args
    ):
        row["blockers"] = json.loads(row["blockers"] or "[]")
        row["content_versions"] = json.loads(row["content_versions"] or "{}")
        yield row


def approved_state(db: Database) -> tuple[int, str | None]:
    """(how many approved assessments, the newest change among them): a key that moves
    whenever the approved set does."""
    row = db.execute(
        "SELECT COUNT(*), MAX(updated_at) FROM assessments WHERE status = 'approved'"
    ).fetchone()
    return row[0], row[1]
