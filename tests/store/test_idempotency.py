"""Idempotency-Key records: claim, complete, replay, mismatch, in progress, stale, purge."""

from __future__ import annotations

import pytest

from service.store import idempotency
from service.store.context import get_db

OLD = "2000-01-01T00:00:00.000000Z"
FUTURE = "2999-01-01T00:00:00.000000Z"


@pytest.fixture
def db(app):
    with app.app_context():
        yield get_db()


def test_claim_complete_replay(db):
    assert idempotency.claim(db, "key:1", "k", "h1", OLD) == ("new", None)
    state, record = idempotency.claim(db, "key:1", "k", "h1", OLD)
    assert state == "in_progress" and record["state"] == "in_progress"
    idempotency.complete(db, "key:1", "k", 201, {"Location": "/x"}, b"{}")
    state, record = idempotency.claim(db, "key:1", "k", "h1", OLD)
    assert state == "replay"
    assert (record["status_code"], record["headers"], record["body"]) == (
        201,
        {"Location": "/x"},
        b"{}",
    )
    assert idempotency.claim(db, "key:1", "k", "h2", OLD)[0] == "mismatch"
    assert idempotency.claim(db, "key:2", "k", "h2", OLD)[0] == "new"


def test_release_frees_the_key(db):
    idempotency.claim(db, "key:1", "k", "h1", OLD)
    idempotency.release(db, "key:1", "k")
    assert idempotency.claim(db, "key:1", "k", "h2", OLD) == ("new", None)


def test_a_stale_claim_is_taken_over(db):
    idempotency.claim(db, "key:1", "k", "h1", OLD)
    assert idempotency.claim(db, "key:1", "k", "h1", FUTURE) == ("new", None)


def test_claims_drop_expired_records(db):
    idempotency.claim(db, "key:1", "old", "h1", OLD)
    idempotency.claim(db, "key:2", "new", "h2", OLD, expire_before=FUTURE)
    assert idempotency.get_record(db, "key:1", "old") is None
    assert idempotency.get_record(db, "key:2", "new") is not None


def test_purge(db):
    idempotency.claim(db, "key:1", "k", "h1", OLD)
    assert idempotency.purge(db, OLD) == 0
    assert idempotency.purge(db, FUTURE) == 1
    assert idempotency.get_record(db, "key:1", "k") is None
