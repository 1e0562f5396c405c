"""Webhooks: endpoints (add, list, remove, audited), events written to the outbox inside the
transaction of the change they report, and delivery with retries and a log.

Delivery is at least once, with a stable event id: an event is leased to one worker while it
is posted and settled afterwards, so a worker killed mid-delivery leaves it to be posted again,
with the same webhook-id, once its lease runs out. Receivers drop repeats by webhook-id, as
the Standard Webhooks specification advises. No event is lost or given a second id.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from .. import store, times
from ..interop import InteropError, webhook
from ..store import audit
from ..store import webhooks as outbox
from . import transport
from .errors import InputError, NotFound
from .inputs import field_error

EVENTS = webhook.EVENTS
MAX_URL = webhook.MAX_URL
BATCH = 20  # events leased per round; each is posted, then settled, one by one
MAX_LOG = 500


def add(db: Database, url: str, events: str, actor: dict, allow_private: bool) -> dict:
    """A new endpoint for `events` (comma-separated), audited; returns it with its signing
    secret, which is shown this once."""
    try:
        checked = webhook.check_url(url, allow_private)
        names = webhook.parse_events(events)
    except InteropError as exc:
        raise InputError([field_error((e["field"],), e["message"]) for e in exc.errors]) from None
    secret = webhook.new_secret(os.urandom(webhook.SECRET_BYTES))
    created_by = actor["name"] or actor["kind"]
    details = {"url": checked, "events": names}
    # Audited like a key: the endpoint row is bound to this event by its digest (store.digests).
    with audit.recorded(db, actor, "webhook.add", details) as change:
        endpoint_id = outbox.add_endpoint(db, checked, names, secret, created_by, times.now())
        change.created("webhook_endpoint", endpoint_id)
        change.details["endpoint"] = endpoint_id
    return {**outbox.get_endpoint(db, endpoint_id), "secret": secret}


def list_endpoints(db: Database) -> list[dict]:
    """Every endpoint that is not removed (no secrets)."""
    return outbox.list_endpoints(db)


def remove(db: Database, endpoint_id: int | str, actor: dict) -> None:
    """Remove an endpoint and cancel its undelivered events, audited; NotFound if none."""
    endpoint_id = _endpoint_id(endpoint_id)
    touches = (("webhook_endpoint", endpoint_id),)
    with audit.recorded(db, actor, "webhook.remove", {"endpoint": endpoint_id}, None, touches):
        if not outbox.remove_endpoint(db, endpoint_id, times.now()):
            raise NotFound(f"There is no such webhook endpoint: {endpoint_id}.")


def log(db: Database, endpoint_id: int | str, limit: int = 100) -> dict:
    """An endpoint's events (newest first) and its delivery attempts."""
    endpoint_id = _endpoint_id(endpoint_id)
    if outbox.get_endpoint(db, endpoint_id) is None:
        raise NotFound(f"There is no such webhook endpoint: {endpoint_id}.")
    limit = max(1, min(limit, MAX_LOG))
    return {
        "events": outbox.list_events(db, endpoint_id, limit),
        "attempts": outbox.list_attempts(db, endpoint_id, limit),
    }


def _endpoint_id(value: int | str) -> int:
    """An endpoint id as given (a path segment, an option): a SQLite integer, or NotFound."""
    text = str(value)
    if not (text.isascii() and text.isdigit() and len(text) <= 18 and int(text) > 0):
        raise NotFound(f"There is no such webhook endpoint: {text[:40]}.")
    return int(text)


def enqueue(db: Database, event_type: str, stored: dict, review: dict | None = None) -> int:
    """Write one event per subscribed endpoint into the outbox. Call it inside the write
    transaction of the change, so the event exists exactly when the change does."""
    endpoints = [e for e in outbox.list_endpoints(db) if event_type in e["events"]]
    if not endpoints:
        return 0
    at = times.now()
    body = webhook.body(event_type, at, webhook.event_data(stored, review))
    for endpoint in endpoints:
        event_id = "msg_" + uuid.uuid4().hex
        outbox.enqueue(db, event_id, endpoint["id"], event_type, stored["id"], body, at)
    return len(endpoints)


def deliver_due(
    db: Database, allow_private: bool, lease_seconds: float, post=transport.post
) -> int:
    """Post the events that are due (a batch), each signed, and settle each; returns how many
    were attempted."""
    now = datetime.now(UTC)
    with store.write(db):
        due = outbox.claim_due(
            db, times.stamp(now), times.stamp(now + timedelta(seconds=lease_seconds)), BATCH
        )
    for event in due:
        _deliver(db, event, allow_private, post)
    return len(due)


def _deliver(db: Database, event: dict, allow_private: bool, post) -> None:
    endpoint = outbox.get_endpoint(db, event["endpoint_id"])
    if endpoint is None or endpoint["removed_at"]:
        with store.write(db):
            outbox.settle(db, event["id"], event["attempts"], "cancelled", None, "removed", None)
        return
    headers = webhook.headers(endpoint["secret"], event["id"], datetime.now(UTC), event["body"])
    attempt = post(endpoint["url"], headers, event["body"], allow_private)
    done = datetime.now(UTC)
    with store.write(db):
        number = outbox.log_attempt(
            db, event, times.stamp(done), attempt.status, attempt.error, attempt.duration_ms
        )
        if attempt.ok:
            outbox.settle(db, event["id"], number, "delivered", None, None, times.stamp(done))
            return
        retry = webhook.retry_at(times.parse(event["created_at"]), number, done)
        outbox.settle(
            db,
            event["id"],
            number,
            "pending" if retry else "failed",
            times.stamp(retry) if retry else None,
            attempt.error,
            None,
        )
