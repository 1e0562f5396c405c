"""Webhooks in the application: endpoints, events written with their change, delivery,
retries with backoff for 24 hours, cancelled events of a removed endpoint, the log."""

from __future__ import annotations

import pytest

from service.application import InputError, NotFound, accounts, assessments, reviews, webhooks
from service.application.transport import Attempt
from service.store import webhooks as outbox
from service.store.audit import list_audit_events
from service.store.audit_verify import verify
from tests.support.apps import add_account
from tests.support.bodies import approvable_body, real_content, sample_body

ADMIN = {"kind": "system", "id": "cli", "name": "flask cli"}
SUBMITTER = {"kind": "user", "id": "1", "name": "Ada"}


class Post:
    """A transport that answers from a script of outcomes and records what it was sent."""

    def __init__(self, *outcomes: bool):
        self.outcomes, self.sent = list(outcomes), []

    def __call__(self, url, headers, body, allow_private):
        self.sent.append((url, headers, body))
        ok = self.outcomes.pop(0) if self.outcomes else True
        return Attempt(ok, 204 if ok else 503, None if ok else "HTTP 503", 5)


def _events(db) -> list[dict]:
    return db.execute("SELECT * FROM webhook_outbox ORDER BY created_at").fetchall()


def _endpoint(db, events="assessment.submitted,assessment.decided") -> dict:
    return webhooks.add(db, "https://hooks.example.com/in", events, ADMIN, allow_private=False)


def test_events_are_written_with_the_change_and_only_when_subscribed(db):
    # A review needs another person, with the reviewer role (four eyes per person).
    submitter = accounts.actor(add_account(db, "ada@example.com", "submitter"))
    reviewer = accounts.actor(add_account(db, "rita@example.com", "reviewer"))
    assert assessments.submit(real_content(), db, sample_body(), submitter)
    assert _events(db) == []  # no endpoint, no event
    _endpoint(db, "assessment.decided")
    stored = assessments.submit(real_content(), db, approvable_body(), submitter).assessment
    assert _events(db) == []
    reviews.review(real_content(), db, stored["id"], reviewer, "approve", "")
    (event,) = db.query("SELECT * FROM webhook_outbox")
    assert (event["event_type"], event["assessment_id"], event["status"]) == (
        "assessment.decided",
        stored["id"],
        "pending",
    )


def test_a_failed_change_leaves_no_event(db, monkeypatch):
    _endpoint(db)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(outbox, "enqueue", broken)
    with pytest.raises(RuntimeError):
        assessments.submit(real_content(), db, sample_body(), SUBMITTER)
    assert db.execute("SELECT COUNT(*) FROM assessments").fetchone()[0] == 0


def test_delivery_signs_logs_and_settles(db):
    endpoint = _endpoint(db)
    assessments.submit(real_content(), db, sample_body(), SUBMITTER)
    post = Post(True)
    assert webhooks.deliver_due(db, False, 60, post) == 1
    url, headers, body = post.sent[0]
    assert url == endpoint["url"] and headers["webhook-id"].startswith("msg_")
    (event,) = db.query("SELECT * FROM webhook_outbox")
    assert (event["status"], event["attempts"]) == ("delivered", 1)
    log = webhooks.log(db, endpoint["id"])
    assert [a["status_code"] for a in log["attempts"]] == [204]
    assert webhooks.deliver_due(db, False, 60, post) == 0  # nothing due any more


