"""Signed-in sessions, kept on the server: start, read (idle and absolute limits), end.

The browser's cookie holds a random token; the store keeps only its SHA-256, the account, the
client address, when the session started and when it was last used. A session ends when its
user signs out, changes their password, is disabled, is idle longer than the idle limit, or
is older than its lifetime; a copied cookie is worth nothing after that.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlite_utils import Database

from .. import times
from ..store import sessions as store
from ..store import users as stored_users

TOUCH_SECONDS = 60  # last use is written at most this often (the idle limit is in minutes)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(db: Database, user: dict, client: str) -> str:
    """A new session of `user`; returns the token for the cookie (shown nowhere else)."""
    token = secrets.token_urlsafe(32)
    store.create_session(db, _hash(token), user["id"], client or "unknown", times.now())
    return token


def current(db: Database, token: str | None, idle_minutes: float, lifetime_hours: float):
    """The account of a live session, or None (and the session is ended when it has lapsed)."""
    if not token or not isinstance(token, str):
        return None
    found = store.get_session(db, _hash(token))
    if found is None:
        return None
    now = times.parse(times.now())
    seen, started = times.parse(found["seen_at"]), times.parse(found["created_at"])
    user = stored_users.get_user(db, found["user_id"])
    if (
        user is None
        or user["disabled"]
        or now - seen > timedelta(minutes=idle_minutes)
        or now - started > timedelta(hours=lifetime_hours)
    ):
        store.delete_session(db, found["id_hash"])
        return None
    if (now - seen).total_seconds() >= TOUCH_SECONDS:
        store.touch_session(db, found["id_hash"], times.stamp(now))
    return user


def end(db: Database, token: str | None) -> None:
    """End one session (signing out)."""
    if token and isinstance(token, str):
        store.delete_session(db, _hash(token))


def end_all(db: Database, user_id) -> int:
    """End every session of an account (a new password, a disabled account)."""
    return store.delete_user_sessions(db, user_id)


def prune(db: Database, idle_minutes: float, lifetime_hours: float) -> None:
    """Drop lapsed sessions (done at each sign-in, so the table stays small)."""
    store.prune_sessions(
        db, times.shifted(hours=-lifetime_hours), times.shifted(minutes=-idle_minutes)
    )
