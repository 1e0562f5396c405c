"""Submit, revise, read, list and review assessments through the application functions."""

from __future__ import annotations

import pytest
import time_machine

from service.application import accounts, assessments, keys, reviews
from service.application.errors import FourEyesError, InputError, NoChange, NotFound, StateError
from service.application.idempotency import Once, Reply
from service.store import assessments as store
from service.store.audit import list_audit_events
from service.store.audit_verify import verify
from tests.support.apps import add_account
from tests.support.bodies import STORED_KEYS, approvable_body, real_content, sample_body
from tests.support.writers import Writers


@pytest.fixture
def alice(db):
    """The actor of a submitter's account."""
    return accounts.actor(add_account(db, "alice@example.com", "submitter"))


@pytest.fixture
def bob(db):
    """The actor of a reviewer's account."""
    return accounts.actor(add_account(db, "bob@example.com", "reviewer"))


def review(db, *args, **kwargs) -> dict:
    """Review through the application; returns the assessment as it then reads."""
    return reviews.review(real_content(), db, *args, **kwargs).assessment


def submit(db, actor, previous_id=None, body=None, **changes):
    """Submit a body (a sample by default); returns the assessment as it is read back."""
    done = assessments.submit(
        real_content(), db, body or sample_body(**changes), actor, previous_id=previous_id
    )
    return assessments.get(db, done.assessment["id"])


def test_submit_stores_the_documented_shape(db, alice):
    stored = submit(db, alice)
    assert set(stored) >= STORED_KEYS
    assert stored["status"] == "submitted" and stored["revision"] == 1
    assert stored["submitted_by"] == {
        "kind": "user",
        "id": alice["person"],
        "name": "alice@example.com",
        "person": alice["person"],
    }
    assert stored["created_at"].endswith("Z") and stored["expires_at"] is None
    assert stored["result"]["input_hash"] and stored["input"]["title"] == "Test assessment"
    assert stored["model_id"] == "meta-llama/Llama-3.1-8B-Instruct"
    assert stored["next_id"] is None and stored["risk_accepted"] is False
    assert stored == assessments.get(db, stored["id"])


def test_submit_is_audited_and_the_head_is_the_newest_event(db, alice):
    stored = submit(db, alice)
    events = list_audit_events(db, stored["id"])
    assert [e["action"] for e in events] == ["assessment.submit"]
    assert stored["audit_head"] == events[-1]["hash"]
    assert events[0]["details"]["input_hash"] == stored["result"]["input_hash"]
    assert verify(db).ok


def test_invalid_body_stores_nothing(db, alice):
    before = list_audit_events(db)
    with pytest.raises(InputError) as caught:
        submit(db, alice, answers={"SEC-99": "official"})
    assert caught.value.errors[0]["field"] == "answers.SEC-99"
    assert store.count_assessments(db) == 0 and list_audit_events(db) == before


def test_revision_links_and_supersedes(db, alice):
    first = submit(db, alice)
    second = submit(db, alice, previous_id=first["id"], title="Second look")
    assert (second["revision"], second["previous_id"]) == (2, first["id"])
    old = assessments.get(db, first["id"])
    assert old["status"] == "superseded" and old["next_id"] == second["id"]
    assert [r["id"] for r in store.list_revisions(db, first["id"])] == [first["id"], second["id"]]
    with pytest.raises(StateError):
        submit(db, alice, previous_id=first["id"], title="Third look")
    with pytest.raises(NotFound):
        submit(db, alice, previous_id="nope")
    assert store.count_assessments(db) == 2


def test_get_unknown_raises_not_found(db):
    with pytest.raises(NotFound):
        assessments.get(db, "0" * 32)


