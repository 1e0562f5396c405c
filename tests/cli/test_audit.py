"""The users and audit commands: bootstrap, create, and `audit verify` / `audit head`.

`audit verify` is tried as an attacker with write access to the database (but not to the audit
key) would try it: each change of issue 12's list, made straight in SQLite, must fail the
verification naming what was changed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re

import pytest

from service.application import accounts as auth
from service.store import audit, digests, users
from service.store.context import get_db
from tests.support.apps import ApiClient, Web, add_user, create_key
from tests.support.bodies import approvable_body


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_bootstrap_creates_one_admin_once(app):
    result = run(app, "users", "bootstrap")
    assert result.exit_code == 0, result.output
    password = re.search(r"one-time password:\s+(\S+)", result.output).group(1)
    assert "admin@localhost" in result.output
    with app.app_context():
        admin = users.get_user_by_email(get_db(), "admin@localhost")
    assert admin["role"] == "admin" and admin["must_change_password"]
    assert auth.verify_password(admin, password)
    again = run(app, "users", "bootstrap")
    assert again.exit_code == 0 and "nothing to do" in again.output
    with app.app_context():
        assert users.count_users(get_db()) == 1


def test_users_create_prints_a_generated_password(app):
    result = run(app, "users", "create", "--email", "r@example.com", "--role", "reviewer")
    assert result.exit_code == 0, result.output
    assert "created reviewer r@example.com" in result.output
    assert re.search(r"one-time password: \S{20,}", result.output)
    duplicate = run(app, "users", "create", "--email", "r@example.com", "--role", "reviewer")
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output


def test_users_create_with_a_given_password(app):
    given = ("--password", "a long enough password")
    result = run(app, "users", "create", "--email", "s@example.com", "--role", "submitter", *given)
    assert result.exit_code == 0 and "one-time password" not in result.output
    weak = run(
        app, "users", "create", "--email", "t@example.com", "--role", "submitter", "--password", "w"
    )
    assert weak.exit_code == 2 and "12 characters" in weak.output
    bad_role = run(app, "users", "create", "--email", "u@example.com", "--role", "root")
    assert bad_role.exit_code == 2


@pytest.fixture
def governed(app):
    """A store with each audited kind of row: accounts, keys, assessments and a review."""
    web = Web(app)
    web.submit(web.client("a@example.com"))
    add_user(app, "rita@example.com", "reviewer")
    submitter = ApiClient(app.test_client(), create_key(app, "assessments:write", name="erp"))
    key = create_key(app, "assessments:read", "reviews:write", owner="rita@example.com")
    reviewer = ApiClient(app.test_client(), key)
    created = submitter.submitted(approvable_body())
    assert reviewer.review(created["id"], "request_changes", "Name the DPO.").status_code == 200
    with app.app_context():
        db = get_db()
        ids = {
            "assessment": created["id"],
            "review": db.execute("SELECT MAX(id) FROM reviews").fetchone()[0],
            "user": users.get_user_by_email(db, "rita@example.com")["id"],
            "key": db.execute("SELECT MAX(id) FROM api_keys").fetchone()[0],
        }
    assert run(app, "audit", "verify").exit_code == 0
    return ids


def tamper(app, sql: str, args=()) -> None:
    with app.app_context():
        get_db().execute(sql, list(args))


def broken(app, *args) -> str:
    result = run(app, "audit", "verify", *args)
    assert result.exit_code == 1, result.output
    assert "audit chain BROKEN" in result.output
    return result.output


def test_audit_verify_passes_on_an_intact_chain(app, governed):
    result = run(app, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert re.search(r"audit chain intact: \d+ events; \d+ rows match", result.output)


# Issue 12, reproduction 1: each of these used to leave "audit chain intact".
TAMPERING = {
    "assessment status and decision": (
        "UPDATE assessments SET status = 'approved', decision = 'approve' WHERE id = ?",
        "assessment",
        "assessment {}: the row does not match its latest audit event",
    ),
    "review decision": (
        "UPDATE reviews SET decision = 'approve' WHERE id = ?",
        "review",
        "review {}: the row does not match its latest audit event",
    ),
    "user role": (
        "UPDATE users SET role = 'admin' WHERE id = ?",
        "user",
        "account {}: the row does not match its latest audit event",
    ),
    "key scopes and revocation": (
        "UPDATE api_keys SET scopes = 'admin', revoked_at = NULL WHERE id = ?",
        "key",
        "API key {}: the row does not match its latest audit event",
    ),
}


@pytest.mark.parametrize("case", TAMPERING, ids=list(TAMPERING))
def test_a_row_changed_in_the_database_fails_verify_naming_it(app, governed, case):
    sql, kind, message = TAMPERING[case]
    tamper(app, sql, [governed[kind]])
    assert message.format(governed[kind]) in broken(app)


def test_deleting_every_audit_event_fails_verify_naming_the_rows(app, governed):
    tamper(app, "DELETE FROM audit_events")
    output = broken(app)
    assert f"assessment {governed['assessment']}: the row has no audit event" in output
    assert f"account {governed['user']}: the row has no audit event" in output


def test_a_row_changed_before_a_change_through_the_service_is_still_caught(app, governed):
    tamper(app, "UPDATE users SET role = 'admin' WHERE id = ?", [governed["user"]])
    assert run(app, "users", "disable", "--email", "rita@example.com").exit_code == 0
    output = broken(app)
    assert f"account {governed['user']}: changed outside the service before event" in output


def _rewrite_chain(app, key: bytes, ref: str) -> None:
    """Rewrite the chain as an attacker would after changing the row `ref`: its latest event
    records the row as it is now, and every link is recomputed under `key`."""
    with app.app_context():
        db = get_db()
        events = audit.list_audit_events(db)
        latest = max(e["seq"] for e in events if ref in e["state"])
        prev = audit.GENESIS
        for row in events:
            if row["seq"] == latest:
                row["state"][ref][1] = digests.row_digest(db, *digests.parse_ref(ref))
            digest = hmac.new(
                key, prev.encode() + audit.canonical(audit.event_body(row)), hashlib.sha256
            ).hexdigest()
            db.execute(
                "UPDATE audit_events SET state_json = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                [json.dumps(row["state"], sort_keys=True), prev, digest, row["seq"]],
            )
            prev = digest


APPROVE = "UPDATE assessments SET status = 'approved', decision = 'approve' WHERE id = ?"


def test_a_chain_rewritten_without_the_key_fails_verify(app, governed):
    tamper(app, APPROVE, [governed["assessment"]])
    _rewrite_chain(app, b"a guessed key", f"assessment:{governed['assessment']}")
    output = broken(app)
    assert "event 1: its HMAC does not match" in output
    assert "the row does not match" not in output  # the rewrite matched the row...


def test_the_same_rewrite_with_the_key_verifies(app, governed):
    # The control for the test above: with the real key the rewrite is indistinguishable,
    # which is why the key must be kept from those who can write the database (README).
    tamper(app, APPROVE, [governed["assessment"]])
    _rewrite_chain(app, app.config["AUDIT_KEY"].encode(), f"assessment:{governed['assessment']}")
    assert run(app, "audit", "verify").exit_code == 0


@pytest.mark.parametrize(
    "tamper_sql",
    [
        'UPDATE audit_events SET details_json = \'{"rating": "low"}\' WHERE seq = 2',
        "UPDATE audit_events SET actor_name = 'someone else' WHERE seq = 2",
    ],
)
def test_a_changed_event_is_named(app, tamper_sql):
    web = Web(app)
    client = web.client("a@example.com")
    web.submit(client)
    web.submit(client)
    tamper(app, tamper_sql)
    assert "event 2: its HMAC does not match" in broken(app)


def test_a_removed_event_breaks_the_link_of_the_next(app):
    web = Web(app)
    client = web.client("a@example.com")
    web.submit(client)
    web.submit(client)
    tamper(app, "DELETE FROM audit_events WHERE seq = 2")
    assert "event 3: does not link to the event before it" in broken(app)


def test_audit_head_anchors_the_chain_against_a_cut_tail(app, governed):
    head = run(app, "audit", "head")
    assert head.exit_code == 0 and re.fullmatch(r"\d+:[0-9a-f]{64}\n", head.output)
    anchored = head.output.strip()
    assert run(app, "audit", "verify", "--head", anchored).exit_code == 0
    seq = int(anchored.split(":")[0])
    # Events that changed no row (sign-ins) cut off the end: only the anchor tells.
    web = Web(app)
    web.client("b@example.com")
    tamper(app, "DELETE FROM audit_events WHERE seq > ?", [seq - 1])
    assert run(app, "audit", "verify").exit_code == 1  # the review's rows lost their event
    output = broken(app, "--head", anchored)
    assert f"head {anchored}: not in the chain" in output


def test_audit_head_of_a_cut_chain_without_row_changes(app):
    web = Web(app)
    web.client("a@example.com")  # account created, then a sign-in (which changes no row)
    anchored = run(app, "audit", "head").output.strip()
    tamper(app, "DELETE FROM audit_events WHERE seq = ?", [int(anchored.split(":")[0])])
    assert run(app, "audit", "verify").exit_code == 0  # nothing else can tell...
    assert f"head {anchored}: not in the chain" in broken(app, "--head", anchored)  # ...this can


@pytest.mark.parametrize("head", ["12", "x:y", "3:" + "z" * 64, ":" + "a" * 64])
def test_a_malformed_head_is_refused(app, head):
    result = run(app, "audit", "verify", "--head", head)
    assert result.exit_code == 2 and "SEQ:HASH" in result.output


def test_verify_with_another_key_fails(make_app, app, governed):
    other = make_app(DATABASE=app.config["DATABASE"], AUDIT_KEY="another key")
    assert "its HMAC does not match" in broken(other)


def test_a_row_inserted_by_hand_has_no_event(app, governed):
    tamper(
        app,
        "INSERT INTO users (email, name, role, password_hash, created_at) "
        "VALUES ('mallory@example.com', 'M', 'admin', 'x', '2026-01-01T00:00:00.000000Z')",
    )
    with app.app_context():
        mallory = users.get_user_by_email(get_db(), "mallory@example.com")["id"]
    assert f"account {mallory}: the row has no audit event" in broken(app)


def test_a_row_deleted_by_hand_is_missed(app, governed):
    tamper(app, "DELETE FROM reviews WHERE id = ?", [governed["review"]])
    assert f"review {governed['review']}: the row is gone, but event" in broken(app)


def test_webhook_endpoints_are_bound_to_their_events(app):
    """An endpoint added and removed with the commands verifies; one pointed at another
    receiver, or handed another signing secret, in the database fails verify naming it."""
    added = run(
        app,
        "webhooks",
        "add",
        "--url",
        "https://hooks.example.com/in",
        "--events",
        "assessment.decided",
    )
    assert added.exit_code == 0, added.output
    endpoint = int(re.search(r"endpoint (\d+):", added.output).group(1))
    assert run(app, "audit", "verify").exit_code == 0
    tamper(
        app,
        "UPDATE webhook_endpoints SET url = 'https://evil.example.net/' WHERE id = ?",
        [endpoint],
    )
    assert f"webhook endpoint {endpoint}: the row does not match" in broken(app)
    tamper(
        app,
        "UPDATE webhook_endpoints SET url = 'https://hooks.example.com/in' WHERE id = ?",
        [endpoint],
    )
    assert run(app, "audit", "verify").exit_code == 0
    removed = run(app, "webhooks", "remove", str(endpoint))
    assert removed.exit_code == 0, removed.output
    assert run(app, "audit", "verify").exit_code == 0
    tamper(app, "UPDATE webhook_endpoints SET secret = 'whsec_known', removed_at = NULL")
    assert f"webhook endpoint {endpoint}: the row does not match" in broken(app)
