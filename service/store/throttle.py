"""Sign-in throttling state: per subject (an account, a client), failures and the next free time.

The application decides the delays; these verbs only read and write the rows, inside the
caller's write transaction, so that a check and the reservation that follows it are atomic.
"""

from __future__ import annotations

import hashlib

from sqlite_utils import Database

from . import one, write

SUBJECT_LENGTH = 320  # "account:" and the longest address, or "client:" and an IP address


def _subject(subject: str) -> str:
    """The subject as stored: as given up to SUBJECT_LENGTH characters, else its start and a
    digest, so an address typed a megabyte long is not stored a megabyte long."""
    if len(subject) <= SUBJECT_LENGTH:
        return subject
    digest = hashlib.sha256(subject.encode("utf-8", "replace")).hexdigest()
    return f"{subject[: SUBJECT_LENGTH - 65]}#{digest}"


def get_throttle(db: Database, subject: str) -> dict | None:
    """{failures, last_at, next_at} of a subject, or None when it has no recent failure."""
    return one(
        db,
        "SELECT failures, last_at, next_at FROM login_throttle WHERE subject = ?",
        [_subject(subject)],
    )


def put_throttle(db: Database, subject: str, failures: int, last_at: str, next_at: str) -> None:
    """Set a subject's failures, when the last one was and when it may try again."""
    with write(db):
        db.execute(
            "INSERT INTO login_throttle (subject, failures, last_at, next_at) VALUES (?,?,?,?) "
            "ON CONFLICT (subject) DO UPDATE SET failures = excluded.failures, "
            "last_at = excluded.last_at, next_at = excluded.next_at",
            [_subject(subject), failures, last_at, next_at],
        )


def forget_throttle(db: Database, subject: str) -> None:
    """Drop a subject's failures (after the right password)."""
    with write(db):
        db.execute("DELETE FROM login_throttle WHERE subject = ?", [_subject(subject)])


def prune_throttle(db: Database, older_than: str) -> None:
    """Drop subjects whose last failure is older than `older_than` (they start afresh)."""
    with write(db):
        db.execute("DELETE FROM login_throttle WHERE last_at < ?", [older_than])
