"""Queries for the artefact a submitted assessment describes, and the gate's one read."""

from __future__ import annotations

import json

from sqlite_utils import Database

from . import one, write


def save(db: Database, assessment_id: str, record: dict) -> None:
    """Store the artefact of a newly submitted assessment."""
    with write(db):
        db.execute(
            "INSERT INTO artifacts (assessment_id, manifest_digest, file_count, files_json, "
            "repo_id, revision, signature_json) VALUES (?,?,?,?,?,?,?)",
            [
                assessment_id,
                record["manifest_digest"],
                record["file_count"],
                json.dumps(record["files"], sort_keys=True, separators=(",", ":")),
                record.get("repo_id"),
                record.get("revision"),
                json.dumps(record["signature"]) if record.get("signature") else None,
            ],
        )


def get(db: Database, assessment_id: str, with_files: bool = False) -> dict | None:
    """An assessment's artefact (files only when asked: they may be thousands), or None."""
    files = ", files_json" if with_files else ""
    row = one(
        db,
        "SELECT manifest_digest, file_count, repo_id, revision, signature_json"
        f"{files} FROM artifacts WHERE assessment_id = ?",
        [assessment_id],
    )
    if row is None:
        return None
    row["signature"] = json.loads(row.pop("signature_json") or "null")
    if with_files:
        row["files"] = json.loads(row.pop("files_json"))
    return row


# What the gate reads of a candidate approval, in one query: the revision, its artefact's
# manifest digest and its re-assessment watch.
GATE_COLUMNS = (
    "a.id, a.root_id, a.revision, a.title, a.status, a.expires_at, a.risk_accepted, a.model_id, "
    "a.model_name, a.policy_id, a.next_id, f.manifest_digest, f.file_count, w.due_at, "
    "w.refuse_at, w.remind_at, w.evidence_expires_at, w.content_changed_at, w.content_reasons"
)
_FROM = (
    "FROM assessments AS a LEFT JOIN artifacts AS f ON f.assessment_id = a.id "
    "LEFT JOIN reassessments AS w ON w.assessment_id = a.id"
)


def gate_by_id(db: Database, assessment_id: str) -> list[dict]:
    """The approved revision of the chain the assessment belongs to, or the assessment itself
    when its chain has none (so a refusal can say what state it is in)."""
    return list(
        db.query(
            f"SELECT {GATE_COLUMNS} {_FROM} WHERE a.root_id = "
            "(SELECT root_id FROM assessments WHERE id = ?) "
            "AND (a.status = 'approved' OR a.id = ?) ORDER BY a.status = 'approved' DESC, "
            "a.revision DESC LIMIT 2",
            [assessment_id, assessment_id],
        )
    )


def gate_by_title(db: Database, title: str, limit: int) -> list[dict]:
    """Approved revisions titled `title` (any case), newest first; if none, the latest
    revisions of that title, so a refusal can say what state they are in."""
    found = list(
        db.query(
            f"SELECT {GATE_COLUMNS} {_FROM} WHERE a.title = ? COLLATE NOCASE "
            "AND a.status = 'approved' ORDER BY a.created_at DESC LIMIT ?",
            [title, limit],
        )
    )
    if found:
        return found
    return list(
        db.query(
            f"SELECT {GATE_COLUMNS} {_FROM} WHERE a.title = ? COLLATE NOCASE "
            "AND a.next_id IS NULL ORDER BY a.created_at DESC LIMIT ?",
            [title, limit],
        )
    )


def files(db: Database, assessment_id: str) -> dict[str, str]:
    """{path: sha256} of an assessment's artefact (empty when it has none)."""
    row = db.execute(
        "SELECT files_json FROM artifacts WHERE assessment_id = ?", [assessment_id]
    ).fetchone()
    return json.loads(row[0]) if row else {}
