"""Idempotency-Key on POST: replay, mismatch (422), a repeat while the first runs, 428."""

from __future__ import annotations

import pytest

from service.application import assessments
from service.store.audit import list_audit_events
from service.store.context import get_db
from tests.support.apps import ApiClient, add_user, create_key
from tests.support.bodies import sample_body

KEY = {"Idempotency-Key": "2f1c7a9e-4b1d-4c55-9d7e-1d3c5a6b7e80"}


def total(api) -> int:
    return api.get("/api/v1/assessments").get_json()["total"]


def test_a_repeat_replays_the_first_response(api):
    first = api.submit(headers=KEY)
    again = api.submit(headers=KEY)
    assert first.status_code == again.status_code == 201
    assert again.data == first.data and again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert total(api) == 1


def test_a_quoted_key_is_the_same_key(api):
    api.submit(headers=KEY)
    quoted = {"Idempotency-Key": f'"{KEY["Idempotency-Key"]}"'}
    assert api.submit(headers=quoted).headers.get("Idempotent-Replayed") == "true"


def test_key_order_and_spacing_of_the_body_do_not_matter(api):
    body = sample_body()
    api.submit(body, headers=KEY)
    reordered = dict(reversed(list(body.items())))
    assert api.submit(reordered, headers=KEY).headers.get("Idempotent-Replayed") == "true"


def test_the_same_key_with_another_body_is_422(api):
    api.submit(headers=KEY)
    response = api.submit(sample_body(title="Something else"), headers=KEY)
    assert response.status_code == 422
    assert response.get_json()["type"].endswith("idempotency-key-reused")
    assert total(api) == 1


def test_a_repeat_while_the_first_runs_acts_once_and_replays(api, monkeypatch):
    """Both requests do their work outside the write lock; the one that commits second finds
    the first one's reply in its transaction and answers with it instead of storing again."""
    score, inner = assessments.score, []

    def first_is_overtaken(content, body):
        scored = score(content, body)
        if not inner:  # another worker finishes the same request while this one scores
            inner.append(None)
            inner[0] = api.submit(headers=KEY)
        return scored

    monkeypatch.setattr(assessments, "score", first_is_overtaken)
    outer = api.submit(headers=KEY)
    assert inner[0].status_code == outer.status_code == 201
    assert "Idempotent-Replayed" not in inner[0].headers
    assert outer.headers["Idempotent-Replayed"] == "true" and outer.data == inner[0].data
    assert total(api) == 1


def test_keys_are_scoped_to_the_api_key(app, client, api):
    other = ApiClient(client, create_key(app, "assessments:read", "assessments:write"))
    api.submit(headers=KEY)
    assert other.submit(headers=KEY).headers.get("Idempotent-Replayed") is None
    assert total(api) == 2


def test_a_refused_request_does_not_use_up_the_key(api):
    assert api.submit(sample_body(policy="nope"), headers=KEY).status_code == 422
    assert api.submit(headers=KEY).status_code == 201


def test_reviews_are_idempotent_too(api, reviewer):
    created = api.submitted()
    first = reviewer.review(created["id"], "reject", "Not in production.", headers=KEY)
    again = reviewer.review(created["id"], "reject", "Not in production.", headers=KEY)
    assert first.status_code == again.status_code == 200 and again.data == first.data


def test_a_refused_review_keeps_its_audit_event_under_an_idempotency_key(app, client, make_key):
    # The view runs inside the idempotency record's transaction; the refusal's event survives.
    add_user(app, "sam@example.com", "reviewer")
    both = ApiClient(
        client,
        make_key("assessments:read", "assessments:write", "reviews:write", owner="sam@example.com"),
    )
    created = both.submitted()
    assert both.review(created["id"], "approve", headers=KEY).status_code == 403
    with app.app_context():
        actions = [e["action"] for e in list_audit_events(get_db(), created["id"])]
    assert actions == ["assessment.submit", "assessment.review_refused"]


@pytest.mark.parametrize("value", ["", "x" * 256, "with space", "ünïcode"])
def test_malformed_keys_are_400(api, value):
    response = api.submit(headers={"Idempotency-Key": value.encode().decode("latin-1")})
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "Idempotency-Key"


def test_the_key_can_be_required(make_app):
    app = make_app(IDEMPOTENCY_KEY_REQUIRED=True)
    api = ApiClient(app.test_client(), create_key(app))
    response = api.submit()
    assert response.status_code == 428
    assert response.get_json()["type"].endswith("idempotency-key-required")
    assert api.submit(headers=KEY).status_code == 201
    assert api.post("/api/v1/score", json=sample_body()).status_code == 200