def test_a_failure_is_retried_later_then_given_up_after_24_hours(db):
    _endpoint(db)
    assessments.submit(real_content(), db, sample_body(), SUBMITTER)
    assert webhooks.deliver_due(db, False, 60, Post(False)) == 1
    (event,) = db.query("SELECT * FROM webhook_outbox")
    assert (event["status"], event["attempts"], event["last_error"]) == ("pending", 1, "HTTP 503")
    assert event["next_attempt_at"] > event["created_at"]
    assert webhooks.deliver_due(db, False, 60, Post(False)) == 0  # not due for 30 s
    # A day later the next try would fall outside the window: the event fails for good.
    db.execute(
        "UPDATE webhook_outbox SET created_at = '2000-01-01T00:00:00.000000Z', "
        "next_attempt_at = '2000-01-01T00:00:00.000000Z'"
    )
    assert webhooks.deliver_due(db, False, 60, Post(False)) == 1
    (event,) = db.query("SELECT * FROM webhook_outbox")
    assert (event["status"], event["attempts"]) == ("failed", 2)


def test_a_leased_event_is_not_sent_twice_at_once(db):
    _endpoint(db)
    assessments.submit(real_content(), db, sample_body(), SUBMITTER)
    db.execute("UPDATE webhook_outbox SET lease_until = '2999-01-01T00:00:00.000000Z'")
    assert webhooks.deliver_due(db, False, 60, Post(True)) == 0


def test_removing_an_endpoint_cancels_its_events(db):
    endpoint = _endpoint(db)
    assessments.submit(real_content(), db, sample_body(), SUBMITTER)
    webhooks.remove(db, endpoint["id"], ADMIN)
    assert [e["status"] for e in db.query("SELECT status FROM webhook_outbox")] == ["cancelled"]
    assert webhooks.list_endpoints(db) == []
    with pytest.raises(NotFound):
        webhooks.remove(db, endpoint["id"], ADMIN)


@pytest.mark.parametrize(
    "url,events,field",
    [
        ("http://hooks.example.com/", "assessment.submitted", "url"),
        ("https://10.0.0.1/", "assessment.submitted", "url"),
        ("https://hooks.example.com/", "assessment.deleted", "events"),
    ],
)
def test_bad_endpoints_are_refused_naming_the_field(db, url, events, field):
    with pytest.raises(InputError) as caught:
        webhooks.add(db, url, events, ADMIN, allow_private=False)
    assert caught.value.errors[0]["field"] == field


def test_endpoint_changes_are_audited(db):
    endpoint = _endpoint(db)
    webhooks.remove(db, endpoint["id"], ADMIN)
    actions = [r["action"] for r in db.query("SELECT action FROM audit_events ORDER BY seq")]
    assert actions == ["webhook.add", "webhook.remove"]


def test_endpoint_rows_are_bound_to_their_events(db):
    """Like an API key, an endpoint's row carries its digest in the events that changed it, so
    audit verify catches an endpoint pointed elsewhere, or given another secret, in the
    database."""
    endpoint = _endpoint(db)
    ref = f"webhook_endpoint:{endpoint['id']}"
    (added,) = (e for e in list_audit_events(db) if e["action"] == "webhook.add")
    assert added["state"][ref][0] is None and added["state"][ref][1]
    assert added["details"]["endpoint"] == endpoint["id"]
    assert verify(db).ok
    db.execute("UPDATE webhook_endpoints SET url = 'https://evil.example.net/'")
    message = verify(db).message()
    assert f"webhook endpoint {endpoint['id']}: the row does not match" in message
    db.execute("UPDATE webhook_endpoints SET url = ?", [endpoint["url"]])
    assert verify(db).ok
    db.execute("UPDATE webhook_endpoints SET secret = 'whsec_chosen'")
    assert not verify(db).ok


def test_a_removed_endpoint_verifies_and_a_refused_removal_records_nothing(db):
    endpoint = _endpoint(db)
    webhooks.remove(db, endpoint["id"], ADMIN)
    removed = list_audit_events(db)[-1]
    before, after = removed["state"][f"webhook_endpoint:{endpoint['id']}"]
    assert before and after and before != after  # removed_at is set, the row stays
    assert verify(db).ok
    events = len(list_audit_events(db))
    with pytest.raises(NotFound):
        webhooks.remove(db, endpoint["id"], ADMIN)
    assert len(list_audit_events(db)) == events