@pytest.mark.parametrize(
    "decision, status",
    [("approve", "approved"), ("reject", "rejected"), ("request_changes", "changes_requested")],
)
def test_review_moves_a_submitted_assessment(db, alice, bob, decision, status):
    stored = submit(db, alice, body=approvable_body())
    reviewed = review(db, stored["id"], bob, decision, "Looked at it")
    assert reviewed["status"] == status
    assert reviewed["reviews"][0]["reviewer"] == {
        "kind": "user",
        "id": bob["person"],
        "name": "bob@example.com",
        "person": bob["person"],
        "person_name": "bob@example.com",
    }
    assert (reviewed["expires_at"] is not None) == (status == "approved")
    assert reviewed["audit_head"] != stored["audit_head"]


@time_machine.travel("2028-01-01T09:30:00Z", tick=False)  # 1 January of a leap year
def test_approval_expires_after_the_policy_interval(db, alice, bob):
    stored = submit(db, alice, body=approvable_body())
    reviewed = review(db, stored["id"], bob, "approve", "")
    days = real_content().policies["default"].review_interval_days
    assert days == 365  # the policy's interval, so the date below is worked out by hand
    assert reviewed["updated_at"] == "2028-01-01T09:30:00.000000Z"
    assert reviewed["expires_at"] == "2028-12-31T09:30:00.000000Z"
    assert [a["id"] for a in store.list_due_approvals(db, days + 1)] == [stored["id"]]
    assert store.list_due_approvals(db, 1) == []
    db.execute("UPDATE assessments SET expires_at = '2000-01-01T00:00:00.000000Z'")
    assert store.list_due_approvals(db, 0)[0]["expired"] is True


def test_four_eyes_refuses_the_submitter_under_another_name(db, alice):
    stored = submit(db, alice)
    with pytest.raises(FourEyesError):
        review(db, stored["id"], {**alice, "name": "renamed"}, "reject", "No")
    assert assessments.get(db, stored["id"])["status"] == "submitted"


def test_four_eyes_holds_for_a_key_and_its_owner(db, bob):
    _, record = keys.create(
        db, "bob's script", ["assessments:write", "reviews:write"], bob, "bob@example.com"
    )
    bobs_key = keys.actor(record)
    stored = submit(db, bobs_key)
    for actor in (bobs_key, bob):  # the key, and the account that owns it
        with pytest.raises(FourEyesError):
            review(db, stored["id"], actor, "reject", "No.")
    actions = [e["action"] for e in list_audit_events(db, stored["id"])]
    assert actions == ["assessment.submit"] + ["assessment.review_refused"] * 2


def test_only_a_submitted_assessment_can_be_reviewed(db, alice, bob):
    stored = submit(db, alice)
    review(db, stored["id"], bob, "reject", "No.")
    with pytest.raises(StateError):
        review(db, stored["id"], bob, "approve", "")
    with pytest.raises(NotFound):
        review(db, "nope", bob, "approve", "")


@pytest.mark.parametrize(
    "decision, comment, field",
    [
        ("maybe", "", "decision"),
        ("reject", "", "comment"),
        ("request_changes", " ", "comment"),
        ("approve", "x" * 4001, "comment"),
        ("reject", "line\n" * 41 + "end", "comment"),
    ],
)
def test_review_input_is_checked(db, alice, bob, decision, comment, field):
    stored = submit(db, alice)
    with pytest.raises(InputError) as caught:
        review(db, stored["id"], bob, decision, comment)
    assert [e["field"] for e in caught.value.errors] == [field]


def test_list_filters_and_pages(db, alice, bob):
    ids = [submit(db, alice, body=approvable_body(title=f"A{i}"))["id"] for i in range(5)]
    review(db, ids[0], bob, "approve", "")
    items, total = assessments.list_assessments(db, {}, 1, 2)
    assert total == 5 and [i["id"] for i in items] == ids[::-1][:2]
    assert "result" not in items[0] and "input" not in items[0]
    assert assessments.list_assessments(db, {"status": "approved"})[1] == 1
    assert assessments.list_assessments(db, {"model": "META-LLAMA/llama-3.1-8b-instruct"})[1] == 5
    assert assessments.list_assessments(db, {"since": "2999-01-01T00:00:00Z"})[1] == 0
    with pytest.raises(ValueError):
        store.list_assessments(db, {"title": "x"})


