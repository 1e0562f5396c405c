"""The store: one SQLite database, opened per request, written in IMMEDIATE transactions.

Every query lives in this package; views and commands call its verbs and never write SQL. A
connection carries the audit trail's key (kept outside the database), so every verb that
appends an audit event can sign it.
"""

from __future__ import annotations

import collections
import contextlib
import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from sqlite_utils import Database

from .migrations import migrations

BUSY_TIMEOUT_MS = 30_000
# A process's checkpointer copies the write-ahead log into the database file at most every
# CHECKPOINT_INTERVAL seconds while its writers commit (Checkpoints): `make bench` found 0.1,
# 0.25 and 0.5 s alike within the spread of runs; 0.5 s checkpoints least, and the log it
# leaves at the bench's rates (about 4,000 pages) stays well under AUTOCHECKPOINT_PAGES. At that
# size SQLite's own checkpoint, which a commit runs holding the write lock, still takes over:
# the bound for a process whose checkpointer falls behind.
CHECKPOINT_INTERVAL = 0.5
CHECKPOINT_IDLE = 5.0
AUTOCHECKPOINT_PAGES = 10_000
T = TypeVar("T")


class Store(Database):
    """A sqlite-utils Database that also holds the audit key (bytes, or None: cannot append),
    and small bookkeeping writes (a rate-limit count, a key's last use) that wait for the next
    write transaction on it instead of taking one of their own (defer)."""

    audit_key: bytes | None = None

    def __init__(self, conn: sqlite3.Connection, path: str | Path | None = None):
        super().__init__(conn)
        self.deferred: list[Callable[[Database], None]] = []
        self.urgent = False
        self.writers = WriterQueue.of(path) if path else None


class Turns:
    """A lock handed over in the order it was asked for.

    A threading.Lock lets whichever thread the scheduler wakes first take it, and a thread that
    releases it can take it again at once; with eight threads writing, some waited several
    turns while others went straight in. Here the holder passes the lock to the longest
    waiter. At 16 connections (`make bench`) this took the 90th percentile of the wait for a
    POST's write from 44 to 34 ms and its 99th percentile of latency from 86 to 73 ms.
    """

    def __init__(self):
        self._guard = threading.Lock()
        self._waiting: collections.deque[threading.Lock] = collections.deque()
        self._held = False

    def __enter__(self) -> Turns:
        mine, taken = None, False
        try:
            with self._guard:
                if not self._held:
                    self._held = taken = True
                else:
                    mine = threading.Lock()
                    mine.acquire()
                    self._waiting.append(mine)
            if mine is not None:
                mine.acquire()  # released by the holder that hands this thread the turn
        except BaseException:  # interrupted: give back a turn taken, or leave the line
            if taken:
                self.__exit__(None, None, None)
            elif mine is not None:
                self._abandon(mine)
            raise
        return self

    def _abandon(self, mine: threading.Lock) -> None:
        """A waiter interrupted: out of the line, or, if the turn was handed to it meanwhile,
        the turn passes on."""
        with self._guard:
            if mine in self._waiting:
                self._waiting.remove(mine)
                return
        self.__exit__(None, None, None)

    def __exit__(self, *exc) -> None:
        with self._guard:
            if self._waiting:
                self._waiting.popleft().release()  # the turn passes on; it is never free between
            else:
                self._held = False


