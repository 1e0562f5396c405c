"""API key authentication, scopes and the per-key rate limit, applied by `require(scope)`."""

from __future__ import annotations

from functools import wraps

from flask import after_this_request, current_app, g, request

from ..application import keys
from ..errors import rate_limit_headers
from ..store.context import get_db
from .base import mark


def require(scope: str):
    """Decorate a view: a valid, unrevoked key with `scope` (or admin) within its rate limit."""
    if scope not in keys.SCOPES:
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
    """The key record for this request; the application refuses (401, 429, 403) otherwise."""
    limiter = current_app.extensions["modelrisk.limiter"]
    record = keys.authorize(get_db(), presented_key(), scope, limiter)
    headers = rate_limit_headers(record["limits"])
    if headers:

        @after_this_request
        def add_headers(response):
            for name, value in headers.items():
                response.headers.setdefault(name, value)
            return response

    return record


def init_app(app) -> None:
    """One rate limiter per app (per worker process), from the API_RATE_* settings."""
    app.extensions["modelrisk.limiter"] = keys.RateLimiter(
        int(app.config["API_RATE_LIMIT"]), int(app.config["API_RATE_WINDOW"])
    )
