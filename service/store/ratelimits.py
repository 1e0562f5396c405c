"""Queries for the per-subject fixed-window request counters behind the API's rate limit."""

from __future__ import annotations

from sqlite_utils import Database

from . import write


def hit(db: Database, subject: str, window_start: int) -> int:
    """Count one request for `subject` in the window starting at `window_start` (epoch seconds).

    Returns the count so far in that window. Counting in SQLite makes the limit hold across
    every worker process; older windows of the subject are dropped in the same transaction.
    """
    with write(db):
        db.execute(
            "DELETE FROM rate_limits WHERE subject = ? AND window_start < ?",
            [subject, window_start],
        )
        return db.execute(
            "INSERT INTO rate_limits (subject, window_start, count) VALUES (?, ?, 1) "
            "ON CONFLICT (subject, window_start) DO UPDATE SET count = count + 1 "
            "RETURNING count",
            [subject, window_start],
        ).fetchall()[0][0]
