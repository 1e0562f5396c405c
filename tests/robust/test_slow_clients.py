"""Issue 12, reproduction 8: slow clients must not starve the service.

Two clients holding half-sent bodies stopped `make run`'s two sync workers. Served as
gunicorn.conf.py says (threaded workers), four such clients hold four threads and the service
goes on answering: /livez, and a full submission.
"""

from __future__ import annotations

import runpy
import socket
import time

import pytest
import requests

from tests.support.bodies import ROOT, sample_body
from tests.support.live import LiveServer, store_key

pytestmark = pytest.mark.live
SLOW_CLIENTS = 4


def _half_sent(base: str, key: str) -> socket.socket:
    """A POST whose headers promise 100,000 bytes of body and that sends ten of them."""
    host, port = base.removeprefix("http://").split(":")
    conn = socket.create_connection((host, int(port)), timeout=10)
    conn.sendall(
        b"POST /api/v1/assessments HTTP/1.1\r\n"
        + f"Host: {host}:{port}\r\nAuthorization: Bearer {key}\r\n".encode()
        + b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
        + b'{"title": '
    )
    return conn


def test_four_half_sent_bodies_do_not_stop_the_service(tmp_path):
    path = tmp_path / "slow.db"
    key = store_key(path, "assessments:read", "assessments:write", name="writer")
    live = LiveServer(path, tmp_path / "gunicorn.log", workers=2).start()
    held = []
    try:
        held = [_half_sent(live.base, key) for _ in range(SLOW_CLIENTS)]
        time.sleep(0.5)  # the workers have taken them up and wait for their bodies
        for _ in range(10):
            assert requests.get(live.base + "/livez", timeout=5).status_code == 200
        posted = requests.post(
            live.base + "/api/v1/assessments",
            json=sample_body(),
            headers={"Authorization": f"Bearer {key}"},
            timeout=30,
        )
        assert posted.status_code == 201, posted.text[:300]
    finally:
        for conn in held:
            conn.close()
        live.stop()


def test_a_body_that_stops_arriving_frees_its_thread(tmp_path):
    path = tmp_path / "stalled.db"
    key = store_key(path, "assessments:read", "assessments:write", name="writer")
    live = LiveServer(
        path, tmp_path / "gunicorn.log", workers=1, env={"MODELRISK_BODY_READ_TIMEOUT": "1"}
    ).start()
    try:
        conn = _half_sent(live.base, key)
        answer = conn.recv(4096)  # within the socket's 10 s: the 1 s read timeout answers first
        conn.close()
        assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
        assert b"application/problem+json" in answer
    finally:
        live.stop()
    assert "Traceback" not in live.log_text()


def test_a_worker_with_every_thread_held_takes_no_new_connection(tmp_path):
    """Every thread of one worker and all but one of the other's hold a half-sent body: each
    new connection must go to the one free thread. Plain gthread accepted whenever its loop
    woke, so a new connection could queue behind a full worker while the other had a thread
    free (in `make bench`, 14 of 16 clients on one worker)."""
    threads = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["threads"]
    path = tmp_path / "full.db"
    key = store_key(path, "assessments:read", "assessments:write", name="writer")
    live = LiveServer(
        path, tmp_path / "gunicorn.log", workers=2, env={"MODELRISK_BODY_READ_TIMEOUT": "60"}
    ).start()
    held = []
    try:
        for _ in range(2 * threads - 1):
            held.append(_half_sent(live.base, key))
            time.sleep(0.05)  # taken up by a thread before the next one comes
        time.sleep(0.5)
        for _ in range(20):
            answer = requests.get(live.base + "/livez", headers={"Connection": "close"}, timeout=5)
            assert answer.status_code == 200
    finally:
        for conn in held:
            conn.close()
        live.stop()
    assert "Traceback" not in live.log_text()
