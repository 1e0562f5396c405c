"""A live gunicorn server with two workers on 127.0.0.1: concurrent clients, exact results."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.conftest import create_key, sample_body
from tests.support import ROOT

pytestmark = pytest.mark.live
THREADS, POSTS = 16, 200
RATE_LIMIT = 260


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(base: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            if requests.get(base + "/readyz", timeout=10).status_code == 200:
                return
        except requests.RequestException:  # refused, or a worker still loading the content
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not become ready")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn -w 2 on a free port over a temporary database; yields (base URL, db, keys)."""
    from service import create_app

    path = tmp_path_factory.mktemp("live") / "live.db"
    app = create_app({"TESTING": True, "DATABASE": str(path)})
    keys = {"writer": create_key(app, "assessments:read", "assessments:write", name="bulk"),
            "limited": create_key(app, "assessments:read", name="limited")}
    port = _free_port()
    env = {**os.environ, "MODELRISK_DATABASE": str(path), "MODELRISK_SECRET_KEY": "live-test",
           "MODELRISK_API_RATE_LIMIT": str(RATE_LIMIT), "MODELRISK_API_RATE_WINDOW": "3600"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--timeout", "120", "wsgi:app"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process)
        yield base, path, keys
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _post_all(base: str, key: str, bodies: list[dict], idem_keys: list[str]) -> list[tuple]:
    """POST every body from THREADS threads (one HTTP session each); (status, id or text)."""
    local = threading.local()

    def post(args):
        body, idem = args
        if not hasattr(local, "session"):
            local.session = requests.Session()
        r = local.session.post(base + "/api/v1/assessments", json=body, timeout=60,
                               headers={"Authorization": f"Bearer {key}", "Idempotency-Key": idem})
        return r.status_code, (r.json().get("id") if r.status_code == 201 else r.text)

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(post, zip(bodies, idem_keys, strict=True)))


def test_sixteen_threads_store_exactly_two_hundred(server):
    base, path, keys = server
    bodies = [sample_body(title=f"Live assessment {i}") for i in range(POSTS)]
    started = time.perf_counter()
    results = _post_all(base, keys["writer"], bodies, [str(uuid.uuid4()) for _ in bodies])
    elapsed = time.perf_counter() - started
    print(f"\n{POSTS} POSTs from {THREADS} threads to 2 workers: {elapsed:.2f}s "
          f"({POSTS / elapsed:.0f}/s)")
    assert [status for status, _ in results] == [201] * POSTS, results[:3]
    assert len({aid for _, aid in results}) == POSTS
    listed = requests.get(base + "/api/v1/assessments?per_page=1", timeout=30,
                          headers={"Authorization": f"Bearer {keys['writer']}"}).json()
    assert listed["total"] == POSTS
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM assessments").fetchone()[0] == POSTS
        assert conn.execute("SELECT COUNT(*) FROM audit_events WHERE action = "
                            "'assessment.submit'").fetchone()[0] == POSTS
    conn.close()


def test_the_same_idempotency_key_from_many_threads_stores_once(server):
    base, path, keys = server
    with sqlite3.connect(path) as conn:
        before = conn.execute("SELECT COUNT(*) FROM assessments").fetchone()[0]
    conn.close()
    idem = str(uuid.uuid4())
    body = sample_body(title="Once only")
    results = _post_all(base, keys["writer"], [body] * THREADS, [idem] * THREADS)
    statuses = [status for status, _ in results]
    assert set(statuses) <= {201, 409} and 201 in statuses
    assert len({aid for status, aid in results if status == 201}) == 1
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM assessments").fetchone()[0] == before + 1
    conn.close()


def test_the_rate_limit_holds_across_both_workers(server):
    base, _, keys = server
    headers = {"Authorization": f"Bearer {keys['limited']}"}
    left_in_window = 3600 - time.time() % 3600
    if left_in_window < 30:  # all requests must fall in one fixed window
        time.sleep(left_in_window + 1)

    def get(_):
        return requests.get(base + "/api/v1/policies", headers=headers, timeout=30).status_code

    with ThreadPoolExecutor(THREADS) as pool:
        statuses = list(pool.map(get, range(RATE_LIMIT + 40)))
    assert statuses.count(200) == RATE_LIMIT and statuses.count(429) == 40
