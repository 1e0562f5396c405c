"""Content snapshots: what lean results cite, stored once per content hash and never changed."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict

from sqlite_utils import Database

from .. import times
from . import one

CACHE_SIZE = 8  # decoded snapshots kept per process; one per content version in use
_cache: OrderedDict[str, dict] = OrderedDict()
_lock = threading.Lock()


def save(db: Database, content_hash: str, fmt: int, snapshot_json: str) -> None:
    """Store a snapshot unless this content hash has one (inside the caller's transaction)."""
    db.execute(
        "INSERT OR IGNORE INTO content_snapshots (hash, format, snapshot_json, created_at) "
        "VALUES (?, ?, ?, ?)",
        [content_hash, fmt, snapshot_json, times.now()],
    )


def get(db: Database, content_hash: str) -> dict | None:
    """The snapshot of a content hash, decoded once per process (snapshots never change)."""
    with _lock:
        if content_hash in _cache:
            _cache.move_to_end(content_hash)
            return _cache[content_hash]
    row = one(db, "SELECT snapshot_json FROM content_snapshots WHERE hash = ?", [content_hash])
    if row is None:
        return None
    found = json.loads(row["snapshot_json"])
    with _lock:
        _cache[content_hash] = found
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return found
