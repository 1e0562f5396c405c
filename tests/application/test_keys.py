"""API keys: format, hash-only storage, scopes, revocation; and the rate-limit counters."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from service.application import keys as apikeys
from service.application.errors import InputError, NotFound
from service.store import keys as store_keys
from service.store import ratelimits
from tests.support.apps import SYSTEM


def test_key_format_and_only_a_hash_is_stored(app, db):
    key, record = apikeys.create(db, "servicenow", ["assessments:read"], SYSTEM)
    assert apikeys.KEY_PATTERN.match(key) and key.startswith(record["prefix"] + "_")
    assert "key_hash" not in record
    stored = store_keys.find_key(db, record["prefix"])
    assert stored["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    files = Path(app.config["DATABASE"]).parent.glob(Path(app.config["DATABASE"]).name + "*")
    assert all(key.encode() not in f.read_bytes() for f in files)


def test_authenticate_accepts_only_the_exact_live_key(db):
    key, record = apikeys.create(db, "k", ["assessments:read"], SYSTEM)
    assert apikeys.authenticate(db, key)["id"] == record["id"]
    wrong_secret = key[:-1] + ("A" if key[-1] != "A" else "B")
    for presented in (wrong_secret, key + "x", "", "Bearer " + key, key.upper()):
        assert apikeys.authenticate(db, presented) is None
    apikeys.revoke(db, record["id"], SYSTEM)
    assert apikeys.authenticate(db, key) is None


def test_scopes_are_checked_and_admin_implies_all(db):
    with pytest.raises(InputError, match="bogus") as caught:
        apikeys.create(db, "k", ["assessments:read", "bogus"], SYSTEM)
    assert caught.value.errors[0]["field"] == "scopes"
    with pytest.raises(InputError) as caught:
        apikeys.create(db, " ", ["admin"], SYSTEM)
    assert caught.value.errors[0]["field"] == "name"
    _, admin = apikeys.create(db, "a", ["admin"], SYSTEM)
    assert all(apikeys.has_scope(admin, s) for s in apikeys.SCOPES)
    _, reader = apikeys.create(db, "r", ["assessments:read"], SYSTEM)
    assert not apikeys.has_scope(reader, "assessments:write")


def test_list_and_revoke(db):
    _, record = apikeys.create(db, "k", ["admin"], SYSTEM)
    assert [k["prefix"] for k in apikeys.list_keys(db)] == [record["prefix"]]
    assert all("key_hash" not in k for k in apikeys.list_keys(db))
    assert apikeys.revoke(db, record["id"], SYSTEM)["revoked_at"]
    assert store_keys.revoke_key(db, record["id"]) is False
    with pytest.raises(NotFound):
        apikeys.revoke(db, 999, SYSTEM)


def test_rate_counter_adds_per_subject_and_window(db):
    assert [ratelimits.add(db, "key:1", 60, n) for n in (1, 1, 5)] == [1, 2, 7]
    assert ratelimits.add(db, "key:2", 60, 1) == 1
    assert ratelimits.add(db, "key:1", 120, 3) == 3
    # Older windows of the subject are dropped as new ones start.
    assert db.execute("SELECT COUNT(*) FROM rate_limits WHERE subject = 'key:1'").fetchone()[0] == 1
