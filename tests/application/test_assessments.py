"""Submit, revise, read, list and review assessments through the application functions."""

from __future__ import annotations

import pytest
import time_machine

from service.application import assessments, reviews
from service.application.errors import FourEyesError, InputError, NotFound, StateError
from service.store import assessments as store
from service.store.audit import list_audit_events, verify_audit_chain
from tests.support.bodies import STORED_KEYS, real_content, sample_body

ALICE = {"kind": "user", "id": 7, "name": "alice@example.com"}
BOB = {"kind": "user", "id": 8, "name": "bob@example.com"}
KEY_7 = {"kind": "key", "id": "7", "name": "servicenow"}


def submit(db, actor=ALICE, previous_id=None, **changes):
    return assessments.submit(
        real_content(), db, sample_body(**changes), actor, previous_id=previous_id
    )


def test_submit_stores_the_documented_shape(db):
    stored = submit(db)
    assert set(stored) >= STORED_KEYS
    assert stored["status"] == "submitted" and stored["revision"] == 1
    assert stored["submitted_by"] == {"kind": "user", "id": "7", "name": "alice@example.com"}
    assert stored["created_at"].endswith("Z") and stored["expires_at"] is None
    assert stored["result"]["input_hash"] and stored["input"]["title"] == "Test assessment"
    assert stored["model_id"] == "meta-llama/Llama-3.1-8B-Instruct"
    assert stored == assessments.get(db, stored["id"])


def test_submit_is_audited_and_the_head_is_the_newest_event(db):
    stored = submit(db)
    events = list_audit_events(db, stored["id"])
    assert [e["action"] for e in events] == ["assessment.submit"]
    assert stored["audit_head"] == events[-1]["hash"]
    assert events[0]["details"]["input_hash"] == stored["result"]["input_hash"]
    assert verify_audit_chain(db)[0]


def test_invalid_body_stores_nothing(db):
    with pytest.raises(InputError) as caught:
        submit(db, answers={"SEC-99": "official"})
    assert caught.value.errors[0]["field"] == "answers.SEC-99"
    assert store.count_assessments(db) == 0 and list_audit_events(db) == []


def test_revision_links_and_supersedes(db):
    first = submit(db)
    second = submit(db, previous_id=first["id"], title="Second look")
    assert (second["revision"], second["previous_id"]) == (2, first["id"])
    assert assessments.get(db, first["id"])["status"] == "superseded"
    assert [r["id"] for r in store.list_revisions(db, first["id"])] == [first["id"], second["id"]]
    with pytest.raises(StateError):
        submit(db, previous_id=first["id"])
    with pytest.raises(NotFound):
        submit(db, previous_id="nope")
    assert store.count_assessments(db) == 2


def test_get_unknown_raises_not_found(db):
    with pytest.raises(NotFound):
        assessments.get(db, "0" * 32)


@pytest.mark.parametrize(
    "decision, status",
    [("approve", "approved"), ("reject", "rejected"), ("request_changes", "changes_requested")],
)
def test_review_moves_a_submitted_assessment(db, decision, status):
    stored = submit(db)
    reviewed = reviews.review(real_content(), db, stored["id"], BOB, decision, "Looked at it")
    assert reviewed["status"] == status
    assert reviewed["reviews"][0]["reviewer"] == {
        "kind": "user",
        "id": "8",
        "name": "bob@example.com",
    }
    assert (reviewed["expires_at"] is not None) == (status == "approved")
    assert reviewed["audit_head"] != stored["audit_head"]


