"""Checkpoints off the write path: a commit no longer copies the write-ahead log into the
database file while it holds the write lock; the process's checkpointer does, after commits,
at most every CHECKPOINT_INTERVAL seconds, and holds no connection between its turns."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from service import store
from service.store import audit
from tests.support.apps import AUDIT_KEY, SYSTEM


def _in_the_file(path) -> int:
    """Events in the database file itself, the write-ahead log left aside."""
    conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return conn.execute("SELECT COUNT(*) FROM audit_events").fetchone()[0]
    finally:
        conn.close()


def _until(check, what: str) -> None:
    deadline = time.monotonic() + 10
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def _opened(path) -> tuple:
    """Migrate, wait for the migration to reach the database file, and open a connection:
    (the connection, the events in the file)."""
    store.migrate(path, AUDIT_KEY)

    def copied() -> bool:
        try:
            _in_the_file(path)
        except sqlite3.OperationalError:  # no such table yet
            return False
        return True

    _until(copied, "the migration never reached the database file")
    return store.connect(path, AUDIT_KEY), _in_the_file(path)


def _commits(db, n: int) -> None:
    for _ in range(n):
        with store.write(db):
            audit.append_audit_event(db, SYSTEM, "test.commit", {})


def test_the_checkpointer_copies_the_log_after_commits(tmp_path):
    path = tmp_path / "checkpoints.db"
    db, before = _opened(path)
    try:
        _commits(db, 3)
        _until(lambda: _in_the_file(path) == before + 3, "the checkpointer never ran")
        assert db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == store.AUTOCHECKPOINT_PAGES
    finally:
        db.close()


def test_a_commit_leaves_the_log_to_the_checkpointer(tmp_path, monkeypatch):
    """With no checkpointer, 600 commits (over SQLite's default of 1,000 log pages, under the
    service's bound) stay in the log: no commit copied it while holding the write lock."""
    monkeypatch.setattr(store.WriterQueue, "committed", lambda self: None)
    path = tmp_path / "commits.db"
    db, before = _opened(path)
    try:
        _commits(db, 600)
        assert Path(f"{path}-wal").stat().st_size > 1000 * 4096  # the log is over 1,000 pages
        assert _in_the_file(path) == before
    finally:
        db.close()


def test_an_idle_checkpointer_ends_and_the_next_commit_starts_another(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "CHECKPOINT_IDLE", 0.2)
    monkeypatch.setattr(store, "CHECKPOINT_INTERVAL", 0)
    path = tmp_path / "idle.db"
    db, before = _opened(path)
    queue = store.WriterQueue.of(path)
    first = queue.checkpoints
    try:
        _until(lambda: first.ended, "the idle checkpointer never ended")
        assert first.wake() is False  # an ended checkpointer takes no more turns
        _commits(db, 1)
        assert queue.checkpoints is not first
        _until(lambda: _in_the_file(path) == before + 1, "the new checkpointer never ran")
    finally:
        db.close()


def test_a_commands_last_close_still_removes_the_log(tmp_path):
    """The checkpointer holds no connection between turns, so a process's own close is the
    last one: SQLite then copies the log and removes it, as before."""
    path = tmp_path / "command.db"
    db, before = _opened(path)
    _commits(db, 1)
    _until(lambda: _in_the_file(path) == before + 1, "the checkpointer never ran")
    db.close()
    assert not Path(f"{path}-wal").exists()
