"""API keys: recognisable, scoped, revocable, shown once and stored only as a SHA-256 hash.

A key reads `mr_live_<id>_<secret>`: `mr_live_<id>` is the public prefix used to find the key
(and safe to log); the secret is 40 random base62 characters (about 238 bits). A key that random
needs no slow password hash: SHA-256 compared in constant time is enough.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
import string
import threading
import time
from datetime import timedelta
from functools import partial

from sqlite_utils import Database

from .. import store, times
from ..store import audit, ratelimits, write
from ..store import keys as store_keys
from ..store import users as stored_users
from .errors import InputError, InsufficientScope, NotFound, RateLimited, Unauthorized
from .inputs import field_error

SCOPES = ("assessments:read", "assessments:write", "reviews:write", "gate:read", "admin")
ADMIN = "admin"
PREFIX = "mr_live_"
ALPHABET = string.ascii_letters + string.digits
KEY_PATTERN = re.compile(r"^(mr_live_[A-Za-z0-9]{8})_([A-Za-z0-9]{40})$")
MAX_NAME = 200
TOUCH_INTERVAL = timedelta(minutes=1)  # last_used_at is written at most this often


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create(
    db: Database, name: str, scopes: list[str], by: dict, owner: str | None = None
) -> tuple[str, dict]:
    """Create a key, owned by the account with the e-mail `owner` (None: a service key);
    returns (the key, shown this once, and its record without the hash)."""
    name, scopes = (name or "").strip(), sorted({s.strip() for s in scopes if s.strip()})
    unknown = [s for s in scopes if s not in SCOPES]
    errors = []
    if not name or len(name) > MAX_NAME:
        errors.append(field_error(("name",), f"give the key a name of 1 to {MAX_NAME} characters"))
    if unknown or not scopes:
        errors.append(
            field_error(
                ("scopes",),
                f"scopes must be a non-empty list of: {', '.join(SCOPES)}"
                + (f" (unknown: {', '.join(unknown)})" if unknown else ""),
            )
        )
    account = stored_users.get_user_by_email(db, owner) if owner else None
    if owner and (account is None or account["disabled"]):
        errors.append(field_error(("owner",), f"there is no enabled account for {owner}"))
    if errors:
        raise InputError(errors)
    prefix = PREFIX + _random(8)
    key = f"{prefix}_{_random(40)}"
    owner_id = account["id"] if account else None
    details = {"name": name, "prefix": prefix, "scopes": scopes, "owner_user_id": owner_id}
    with audit.recorded(db, by, "key.create", details) as change:
        record = store_keys.insert_key(db, name, prefix, _hash(key), scopes, owner_id)
        change.created("api_key", record["id"])
        change.details["key_id"] = record["id"]
    return key, _public(record)


def authenticate(db: Database, presented: str | None, window: int | None = None) -> dict | None:
    """The live (unrevoked) key record for a presented key, or None; with a rate-limit
    `window`, `used` is what the store has counted for the key in it (read in the same query)."""
    match = KEY_PATTERN.match(presented or "")
    if not match:
        return None
    record = store_keys.find_key(db, match.group(1), window)
    if record is None or record["revoked_at"] or record["owner_disabled"]:
        return None  # a key acts for its owner, so it stops when the owner's account does
    if not hmac.compare_digest(record["key_hash"], _hash(presented)):
        return None
    return _public(record)


def has_scope(record: dict, scope: str) -> bool:
    """True when the key carries the scope, or is an admin key (admin implies every scope)."""
    return scope in record["scopes"] or ADMIN in record["scopes"]


def actor(record: dict) -> dict:
    """The audit and four-eyes actor for a key: it stands for its owner's account, if any."""
    owner = record.get("owner_user_id")
    return {
        "kind": "key",
        "id": str(record["id"]),
        "name": record["name"],
        "person": None if owner is None else str(owner),
    }


def revoke(db: Database, key_id: int, by: dict) -> dict:
    """Revoke a key at once, audited; returns its record. NotFound when there is no such key."""
    with write(db):
        record = store_keys.get_key(db, key_id)
        if record is None:
            raise NotFound(f"there is no key {key_id}")
        if not record["revoked_at"]:
            details = {"key_id": key_id, "prefix": record["prefix"]}
            touches = (("api_key", key_id),)
            with audit.recorded(db, by, "key.revoke", details, touches=touches):
                store_keys.revoke_key(db, key_id)
    return _public(store_keys.get_key(db, key_id))


def list_keys(db: Database) -> list[dict]:
    """Every key's record (never a hash or a secret)."""
    return store_keys.list_keys(db)


def _public(record: dict) -> dict:
    return {k: v for k, v in record.items() if k != "key_hash"}