@time_machine.travel("2028-01-01T09:30:00Z", tick=False)  # 1 January of a leap year
def test_approval_expires_after_the_policy_interval(db):
    stored = submit(db)
    reviewed = reviews.review(real_content(), db, stored["id"], BOB, "approve", "")
    days = real_content().policies["default"].review_interval_days
    assert days == 365  # the policy's interval, so the date below is worked out by hand
    assert reviewed["updated_at"] == "2028-01-01T09:30:00.000000Z"
    assert reviewed["expires_at"] == "2028-12-31T09:30:00.000000Z"
    assert [a["id"] for a in store.list_due_approvals(db, days + 1)] == [stored["id"]]
    assert store.list_due_approvals(db, 1) == []
    db.execute("UPDATE assessments SET expires_at = '2000-01-01T00:00:00.000000Z'")
    assert store.list_due_approvals(db, 0)[0]["expired"] is True


@pytest.mark.parametrize("actor", [ALICE, {"kind": "user", "id": "7", "name": "renamed"}])
def test_four_eyes_refuses_the_submitter(db, actor):
    stored = submit(db)
    with pytest.raises(FourEyesError):
        reviews.review(real_content(), db, stored["id"], actor, "approve", "")
    assert assessments.get(db, stored["id"])["status"] == "submitted"


def test_four_eyes_holds_for_keys_too(db):
    stored = submit(db, actor=KEY_7)
    with pytest.raises(FourEyesError):
        reviews.review(real_content(), db, stored["id"], KEY_7, "approve", "")
    # A user whose id happens to equal the key's is another actor.
    assert (
        reviews.review(real_content(), db, stored["id"], ALICE, "approve", "")["status"]
        == "approved"
    )


def test_only_a_submitted_assessment_can_be_reviewed(db):
    stored = submit(db)
    reviews.review(real_content(), db, stored["id"], BOB, "reject", "No.")
    with pytest.raises(StateError):
        reviews.review(real_content(), db, stored["id"], BOB, "approve", "")
    with pytest.raises(NotFound):
        reviews.review(real_content(), db, "nope", BOB, "approve", "")


@pytest.mark.parametrize(
    "decision, comment, field",
    [
        ("maybe", "", "decision"),
        ("reject", "", "comment"),
        ("request_changes", " ", "comment"),
        ("approve", "x" * 4001, "comment"),
    ],
)
def test_review_input_is_checked(db, decision, comment, field):
    stored = submit(db)
    with pytest.raises(InputError) as caught:
        reviews.review(real_content(), db, stored["id"], BOB, decision, comment)
    assert [e["field"] for e in caught.value.errors] == [field]


def test_list_filters_and_pages(db):
    ids = [submit(db, title=f"A{i}")["id"] for i in range(5)]
    reviews.review(real_content(), db, ids[0], BOB, "approve", "")
    items, total = assessments.list_assessments(db, {}, 1, 2)
    assert total == 5 and [i["id"] for i in items] == ids[::-1][:2]
    assert "result" not in items[0] and "input" not in items[0]
    assert assessments.list_assessments(db, {"status": "approved"})[1] == 1
    assert assessments.list_assessments(db, {"model": "META-LLAMA/llama-3.1-8b-instruct"})[1] == 5
    assert assessments.list_assessments(db, {"since": "2999-01-01T00:00:00Z"})[1] == 0
    with pytest.raises(ValueError):
        store.list_assessments(db, {"title": "x"})


def test_a_draft_submitted_is_deleted_in_the_same_transaction_and_audited(db):
    from service.application import drafts

    user = {"id": 7, "email": "alice@example.com"}
    db.execute(
        "INSERT INTO users (id, email, name, role, password_hash, created_at) "
        "VALUES (7, 'alice@example.com', 'Alice', 'submitter', 'x', '2026-01-01T00:00:00.000000Z')"
    )
    draft_id = drafts.save(db, user, "Half done", {"title": ["Half done"]})
    stored = assessments.submit(real_content(), db, sample_body(), ALICE, draft_id=draft_id)
    assert drafts.list_drafts(db, user) == []
    actions = [(e["action"], e["details"]) for e in list_audit_events(db)]
    assert actions[-1] == ("draft.delete", {"draft_id": draft_id, "submitted": stored["id"]})
    assert actions[-2][0] == "assessment.submit"
