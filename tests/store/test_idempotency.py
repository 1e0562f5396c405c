"""Idempotency-Key records: kept replies, per owner and key, and their purge."""

from __future__ import annotations

import sqlite3

import pytest

from service.store import idempotency

OLD = "2000-01-01T00:00:00.000000Z"
FUTURE = "2999-01-01T00:00:00.000000Z"


def test_save_and_read_back(db):
    idempotency.save(db, "key:1", "k", "h1", 201, {"Location": "/x"}, b"{}")
    record = idempotency.get_record(db, "key:1", "k")
    assert (record["request_hash"], record["status_code"], record["headers"], record["body"]) == (
        "h1",
        201,
        {"Location": "/x"},
        b"{}",
    )
    assert idempotency.get_record(db, "key:2", "k") is None


def test_one_record_per_owner_and_key(db):
    idempotency.save(db, "key:1", "k", "h1", 201, {}, b"{}")
    with pytest.raises(sqlite3.IntegrityError):
        idempotency.save(db, "key:1", "k", "h2", 201, {}, b"{}")


def test_purge(db):
    idempotency.save(db, "key:1", "k", "h1", 201, {}, b"{}")
    assert idempotency.purge(db, OLD) == 0
    assert idempotency.purge(db, FUTURE) == 1
    assert idempotency.get_record(db, "key:1", "k") is None
