"""Idempotency-Key: a repeated request gets the first reply instead of acting twice.

The operation itself checks for a kept reply inside its own write transaction, after its
work outside the lock (validation, scoring) is done, and keeps its reply in that same
transaction. Two requests with one key that run at once both do the work; the first to commit
acts, the other finds its reply and answers with it. So a key never acts twice, and no request
holds the write lock while it scores.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from .. import times
from ..store import idempotency as records
from .errors import KeyReused


@dataclass(frozen=True)
class Reply:
    """A response as kept for replays: status, the headers worth keeping, body bytes."""

    status: int
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    replayed: bool = False


@dataclass(frozen=True)
class Once:
    """An Idempotency-Key sent with a request: whose it is, the key, how long replies are
    kept, and how the edge renders the operation's outcome as the reply to keep."""

    owner: str
    key: str
    ttl_hours: float
    render: Callable[[Any], Reply]


def fingerprint(*parts: str) -> str:
    """What identifies a request under its key: the operation, its target and its content."""
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def replay(db: Database, once: Once, request_hash: str) -> Reply | None:
    """The reply kept for this key (inside the operation's transaction), or None.

    KeyReused when the key came with a different request before.
    """
    record = records.get_record(db, once.owner, once.key)
    if record is None:
        return None
    if record["request_hash"] != request_hash:
        raise KeyReused(
            "This Idempotency-Key was used for a different request; use a new key for a "
            "new operation."
        )
    return Reply(record["status_code"], record["headers"], record["body"], replayed=True)


def keep(db: Database, once: Once, request_hash: str, outcome) -> Reply:
    """Render the outcome as the edge answers it and keep the reply (inside the transaction).

    Records older than the retention period go in the same transaction, so the table never
    outgrows it even when nobody runs `flask idempotency purge`.
    """
    reply = once.render(outcome)
    if 200 <= reply.status < 300:
        records.purge(db, times.shifted(hours=-once.ttl_hours))
        records.save(
            db, once.owner, once.key, request_hash, reply.status, reply.headers, reply.body
        )
    return reply