def test_a_draft_submitted_is_deleted_in_the_same_transaction_and_audited(db, alice):
    from service.application import drafts

    user = {"id": int(alice["person"]), "email": "alice@example.com"}
    draft_id = drafts.save(db, user, "Half done", {"title": ["Half done"]})
    stored = assessments.submit(
        real_content(), db, sample_body(), alice, draft_id=draft_id
    ).assessment
    assert drafts.list_drafts(db, user) == []
    actions = [(e["action"], e["details"]) for e in list_audit_events(db)]
    assert actions[-1] == ("draft.delete", {"draft_id": draft_id, "submitted": stored["id"]})


def _submitted(**kwargs):
    """A submission on the writer's own connection."""
    return lambda db: assessments.submit(real_content(), db, **kwargs)


def test_submissions_made_at_once_share_a_transaction_and_a_refusal_undoes_only_its_own(
    app, db, alice, monkeypatch
):
    """Four submissions wait behind a held write: they are committed in one transaction, and
    the two refused in it (a revision that changes nothing; one whose outbox write fails after
    its assessment and audit event were written) leave nothing, while the others stand."""
    first = submit(db, alice)
    enqueue = assessments.webhooks.enqueue

    def fails_late(tx, event, summary, *args):
        if summary["title"] == "Fails late":
            raise RuntimeError("the outbox refused")
        return enqueue(tx, event, summary, *args)

    monkeypatch.setattr(assessments.webhooks, "enqueue", fails_late)
    writers = Writers(app.config["DATABASE"])
    release = writers.hold()
    calls = {
        "new": {"body": sample_body(title="Submitted at once")},
        "unchanged": {"body": sample_body(), "previous_id": first["id"]},
        "late": {"body": sample_body(title="Fails late")},
        "other": {"body": sample_body(title="Also at once")},
    }
    for n, (name, kwargs) in enumerate(calls.items(), start=1):
        queued = lambda n=n: len(writers.queue.waiting) == n  # noqa: E731 (binds n)
        writers.queued(name, _submitted(actor=alice, **kwargs), queued)
    release.set()
    writers.join()
    assert len(writers.begins) == 2, writers.begins  # the held write, then the four together
    assert isinstance(writers.outcomes["unchanged"], NoChange)
    assert isinstance(writers.outcomes["late"], RuntimeError)
    for name in ("new", "other"):
        stored = assessments.get(db, writers.outcomes[name].assessment["id"])
        assert stored["title"] == calls[name]["body"]["title"]
    assert assessments.get(db, first["id"])["next_id"] is None  # the refusal left nothing
    titles = {a["title"] for a in assessments.list_assessments(db)[0]}
    assert "Fails late" not in titles  # its assessment was written, then undone
    events = list_audit_events(db)
    assert [e["action"] for e in events].count("assessment.submit") == 3  # first, new, other
    assert verify(db).ok


def test_a_submission_with_an_idempotency_key_keeps_a_transaction_of_its_own(app, db, alice):
    """Its reply is rendered by the edge from its own request, so it never runs in another
    thread's batch: it waits for the write lock itself and commits alone."""
    writers = Writers(app.config["DATABASE"])
    release = writers.hold()
    once = Once("key:1", "retry-1", 24, lambda done: Reply(201, {}, done.assessment["id"].encode()))
    turns = writers.queue.lock
    writers.queued(
        "keyed",
        _submitted(actor=alice, body=sample_body(title="Keyed"), once=once),
        lambda: len(turns._waiting) == 1,  # waiting for the lock, not in the batch queue
    )
    assert writers.queue.waiting == []
    release.set()
    writers.join()
    done = writers.outcomes["keyed"]
    assert done.reply.body.decode() == done.assessment["id"]
    assert len(writers.begins) == 2  # the held write, then the keyed submission alone
