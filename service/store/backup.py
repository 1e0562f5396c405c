"""Online backup of the database: SQLite's backup API copies a consistent snapshot while writers
go on, into a temporary file that is checked before it takes the target's name."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from . import BUSY_TIMEOUT_MS


class BackupError(Exception):
    """The backup could not be made or its copy failed the integrity check; nothing was left."""


def backup(source: str | Path, target: str | Path) -> dict:
    """Copy `source` to `target` (which must not exist) and check the copy; returns
    {target, pages, bytes, integrity}. A failed backup leaves no file at `target`."""
    source, target = Path(source), Path(target)
    if not source.exists():
        raise BackupError(f"{source}: no such database")
    if target.exists():
        raise BackupError(f"{target}: already exists; choose a new file")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent}: no such directory")
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        pages = _copy(source, partial)
        integrity = _check(partial)
        if integrity != "ok":
            raise BackupError(f"the copy failed PRAGMA integrity_check: {integrity}")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return {
        "target": str(target),
        "pages": pages,
        "bytes": target.stat().st_size,
        "integrity": "ok",
    }


def _copy(source: Path, partial: Path) -> int:
    """One backup step over all pages: it reads one snapshot (a WAL read transaction), so
    concurrent writers neither block it nor restart it, and the copy is consistent."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    dst = sqlite3.connect(str(partial))
    try:
        src.backup(dst, pages=-1)
        dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        return dst.execute("PRAGMA page_count").fetchone()[0]
    except sqlite3.Error as exc:
        raise BackupError(f"backup failed: {exc}") from None
    finally:
        dst.close()
        src.close()


def _check(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()
    return "; ".join(r[0] for r in rows)