class RateLimiter:
    """The per-key request budget of one process: counts not yet written to the store.

    The store holds each key's count for the current window, shared by every worker. A request
    is allowed while that count plus this process's unwritten requests stays within the limit.
    Unwritten requests are added to the store in the next write transaction of any request of
    the key (a POST's own), and otherwise once they reach `batch` (0.1% of the limit), so reads
    cost a write only every `batch` requests. A limit may so be overrun by the requests the
    workers have counted but not written: at most workers x batch per window.

    A limit under 2,000 (`exact`) is counted exactly instead: each request adds itself to the
    store, in a transaction of its own, before it is let through.
    """

    def __init__(self, limit: int, window: int):
        self.limit, self.window = int(limit), int(window)
        self.batch = max(1, self.limit // 1000)
        self._pending: dict[int, tuple[int, int]] = {}  # key id -> (window start, requests)
        self._lock = threading.Lock()

    @property
    def on(self) -> bool:
        return self.limit > 0

    @property
    def exact(self) -> bool:
        return self.batch == 1

    def window_start(self, now: float) -> int:
        return int(now // self.window * self.window)

    def count(self, key_id: int, stored: int | None, now: float) -> tuple[dict, bool]:
        """Count one request; returns (limits, whether the unwritten count is due to be written).

        `limits` has limit, remaining, reset (seconds) and used (this request included).
        """
        start = self.window_start(now)
        with self._lock:
            window, pending = self._pending.get(key_id, (start, 0))
            pending = pending + 1 if window == start else 1
            self._pending[key_id] = (start, pending)
        return self.limits((stored or 0) + pending, now), pending >= self.batch

    def limits(self, used: int, now: float) -> dict:
        """limit, remaining, reset (seconds to the next window) and used, for the headers."""
        reset = max(1, math.ceil(self.window_start(now) + self.window - now))
        return {
            "limit": self.limit,
            "remaining": max(0, self.limit - used),
            "reset": reset,
            "used": used,
        }

    def take(self, key_id: int) -> tuple[int, int]:
        """(window start, requests) not yet written for a key, now handed over for writing."""
        with self._lock:
            return self._pending.pop(key_id, (0, 0))


def authorize(
    db: Database, presented: str | None, scope: str, limiter: RateLimiter | None = None
) -> dict:
    """The key record for a request needing `scope`, counted against the key's rate limit.

    Returns the record with `limits` ({limit, remaining, reset, used}, or None when the limit
    is off). Raises Unauthorized (no valid key), RateLimited (past the limit) or
    InsufficientScope. The count and the key's last use are written in the request's next
    write transaction (store.defer), or at its end when they are due.
    """
    now = time.time()
    limited = limiter is not None and limiter.on
    record = authenticate(db, presented, limiter.window_start(now) if limited else None)
    if record is None:
        raise Unauthorized(
            "Send an API key as Authorization: Bearer <key>."
            if not presented
            else "The API key is not valid or has been revoked.",
            presented=bool(presented),
        )
    limits, due = None, False
    if limited and limiter.exact:
        with write(db):  # counted and read in one step: no worker can let one too many through
            used = ratelimits.add(db, f"key:{record['id']}", limiter.window_start(now), 1)
        limits, limited = limiter.limits(used, now), False
    elif limited:
        limits, due = limiter.count(record["id"], record["used"], now)
    touch = _touch_due(record)
    if limited or touch:
        write_usage = partial(_write_usage, limiter if limited else None, record["id"], touch)
        store.defer(db, write_usage, urgent=due or touch)
    record["limits"] = limits
    if limits and limits["used"] > limits["limit"]:
        raise RateLimited(
            f"This key may make {limiter.limit} requests per {limiter.window} seconds; try "
            f"again in {limits['reset']} seconds.",
            limits=limits,
        )
    if not has_scope(record, scope):
        raise InsufficientScope(
            f"This operation needs the scope {scope}; this key has {', '.join(record['scopes'])}.",
            scope=scope,
            limits=limits,
        )
    return record


def _touch_due(record: dict) -> bool:
    """Whether the key's last use is older than TOUCH_INTERVAL (or never written)."""
    last = record.get("last_used_at")
    return not last or last < times.shifted(seconds=-TOUCH_INTERVAL.total_seconds())


def _write_usage(limiter: RateLimiter | None, key_id: int, touch: bool, db: Database) -> None:
    """Add the process's unwritten requests of a key to its window; note its last use."""
    if limiter is not None:
        window, requests = limiter.take(key_id)
        if requests:
            ratelimits.add(db, f"key:{key_id}", window, requests)
    if touch:
        cutoff = times.shifted(seconds=-TOUCH_INTERVAL.total_seconds())
        store_keys.touch_key(db, key_id, times.now(), cutoff)
