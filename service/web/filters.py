"""Template helpers: readable dates, labels for codes, and who is signed in."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, g

from .. import auth
from .forms import field_id, first

STATUS = {
    "submitted": "Awaiting review",
    "approved": "Approved",
    "rejected": "Rejected",
    "changes_requested": "Changes requested",
    "superseded": "Superseded",
}
DECISION = {
    "approve": "Approve",
    "approve_with_conditions": "Approve with conditions",
    "reject": "Reject",
}
REVIEW = {
    "approve": "Approved",
    "approved": "Approved",
    "reject": "Rejected",
    "rejected": "Rejected",
    "request_changes": "Changes requested",
    "changes_requested": "Changes requested",
}
ROLE = {"submitter": "Submitter", "reviewer": "Reviewer", "admin": "Administrator"}


def parse_time(value: str | None) -> datetime | None:
    """An ISO 8601 UTC string (trailing Z) as an aware datetime, or None."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def when(value: str | None, with_time: bool = True) -> str:
    """A stored timestamp as '2026-11-30 14:05 UTC' (or the date alone)."""
    moment = parse_time(value)
    if moment is None:
        return "—"
    return moment.strftime("%Y-%m-%d %H:%M UTC" if with_time else "%Y-%m-%d")


def days_left(value: str | None) -> int | None:
    """Whole days from now until the timestamp (negative once it has passed)."""
    moment = parse_time(value)
    if moment is None:
        return None
    return (moment - datetime.now(UTC)).days


def label(value, table: str) -> str:
    """A readable label for a status, decision, review decision or role code."""
    tables = {"status": STATUS, "decision": DECISION, "review": REVIEW, "role": ROLE}
    text = "" if value is None else str(value)
    return tables[table].get(text, text.replace("_", " ").capitalize())


def pairs(options) -> list[tuple[str, str]]:
    """Content options as (value, label) pairs for the form macros."""
    return [(o.value, o.label) for o in options]


def pairs_same(value: str) -> tuple[str, str]:
    """A code used as its own label."""
    return (value, value)


def _context() -> dict:
    return {"current_user": g.get("user")}


def init_app(app: Flask) -> None:
    """Install the filters and the context processor."""
    app.jinja_env.filters.update(
        when=when, label=label, days_left=days_left, pairs=pairs, pairs_same=pairs_same
    )
    app.jinja_env.globals.update(field_id=field_id, first=first, has_role=auth.has_role)
    app.context_processor(_context)