class WriterQueue:
    """Writers of one database file take turns here before BEGIN IMMEDIATE: the threads of a
    process in the order they came (Turns), the processes on an exclusive flock of
    `<database>.writer`.

    SQLite makes a writer that finds the database locked sleep and retry (1, 2, 5, 10... ms),
    so under many short writes most of the wait is sleep; queued on the kernel, the next
    writer starts as soon as the one before commits.
    """

    _queues: dict[str, WriterQueue] = {}
    _made = threading.Lock()

    def __init__(self, path: str):
        self.path, self.lock, self.fd, self.pid = path, Turns(), None, None
        self.checkpoints: Checkpoints | None = None
        # shared_write: the calls waiting for a transaction, and the one thread running them
        self.waiting: list[_SharedCall] = []
        self.guard, self.leading = threading.Lock(), False

    @classmethod
    def of(cls, path: str | Path) -> WriterQueue | None:
        name = str(path)
        if name.startswith(":") or name.startswith("file:"):
            return None
        with cls._made:
            return cls._queues.setdefault(name, cls(name))

    def committed(self) -> None:
        """Tell this process's checkpointer that the log grew, starting one if none runs (called
        holding the lock, so there is one per process and database file)."""
        if self.checkpoints is None or not self.checkpoints.wake():
            self.checkpoints = Checkpoints(self.path)
            self.checkpoints.wake()

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        with self.lock:
            if self.pid != os.getpid():  # a forked worker needs its own open file to lock
                self.fd, self.pid = (
                    os.open(self.path + ".writer", os.O_RDWR | os.O_CREAT, 0o600),
                    os.getpid(),
                )
            fcntl.flock(self.fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self.fd, fcntl.LOCK_UN)


class Checkpoints:
    """A thread of this process that copies the write-ahead log into the database file after
    commits, at most every CHECKPOINT_INTERVAL seconds, so that no writer does it inside its
    transaction with the write lock held (SQLite's automatic checkpoint). PASSIVE: it waits for
    no reader or writer and copies what it can; when another process's checkpoint holds it
    off, it tries again a turn later. It holds no connection between turns (so that a command's
    own close is still the last one, which checkpoints and removes the log), and after
    CHECKPOINT_IDLE seconds without a commit it ends; the next commit starts another."""

    def __init__(self, path: str):
        self.path, self.pid = path, os.getpid()
        self.due, self.lock, self.ended = threading.Event(), threading.Lock(), False
        threading.Thread(target=self._run, name="checkpoints", daemon=True).start()

    def wake(self) -> bool:
        """Ask for a turn; False if this thread has ended (or belongs to the parent process),
        decided under the same lock as its ending, so no commit is left unseen."""
        if self.pid != os.getpid():
            return False
        with self.lock:
            if not self.ended:
                self.due.set()
            return not self.ended

    def _run(self) -> None:
        while self._due() and self._turn():
            time.sleep(CHECKPOINT_INTERVAL)
        with self.lock:
            self.ended = True

    def _due(self) -> bool:
        """Wait for a commit; False after CHECKPOINT_IDLE seconds without one, the thread then
        ended under the lock wake() takes, so that no commit is left unseen."""
        if not self.due.wait(CHECKPOINT_IDLE):
            with self.lock:
                if not self.due.is_set():
                    self.ended = True
                    return False
        self.due.clear()
        return True

    def _turn(self) -> bool:
        """One PASSIVE checkpoint; False once the database is gone."""
        uri = Path(self.path).absolute().as_uri() + "?mode=rw"  # a removed file is not made again
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=0)
        except sqlite3.OperationalError:
            return False
        try:
            busy = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[0]
        except sqlite3.DatabaseError:
            busy = 1
        finally:
            conn.close()
        if busy:
            self.due.set()
        return True


def defer(db: Database, write_fn: Callable[[Database], None], urgent: bool = False) -> None:
    """Run `write_fn(db)` at the start of the next write transaction on this connection.

    If none comes, an urgent write still runs when the request ends (finish); others wait for a
    later request, which is how a read costs no write transaction of its own.
    """
    db.deferred.append(write_fn)
    db.urgent = db.urgent or urgent


def finish(db: Database) -> None:
    """At the end of a request: run urgent deferred writes in one transaction, drop the rest."""
    if db.deferred and db.urgent:
        with write(db):
            pass
    db.deferred.clear()
    db.urgent = False


def connect(path: str | Path, audit_key: str | bytes | None = None) -> Store:
    """Open the database with WAL, foreign keys and a busy timeout; autocommit outside writes."""
    conn = sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(f"PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT_PAGES}")
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    db = Store(conn, path)
    db.audit_key = audit_key.encode() if isinstance(audit_key, str) else audit_key
    return db


