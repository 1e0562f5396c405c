"""Group commit (store.shared_write): calls that wait together are committed in one
transaction, each returns only once it is committed, a failing call is undone alone (a failed
transaction keeps none of them and reaches every one), and each call's deferred writes go
with it."""

from __future__ import annotations

import contextlib
import signal

import pytest

from service import store
from service.store import WriterQueue, audit
from service.store.audit_verify import verify
from tests.support.apps import AUDIT_KEY, SYSTEM
from tests.support.writers import Writers

WAITING = 4


@pytest.fixture
def path(tmp_path):
    database = tmp_path / "shared.db"
    store.migrate(database, AUDIT_KEY)
    return database


def _event(action: str, **details):
    return lambda tx: audit.append_audit_event(tx, SYSTEM, action, details)


def _actions(path) -> list[str]:
    db = store.connect(path, AUDIT_KEY)
    try:
        return [e["action"] for e in audit.iter_audit_events(db)]
    finally:
        db.close()


def _shared(fn):
    return lambda db: store.shared_write(db, fn)


def _queue(writers: Writers, named: dict, **kwargs) -> None:
    """Start each shared write in turn, each once the one before waits behind the first."""
    for n, (name, fn) in enumerate(named.items(), start=1):
        writers.queued(name, _shared(fn), lambda n=n: len(writers.queue.waiting) >= n, **kwargs)


def _behind_first(path, named: dict) -> Writers:
    """The shared writes `named`, queued in turn behind a first that holds its transaction,
    once the first is released and every one has returned."""
    writers = Writers(path)
    release = writers.hold()
    _queue(writers, named)
    release.set()
    writers.join()
    return writers


def test_calls_that_wait_together_are_committed_in_one_transaction(path):
    calls = Writers(path)
    release = calls.hold()
    _queue(calls, {f"next-{n}": _event("test.next", n=n) for n in range(WAITING)})
    assert _actions(path) == []  # nothing is committed while the first holds its transaction
    release.set()
    calls.join()
    assert len(calls.begins) == 2, calls.begins  # the first alone, then the four together
    hashes = [calls.outcomes[f"next-{n}"] for n in range(WAITING)]
    db = store.connect(path, AUDIT_KEY)
    try:
        events = list(audit.iter_audit_events(db))
        assert [e["action"] for e in events] == ["test.first"] + ["test.next"] * WAITING
        assert [e["details"]["n"] for e in events[1:]] == list(range(WAITING))  # in turn
        assert [e["hash"] for e in events[1:]] == hashes  # each call got its own event back
        assert verify(db).ok
    finally:
        db.close()


class Kept(ValueError):
    keep_writes = True  # as an audited refusal is: store.write would commit what came before


@pytest.mark.parametrize("error", [ValueError, Kept])
def test_a_failing_call_is_undone_alone_and_the_others_are_committed(path, error):
    def fails(tx):
        audit.append_audit_event(tx, SYSTEM, "test.failing", {})
        raise error("refused")

    calls = _behind_first(
        path, {"before": _event("test.before"), "fails": fails, "after": _event("test.after")}
    )
    assert len(calls.begins) == 2  # the three still shared one transaction
    assert type(calls.outcomes["fails"]) is error  # its own error
    kept = ["test.failing"] if error is Kept else []  # an audited refusal keeps its event
    assert _actions(path) == ["test.first", "test.before", *kept, "test.after"]
    db = store.connect(path, AUDIT_KEY)
    try:
        events = {e["action"]: e for e in audit.iter_audit_events(db)}
        for name in ("before", "after"):
            assert calls.outcomes[name] == events[f"test.{name}"]["hash"]
        assert verify(db).ok  # the chain runs on over the undone event
    finally:
        db.close()


def test_a_transaction_sqlite_ended_keeps_none_of_the_batch(path):
    """An error after which SQLite has rolled the transaction back itself (a full disk, an
    I/O error): the calls before it lost their writes, so none of them may succeed."""

    def ends(tx):
        tx.conn.execute("ROLLBACK")  # what SQLite does on SQLITE_FULL
        raise OSError("disk full")

    def refused(tx):
        audit.append_audit_event(tx, SYSTEM, "test.refused", {})
        raise Kept("an audited refusal")

    calls = _behind_first(
        path,
        {
            "before": _event("test.before"),
            "refused": refused,
            "ends": ends,
            "after": _event("test.after"),
        },
    )
    assert type(calls.outcomes["ends"]) is OSError
    for name in ("before", "refused", "after"):  # the refusal's event was lost with the rest
        outcome = calls.outcomes[name]
        assert isinstance(outcome, store.SharedWriteFailed), outcome
        assert isinstance(outcome.__cause__, OSError)
    assert _actions(path) == ["test.first"]
    db = store.connect(path, AUDIT_KEY)
    try:
        store.shared_write(db, _event("test.later"))  # the queue goes on
    finally:
        db.close()
    assert _actions(path) == ["test.first", "test.later"]


