"""Upkeep run from the command line: migrations, backups, the audit chain, old idempotency
records."""

from __future__ import annotations

from sqlite_utils import Database

from .. import store, times
from ..store import audit, context
from ..store import idempotency as records
from ..store.backup import BackupError
from ..store.backup import backup as copy_database
from .errors import ApplicationError


def migrate(path: str) -> list[str]:
    """Create the database or bring its schema up to date; returns the migrations applied."""
    return context.migrate_now(path)


def verify_audit(db: Database) -> tuple[bool, int, str]:
    """Walk the audit chain: (ok, events checked, a message naming the first broken event)."""
    return audit.verify_audit_chain(db)


def purge_idempotency(db: Database, hours: float) -> int:
    """Delete Idempotency-Key records older than `hours`; returns how many went."""
    return records.purge(db, times.shifted(hours=-hours))


def check_store(db: Database) -> int:
    """Read the store's migration table: raises when the store or its schema is not there."""
    return store.applied_migrations(db)


def backup(path: str, target: str) -> dict:
    """Copy the live database to `target` while writers go on (SQLite's online backup API) and
    check the copy with PRAGMA integrity_check; returns {target, pages, bytes, integrity}."""
    try:
        return copy_database(path, target)
    except BackupError as exc:
        raise ApplicationError(str(exc)) from None