def migrate(path: str | Path, audit_key: str | bytes | None = None) -> list[str]:
    """Apply pending migrations; returns the names applied. Safe to run on every start.

    With the audit key, events recorded under the old unkeyed chain are then re-anchored in the
    same transaction (store.audit_upgrade), so the trail is keyed from the first start on.
    """
    from .audit_upgrade import upgrade_legacy_chain

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = connect(path, audit_key)
    try:
        with write(db):
            pending = [m.name for m in migrations.pending(db)]
            migrations.apply(db)
            if db.audit_key and upgrade_legacy_chain(db):
                pending.append("audit chain upgraded to HMAC-SHA256")
        return pending
    finally:
        db.close()


@contextlib.contextmanager
def write(db: Database) -> Iterator[Database]:
    """A write transaction that takes the write lock up front (BEGIN IMMEDIATE).

    A deferred BEGIN upgrades to a write lock only at the first write, and two workers doing so
    at once make one of them fail with "database is locked" whatever the busy timeout; taking the
    lock first makes writers queue on the busy timeout instead.

    An exception rolls the transaction back, unless it carries `keep_writes = True`: a refusal
    that was itself audited (a four-eyes attempt) keeps its event, whichever transaction it
    ran in, and is then raised.
    """
    if db.conn.in_transaction:
        yield db
        return
    writers = getattr(db, "writers", None)
    with writers.turn() if writers else contextlib.nullcontext():
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            _run_deferred(db)
            yield db
        except BaseException as exc:
            keep = getattr(exc, "keep_writes", False)
            if db.conn.in_transaction:  # an error SQLite rolled back itself leaves none
                db.conn.execute("COMMIT" if keep else "ROLLBACK")
                if keep and writers:
                    writers.committed()
            raise
        db.conn.execute("COMMIT")
        if writers:
            writers.committed()


class SharedWriteFailed(RuntimeError):
    """The transaction that held this write failed; nothing of it was kept."""


class _RollBack(Exception):
    """Ends a shared transaction that SQLite itself ended (a full disk, an I/O error): the
    writes of the calls before the failing one went with it, so none of them may succeed."""


class _SharedCall:
    __slots__ = (
        "fn",
        "deferred",
        "audit_key",
        "result",
        "error",
        "own_error",
        "done",
        "leads",
        "woken",
    )

    def __init__(self, fn: Callable[[Database], object], db: Database):
        self.fn, self.deferred, self.audit_key = fn, list(db.deferred), db.audit_key
        self.result, self.error, self.own_error, self.done = None, None, False, False
        self.leads = False  # its thread runs the next batch (set under the queue's guard)
        self.woken = threading.Event()  # set once done, or when the lead passes to it


def shared_write(db: Database, fn: Callable[[Database], T]) -> T:
    """fn(db) in a write transaction that it may share with the calls other threads of this
    process make at the same moment on the same database file (group commit); fn's result.

    Calls queue; the first in line takes every call then waiting and runs them, in the order
    they came, each after its own connection's deferred writes and under its own connection's
    audit key, in one IMMEDIATE transaction on its own connection, each call inside a
    savepoint of its own. Every call returns once that transaction is committed. The others
    wait each on an event of its own, set when its batch is settled or when the lead passes to
    it (the first call still waiting once a batch ends), so the callers of a settled batch all
    wake at once instead of one after the other through a lock that the next leader also
    waits on: 9.0 to 8.6 ms for the gate's median at the load of `make bench`.

    A call whose fn raises gets its exception, and what it wrote is rolled back to its
    savepoint (kept when the error is marked keep_writes, as store.write would); the other
    calls go on as if it had not been there. When the transaction itself fails (BEGIN, COMMIT,
    or an error after which SQLite has rolled it back), nothing of it is kept: the call whose
    fn raised gets its exception, the others SharedWriteFailed from it (a refusal that asked to
    keep its writes included, since they were lost). An interrupt (KeyboardInterrupt,
    SystemExit) is raised in the thread it reached; a batch it stopped fails, and the queue
    goes on (_step_down). Under many short standalone writes (the gate's audit events,
    submissions) the writers then take one turn per batch instead of one each.

    Only for a write that stands alone and reads nothing of its caller's connection or thread
    (no request context) but the database and the audit key, since it may run on another
    thread's connection; inside a transaction, or on a database with no writer queue (in
    memory), it is write(db) around fn(db).
    """
    writers = getattr(db, "writers", None)
    if writers is None or db.conn.in_transaction:
        with write(db):
            return fn(db)
    mine = _SharedCall(fn, db)
    db.deferred.clear()
    db.urgent = False
    batch: list[_SharedCall] = []
    interrupted = None
    try:
        with writers.guard:
            writers.waiting.append(mine)
            if not writers.leading:
                mine.leads = writers.leading = True
        if not mine.leads:
            mine.woken.wait()  # until its batch is settled, or the lead passes to it
        if not mine.done:  # it leads: first in line, or handed the lead by the batch before
            with writers.guard:
                batch, writers.waiting = writers.waiting, []
            interrupted = _run_shared(db, batch)
    finally:
        _step_down(writers, mine, batch)
    if interrupted is not None:
        raise interrupted
    if mine.own_error:
        raise mine.error
    if mine.error is not None:
        raise SharedWriteFailed("the transaction that held this write failed") from mine.error
    return mine.result


