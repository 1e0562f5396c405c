"""Accounts: hashing, one-time passwords, authentication, throttling and role checks."""

from __future__ import annotations

import pytest
import time_machine

from service.application import InputError, throttle
from service.application import accounts as auth
from service.application.errors import LoginRefused, Throttled
from service.store import audit, audit_verify, users
from tests.support.apps import PASSWORD


def test_passwords_are_stored_as_salted_scrypt_hashes(db):
    user, _ = auth.create_account(
        db, "a@example.com", "submitter", auth.system_actor(), password=PASSWORD
    )
    assert user["password_hash"].startswith("scrypt:")
    assert PASSWORD not in user["password_hash"]
    assert auth.hash_password(PASSWORD) != auth.hash_password(PASSWORD)
    assert auth.verify_password(user, PASSWORD) and not auth.verify_password(user, "nope")


def test_new_accounts_get_a_one_time_password_and_must_change_it(db):
    user, password = auth.create_account(db, "a@example.com", "reviewer", auth.system_actor())
    assert user["must_change_password"] and len(password) >= 20
    assert auth.authenticate(db, "a@example.com", password, "1.2.3.4")["id"] == user["id"]
    assert auth.generate_password() != auth.generate_password()


def fields(caught) -> dict:
    return {e["field"]: e["message"] for e in caught.value.errors}


def test_duplicate_and_bad_role_are_refused_naming_the_field(db):
    auth.create_account(db, "a@example.com", "submitter", auth.system_actor())
    with pytest.raises(InputError) as caught:
        auth.create_account(db, "A@Example.com", "submitter", auth.system_actor())
    assert "already exists" in fields(caught)["email"]
    with pytest.raises(InputError) as caught:
        auth.create_account(db, "b@example.com", "superuser", auth.system_actor())
    assert set(fields(caught)) == {"role"}
    assert len(users.list_users(db)) == 1


@pytest.mark.parametrize(
    ("email", "name", "password", "field"),
    [
        ("no-at-sign", None, None, "email"),
        ("two words@example.com", None, None, "email"),
        ("x" * 250 + "@example.com", None, None, "email"),
        ("c@example.com", "n" * 201, None, "name"),
        ("c@example.com", None, "short", "password"),
        ("c@example.com", None, "c@example.com", "password"),
    ],
)
def test_account_rules_name_the_field_and_store_nothing(db, email, name, password, field):
    with pytest.raises(InputError) as caught:
        auth.create_account(db, email, "submitter", auth.system_actor(), name, password)
    assert field in fields(caught)
    assert users.list_users(db) == [] and audit.list_audit_events(db) == []


@pytest.mark.parametrize(
    ("password", "ok"), [("short", False), ("a@example.com", False), ("twelve chars", True)]
)
def test_password_rules(password, ok):
    assert (auth.password_problem(password, "a@example.com") is None) is ok


@time_machine.travel("2027-03-01T12:00:00Z", tick=False)
def test_authenticate_throttles_per_account_and_per_client(db):
    auth.create_account(db, "a@example.com", "submitter", auth.system_actor(), password=PASSWORD)
    for _ in range(throttle.ACCOUNT.free):
        with pytest.raises(LoginRefused):
            auth.authenticate(db, "a@example.com", "wrong", "10.0.0.1")
    with pytest.raises(Throttled) as caught:  # even the right password, from elsewhere, waits
        auth.authenticate(db, "a@example.com", PASSWORD, "10.0.0.2")
    assert caught.value.facts["retry_after"] == 1
    for n in range(throttle.CLIENT.free):
        with pytest.raises(LoginRefused):
            auth.authenticate(db, f"user{n}@example.com", "wrong", "10.0.0.3")
    with pytest.raises(Throttled):
        auth.authenticate(db, "someone@example.com", "x", "10.0.0.3")


def test_success_clears_the_account_failures(db):
    auth.create_account(db, "a@example.com", "submitter", auth.system_actor(), password=PASSWORD)
    for _ in range(throttle.ACCOUNT.free - 1):
        with pytest.raises(LoginRefused):
            auth.authenticate(db, "a@example.com", "wrong", "10.0.0.1")
    auth.authenticate(db, "a@example.com", PASSWORD, "10.0.0.1")
    for _ in range(throttle.ACCOUNT.free - 1):
        with pytest.raises(LoginRefused):
            auth.authenticate(db, "a@example.com", "wrong", "10.0.0.1")
    assert auth.authenticate(db, "a@example.com", PASSWORD, "10.0.0.1")


def test_disabled_accounts_cannot_sign_in(db):
    user, _ = auth.create_account(
        db, "a@example.com", "submitter", auth.system_actor(), password=PASSWORD
    )
    users.set_disabled(db, user["id"], True)
    with pytest.raises(LoginRefused):
        auth.authenticate(db, "a@example.com", PASSWORD, "10.0.0.1")


def test_logins_and_account_changes_are_audited(db):
    user, _ = auth.create_account(
        db, "a@example.com", "submitter", auth.system_actor(), password=PASSWORD
    )
    with pytest.raises(LoginRefused):
        auth.authenticate(db, "a@example.com", "wrong", "10.0.0.1")
    auth.authenticate(db, "a@example.com", PASSWORD, "10.0.0.1")
    auth.change_password(db, user, PASSWORD, "a new long password", "a new long password")
    events = audit.list_audit_events(db)
    assert [e["action"] for e in events] == [
        "user.create",
        "login.failed",
        "login",
        "user.password_change",
    ]
    assert events[2]["actor_name"] == "a@example.com"
    assert "password" not in str(events[0]["details"]).lower()
    assert audit_verify.verify(db).ok


def test_roles_admin_holds_every_role():
    assert auth.has_role({"role": "admin"}, "reviewer")
    assert auth.has_role({"role": "reviewer"}, "reviewer")
    assert not auth.has_role({"role": "submitter"}, "reviewer")
    assert not auth.has_role(None, "submitter")


@pytest.mark.parametrize(
    ("current", "new", "confirm", "field"),
    [
        ("wrong", "a new long password", "a new long password", "current"),
        (PASSWORD, "short", "short", "new"),
        (PASSWORD, "a new long password", "another long password", "confirm"),
        (PASSWORD, PASSWORD, PASSWORD, "new"),
    ],
)
def test_a_password_change_is_refused_naming_the_field(db, current, new, confirm, field):
    user, _ = auth.create_account(
        db, "a@example.com", "submitter", auth.system_actor(), password=PASSWORD
    )
    with pytest.raises(InputError) as caught:
        auth.change_password(db, user, current, new, confirm)
    assert field in fields(caught)
    assert auth.verify_password(users.get_user(db, user["id"]), PASSWORD)


def test_logout_is_audited(db):
    user, _ = auth.create_account(
        db, "a@example.com", "submitter", auth.system_actor(), password=PASSWORD
    )
    auth.logout(db, user, None)
    assert audit.list_audit_events(db)[-1]["action"] == "logout"
