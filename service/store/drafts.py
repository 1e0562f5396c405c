"""Drafts: a form's fields saved as typed, owned by one user, to finish later."""

from __future__ import annotations

import json
import secrets

from sqlite_utils import Database

from . import now, write

_COLUMNS = ("id", "owner_user_id", "title", "form_json", "created_at", "updated_at")


def _draft(row) -> dict | None:
    if row is None:
        return None
    draft = dict(zip(_COLUMNS, row, strict=True))
    draft["form"] = json.loads(draft.pop("form_json"))
    return draft


def save_draft(
    db: Database, owner_user_id, title: str, form: dict, draft_id: str | None = None
) -> str:
    """Create a draft, or update the owner's draft `draft_id`; returns the draft's id."""
    stamp = now()
    with write(db):
        if draft_id and get_draft(db, draft_id, owner_user_id):
            db.execute(
                "UPDATE drafts SET title = ?, form_json = ?, updated_at = ? "
                "WHERE id = ? AND owner_user_id = ?",
                [title, json.dumps(form), stamp, draft_id, owner_user_id],
            )
            return draft_id
        new_id = "d_" + secrets.token_hex(8)
        db.execute(
            "INSERT INTO drafts (id, owner_user_id, title, form_json, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            [new_id, owner_user_id, title, json.dumps(form), stamp, stamp],
        )
        return new_id


def get_draft(db: Database, draft_id: str, owner_user_id) -> dict | None:
    """The owner's draft, or None (someone else's draft is as good as missing)."""
    row = db.execute(
        f"SELECT {', '.join(_COLUMNS)} FROM drafts WHERE id = ? AND owner_user_id = ?",
        [draft_id, owner_user_id],
    ).fetchone()
    return _draft(row)


def list_drafts(db: Database, owner_user_id) -> list[dict]:
    """The owner's drafts, most recently saved first (without their fields)."""
    rows = db.execute(
        "SELECT id, title, created_at, updated_at FROM drafts "
        "WHERE owner_user_id = ? ORDER BY updated_at DESC",
        [owner_user_id],
    )
    return [
        dict(zip(("id", "title", "created_at", "updated_at"), r, strict=True))
        for r in rows.fetchall()
    ]


def delete_draft(db: Database, draft_id: str, owner_user_id) -> None:
    """Remove the owner's draft (once submitted, or discarded)."""
    with write(db):
        db.execute(
            "DELETE FROM drafts WHERE id = ? AND owner_user_id = ?", [draft_id, owner_user_id]
        )
