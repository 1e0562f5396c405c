"""The users and audit commands: create, bootstrap, and verify the hash chain."""

from __future__ import annotations

import re

import pytest

from service.store import audit, users
from service.store.context import get_db
from tests.support.apps import Web


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
    from service.application import accounts as auth

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
    result = run(
        app,
        "users",
        "create",
        "--email",
        "s@example.com",
        "--role",
        "submitter",
        "--password",
        "a long enough password",
    )
    assert result.exit_code == 0 and "one-time password" not in result.output
    weak = run(
        app,
        "users",
        "create",
        "--email",
        "t@example.com",
        "--role",
        "submitter",
        "--password",
        "weak",
    )
    assert weak.exit_code == 2 and "12 characters" in weak.output
    bad_role = run(app, "users", "create", "--email", "u@example.com", "--role", "root")
    assert bad_role.exit_code == 2


def test_audit_verify_passes_on_an_intact_chain(app):
    web = Web(app)
    web.submit(web.client("a@example.com"))
    result = run(app, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert re.search(r"audit chain intact: \d+ events", result.output)


@pytest.mark.parametrize(
    "tamper",
    [
        'UPDATE audit_events SET details_json = \'{"rating": "low"}\' WHERE seq = 2',
        "UPDATE audit_events SET actor_name = 'someone else' WHERE seq = 2",
        "DELETE FROM audit_events WHERE seq = 2",
    ],
)
def test_audit_verify_names_the_first_broken_event(app, tamper):
    web = Web(app)
    client = web.client("a@example.com")
    web.submit(client)
    web.submit(client)
    with app.app_context():
        assert len(audit.list_audit_events(get_db())) >= 3
        get_db().execute(tamper)
    result = run(app, "audit", "verify")
    assert result.exit_code == 1
    assert "audit chain BROKEN: event" in result.output
    assert re.search(r"event (2|3):", result.output)
