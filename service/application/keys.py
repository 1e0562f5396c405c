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
import time
from datetime import timedelta

from sqlite_utils import Database

from .. import times
from ..store import audit, ratelimits, write
from ..store import keys as store_keys
from ..store import users as stored_users
from .errors import InputError, InsufficientScope, NotFound, RateLimited, Unauthorized
from .inputs import field_error

SCOPES = ("assessments:read", "assessments:write", "reviews:write", "admin")
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


def authenticate(db: Database, presented: str) -> dict | None:
    """The live (unrevoked) key record for a presented key, or None."""
    match = KEY_PATTERN.match(presented or "")
    if not match:
        return None
    record = store_keys.find_key(db, match.group(1))
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


def authorize(db: Database, presented: str | None, scope: str, limit: int, window: int) -> dict:
    """The key record for a request needing `scope`, counted against the key's rate limit.

    Returns the record with `limits` ({limit, remaining, reset}, or None when the limit is off).
    Raises Unauthorized (no valid key), RateLimited (past the limit) or InsufficientScope.
    """
    record = authenticate(db, presented) if presented else None
    if record is None:
        raise Unauthorized(
            "Send an API key as Authorization: Bearer <key>."
            if not presented
            else "The API key is not valid or has been revoked.",
            presented=bool(presented),
        )
    record["limits"] = _count(db, record, limit, window)
    if not has_scope(record, scope):
        raise InsufficientScope(
            f"This operation needs the scope {scope}; this key has {', '.join(record['scopes'])}.",
            scope=scope,
            limits=record["limits"],
        )
    return record


def _count(db: Database, record: dict, limit: int, window: int) -> dict | None:
    """Count the request in the key's fixed window; RateLimited past the limit."""
    stamp = times.now()
    touch = not record.get("last_used_at") or record["last_used_at"] < times.shifted(
        seconds=-TOUCH_INTERVAL.total_seconds()
    )
    if limit <= 0 and not touch:
        return None
    with write(db):
        if touch:
            store_keys.touch_key(
                db, record["id"], stamp, times.shifted(seconds=-TOUCH_INTERVAL.total_seconds())
            )
        if limit <= 0:
            return None
        now = time.time()
        start = int(now // window * window)
        count = ratelimits.hit(db, f"key:{record['id']}", start)
    reset = max(1, math.ceil(start + window - now))
    limits = {"limit": limit, "remaining": max(0, limit - count), "reset": reset}
    if count > limit:
        raise RateLimited(
            f"This key may make {limit} requests per {window} seconds; try again "
            f"in {reset} seconds.",
            limits=limits,
        )
    return limits
