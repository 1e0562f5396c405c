"""Sign-in throttling: a growing delay per account and per client, never a lock-out.

Each failed password (at sign-in, or as the current password when changing it) counts against
the account and against the client address. The first FREE failures of a subject within
WINDOW cost nothing; after that the subject must wait before its next attempt, 1 s after the
next failure, then 2, 4, 8 and 16 s, and at most CAP seconds. An attempt made while a delay runs
is refused with the time left and its password is not checked. The right password is therefore
never refused for longer than CAP seconds after the last wrong one, and signing in clears the
account's count.

Checking and counting is one transaction (BEGIN IMMEDIATE): an attempt reserves its place as
if it failed before its password is checked, so concurrent guesses cannot all pass a check
made before any of them was counted. A success gives the reservation back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from sqlite_utils import Database

from .. import times
from ..store import audit, write
from ..store import throttle as store
from .errors import Throttled


@dataclass(frozen=True)
class Schedule:
    """Failures allowed without delay, and the longest delay, for one kind of subject."""

    free: int
    cap: int

    def delay(self, failures: int) -> int:
        """Seconds to wait after this many failures."""
        if failures < self.free:
            return 0
        return min(self.cap, 2 ** (failures - self.free))


ACCOUNT = Schedule(free=5, cap=30)
CLIENT = Schedule(free=20, cap=30)  # many people may share one address (an office, a proxy)
WINDOW = timedelta(minutes=15)  # failures older than this are forgotten


@dataclass
class Attempt:
    """A reserved attempt: the subjects it was counted against."""

    account: str
    client: str


def _subjects(email: str, client: str) -> tuple[str, str]:
    return f"account:{(email or '').strip().lower()}", f"client:{client}"


def _current(db: Database, subject: str, now) -> dict | None:
    state = store.get_throttle(db, subject)
    if state and times.parse(state["last_at"]) < now - WINDOW:
        return None  # a quiet window: start afresh
    return state


def reserve(db: Database, email: str, client: str, actor: dict) -> Attempt:
    """Count an attempt against the account and the client, or raise Throttled with the wait."""
    account, client_subject = _subjects(email, client)
    schedules = {account: ACCOUNT, client_subject: CLIENT}
    with write(db):
        now = times.parse(times.now())
        states = {s: _current(db, s, now) for s in schedules}
        waits = [
            (times.parse(state["next_at"]) - now).total_seconds()
            for state in states.values()
            if state and times.parse(state["next_at"]) > now
        ]
        if waits:
            wait = max(1, math.ceil(max(waits)))
            raise Throttled(
                f"Too many failed sign-in attempts. Wait {wait} second{'s' * (wait != 1)} "
                "and try again.",
                retry_after=wait,
            )
        for subject, schedule in schedules.items():
            failures = (states[subject]["failures"] if states[subject] else 0) + 1
            delay = schedule.delay(failures)
            next_at = times.stamp(now + timedelta(seconds=delay))
            store.put_throttle(db, subject, failures, times.stamp(now), next_at)
            if failures == schedule.free:
                audit.append_audit_event(
                    db, actor, "login.throttled", {"subject": subject[:200], "failures": failures}
                )
        store.prune_throttle(db, times.stamp(now - WINDOW))
    return Attempt(account, client_subject)


def succeeded(db: Database, attempt: Attempt) -> None:
    """The right password: forget the account's failures, give the client its attempt back."""
    with write(db):
        store.forget_throttle(db, attempt.account)
        state = store.get_throttle(db, attempt.client)
        if not state or state["failures"] <= 1:
            store.forget_throttle(db, attempt.client)
            return
        failures = state["failures"] - 1
        last = times.parse(state["last_at"])
        store.put_throttle(
            db,
            attempt.client,
            failures,
            state["last_at"],
            times.stamp(last + timedelta(seconds=CLIENT.delay(failures))),
        )
