"""Upkeep run from the command line: migrations, backups, the audit chain, old idempotency
records."""

from __future__ import annotations

import re

from sqlite_utils import Database

from .. import store, times
from ..store import audit, audit_verify, context
from ..store import idempotency as records
from ..store.backup import BackupError
from ..store.backup import backup as copy_database
from .errors import ApplicationError, InputError
from .inputs import field_error

HEAD = re.compile(r"([0-9]{1,18}):([0-9a-fA-F]{64})")


def migrate(path: str, audit_key: str | None) -> list[str]:
    """Create the database or bring its schema up to date (and a trail recorded under the old
    unkeyed chain onto the keyed one); returns what was applied."""
    return context.migrate_now(path, audit_key)


def verify_audit(db: Database, head: str | None = None) -> audit_verify.Verification:
    """Check the audit chain's links and HMACs and every audited row against its latest event;
    `head` is an anchored `SEQ:HASH` that must still be in the chain.

    InputError names `head` when it is not of that form.
    """
    return audit_verify.verify(db, parse_head(head) if head else None)


def parse_head(text: str) -> tuple[int, str]:
    """`SEQ:HASH` (as `audit head` prints it) as (seq, hash)."""
    found = HEAD.fullmatch((text or "").strip())
    if not found:
        raise InputError([field_error(("head",), "give the head as SEQ:HASH, from `audit head`")])
    return int(found.group(1)), found.group(2).lower()


def audit_head(db: Database) -> str | None:
    """The chain's head as `SEQ:HASH`, to keep outside the service; None for an empty chain."""
    head = audit.chain_head(db)
    return f"{head[0]}:{head[1]}" if head else None


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
