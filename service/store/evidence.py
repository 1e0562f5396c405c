"""Queries for evidence files: the bytes once per SHA-256, each upload, and which assessment
cites which upload for which item."""

from __future__ import annotations

from sqlite_utils import Database

from . import one, rows, write

COLUMNS = (
    "id, sha256, media_type, filename, size, description, expires_on, uploaded_by_kind, "
    "uploaded_by_id, uploaded_by_name, uploaded_by_person, created_at"
)


def save_blob(db: Database, sha256: str, data: bytes) -> bool:
    """Keep the bytes under their SHA-256 unless they are there already; True when new."""
    with write(db):
        cursor = db.execute(
            "INSERT OR IGNORE INTO evidence_blobs (sha256, data, size) VALUES (?,?,?)",
            [sha256, data, len(data)],
        )
        return cursor.rowcount == 1


def insert(db: Database, record: dict) -> None:
    """Insert one upload (the record's keys are the columns)."""
    with write(db):
        db.execute(
            f"INSERT INTO evidence ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [record[c.strip()] for c in COLUMNS.split(",")],
        )


def get(db: Database, evidence_id: str) -> dict | None:
    """One upload's record (no bytes), or None."""
    return one(db, f"SELECT {COLUMNS} FROM evidence WHERE id = ?", [evidence_id])


def get_many(db: Database, ids: list[str]) -> dict[str, dict]:
    """Records of the uploads named, by id (unknown ids are simply absent)."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    found = rows(db, f"SELECT {COLUMNS} FROM evidence WHERE id IN ({marks})", list(ids))
    return {r["id"]: r for r in found}


def data(db: Database, sha256: str) -> bytes | None:
    """The bytes stored under a SHA-256, or None."""
    row = db.execute("SELECT data FROM evidence_blobs WHERE sha256 = ?", [sha256]).fetchone()
    return row[0] if row else None


def cite(db: Database, assessment_id: str, citations: list[tuple[str, str]]) -> None:
    """Record that an assessment cites each (evidence id, item)."""
    with write(db):
        db.conn.executemany(
            "INSERT OR IGNORE INTO evidence_refs (evidence_id, assessment_id, item) VALUES (?,?,?)",
            [(evidence_id, assessment_id, item) for evidence_id, item in citations],
        )


def cited_by(db: Database, assessment_id: str) -> list[dict]:
    """The uploads one assessment cites, each with the items it backs, oldest upload first."""
    found = rows(
        db,
        f"SELECT {', '.join('e.' + c.strip() for c in COLUMNS.split(','))}, "
        "group_concat(r.item, ',') AS items FROM evidence_refs AS r "
        "JOIN evidence AS e ON e.id = r.evidence_id WHERE r.assessment_id = ? "
        "GROUP BY e.id ORDER BY e.created_at, e.id",
        [assessment_id],
    )
    for row in found:
        row["items"] = sorted(row["items"].split(","))
    return found


def is_cited(db: Database, evidence_id: str) -> bool:
    """True when a submitted assessment cites the upload."""
    found = db.execute("SELECT 1 FROM evidence_refs WHERE evidence_id = ? LIMIT 1", [evidence_id])
    return found.fetchone() is not None


def uncited_before(db: Database, cutoff: str, limit: int) -> list[dict]:
    """Uploads made before `cutoff` that no assessment cites, oldest first (at most `limit`)."""
    return rows(
        db,
        f"SELECT {COLUMNS} FROM evidence WHERE created_at < ? AND NOT EXISTS "
        "(SELECT 1 FROM evidence_refs AS r WHERE r.evidence_id = evidence.id) "
        "ORDER BY created_at, id LIMIT ?",
        [cutoff, limit],
    )


def delete(db: Database, evidence_id: str, sha256: str) -> None:
    """Delete an upload, and its bytes when no other upload shares them."""
    with write(db):
        db.execute("DELETE FROM evidence WHERE id = ?", [evidence_id])
        db.execute(
            "DELETE FROM evidence_blobs WHERE sha256 = ? AND NOT EXISTS "
            "(SELECT 1 FROM evidence WHERE sha256 = ?)",
            [sha256, sha256],
        )


def cited_in_chain(db: Database, root_id: str) -> list[str]:
    """Ids of the uploads any revision of a chain cites."""
    found = db.execute(
        "SELECT DISTINCT r.evidence_id FROM evidence_refs AS r "
        "JOIN assessments AS a ON a.id = r.assessment_id WHERE a.root_id = ?",
        [root_id],
    )
    return [row[0] for row in found]
