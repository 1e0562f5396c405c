"""Accounts: hashing, one-time passwords, authentication, throttling and role checks."""

from __future__ import annotations

import pytest

from service import auth
from service.db import get_db
from service.store import audit, users
from tests.web_helpers import PASSWORD, make_app


@pytest.fixture
def db(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        yield get_db()


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


def test_duplicate_and_bad_role_are_refused(db):
    auth.create_account(db, "a@example.com", "submitter", auth.system_actor())
    with pytest.raises(users.DuplicateUser):
        auth.create_account(db, "A@Example.com", "submitter", auth.system_actor())
    with pytest.raises(ValueError):
        auth.create_account(db, "b@example.com", "superuser", auth.system_actor())


@pytest.mark.parametrize(
    ("password", "ok"), [("short", False), ("a@example.com", False), ("twelve chars", True)]
)
def test_password_rules(password, ok):
    assert (auth.password_problem(password, "a@example.com") is None) is ok


def test_authenticate_throttles_per_account_and_per_client(db):
    auth.create_account(db, "a@example.com", "submitter", auth.system_actor(), password=PASSWORD)
    for _ in range(auth.MAX_PER_ACCOUNT):
        with pytest.raises(auth.LoginError):
            auth.authenticate(db, "a@example.com", "wrong", "10.0.0.1")
    with pytest.raises(auth.Throttled):
        auth.authenticate(db, "a@example.com", PASSWORD, "10.0.0.2")
    for n in range(auth.MAX_PER_CLIENT):
        with pytest.raises(auth.LoginError):
            auth.authenticate(db, f"user{n}@example.com", "wrong", "10.0.0.3")
    with pytest.raises(auth.Throttled):
        auth.authenticate(db, "someone@example.com", "x", "10.0.0.3")


def test_success_clears_the_account_failures(db):
    auth.create_account(db, "a@example.com", "submitter", auth.system_actor(), password=PASSWORD)
    for _ in range(auth.MAX_PER_ACCOUNT - 1):
        with pytest.raises(auth.LoginError):
            auth.authenticate(db, "a@example.com", "wrong", "10.0.0.1")
    auth.authenticate(db, "a@example.com", PASSWORD, "10.0.0.1")
    with pytest.raises(auth.LoginError):
        auth.authenticate(db, "a@example.com", "wrong", "10.0.0.1")
    assert auth.authenticate(db, "a@example.com", PASSWORD, "10.0.0.1")


def test_disabled_accounts_cannot_sign_in(db):
    user, _ = auth.create_account(
        db, "a@example.com", "submitter", auth.system_actor(), password=PASSWORD
    )
    users.set_disabled(db, user["id"], True)
    with pytest.raises(auth.LoginError):
        auth.authenticate(db, "a@example.com", PASSWORD, "10.0.0.1")


def test_logins_and_account_changes_are_audited(db):
    user, _ = auth.create_account(
        db, "a@example.com", "submitter", auth.system_actor(), password=PASSWORD
    )
    with pytest.raises(auth.LoginError):
        auth.authenticate(db, "a@example.com", "wrong", "10.0.0.1")
    auth.authenticate(db, "a@example.com", PASSWORD, "10.0.0.1")
    auth.change_password(db, user, "a new long password")
    events = audit.list_audit_events(db)
    assert [e["action"] for e in events] == [
        "user.create",
        "login.failed",
        "login",
        "user.password_change",
    ]
    assert events[2]["actor_name"] == "a@example.com"
    assert "password" not in str(events[0]["details"]).lower()
    assert audit.verify_audit_chain(db)[0]


def test_roles_admin_holds_every_role():
    assert auth.has_role({"role": "admin"}, "reviewer")
    assert auth.has_role({"role": "reviewer"}, "reviewer")
    assert not auth.has_role({"role": "submitter"}, "reviewer")
    assert not auth.has_role(None, "submitter")
