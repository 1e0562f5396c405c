"""Concurrent writers for the tests of group commit: threads that each write on a connection of
their own to one database file, with every BEGIN on those connections recorded, queued in turn
behind a first write that holds its transaction open until released."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from service import store
from service.store import audit

from .apps import AUDIT_KEY, SYSTEM


class Writers:
    def __init__(self, path):
        self.path, self.begins, self.outcomes, self.threads = str(path), [], {}, []
        self.queue = store.WriterQueue.of(self.path)

    def connection(self, key: str = AUDIT_KEY):
        """A connection to the database whose BEGINs are recorded in `begins`."""
        db = store.connect(self.path, key)
        db.conn.set_trace_callback(lambda sql: sql.startswith("BEGIN") and self.begins.append(sql))
        return db

    def start(self, name: str, work: Callable, key: str = AUDIT_KEY) -> None:
        """work(connection) in a thread; its result or what it raised goes to outcomes[name]."""

        def run():
            db = self.connection(key)
            try:
                self.outcomes[name] = work(db)
            except BaseException as exc:
                self.outcomes[name] = exc
            finally:
                db.close()

        self.threads.append(threading.Thread(target=run))
        self.threads[-1].start()

    def hold(self) -> threading.Event:
        """Start a shared write (event `test.first`) that keeps its transaction open until the
        returned event is set."""
        started, release = threading.Event(), threading.Event()

        def first(tx):
            started.set()
            assert release.wait(10)
            return audit.append_audit_event(tx, SYSTEM, "test.first", {})

        self.start("first", lambda db: store.shared_write(db, first))
        assert started.wait(10)
        return release

    def queued(self, name: str, work: Callable, until: Callable[[], bool], **kwargs) -> None:
        """Start `work` and return once `until()` says it waits."""
        self.start(name, work, **kwargs)
        deadline = time.monotonic() + 20
        while not until():
            assert time.monotonic() < deadline, f"{name} never queued"
            time.sleep(0.005)

    def join(self) -> None:
        for thread in self.threads:
            thread.join(20)
            assert not thread.is_alive()
