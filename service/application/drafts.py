"""Drafts: a form saved as typed, owned by one user, to finish later; each change audited."""

from __future__ import annotations

from sqlite_utils import Database

from ..content.model import Content
from ..store import audit, write
from ..store import drafts as store
from . import formview
from .accounts import actor
from .errors import NotFound

MAX_TITLE = 200


def save(
    db: Database,
    user: dict,
    title: str,
    form: dict,
    draft_id: str | None = None,
    content: Content | None = None,
) -> str:
    """Create the user's draft, or update their draft `draft_id`, audited; returns its id.
    With `content`, its progress per section (the form's view of it) is kept for the dashboard."""
    title = (title or "")[:MAX_TITLE] or "Untitled draft"
    progress = formview.read(content, form).progress() if content is not None else None
    with write(db):
        saved = store.save_draft(db, user["id"], title, form, draft_id, progress)
        audit.append_audit_event(db, actor(user), "draft.save", {"draft_id": saved, "title": title})
    return saved


def get(db: Database, user: dict, draft_id: str) -> dict:
    """The user's draft; NotFound for a missing draft or someone else's."""
    found = store.get_draft(db, draft_id, user["id"])
    if found is None:
        raise NotFound("There is no such draft among yours.")
    return found


def list_drafts(db: Database, user: dict) -> list[dict]:
    """The user's drafts, most recently saved first (without their fields)."""
    return store.list_drafts(db, user["id"])


def delete(db: Database, user: dict, draft_id: str) -> None:
    """Discard one of the user's drafts, audited; NotFound if it is not theirs."""
    with write(db):
        if not store.delete_draft(db, draft_id, user["id"]):
            raise NotFound("There is no such draft among yours.")
        audit.append_audit_event(db, actor(user), "draft.delete", {"draft_id": draft_id})
