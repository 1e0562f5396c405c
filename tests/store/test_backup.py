"""Online backup: a copy taken while 16 writers submit restores to a database that passes
PRAGMA integrity_check and `audit verify` (chain and rows), with every saved row's audit event."""

from __future__ import annotations

import shutil
import sqlite3
import threading

import pytest

from service import store
from service.application import assessments
from service.store.audit_verify import verify
from service.store.backup import BackupError, backup
from tests.support.apps import AUDIT_KEY
from tests.support.bodies import real_content, sample_body

WRITERS = 16
EACH = 8
MAX_COPIES = 40
ACTOR = {"kind": "user", "id": "1", "name": "Writer"}


def _writer(path, errors: list, started: threading.Barrier):
    db = store.connect(path, AUDIT_KEY)
    try:
        started.wait()
        for _ in range(EACH):
            assessments.submit(real_content(), db, sample_body(), ACTOR)
    except Exception as exc:  # collected and asserted on by the test
        errors.append(exc)
    finally:
        db.close()


def test_backup_during_sixteen_writers_restores_whole_and_verified(tmp_path):
    live = tmp_path / "live.sqlite3"
    store.migrate(live, AUDIT_KEY)
    errors: list = []
    started = threading.Barrier(WRITERS + 1)
    threads = [
        threading.Thread(target=_writer, args=(live, errors, started)) for _ in range(WRITERS)
    ]
    for thread in threads:
        thread.start()
    started.wait()
    copies = []
    while any(t.is_alive() for t in threads) and len(copies) < MAX_COPIES:
        copies.append(backup(live, tmp_path / f"copy-{len(copies)}.sqlite3"))
    for thread in threads:
        thread.join()
    assert errors == []
    counts = [_rows(c["target"]) for c in copies]
    assert any(0 < n < WRITERS * EACH for n in counts), counts  # taken mid-stream
    final = backup(live, tmp_path / "final.sqlite3")
    for made in [*copies, final]:
        assert made["integrity"] == "ok"
        restored = tmp_path / ("restored-" + made["target"].rsplit("/", 1)[1])
        shutil.copyfile(made["target"], restored)  # restore = put the copy in place
        assert store.migrate(restored, AUDIT_KEY) == []  # the schema is whole and current
        db = store.connect(restored, AUDIT_KEY)
        try:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            result = verify(db)  # the chain, and every row against its latest event
            assert result.ok, result.message()
            saved = db.execute("SELECT COUNT(*) FROM assessments").fetchone()[0]
            audited = db.execute(
                "SELECT COUNT(*) FROM audit_events WHERE action = 'assessment.submit'"
            ).fetchone()[0]
            assert saved == audited  # each write is one transaction, audit event included
        finally:
            db.close()
    assert _rows(final["target"]) == WRITERS * EACH


def _rows(path: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT COUNT(*) FROM assessments").fetchone()[0]
    finally:
        conn.close()


def test_backup_refuses_to_overwrite_or_write_nowhere(tmp_path):
    live = tmp_path / "live.sqlite3"
    store.migrate(live)
    (tmp_path / "taken.sqlite3").write_bytes(b"keep me")
    with pytest.raises(BackupError, match="already exists"):
        backup(live, tmp_path / "taken.sqlite3")
    assert (tmp_path / "taken.sqlite3").read_bytes() == b"keep me"
    with pytest.raises(BackupError, match="no such directory"):
        backup(live, tmp_path / "missing" / "copy.sqlite3")
    with pytest.raises(BackupError, match="no such database"):
        backup(tmp_path / "absent.sqlite3", tmp_path / "copy.sqlite3")


def test_a_file_that_is_not_a_database_leaves_no_copy(tmp_path):
    bogus = tmp_path / "bogus.sqlite3"
    bogus.write_bytes(b"not a database" * 100)
    with pytest.raises(BackupError):
        backup(bogus, tmp_path / "copy.sqlite3")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bogus.sqlite3"]
