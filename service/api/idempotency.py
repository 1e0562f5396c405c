"""Idempotency-Key on POST: a repeat replays the first response instead of acting twice.

Same key and same request: the kept response (status, body, Location) is replayed with
`Idempotent-Replayed: true`. Same key, different request: 422. A repeat while the first is still
running waits for the write lock and then replays the first response. The key is optional unless
IDEMPOTENCY_KEY_REQUIRED is set (then 428). Only successful (2xx) responses are kept, so a
request refused for its content can be corrected and sent again with the same key. Keys are
scoped to the API key that sent them and kept IDEMPOTENCY_TTL_HOURS (older ones are dropped as
new ones are kept; `flask idempotency purge` does it on demand). The operation checks and keeps
the response in its own transaction (service.application.idempotency).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps

from flask import Response, current_app, g, request

from ..application.idempotency import Once, Reply
from ..errors import Problem
from .base import mark

HEADER = "Idempotency-Key"
VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


def idempotent(view):
    """Decorate a POST view (inside `require`): read and check the Idempotency-Key header."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        g.idempotency_key = _key()
        if g.idempotency_key is None and current_app.config["IDEMPOTENCY_KEY_REQUIRED"]:
            raise Problem(
                428,
                f"Send an {HEADER} header (a UUID per operation) so that a retry cannot act twice.",
                "idempotency-key-required",
            )
        return view(*args, **kwargs)

    return mark(wrapper, idempotent=True)


def once(render: Callable[..., Reply]) -> Once | None:
    """The request's Idempotency-Key for the operation to honour, or None without one."""
    key = g.get("idempotency_key")
    if key is None:
        return None
    return Once(f"key:{g.api_key['id']}", key, current_app.config["IDEMPOTENCY_TTL_HOURS"], render)


def respond(reply: Reply) -> Response:
    """The HTTP response of a reply, marked when it is a replay."""
    response = Response(reply.body, reply.status)
    for name, value in reply.headers.items():
        response.headers[name] = value
    if reply.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    response.headers["Cache-Control"] = "no-store"
    return response


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
