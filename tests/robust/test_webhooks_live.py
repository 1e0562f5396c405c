"""Webhooks end to end: gunicorn and the delivery worker (`flask --app wsgi webhooks deliver`)
post signed events to a local receiver; the worker is killed (-9) in the middle of a delivery and
the server in the middle of submissions. Afterwards every event that exists (one per stored
submission, one per review) has reached the receiver, verified by the standardwebhooks package,
exactly once per webhook-id, with the same body each time it came."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from service import store
from service.store.audit_verify import verify
from tests.support.apps import AUDIT_KEY
from tests.support.bodies import ROOT, approvable_body, sample_body
from tests.support.live import LiveServer, command_env, store_key, store_user

pytestmark = pytest.mark.live
SETTINGS = {
    "MODELRISK_WEBHOOK_ALLOW_PRIVATE": "true",  # the receiver is on 127.0.0.1
    "MODELRISK_WEBHOOK_LEASE_SECONDS": "3",  # a killed worker's event is posted again after 3 s
    "MODELRISK_WEBHOOK_POLL_SECONDS": "0.1",
}


class Receiver(BaseHTTPRequestHandler):
    """Records every delivery and whether its signature verifies; answers after `delay`."""

    secret = ""
    delay = 0.0
    lock = threading.Lock()
    got: list = []  # (webhook-id, body, verified)
    started = 0  # requests whose handling began

    def do_POST(self):
        with Receiver.lock:
            Receiver.started += 1
        body = self.rfile.read(int(self.headers["content-length"])).decode()
        try:
            Webhook(Receiver.secret).verify(body, dict(self.headers))
            verified = True
        except WebhookVerificationError:
            verified = False
        time.sleep(Receiver.delay)
        with Receiver.lock:
            Receiver.got.append((self.headers["webhook-id"], body, verified))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def _worker(tmp_path, database) -> subprocess.Popen:
    env = command_env(tmp_path, MODELRISK_DATABASE=str(database), **SETTINGS)
    with (tmp_path / "worker.log").open("ab") as log:  # the child keeps its own copy
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "webhooks", "deliver"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )


def _events(database) -> dict:
    conn = sqlite3.connect(database)
    try:
        rows = conn.execute("SELECT id, event_type, status FROM webhook_outbox").fetchall()
        counts = {
            "assessment.submitted": conn.execute("SELECT COUNT(*) FROM assessments").fetchone()[0],
            "assessment.decided": conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0],
        }
    finally:
        conn.close()
    return {"rows": rows, "counts": counts}


def _wait_delivered(database, timeout=90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = _events(database)
        if found["rows"] and all(status == "delivered" for _, _, status in found["rows"]):
            return found
        time.sleep(0.2)
    raise AssertionError(f"events still pending: {found['rows']}")


def _submit(base, key, title, body=sample_body) -> requests.Response:
    return requests.post(
        base + "/api/v1/assessments",
        json=body(title=title),
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )


def test_every_event_arrives_signed_exactly_once_across_kills(tmp_path):
    database = tmp_path / "live.sqlite3"
    admin = store_key(database, name="admin")
    writer = store_key(database, "assessments:write", name="writer")
    # Reviews need a key owned by a reviewer's account (four eyes per person).
    store_user(database, "reviewer@example.com", "reviewer")
    reviewer = store_key(database, "reviews:write", name="reviewer", owner="reviewer@example.com")
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    Receiver.got, Receiver.started = [], 0
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    server = LiveServer(database, tmp_path / "gunicorn.log", env=SETTINGS).start()
    worker = None
    try:
        hook = requests.post(
            server.base + "/api/v1/webhooks",
            json={
                "url": f"http://127.0.0.1:{receiver.server_address[1]}/hook",
                "events": ["assessment.submitted", "assessment.decided"],
            },
            headers={"Authorization": f"Bearer {admin}"},
            timeout=30,
        )
        assert hook.status_code == 201, hook.text
        Receiver.secret = hook.json()["secret"]

        # Round 1: events queue up while no worker runs, then a slow receiver and a kill -9 of
        # the worker while it is posting.
        # Approvable bodies: approving an engine's reject would need accept_risk.
        created = [
            _submit(server.base, writer, f"Hook #{i}", approvable_body).json() for i in range(8)
        ]
        for stored in created[:4]:
            done = requests.post(
                server.base + f"/api/v1/assessments/{stored['id']}/reviews",
                json={"decision": "approve"},
                headers={"Authorization": f"Bearer {reviewer}"},
                timeout=30,
            )
            assert done.status_code == 200
        Receiver.delay = 0.4
        worker = _worker(tmp_path, database)
        deadline = time.monotonic() + 60
        while Receiver.started < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(worker.pid, signal.SIGKILL)  # the 4th POST is in flight: sent, not answered
        worker.wait(timeout=30)
        Receiver.delay = 0.0
        worker = _worker(tmp_path, database)

        # Round 2: kill -9 gunicorn in the middle of a stream of submissions, restart it.
        stop = threading.Event()

        def stream():
            i = 0
            while not stop.is_set():
                i += 1
                try:
                    _submit(server.base, writer, f"Stream #{i}")
                except requests.RequestException:
                    return

        threads = [threading.Thread(target=stream) for _ in range(3)]
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        server.kill()
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        server.start()
        _submit(server.base, writer, "After the crash")

        found = _wait_delivered(database)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        server.stop()
        receiver.shutdown()
        receiver.server_close()

    ids = {event_id for event_id, _, _ in found["rows"]}
    kinds = [kind for _, kind, _ in found["rows"]]
    # One event per stored change: every submission and every review has exactly one.
    for kind, count in found["counts"].items():
        assert kinds.count(kind) == count, (kind, count)
    received: dict[str, set] = {}
    for event_id, body, verified in Receiver.got:
        assert verified, event_id
        received.setdefault(event_id, set()).add(body)
    assert set(received) == ids  # every event arrived, and nothing else
    # The delivery cut off by the kill came again, with its webhook-id, after the lease.
    assert len(Receiver.got) > len(ids)
    assert all(len(bodies) == 1 for bodies in received.values())  # a repeat is the same event
    types = {json.loads(next(iter(b)))["type"] for b in received.values()}
    assert types == {"assessment.submitted", "assessment.decided"}
    # The endpoint added through the API is bound to its audit event like every audited row.
    db = store.connect(database, AUDIT_KEY)
    try:
        result = verify(db)
    finally:
        db.close()
    assert result.ok, result.message()
