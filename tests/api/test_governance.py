"""Issue 12 through the API: each reproduction, tried again as the attacker tried it.

2. anyone who could submit could supersede anyone's (approved) assessment;
3. four eyes was per credential: a second key, or an account beside a key, laundered a review;
4. approving a rejected, blocked assessment needed no reason and left no mark;
5. a rejected assessment could be resubmitted unchanged.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.apps import ApiClient, add_user
from tests.support.bodies import approvable_body, sample_body
from tests.support.reports import pages

WRITE = ("assessments:read", "assessments:write")
REVIEW = ("assessments:read", "reviews:write")
BOTH = (*WRITE, "reviews:write")


@pytest.fixture
def people(app, client, make_key):
    """Accounts (a submitter, two reviewers, an admin) and keys that act for them."""
    for email, role in (
        ("sue@example.com", "submitter"),
        ("pat@example.com", "reviewer"),
        ("rita@example.com", "reviewer"),
        ("ada@example.com", "admin"),
    ):
        add_user(app, email, role)

    def key(*scopes, owner=None, name="key"):
        return ApiClient(client, make_key(*scopes, name=name, owner=owner))

    return {
        "sue": key(*WRITE, owner="sue@example.com", name="sue's script"),
        "other": key(*WRITE, name="another integration"),  # a service key
        "pat": key(*BOTH, owner="pat@example.com", name="pat's key"),
        "pat2": key(*REVIEW, owner="pat@example.com", name="pat's second key"),
        "rita": key(*REVIEW, owner="rita@example.com", name="rita's key"),
        "ada": key(*BOTH, owner="ada@example.com", name="ada's key"),
        "sue_reviews": key(*REVIEW, owner="sue@example.com", name="sue's review key"),
    }


def revise(api, assessment_id, body):
    return api.post(f"/api/v1/assessments/{assessment_id}/revisions", json=body)


# --- 2. Owned revisions --------------------------------------------------------------------


def test_someone_else_cannot_supersede_an_approved_assessment(people):
    owned = people["sue"].submitted(approvable_body())
    assert people["rita"].review(owned["id"], "approve").status_code == 200
    changed = approvable_body(title="Taken over")
    for intruder in ("other", "pat"):
        response = revise(people[intruder], owned["id"], changed)
        assert response.status_code == 403, intruder
        assert response.get_json()["type"].endswith("not-owner")
    still = people["sue"].get(owned["links"]["self"]).get_json()
    assert still["status"] == "approved" and still["next_id"] is None


def test_the_submitter_and_an_administrator_may_revise(people):
    first = people["sue"].submitted(approvable_body())
    second = revise(people["sue"], first["id"], approvable_body(title="Second"))
    assert second.status_code == 201
    third = revise(people["ada"], second.get_json()["id"], approvable_body(title="Third"))
    assert third.status_code == 201
    fourth = revise(people["sue"], third.get_json()["id"], approvable_body(title="Fourth"))
    assert fourth.status_code == 201, "the chain stays the submitter's after an admin's revision"


@pytest.mark.parametrize("decision, comment", [("approve", ""), ("reject", "Not any more.")])
def test_an_approval_stays_in_force_until_its_revision_is_decided(people, decision, comment):
    first = people["sue"].submitted(approvable_body())
    people["rita"].review(first["id"], "approve")
    second = revise(people["sue"], first["id"], approvable_body(title="Wider rollout")).get_json()
    old = people["sue"].get(first["links"]["self"]).get_json()
    assert (old["status"], old["next_id"]) == ("approved", second["id"])
    listed = people["sue"].get("/api/v1/assessments?status=approved").get_json()
    assert [a["id"] for a in listed["items"]] == [first["id"]]  # the approval in force
    assert people["rita"].review(second["id"], decision, comment).status_code == 200
    old = people["sue"].get(first["links"]["self"]).get_json()
    assert old["status"] == "superseded"
    approved = people["sue"].get("/api/v1/assessments?status=approved").get_json()["items"]
    assert [a["id"] for a in approved] == ([second["id"]] if decision == "approve" else [])


def test_a_pending_revision_is_superseded_at_once(people):
    first = people["sue"].submitted(approvable_body())
    second = revise(people["sue"], first["id"], approvable_body(title="Again")).get_json()
    assert people["sue"].get(first["links"]["self"]).get_json()["status"] == "superseded"
    assert people["rita"].review(first["id"], "approve").status_code == 409
    assert people["rita"].review(second["id"], "approve").status_code == 200


# --- 3. Four eyes per person -----------------------------------------------------------------


def test_a_second_key_of_the_same_person_cannot_review(people):
    created = people["pat"].submitted(approvable_body())
    for reviewer in ("pat", "pat2"):
        response = people[reviewer].review(created["id"], "approve")
        assert response.status_code == 403 and response.get_json()["type"].endswith("four-eyes")
    assert people["rita"].review(created["id"], "approve").status_code == 200


def test_resubmitting_as_a_revision_does_not_launder_the_review(people):
    """Key A submits X1; another key re-submits it as X2; A then tried to approve X2."""
    x1 = people["pat"].submitted(approvable_body())
    relaid = revise(people["other"], x1["id"], approvable_body())
    assert relaid.status_code == 403  # not theirs to revise, and nothing changed besides
    x2 = revise(people["ada"], x1["id"], approvable_body(title="Checked by admin")).get_json()
    for reviewer in ("pat", "pat2"):  # pat submitted revision 1 of this chain
        response = people[reviewer].review(x2["id"], "approve")
        assert response.status_code == 403 and "revision" in response.get_json()["detail"]
    assert people["ada"].review(x2["id"], "approve").status_code == 403  # ada submitted X2
    assert people["rita"].review(x2["id"], "approve").status_code == 200


def test_a_service_key_never_reviews(people, make_key, client):
    service = ApiClient(client, make_key(*REVIEW, name="robot"))
    created = people["sue"].submitted(approvable_body())
    response = service.review(created["id"], "approve")
    assert response.status_code == 403
    assert "service key" in response.get_json()["detail"]


def test_a_key_reviews_only_if_its_owner_may(people):
    created = people["pat"].submitted(approvable_body())
    response = people["sue_reviews"].review(created["id"], "approve")
    assert response.status_code == 403 and response.get_json()["type"].endswith("role-required")


def test_refused_four_eyes_attempts_are_in_the_audit_trail(app, people):
    from service.store.audit import list_audit_events
    from service.store.context import get_db

    created = people["pat"].submitted(approvable_body())
    people["pat2"].review(created["id"], "approve")
    with app.app_context():
        events = list_audit_events(get_db(), created["id"])
    refused = [e for e in events if e["action"] == "assessment.review_refused"]
    assert len(refused) == 1 and refused[0]["actor_name"] == "pat's second key"


# --- 4. Risk acceptance ----------------------------------------------------------------------

JUSTIFICATION = "Pilot on synthetic data only, until the DPIA is signed."


def test_approving_a_rejected_assessment_needs_an_explicit_reasoned_acceptance(people):
    created = people["sue"].submitted(sample_body(answers={}))  # every item unanswered
    assert created["decision"] == "reject" and created["verdict"]["blockers"]
    bare = people["ada"].review(created["id"], "approve")
    assert bare.status_code == 422 and bare.get_json()["errors"][0]["field"] == "accept_risk"
    short = people["ada"].post(
        f"/api/v1/assessments/{created['id']}/reviews",
        json={"decision": "approve", "accept_risk": True, "comment": "ok"},
    )
    assert short.status_code == 422 and short.get_json()["errors"][0]["field"] == "comment"
    assert people["sue"].get(created["links"]["self"]).get_json()["status"] == "submitted"
    accepted = people["ada"].post(
        f"/api/v1/assessments/{created['id']}/reviews",
        json={"decision": "approve", "accept_risk": True, "comment": JUSTIFICATION},
    )
    assert accepted.status_code == 200
    body = accepted.get_json()
    assert body["status"] == "approved" and body["risk_accepted"] is True
    assert body["reviews"][-1]["accept_risk"] is True
    expires = datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    assert expires - datetime.now(UTC) <= timedelta(days=90)  # the policy's risk_acceptance_days
    listed = people["sue"].get("/api/v1/assessments?status=approved").get_json()["items"]
    assert listed[0]["risk_accepted"] is True
    first_page = pages(people["sue"].get(created["links"]["report"]).data)[0]
    accepted_by = "Risk accepted by ada@example.com (with the key ada's key) on"
    assert accepted_by in first_page and "synthetic data" in first_page
    assert body["reviews"][-1]["reviewer"]["person_name"] == "ada@example.com"


def test_accept_risk_is_refused_where_there_is_no_risk_to_accept(people):
    created = people["sue"].submitted(approvable_body())
    response = people["rita"].post(
        f"/api/v1/assessments/{created['id']}/reviews",
        json={"decision": "approve", "accept_risk": True, "comment": JUSTIFICATION},
    )
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "accept_risk"


def test_a_plain_approval_is_not_marked(people):
    created = people["sue"].submitted(approvable_body())
    body = people["rita"].review(created["id"], "approve").get_json()
    assert body["risk_accepted"] is False
    expires = datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    assert expires - datetime.now(UTC) > timedelta(days=300)  # the review interval, 365 days


# --- 5. No input changed ---------------------------------------------------------------------


@pytest.mark.parametrize("decision, comment", [("reject", "Too risky."), (None, None)])
def test_a_revision_must_change_the_input(people, decision, comment):
    created = people["sue"].submitted(approvable_body())
    if decision:
        people["rita"].review(created["id"], decision, comment)
    response = revise(people["sue"], created["id"], approvable_body())
    assert response.status_code == 409
    problem = response.get_json()
    assert problem["type"].endswith("no-input-changed") and "No input changed" in problem["detail"]
    assert people["sue"].get("/api/v1/assessments").get_json()["total"] == 1


def test_a_key_stops_with_its_owners_account(app, people):
    assert people["rita"].get("/api/v1/assessments").status_code == 200
    runner = app.test_cli_runner()
    assert runner.invoke(args=["users", "disable", "--email", "rita@example.com"]).exit_code == 0
    assert people["rita"].get("/api/v1/assessments").status_code == 401
    assert people["other"].get("/api/v1/assessments").status_code == 200


def test_a_strict_policy_shortens_an_accepted_risk_further(people):
    created = people["sue"].submitted(sample_body(answers={}, policy="strict"))
    body = (
        people["ada"]
        .post(
            f"/api/v1/assessments/{created['id']}/reviews",
            json={"decision": "approve", "accept_risk": True, "comment": JUSTIFICATION},
        )
        .get_json()
    )
    expires = datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    assert timedelta(days=29) < expires - datetime.now(UTC) <= timedelta(days=30)