def _step_down(writers: WriterQueue, call: _SharedCall, batch: list[_SharedCall]) -> None:
    """Leave the queue in order, whatever stopped this call's thread. A leader settles its
    batch (a call it never ran fails), wakes its callers and passes the lead to the first call
    still waiting, or gives it up. A follower interrupted while it waited leaves the line; one
    already taken into a batch stays in it and is committed or fails with it."""
    with writers.guard:
        if not call.leads:
            if not call.done and call in writers.waiting:
                writers.waiting.remove(call)
            return
    for each in batch:
        if not each.done:  # the leader was interrupted before the batch ran
            each.error = each.error or SharedWriteFailed("the thread running it was interrupted")
            each.done = True
        each.woken.set()
    with writers.guard:
        if call in writers.waiting:  # interrupted before it took the batch
            writers.waiting.remove(call)
        call.leads = False
        if writers.waiting:
            writers.waiting[0].leads = True
            writers.waiting[0].woken.set()
        else:
            writers.leading = False


def _run_shared(db: Database, batch: list[_SharedCall]) -> BaseException | None:
    """Run the batch in one transaction, each call inside a savepoint of its own; every call
    ends done, with its result or the error. Returns an interrupt of this thread, for the
    caller to raise once the batch is settled."""
    cause, key = None, db.audit_key
    try:
        with write(db):
            for call in batch:
                db.audit_key = call.audit_key
                db.conn.execute("SAVEPOINT shared_call")
                try:
                    for deferred in call.deferred:
                        deferred(db)
                    call.result = call.fn(db)
                except Exception as exc:
                    call.error, call.own_error = exc, True
                    if not db.conn.in_transaction:  # SQLite ended it: the batch is lost
                        raise _RollBack from exc
                    if not getattr(exc, "keep_writes", False):
                        db.conn.execute("ROLLBACK TO shared_call")
                db.conn.execute("RELEASE shared_call")
    except _RollBack as exc:
        cause = exc.__cause__
    except BaseException as exc:  # BEGIN or COMMIT failed, or this thread was interrupted
        cause = exc
    finally:
        db.audit_key = key
        for call in batch:
            kept = getattr(call.error, "keep_writes", False) and call.error is not cause
            if cause is not None and (call.error is None or kept):
                # a refusal that asked to keep its writes lost them with the transaction
                call.error, call.own_error = cause, False
            call.done = True
    return None if cause is None or isinstance(cause, Exception) else cause


def _run_deferred(db: Database) -> None:
    pending = getattr(db, "deferred", None)
    while pending:
        pending.pop(0)(db)
    if pending is not None:
        db.urgent = False


def one(db: Database, sql: str, args: list | dict | None = None) -> dict | None:
    """The first row of a query as a dict (sqlite-utils maps the columns), or None."""
    return next(db.query(sql, args or []), None)


def rows(db: Database, sql: str, args: list | dict | None = None) -> list[dict]:
    """Every row of a query as a dict."""
    return list(db.query(sql, args or []))


def applied_migrations(db: Database) -> int:
    """How many migrations the database has had (raises if it has no migration table)."""
    return db.execute("SELECT COUNT(*) FROM _sqlite_migrations").fetchone()[0]
