"""Crash safety: kill -9 gunicorn (master and workers) in the middle of a stream of submissions.

After a restart on the same database every submission that was answered 201 is there, exactly
as the 201 showed it; the database passes `PRAGMA integrity_check`; the audit chain verifies;
and a client that retries what was cut off (same Idempotency-Key) ends up with each submission
stored exactly once.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
import uuid

import pytest
import requests

from tests.support.bodies import ROOT, sample_body, verdict_from
from tests.support.live import command_env, store_key

pytestmark = pytest.mark.live
THREADS = 4
KILL_AFTER = 30  # 201s seen in a round before the kill (the stream keeps going meanwhile)
# One crash per delay after the KILL_AFTER-th 201: different moments of the requests in flight.
KILL_DELAYS = (0.0, 0.004, 0.011)


class Stream:
    """THREADS clients posting distinct submissions, each with its own Idempotency-Key, until
    the server goes away; records what every request got."""

    def __init__(self, base: str, key: str, label: str):
        self.base, self.key, self.label = base, key, label
        self.lock = threading.Lock()
        self.created: dict[str, dict] = {}  # Idempotency-Key -> the 201 body
        self.cut_off: dict[str, dict] = {}  # Idempotency-Key -> body, no answer (or not a 201)
        self.statuses: list[int] = []
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(n,)) for n in range(THREADS)]

    def __enter__(self) -> Stream:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def _run(self, n: int) -> None:
        session, i = requests.Session(), 0
        while not self.stopping.is_set():
            idem, i = str(uuid.uuid4()), i + 1
            body = sample_body(
                title=f"Crash {self.label} thread {n} #{i}",
                answers={"SEC-01": {"value": "official", "note": f"{idem}"}},
            )
            try:
                r = session.post(
                    self.base + "/api/v1/assessments",
                    json=body,
                    timeout=30,
                    headers={"Authorization": f"Bearer {self.key}", "Idempotency-Key": idem},
                )
            except requests.RequestException:
                with self.lock:
                    self.cut_off[idem] = body
                return  # the server is gone
            with self.lock:
                self.statuses.append(r.status_code)
                if r.status_code == 201:
                    self.created[idem] = r.json()
                else:
                    self.cut_off[idem] = body

    def wait_for(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.created) < count:
            assert time.monotonic() < deadline, f"only {len(self.created)} submissions in time"
            time.sleep(0.01)


def _check_integrity(path) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def _retry(base: str, key: str, idem: str, body: dict) -> requests.Response:
    """Send a cut-off request again with its Idempotency-Key."""
    return requests.post(
        base + "/api/v1/assessments",
        json=body,
        timeout=30,
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": idem},
    )


def test_kill_minus_nine_mid_stream_loses_nothing_that_was_acknowledged(tmp_path, live_server):
    path = tmp_path / "crash.db"
    key = store_key(path, "assessments:read", "assessments:write", name="crash")
    server = live_server(path)
    created: dict[str, dict] = {}
    cut_off: dict[str, dict] = {}
    killed = []
    for crash, delay in enumerate(KILL_DELAYS):
        server.start()
        with Stream(server.base, key, f"round {crash}") as stream:
            stream.wait_for(KILL_AFTER)
            time.sleep(delay)
            killed.append(server.kill())
        assert set(stream.statuses) == {201}, "an error answer before the kill"
        created.update(stream.created)
        cut_off.update(stream.cut_off)
        _check_integrity(path)
    assert all(len(pids) == 3 for pids in killed), killed  # the master and both workers

    server.start()
    base, auth = server.base, {"Authorization": f"Bearer {key}"}
    # Everything acknowledged is there, as acknowledged.
    for idem, answer in created.items():
        r = requests.get(base + f"/api/v1/assessments/{answer['id']}", headers=auth, timeout=30)
        assert r.status_code == 200, (idem, r.text[:300])
        stored = r.json()
        assert verdict_from(stored["result"]) == answer["verdict"]
        assert (stored["title"], stored["created_at"]) == (answer["title"], answer["created_at"])
        assert stored["input"]["answers"]["SEC-01"]["note"] == idem

    # Retrying what was cut off acts once: a replay if it had committed, a new one if not.
    replayed = 0
    for idem, body in cut_off.items():
        r = _retry(base, key, idem, body)
        assert r.status_code == 201, (idem, r.status_code, r.text[:300])
        again = requests.get(base + r.headers["Location"], headers=auth, timeout=30).json()
        assert again["input"]["answers"]["SEC-01"]["note"] == idem
        replayed += r.headers.get("Idempotent-Replayed") == "true"
    server.stop()

    _check_integrity(path)
    conn = sqlite3.connect(path)
    try:
        stored = conn.execute("SELECT COUNT(*) FROM assessments").fetchone()[0]
        submits = conn.execute(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'assessment.submit'"
        ).fetchone()[0]
        notes = {
            row[0]
            for row in conn.execute(
                "SELECT json_extract(input_json, '$.answers.\"SEC-01\".note') FROM assessments"
            )
        }
    finally:
        conn.close()
    assert stored == submits == len(created) + len(cut_off)
    assert notes == set(created) | set(cut_off)  # one assessment per Idempotency-Key

    verify = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "audit", "verify"],
        cwd=ROOT,
        env=command_env(tmp_path, MODELRISK_DATABASE=str(path)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "audit chain intact" in verify.stdout
    log = server.log_text()
    assert "Traceback" not in log and "database is locked" not in log
    print(
        f"\n{len(KILL_DELAYS)} kill -9 crashes: {len(created)} acknowledged and intact, "
        f"{len(cut_off)} cut off and retried ({replayed} had committed and were replayed)"
    )
