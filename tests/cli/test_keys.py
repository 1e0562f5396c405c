"""The keys commands: a key with an owner acts for that account; without one it is a service
key; the key is printed once, on the last line."""

from __future__ import annotations

from tests.support.apps import ApiClient, add_user
from tests.support.bodies import approvable_body


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_a_key_with_an_owner_reviews_for_that_account(app):
    add_user(app, "rita@example.com", "reviewer")
    made = run(
        app,
        *("keys", "create", "--name", "rita-cli", "--scopes", "assessments:read,reviews:write"),
        *("--owner", "rita@example.com"),
    )
    assert made.exit_code == 0, made.output
    assert "owned by rita@example.com" in made.output
    key = made.output.strip().splitlines()[-1]
    service = run(app, "keys", "create", "--name", "erp", "--scopes", "assessments:write")
    assert "a service key" in service.output
    submitter = ApiClient(app.test_client(), service.output.strip().splitlines()[-1])
    created = submitter.submitted(approvable_body())
    assert ApiClient(app.test_client(), key).review(created["id"], "approve").status_code == 200
    listed = run(app, "keys", "list").output
    assert "owner rita@example.com" in listed and "service key" in listed


def test_an_unknown_or_disabled_owner_is_refused_naming_the_field(app):
    add_user(app, "gone@example.com", "reviewer")
    run(app, "users", "disable", "--email", "gone@example.com")
    for owner in ("nobody@example.com", "gone@example.com"):
        result = run(
            app, "keys", "create", "--name", "k", "--scopes", "reviews:write", "--owner", owner
        )
        assert result.exit_code == 2 and "owner: there is no enabled account" in result.output
    assert "mr_live_" not in run(app, "keys", "list").output
