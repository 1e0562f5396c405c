"""POST/GET /api/v1/assessments/{id}/reviews: decisions, four eyes, state transitions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.apps import ApiClient, add_user
from tests.support.bodies import approvable_body


@pytest.mark.parametrize(
    "decision, comment, status",
    [
        ("approve", "", "approved"),
        ("reject", "Licence forbids this use.", "rejected"),
        ("request_changes", "Answer the misuse items.", "changes_requested"),
    ],
)
def test_a_second_key_reviews(api, reviewer, decision, comment, status):
    created = api.submitted(approvable_body())
    response = reviewer.review(created["id"], decision, comment)
    assert response.status_code == 200
    reviewed = response.get_json()
    assert reviewed["status"] == status
    review = reviewed["reviews"][0]
    assert (review["decision"], review["comment"]) == (decision, comment)
    assert review["reviewer"]["kind"] == "key" and review["reviewer"]["name"] == "reviewer"
    assert review["reviewer"]["person"] and review["accept_risk"] is False
    assert reviewed["risk_accepted"] is False
    listed = api.get(f"/api/v1/assessments/{created['id']}/reviews").get_json()
    assert listed == reviewed["reviews"]


def test_approval_expires_after_the_review_interval(api, reviewer):
    reviewed = reviewer.review(api.submitted(approvable_body())["id"], "approve").get_json()
    expires = datetime.fromisoformat(reviewed["expires_at"].replace("Z", "+00:00"))
    expected = datetime.now(UTC) + timedelta(days=365)
    assert abs((expires - expected).total_seconds()) < 60


def test_four_eyes_the_submitting_key_cannot_review(app, client, make_key):
    add_user(app, "sam@example.com", "reviewer")
    scopes = ("assessments:write", "reviews:write", "assessments:read")
    both = ApiClient(client, make_key(*scopes, owner="sam@example.com"))
    created = both.submitted(approvable_body())
    response = both.review(created["id"], "approve")
    assert response.status_code == 403
    problem = response.get_json()
    assert problem["type"].endswith("four-eyes") and "someone else" in problem["detail"]
    assert both.get(created["links"]["self"]).get_json()["status"] == "submitted"


def test_a_reviewed_assessment_cannot_be_reviewed_again(api, reviewer):
    created = api.submitted()
    reviewer.review(created["id"], "reject", "No.")
    response = reviewer.review(created["id"], "approve")
    assert response.status_code == 409
    assert "rejected" in response.get_json()["detail"]


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"decision": "maybe"}, "decision"),
        ({}, "decision"),
        ({"decision": "reject"}, "comment"),
        ({"decision": "approve", "extra": 1}, "extra"),
        ({"decision": "approve", "comment": "x" * 4001}, "comment"),
        ({"decision": "reject", "comment": "Why:" + "\n" * 41}, "comment"),
        ({"decision": "reject", "comment": "Why:" + "\r\n" * 41}, "comment"),
        ({"decision": "approve", "accept_risk": "perhaps"}, "accept_risk"),
    ],
)
def test_review_input_errors_name_the_field(api, reviewer, payload, field):
    created = api.submitted()
    response = reviewer.post(f"/api/v1/assessments/{created['id']}/reviews", json=payload)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == field
    assert response.get_json()["errors"][0]["in"] == "json"


def test_review_of_an_unknown_assessment_is_404(reviewer):
    assert reviewer.review("nope", "approve").status_code == 404
    assert reviewer.get("/api/v1/assessments/nope/reviews").status_code == 404
