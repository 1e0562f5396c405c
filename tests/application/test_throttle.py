"""Sign-in throttling: the delay schedule, and one attempt counted at a time under concurrency."""

from __future__ import annotations

import threading

import pytest
import time_machine

from service import store
from service.application import accounts, throttle
from service.application.errors import LoginRefused, Throttled
from service.store.audit import list_audit_events
from tests.support.apps import AUDIT_KEY, PASSWORD, add_account


def test_the_delay_grows_from_the_free_attempts_to_the_cap():
    account = [throttle.ACCOUNT.delay(n) for n in range(1, 12)]
    assert account == [0, 0, 0, 0, 1, 2, 4, 8, 16, 30, 30]
    assert throttle.CLIENT.delay(throttle.CLIENT.free - 1) == 0
    assert throttle.CLIENT.delay(100) == throttle.CLIENT.cap


@time_machine.travel("2027-06-01T08:00:00Z", tick=False)
def test_concurrent_guesses_get_no_more_than_the_free_attempts(app, db):
    """Twelve guesses at once: exactly the free five have their password checked (the issue saw
    six get through a limit of five when the check came before the count)."""
    add_account(db, "a@example.com", "submitter")
    path, start = app.config["DATABASE"], threading.Barrier(12)
    outcomes: list[str] = []

    def guess(n):
        connection = store.connect(path, AUDIT_KEY)
        try:
            start.wait()
            accounts.authenticate(connection, "a@example.com", "guess", f"10.0.0.{n}")
        except Throttled:
            outcomes.append("throttled")
        except LoginRefused:
            outcomes.append("checked")
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("checked") == throttle.ACCOUNT.free
    assert outcomes.count("throttled") == 12 - throttle.ACCOUNT.free


@time_machine.travel("2027-06-01T08:00:00Z", tick=False)
def test_the_right_password_gives_the_client_its_attempt_back(db):
    add_account(db, "a@example.com", "submitter")
    for _ in range(throttle.CLIENT.free + 2):  # one office, many people signing in
        accounts.authenticate(db, "a@example.com", PASSWORD, "192.0.2.1")
    assert accounts.authenticate(db, "a@example.com", PASSWORD, "192.0.2.1")


def test_entering_the_delay_is_audited(db):
    add_account(db, "a@example.com", "submitter")
    with time_machine.travel("2027-06-01T08:00:00Z", tick=False):
        for _ in range(throttle.ACCOUNT.free):
            with pytest.raises(LoginRefused):
                accounts.authenticate(db, "a@example.com", "guess", "10.0.0.1")
    throttled = [e for e in list_audit_events(db) if e["action"] == "login.throttled"]
    assert [e["details"]["subject"] for e in throttled] == ["account:a@example.com"]
