"""Idempotency-Key: a repeated request replays the first response instead of acting twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlite_utils import Database

from .. import times
from ..store import idempotency as records
from ..store import write
from .errors import KeyReused, RequestInProgress


@dataclass(frozen=True)
class Reply:
    """A response as kept for replays: status, the headers worth keeping, body bytes."""

    status: int
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    replayed: bool = False


def run_once(
    db: Database,
    owner: str,
    key: str,
    fingerprint: str,
    run: Callable[[], Reply],
    stale_seconds: float,
    ttl_hours: float,
) -> Reply:
    """Run `run` once per (owner, key); a repeat with the same fingerprint gets its Reply.

    The work and the record of its reply commit together, or not at all; only 2xx replies are
    kept, so a refused request can be corrected and sent again with the same key.
    """
    state, record = records.claim(
        db,
        owner,
        key,
        fingerprint,
        times.shifted(seconds=-stale_seconds),
        times.shifted(hours=-ttl_hours),
    )
    if state == "mismatch":
        raise KeyReused(
            "This Idempotency-Key was used for a different request; use a new key for a "
            "new operation."
        )
    if state == "in_progress":
        raise RequestInProgress(
            "A request with this Idempotency-Key is still being processed; retry shortly to "
            "receive its response."
        )
    if state == "replay":
        return Reply(record["status_code"], record["headers"], record["body"], replayed=True)
    try:
        with write(db):
            reply = run()
            if 200 <= reply.status < 300:
                records.complete(db, owner, key, reply.status, reply.headers, reply.body)
            else:
                records.release(db, owner, key)
    except BaseException:
        records.release(db, owner, key)
        raise
    return reply