def test_each_call_signs_with_its_own_connections_key(path):
    """Two calls of one batch, on connections with different audit keys: whichever runs the
    transaction, each event is signed under its own caller's key."""
    calls = Writers(path)
    release = calls.hold()
    _queue(calls, {"this key": _event("test.this")})
    calls.queued(
        "other key",
        _shared(_event("test.other")),
        lambda: len(calls.queue.waiting) >= 2,
        key="another-audit-key",
    )
    release.set()
    calls.join()
    assert len(calls.begins) == 2  # the two shared one transaction
    db = store.connect(path, AUDIT_KEY)
    try:
        first, this, other = audit.iter_audit_events(db)
    finally:
        db.close()
    for event, prev, key in ((this, first, AUDIT_KEY), (other, this, "another-audit-key")):
        assert event["hash"] == audit.keyed_digest(
            key.encode(), prev["hash"], audit.event_body(event)
        )


def test_an_interrupt_reaches_the_thread_it_hit_and_fails_the_batch(path, monkeypatch):
    """Ctrl-C while the first in line waits for the write lock is an interrupt, not an error."""
    turn = WriterQueue.turn

    @contextlib.contextmanager
    def interrupted(self):
        monkeypatch.setattr(WriterQueue, "turn", turn)  # once
        raise KeyboardInterrupt
        yield

    monkeypatch.setattr(WriterQueue, "turn", interrupted)
    db = store.connect(path, AUDIT_KEY)
    try:
        with pytest.raises(KeyboardInterrupt):
            store.shared_write(db, _event("test.interrupted"))
        assert WriterQueue.of(path).waiting == []
        store.shared_write(db, _event("test.after"))  # the queue still works
    finally:
        db.close()
    assert _actions(path) == ["test.after"]


def test_a_calls_deferred_writes_are_committed_with_it(path):
    db = store.connect(path, AUDIT_KEY)
    ran = []
    try:
        store.defer(db, lambda tx: ran.append("deferred") or _event("test.deferred")(tx))
        store.shared_write(db, lambda tx: ran.append("call") or _event("test.call")(tx))
        assert ran == ["deferred", "call"]
        assert db.deferred == [] and db.urgent is False
    finally:
        db.close()
    assert _actions(path) == ["test.deferred", "test.call"]


def test_inside_a_transaction_it_is_part_of_that_transaction(path):
    db = store.connect(path, AUDIT_KEY)
    try:
        with pytest.raises(RuntimeError), store.write(db):
            store.shared_write(db, _event("test.inner"))
            raise RuntimeError("the outer transaction is rolled back")
    finally:
        db.close()
    assert _actions(path) == []


def test_a_caller_interrupted_while_it_waits_leaves_the_line(path):
    """Ctrl-C while a call waits behind a batch: the call is not run, the queue goes on."""
    calls = Writers(path)
    release = calls.hold()

    class Interrupted(Exception):
        pass

    def interrupt(*_):
        raise Interrupted

    previous = signal.signal(signal.SIGALRM, interrupt)
    db = store.connect(path, AUDIT_KEY)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        with pytest.raises(Interrupted):
            store.shared_write(db, _event("test.interrupted"))
        signal.setitimer(signal.ITIMER_REAL, 0)
        assert WriterQueue.of(path).waiting == []
        release.set()
        calls.join()
        store.shared_write(db, _event("test.after"))  # would wait for ever on a lost lead
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        db.close()
    assert _actions(path) == ["test.first", "test.after"]


def test_a_lead_handed_to_an_interrupted_caller_passes_to_the_next(path):
    queue = WriterQueue.of(path)
    db = store.connect(path, AUDIT_KEY)
    try:
        first, second = store._SharedCall(_event("a"), db), store._SharedCall(_event("b"), db)
        with queue.guard:
            queue.waiting, queue.leading = [first, second], True
            first.leads = True  # the batch before handed it the lead
        first.woken.set()
        store._step_down(queue, first, [])  # its thread was interrupted before it took a batch
        assert queue.waiting == [second] and second.leads and second.woken.is_set()
        assert queue.leading
        store._step_down(queue, second, [])  # interrupted too: nobody is left to lead
        assert queue.waiting == [] and queue.leading is False
    finally:
        with queue.guard:
            queue.waiting, queue.leading = [], False
        db.close()


def test_a_leader_interrupted_before_its_batch_ran_fails_it_and_the_queue_goes_on(
    path, monkeypatch
):
    """The lead passes to a call whose thread is then interrupted before running the batch:
    that thread gets the interrupt, the calls of its batch fail (none hangs), nothing of them
    is written, and a later call is served."""
    run = store._run_shared

    def interrupted(db, batch):
        monkeypatch.setattr(store, "_run_shared", run)  # once
        raise KeyboardInterrupt

    # The first is already running its batch when the patch is made: the next leader meets it.
    calls = Writers(path)
    release = calls.hold()
    monkeypatch.setattr(store, "_run_shared", interrupted)
    _queue(calls, {"next": _event("test.next"), "after": _event("test.after")})
    release.set()
    calls.join()
    assert type(calls.outcomes["next"]) is KeyboardInterrupt
    assert isinstance(calls.outcomes["after"], store.SharedWriteFailed)
    db = store.connect(path, AUDIT_KEY)
    try:
        store.shared_write(db, _event("test.later"))
    finally:
        db.close()
    assert _actions(path) == ["test.first", "test.later"]
