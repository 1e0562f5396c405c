"""A database from before migration 4: its unkeyed audit chain is re-anchored on upgrade.

The old trail is written as the service wrote it then (plain SHA-256 links, no row digests), on
the schema of migrations 1 to 3; `store.migrate` with the key then applies migration 4 and
anchors the old events with one keyed event, adopting every audited row as found. Afterwards
verify passes, and still catches tampering with the old events and with the rows.
"""

from __future__ import annotations

import json

import pytest

from service import store
from service.store import audit, audit_upgrade, audit_verify
from service.store.migrations import migrations
from tests.support.apps import AUDIT_KEY

STAMP = "2026-10-01T09:00:00.000000Z"
SYSTEM = {"kind": "system", "id": "cli", "name": "flask cli"}


def _legacy_event(db, actor, action, details, assessment_id=None):
    """Append an event exactly as the unkeyed chain did before migration 4."""
    row = db.execute("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (row[0] + 1, row[1]) if row else (1, audit.GENESIS)
    body = {
        "seq": seq,
        "assessment_id": assessment_id,
        "actor_kind": actor["kind"],
        "actor_id": str(actor["id"]),
        "actor_name": actor["name"],
        "action": action,
        "details": details,
        "created_at": STAMP,
    }
    db.execute(
        "INSERT INTO audit_events (seq, assessment_id, actor_kind, actor_id, actor_name, action, "
        "details_json, created_at, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [
            seq,
            assessment_id,
            actor["kind"],
            str(actor["id"]),
            actor["name"],
            action,
            json.dumps(details, sort_keys=True),
            STAMP,
            prev,
            audit.legacy_digest(prev, body),
        ],
    )


def _assessment(db, assessment_id, revision, previous_id, status, actor):
    db.execute(
        "INSERT INTO assessments (id, revision, previous_id, root_id, title, status, created_at, "
        "updated_at, submitted_by_kind, submitted_by_id, submitted_by_name, model_name, rating, "
        "decision, score, policy_id, policy_version, policy_hash, content_hash, engine_version, "
        "input_hash, input_json, result_json) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            assessment_id,
            revision,
            previous_id,
            "a1",
            "Old assessment",
            status,
            STAMP,
            STAMP,
            actor["kind"],
            str(actor["id"]),
            actor["name"],
            "Llama",
            "low",
            "approve",
            3.0,
            "default",
            "2026.11.0",
            "p" * 64,
            "c" * 64,
            "1",
            f"{revision}" * 64,
            "{}",
            "{}",
        ],
    )
    _legacy_event(db, actor, "assessment.submit", {"revision": revision}, assessment_id)


@pytest.fixture
def legacy(tmp_path):
    """A database file as the service left it before migration 4, with its old trail."""
    path = tmp_path / "old.sqlite3"
    db = store.connect(path)
    migrations.apply(db, stop_before="m004_governance")
    db.execute(
        "INSERT INTO users (id, email, name, role, password_hash, created_at) "
        "VALUES (1, 'u@example.com', 'U', 'submitter', 'scrypt:x', ?)",
        [STAMP],
    )
    _legacy_event(db, SYSTEM, "user.create", {"user_id": 1})
    db.execute(
        "INSERT INTO api_keys (id, name, prefix, key_hash, scopes, created_at) "
        "VALUES (1, 'erp', 'mr_live_abcdefgh', 'h', 'assessments:write', ?)",
        [STAMP],
    )
    _legacy_event(db, SYSTEM, "key.create", {"key_id": 1})
    user = {"kind": "user", "id": 1, "name": "u@example.com"}
    _assessment(db, "a1", 1, None, "superseded", user)
    _assessment(db, "a2", 2, "a1", "submitted", user)
    db.close()
    return path


def upgraded(path):
    applied = store.migrate(path, AUDIT_KEY)
    assert "m004_governance" in applied and "audit chain upgraded to HMAC-SHA256" in applied
    return store.connect(path, AUDIT_KEY)


