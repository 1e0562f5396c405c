"""Idempotency-Key on POST: a repeat replays the first response instead of acting twice.

Same key and same request: the stored response (status, body, Location) is replayed. Same key,
different request: 422. A repeat while the first is still running: 409. The key is optional
unless IDEMPOTENCY_KEY_REQUIRED is set (then 428). Only successful (2xx) responses are kept, so
a request refused for its content can be corrected and sent again with the same key. Keys are
scoped to the API key that sent them and kept IDEMPOTENCY_TTL_HOURS (older ones are dropped as
new keys arrive; `flask idempotency purge` does it on demand).
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import wraps

from flask import Response, current_app, g, make_response, request

from ..application import idempotency
from ..errors import Problem
from ..store.context import get_db
from .base import mark

HEADER = "Idempotency-Key"
KEPT_HEADERS = ("Content-Type", "Location")
VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


def idempotent(view):
    """Decorate a POST view (inside `require`) to honour the Idempotency-Key header."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = _key()
        if key is None:
            if current_app.config["IDEMPOTENCY_KEY_REQUIRED"]:
                raise Problem(
                    428,
                    f"Send an {HEADER} header (a UUID per operation) so that a "
                    "retry cannot act twice.",
                    "idempotency-key-required",
                )
            return view(*args, **kwargs)
        return _run_once(key, view, args, kwargs)

    return mark(wrapper, idempotent=True)


def _key() -> str | None:
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    # The draft standard sends a quoted Structured Field string; Stripe-style clients do not.
    key = raw.strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]
    if not VALID_KEY.match(key):
        raise Problem(
            400,
            f"{HEADER} must be 1 to 255 visible ASCII characters.",
            "validation-error",
            [
                {
                    "field": HEADER,
                    "pointer": "",
                    "in": "header",
                    "message": "1 to 255 visible ASCII characters",
                }
            ],
        )
    return key


def fingerprint() -> str:
    """SHA-256 of the method, path and body (canonical JSON when it parses)."""
    raw = request.get_data(cache=True)
    try:
        body = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, UnicodeDecodeError, RecursionError):  # the view answers 400 for it
        body = raw
    return hashlib.sha256(f"{request.method} {request.path}\n".encode() + body).hexdigest()


def _run_once(key: str, view, args, kwargs) -> Response:
    config = current_app.config

    def run() -> idempotency.Reply:
        response = make_response(view(*args, **kwargs))
        headers = {h: response.headers[h] for h in KEPT_HEADERS if h in response.headers}
        run.response = response
        return idempotency.Reply(response.status_code, headers, response.get_data())

    reply = idempotency.run_once(
        get_db(),
        f"key:{g.api_key['id']}",
        key,
        fingerprint(),
        run,
        config["IDEMPOTENCY_STALE_SECONDS"],
        config["IDEMPOTENCY_TTL_HOURS"],
    )
    if not reply.replayed:
        return run.response
    response = Response(reply.body, reply.status)
    for name, value in reply.headers.items():
        response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    response.headers["Cache-Control"] = "no-store"
    return response
