"""API key authentication, scopes and the per-key rate limit, applied by `require(scope)`."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime, timedelta
from functools import wraps

from flask import after_this_request, current_app, g, request

from .. import apikeys, store
from ..db import get_db
from ..errors import Problem
from ..store import keys as store_keys
from ..store import ratelimits
from .base import mark

CHALLENGE = 'Bearer realm="modelrisk"'
TOUCH_INTERVAL = timedelta(minutes=1)


def require(scope: str):
    """Decorate a view: a valid, unrevoked key with `scope` (or admin) within its rate limit."""
    if scope not in apikeys.SCOPES:
        raise ValueError(f"unknown scope {scope!r}")

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            g.api_key = authenticate(scope)
            return view(*args, **kwargs)

        wrapper.required_scope = scope
        return mark(wrapper, scope=scope)

    return decorator


def presented_key() -> str | None:
    """The key from `Authorization: Bearer <key>` or, for tools that cannot set it, X-API-Key."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.headers.get("X-API-Key", "").strip() or None


def authenticate(scope: str) -> dict:
    """The key record for this request; 401, 429 or 403 problems otherwise."""
    presented = presented_key()
    if not presented:
        raise Problem(
            401,
            "Send an API key as Authorization: Bearer <key>.",
            "unauthorized",
            headers={"WWW-Authenticate": CHALLENGE},
        )
    db = get_db()
    record = apikeys.authenticate(db, presented)
    if record is None:
        raise Problem(
            401,
            "The API key is not valid or has been revoked.",
            "unauthorized",
            headers={"WWW-Authenticate": CHALLENGE + ', error="invalid_token"'},
        )
    _count(db, record)
    if not apikeys.has_scope(record, scope):
        raise Problem(
            403,
            f"This operation needs the scope {scope}; this key has {', '.join(record['scopes'])}.",
            "insufficient-scope",
            headers={
                "WWW-Authenticate": CHALLENGE + f', error="insufficient_scope", scope="{scope}"'
            },
        )
    return record


def _count(db, record: dict) -> None:
    """Count the request against the key's fixed window; 429 with Retry-After past the limit."""
    limit = int(current_app.config["API_RATE_LIMIT"])
    window = int(current_app.config["API_RATE_WINDOW"])
    stamp = datetime.now(UTC)
    touch = _stale(record.get("last_used_at"), stamp)
    if limit <= 0 and not touch:
        return
    with store.write(db):
        if touch:
            store_keys.touch_key(db, record["id"], _iso(stamp), _iso(stamp - TOUCH_INTERVAL))
        if limit <= 0:
            return
        now = time.time()
        start = int(now // window * window)
        count = ratelimits.hit(db, f"key:{record['id']}", start)
    reset = max(1, math.ceil(start + window - now))
    headers = {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(max(0, limit - count)),
        "X-RateLimit-Reset": str(reset),
    }
    if count > limit:
        raise Problem(
            429,
            f"This key may make {limit} requests per {window} seconds; try again "
            f"in {reset} seconds.",
            "rate-limited",
            headers={**headers, "Retry-After": str(reset)},
        )

    @after_this_request
    def add_headers(response):
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response


def _stale(last_used: str | None, stamp: datetime) -> bool:
    return not last_used or last_used < _iso(stamp - TOUCH_INTERVAL)


def _iso(stamp: datetime) -> str:
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