def test_the_upgrade_anchors_the_old_chain_and_adopts_every_row(legacy):
    db = upgraded(legacy)
    events = audit.list_audit_events(db)
    assert [e["scheme"] for e in events[:4]] == [audit.LEGACY] * 4
    anchor = events[4]
    assert anchor["action"] == audit_upgrade.UPGRADED and anchor["prev_hash"] == events[3]["hash"]
    assert anchor["details"]["legacy_events"] == 4 and anchor["details"]["legacy_problem"] is None
    adopted = {name for e in events[5:] for name in e["state"]}
    assert adopted == {"user:1", "api_key:1", "assessment:a1", "assessment:a2"}
    result = audit_verify.verify(db)
    assert result.ok, result.message()
    # The revision links and the persons of the old rows were filled in.
    rows = db.execute("SELECT id, next_id, submitted_by_person FROM assessments ORDER BY id")
    assert [tuple(r) for r in rows] == [("a1", "a2", "1"), ("a2", None, "1")]
    assert store.migrate(legacy, AUDIT_KEY) == []  # once only


def test_after_the_upgrade_a_changed_old_event_is_caught(legacy):
    db = upgraded(legacy)
    db.execute("UPDATE audit_events SET actor_name = 'someone else' WHERE seq = 2")
    assert "event 2: its content does not match its hash" in audit_verify.verify(db).message()


def test_after_the_upgrade_a_rewritten_old_chain_is_caught(legacy):
    """Recomputing the unkeyed links after a change needs no key; the keyed anchor still
    names the old head, so it no longer links."""
    db = upgraded(legacy)
    db.execute("UPDATE audit_events SET actor_name = 'someone else' WHERE seq = 2")
    prev = audit.GENESIS
    for row in audit.list_audit_events(db)[:4]:
        digest = audit.legacy_digest(prev, audit.event_body(row))
        db.execute(
            "UPDATE audit_events SET prev_hash = ?, hash = ? WHERE seq = ?",
            [prev, digest, row["seq"]],
        )
        prev = digest
    message = audit_verify.verify(db).message()
    assert "event 5: does not link to the event before it" in message


def test_after_the_upgrade_a_changed_row_is_caught(legacy):
    db = upgraded(legacy)
    db.execute("UPDATE users SET role = 'admin' WHERE id = 1")
    message = audit_verify.verify(db).message()
    assert "account 1: the row does not match its latest audit event" in message


def test_an_old_chain_broken_before_the_upgrade_stays_broken(legacy):
    db = store.connect(legacy)
    db.execute("UPDATE audit_events SET details_json = '{}' WHERE seq = 1")
    db.close()
    db = upgraded(legacy)
    message = audit_verify.verify(db).message()
    assert "before the chain was keyed: event 1: its content does not match its hash" in message


def test_an_unanchored_old_chain_fails_verify(legacy):
    db = store.connect(legacy, AUDIT_KEY)
    migrations.apply(db)  # the schema without the upgrade (as a copy made mid-way would be)
    assert "no keyed event anchors them" in audit_verify.verify(db).message()


def _legacy_endpoint(path):
    """A webhook endpoint added as the service did at migration 3 (an unkeyed event, no digest)."""
    db = store.connect(path)
    db.execute(
        "INSERT INTO webhook_endpoints (id, url, events, secret, created_at, created_by) "
        "VALUES (1, 'https://hooks.example.com/a', '[\"assessment.decided\"]', 'whsec_x', ?, "
        "'flask cli')",
        [STAMP],
    )
    _legacy_event(db, SYSTEM, "webhook.add", {"endpoint": 1})
    db.close()


def test_the_upgrade_adopts_webhook_endpoints_added_before_it(legacy):
    _legacy_endpoint(legacy)
    db = upgraded(legacy)
    adopted = {name for e in audit.list_audit_events(db) for name in e["state"]}
    assert "webhook_endpoint:1" in adopted
    assert audit_verify.verify(db).ok


def test_after_the_upgrade_a_redirected_webhook_endpoint_is_caught(legacy):
    """Pointing an endpoint at another receiver in the database would send events there."""
    _legacy_endpoint(legacy)
    db = upgraded(legacy)
    db.execute("UPDATE webhook_endpoints SET url = 'https://evil.example.net/' WHERE id = 1")
    message = audit_verify.verify(db).message()
    assert "webhook endpoint 1: the row does not match its latest audit event" in message
