"""Template helpers: readable dates, labels for codes, and who is signed in."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, g

from .. import labels, times
from ..application.accounts import has_role
from .forms import field_id, first


def when(value: str | None, with_time: bool = True) -> str:
    """A stored timestamp as '2026-11-30 14:05 UTC' (or the date alone); a dash if none."""
    return times.shown(value, with_time) or "—"


def days_left(value: str | None) -> int | None:
    """Whole days from now until the timestamp (negative once it has passed)."""
    moment = times.parse(value)
    if moment is None:
        return None
    return (moment - datetime.now(UTC)).days


def label(value, table: str) -> str:
    """A readable label for a status, decision, review decision or role code."""
    return labels.label(table, value) or ""


def pairs(options) -> list[tuple[str, str]]:
    """Content options as (value, label) pairs for the form macros."""
    return [(o.value, o.label) for o in options]


def pairs_same(value: str) -> tuple[str, str]:
    """A code used as its own label."""
    return (value, value)


def sentence(message: str) -> str:
    """An application message as a sentence: its first letter capitalised, a full stop added."""
    text = str(message or "").strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def _context() -> dict:
    return {"current_user": g.get("user")}


def init_app(app: Flask) -> None:
    """Install the filters and the context processor."""
    app.jinja_env.filters.update(
        when=when,
        label=label,
        days_left=days_left,
        pairs=pairs,
        pairs_same=pairs_same,
        sentence=sentence,
        departures=labels.departures,
    )
    app.jinja_env.globals.update(field_id=field_id, first=first, has_role=has_role)
    app.context_processor(_context)
