"""Drafts: a form's fields saved as typed, owned by one user, to finish later."""

from __future__ import annotations

import json
import secrets

from sqlite_utils import Database

from .. import times
from . import one, rows, write


def _draft(row: dict | None) -> dict | None:
    if row is None:
        return None
    row["form"] = json.loads(row.pop("form_json"))
    row["progress"] = _progress(row.pop("progress_json", None))
    return row


def _progress(text: str | None) -> list[dict] | None:
    return json.loads(text) if text else None


def save_draft(
    db: Database,
    owner_user_id,
    title: str,
    form: dict,
    draft_id: str | None = None,
    progress: list[dict] | None = None,
) -> str:
    """Create a draft, or update the owner's draft `draft_id`; returns the draft's id.
    `progress` is what the dashboard shows of it (answered per section), kept as saved."""
    stamp = times.now()
    shown = json.dumps(progress) if progress is not None else None
    with write(db):
        if draft_id and get_draft(db, draft_id, owner_user_id):
            db.execute(
                "UPDATE drafts SET title = ?, form_json = ?, progress_json = ?, updated_at = ? "
                "WHERE id = ? AND owner_user_id = ?",
                [title, json.dumps(form), shown, stamp, draft_id, owner_user_id],
            )
            return draft_id
        new_id = "d_" + secrets.token_hex(8)
        db.execute(
            "INSERT INTO drafts (id, owner_user_id, title, form_json, progress_json, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [new_id, owner_user_id, title, json.dumps(form), shown, stamp, stamp],
        )
        return new_id


def get_draft(db: Database, draft_id: str, owner_user_id) -> dict | None:
    """The owner's draft, or None (someone else's draft is as good as missing)."""
    row = one(
        db, "SELECT * FROM drafts WHERE id = ? AND owner_user_id = ?", [draft_id, owner_user_id]
    )
    return _draft(row)


def list_drafts(db: Database, owner_user_id) -> list[dict]:
    """The owner's drafts, most recently saved first (without their fields, with their
    progress as saved; None for a draft saved before progress was kept)."""
    found = rows(
        db,
        "SELECT id, title, created_at, updated_at, progress_json FROM drafts "
        "WHERE owner_user_id = ? ORDER BY updated_at DESC",
        [owner_user_id],
    )
    for row in found:
        row["progress"] = _progress(row.pop("progress_json"))
    return found


def delete_draft(db: Database, draft_id: str, owner_user_id) -> bool:
    """Remove the owner's draft (once submitted, or discarded); False if there was none."""
    with write(db):
        cursor = db.execute(
            "DELETE FROM drafts WHERE id = ? AND owner_user_id = ?", [draft_id, owner_user_id]
        )
        return cursor.rowcount == 1
