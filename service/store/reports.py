"""The archive of approved reports: the bytes signed at an approval, kept as they were."""

from __future__ import annotations

from sqlite_utils import Database

from . import one, write


def archive(
    db: Database,
    assessment_id: str,
    review_id: int,
    sha256: str,
    renderer: str,
    filename: str,
    pdf: bytes,
    created_at: str,
) -> None:
    """Keep the report of an approved revision (one per revision; an approval is final)."""
    with write(db):
        db.execute(
            "INSERT INTO report_archive (assessment_id, review_id, sha256, renderer, filename, "
            "pdf, created_at) VALUES (?,?,?,?,?,?,?)",
            [assessment_id, review_id, sha256, renderer, filename, pdf, created_at],
        )


def archived(db: Database, assessment_id: str) -> dict | None:
    """The archived report of a revision (bytes, SHA-256, renderer, file name), or None."""
    return one(
        db,
        "SELECT assessment_id, review_id, sha256, renderer, filename, pdf, created_at "
        "FROM report_archive WHERE assessment_id = ?",
        [assessment_id],
    )


def archived_at(db: Database, assessment_id: str) -> str | None:
    """When the report of a revision was archived (without reading its bytes), or None."""
    row = db.execute(
        "SELECT created_at FROM report_archive WHERE assessment_id = ?", [assessment_id]
    ).fetchone()
    return row[0] if row else None
