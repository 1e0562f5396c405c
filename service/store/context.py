"""Flask glue for the store: each worker thread keeps one connection and lends it to a request.

Opening a connection costs more than many a query (a file open and four PRAGMAs, ~0.2 ms), so
a thread opens one per database and keeps it; a request's teardown ends any transaction left
open and writes what the request deferred (store.defer), and the next request reuses it.
"""

from __future__ import annotations

import threading

from flask import Flask, current_app, g
from sqlite_utils import Database

from . import connect, finish, migrate

_migrated: set[str] = set()
_keepalive: dict[str, Database] = {}
_lock = threading.Lock()
_threads = threading.local()  # this thread's (database path, connection)


def get_db() -> Database:
    """The request's database connection; the schema is brought up to date once per process."""
    if "db" not in g:
        path, key = current_app.config["DATABASE"], current_app.config["AUDIT_KEY"]
        if path not in _migrated:
            with _lock:
                if path not in _migrated:
                    migrate(path, key)
                    _migrated.add(path)
                    _keep_open(path)
        g.db = _thread_connection(path, key)
    return g.db


def _thread_connection(path: str, key) -> Database:
    """This thread's connection to `path` with the audit key; one to another database (or with
    another key) is closed first (tests open many)."""
    held = getattr(_threads, "held", None)
    if held is None or held[0] != (path, key):
        if held is not None:
            held[1].close()
        held = _threads.held = ((path, key), connect(path, key))
    return held[1]


def _keep_open(path: str) -> None:
    """Hold one idle connection to the database for the life of the process.

    SQLite checkpoints and deletes the WAL when the last connection to a database closes; with
    one connection per request that is a checkpoint, with its fsync, after every write (about
    10 ms). An idle connection keeps the WAL and leaves checkpoints to the process's
    checkpointer (store.Checkpoints).
    Only the newest database is held, so test runs that open many do not pile up files.
    """
    for old in _keepalive.values():
        old.close()
    _keepalive.clear()
    _keepalive[path] = connect(path)


def close_db(exc: BaseException | None = None) -> None:
    """End the request's use of the connection: roll back a transaction it left open, write
    what it left urgent (store.defer); the connection stays with the thread."""
    db = g.pop("db", None)
    if db is None:
        return
    try:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        finish(db)
    except Exception:  # noqa: BLE001 - a broken connection is dropped, never lent again
        _threads.held = None
        db.close()
        raise


def migrate_now(path: str, audit_key: str | bytes | None) -> list[str]:
    """Migrate the database at `path` now (the `db migrate` command); returns what was applied."""
    applied = migrate(path, audit_key)
    _migrated.add(path)
    return applied


def init_app(app: Flask) -> None:
    """Close the request's connection when its context ends."""
    app.teardown_appcontext(close_db)
