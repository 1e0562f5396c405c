"""API keys: recognisable, scoped, revocable, shown once and stored only as a SHA-256 hash.

A key reads `mr_live_<id>_<secret>`: `mr_live_<id>` is the public prefix used to find the key
(and safe to log); the secret is 40 random base62 characters (about 238 bits). A key that random
needs no slow password hash: SHA-256 compared in constant time is enough.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string

from sqlite_utils import Database

from .store import audit, write
from .store import keys as store_keys

SCOPES = ("assessments:read", "assessments:write", "reviews:write", "admin")
ADMIN = "admin"
PREFIX = "mr_live_"
ALPHABET = string.ascii_letters + string.digits
KEY_PATTERN = re.compile(r"^(mr_live_[A-Za-z0-9]{8})_([A-Za-z0-9]{40})$")


class ApiKeyError(ValueError):
    """A key request is invalid (unknown scope, empty name, unknown key id)."""


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create(db: Database, name: str, scopes: list[str], by: dict) -> tuple[str, dict]:
    """Create a key; returns (the key, shown this once, and its record without the hash)."""
    name, scopes = (name or "").strip(), sorted({s.strip() for s in scopes if s.strip()})
    unknown = [s for s in scopes if s not in SCOPES]
    if not name or len(name) > 200:
        raise ApiKeyError("give the key a name of 1 to 200 characters")
    if unknown or not scopes:
        raise ApiKeyError(
            f"scopes must be a non-empty list of: {', '.join(SCOPES)}"
            + (f" (unknown: {', '.join(unknown)})" if unknown else "")
        )
    prefix = PREFIX + _random(8)
    key = f"{prefix}_{_random(40)}"
    with write(db):
        record = store_keys.insert_key(db, name, prefix, _hash(key), scopes)
        audit.append_audit_event(
            db,
            by,
            "key.create",
            {"key_id": record["id"], "name": name, "prefix": prefix, "scopes": scopes},
        )
    return key, _public(record)


def authenticate(db: Database, presented: str) -> dict | None:
    """The live (unrevoked) key record for a presented key, or None."""
    match = KEY_PATTERN.match(presented or "")
    if not match:
        return None
    record = store_keys.find_key(db, match.group(1))
    if record is None or record["revoked_at"]:
        return None
    if not hmac.compare_digest(record["key_hash"], _hash(presented)):
        return None
    return _public(record)


def has_scope(record: dict, scope: str) -> bool:
    """True when the key carries the scope, or is an admin key (admin implies every scope)."""
    return scope in record["scopes"] or ADMIN in record["scopes"]


def actor(record: dict) -> dict:
    """The audit and four-eyes actor for a key."""
    return {"kind": "key", "id": str(record["id"]), "name": record["name"]}


def revoke(db: Database, key_id: int, by: dict) -> dict:
    """Revoke a key at once; returns its record. Raises ApiKeyError when there is no such key."""
    record = store_keys.get_key(db, key_id)
    if record is None:
        raise ApiKeyError(f"there is no key {key_id}")
    with write(db):
        if store_keys.revoke_key(db, key_id):
            audit.append_audit_event(
                db, by, "key.revoke", {"key_id": key_id, "prefix": record["prefix"]}
            )
    return _public(store_keys.get_key(db, key_id))


def list_keys(db: Database) -> list[dict]:
    """Every key's record (never a hash or a secret)."""
    return store_keys.list_keys(db)


def _public(record: dict) -> dict:
    return {k: v for k, v in record.items() if k != "key_hash"}
