"""Queries for the per-subject fixed-window request counters behind the API's rate limit."""

from __future__ import annotations

from sqlite_utils import Database

from . import write


def add(db: Database, subject: str, window_start: int, count: int) -> int:
    """Add `count` requests of `subject` to the window starting at `window_start` (epoch
    seconds); returns the window's total. Older windows of the subject are dropped."""
    with write(db):
        db.execute(
            "DELETE FROM rate_limits WHERE subject = ? AND window_start < ?",
            [subject, window_start],
        )
        return db.execute(
            "INSERT INTO rate_limits (subject, window_start, count) VALUES (?, ?, ?) "
            "ON CONFLICT (subject, window_start) DO UPDATE SET count = count + excluded.count "
            "RETURNING count",
            [subject, window_start, count],
        ).fetchall()[0][0]
