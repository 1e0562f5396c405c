"""Flask glue for the store: one connection per request context, closed at teardown."""

from __future__ import annotations

import threading

from flask import Flask, current_app, g
from sqlite_utils import Database

from . import connect, migrate

_migrated: set[str] = set()
_keepalive: dict[str, Database] = {}
_lock = threading.Lock()


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
        g.db = connect(path, key)
    return g.db


def _keep_open(path: str) -> None:
    """Hold one idle connection to the database for the life of the process.

    SQLite checkpoints and deletes the WAL when the last connection to a database closes; with
    one connection per request that is a checkpoint, with its fsync, after every write (about
    10 ms). An idle connection keeps the WAL and leaves checkpoints to SQLite's automatic ones.
    Only the newest database is held, so test runs that open many do not pile up files.
    """
    for old in _keepalive.values():
        old.close()
    _keepalive.clear()
    _keepalive[path] = connect(path)


def close_db(exc: BaseException | None = None) -> None:
    """Close the request's connection, if it opened one."""
    db = g.pop("db", None)
    if db is not None:
        db.close()


def migrate_now(path: str, audit_key: str | bytes | None) -> list[str]:
    """Migrate the database at `path` now (the `db migrate` command); returns what was applied."""
    applied = migrate(path, audit_key)
    _migrated.add(path)
    return applied


def init_app(app: Flask) -> None:
    """Close the request's connection when its context ends."""
    app.teardown_appcontext(close_db)
