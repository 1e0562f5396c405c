"""A live gunicorn server with three workers on 127.0.0.1: concurrent clients, exact results."""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from service import store
from service.store.audit_verify import verify
from tests.support.apps import AUDIT_KEY
from tests.support.bodies import sample_body
from tests.support.live import LiveServer, store_key

pytestmark = pytest.mark.live
THREADS, POSTS, WORKERS = 16, 300, 3
RATE_LIMIT = 400  # per key and hour: above what the writer and the reader send here
LOCKED = "database is locked"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn -w 3 on a free port over a temporary database; yields (server, db, keys)."""
    folder = tmp_path_factory.mktemp("live")
    path = folder / "live.db"
    keys = {
        "writer": store_key(path, "assessments:read", "assessments:write", name="bulk"),
        "reader": store_key(path, "assessments:read", name="reader"),
        "limited": store_key(path, "assessments:read", name="limited"),
    }
    live = LiveServer(
        path,
        folder / "gunicorn.log",
        WORKERS,
        {"MODELRISK_API_RATE_LIMIT": str(RATE_LIMIT), "MODELRISK_API_RATE_WINDOW": "3600"},
    )
    live.start()
    try:
        yield live, path, keys
    finally:
        live.stop()


def _post_all(base: str, key: str, bodies: list[dict], idem_keys: list[str]) -> list[tuple]:
    """POST every body from THREADS threads (one HTTP session each); (status, id or text)."""
    local = threading.local()

    def post(args):
        body, idem = args
        if not hasattr(local, "session"):
            local.session = requests.Session()
        r = local.session.post(
            base + "/api/v1/assessments",
            json=body,
            timeout=60,
            headers={"Authorization": f"Bearer {key}", "Idempotency-Key": idem},
        )
        return r.status_code, (r.json().get("id") if r.status_code == 201 else r.text)

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(post, zip(bodies, idem_keys, strict=True)))


def test_sixteen_threads_store_exactly_three_hundred(server):
    live, path, keys = server
    base = live.base
    bodies = [sample_body(title=f"Live assessment {i}") for i in range(POSTS)]
    started = time.perf_counter()
    results = _post_all(base, keys["writer"], bodies, [str(uuid.uuid4()) for _ in bodies])
    elapsed = time.perf_counter() - started
    print(
        f"\n{POSTS} POSTs from {THREADS} threads to {WORKERS} workers: {elapsed:.2f}s "
        f"({POSTS / elapsed:.0f}/s)"
    )
    refused = [r for r in results if r[0] != 201]
    assert not refused, refused[:3]
    ids = [aid for _, aid in results]
    assert len(set(ids)) == POSTS
    listed = requests.get(
        base + "/api/v1/assessments?per_page=1",
        timeout=30,
        headers={"Authorization": f"Bearer {keys['writer']}"},
    ).json()
    assert listed["total"] == POSTS
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM assessments").fetchone()[0] == POSTS
        assert (
            conn.execute(
                "SELECT COUNT(*) FROM audit_events WHERE action = 'assessment.submit'"
            ).fetchone()[0]
            == POSTS
        )
    conn.close()
    # Each one readable, from the same 16 threads, and holding what was sent.
    read = _get_all(base, keys["reader"], ids)
    assert [status for status, _ in read] == [200] * POSTS, [r for r in read if r[0] != 200][:3]
    assert [got["title"] for _, got in read] == [b["title"] for b in bodies]
    assert all(got["input"]["title"] == got["title"] for _, got in read)
    assert LOCKED not in live.log_text() and "Traceback" not in live.log_text()
    # Three processes appended to one hash chain: it must still be one unbroken chain.
    db = store.connect(path, AUDIT_KEY)
    try:
        result = verify(db)
    finally:
        db.close()
    # A submit each, and key creations; every row matches its event.
    assert result.ok and result.events == POSTS + len(keys), result.message()


def _get_all(base: str, key: str, ids: list[str]) -> list[tuple]:
    """GET every assessment from THREADS threads; (status, body as JSON or text)."""
    local = threading.local()

    def get(aid):
        if not hasattr(local, "session"):
            local.session = requests.Session()
        r = local.session.get(
            f"{base}/api/v1/assessments/{aid}",
            timeout=60,
            headers={"Authorization": f"Bearer {key}"},
        )
        return r.status_code, (r.json() if r.status_code == 200 else r.text)

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(get, ids))


def test_the_same_idempotency_key_from_many_threads_stores_once(server):
    live, path, keys = server
    base = live.base
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


def test_the_rate_limit_holds_across_all_workers(server):
    live, _, keys = server
    base = live.base
    headers = {"Authorization": f"Bearer {keys['limited']}"}
    left_in_window = 3600 - time.time() % 3600
    if left_in_window < 30:  # all requests must fall in one fixed window
        time.sleep(left_in_window + 1)

    def get(_):
        return requests.get(base + "/api/v1/policies", headers=headers, timeout=30).status_code

    with ThreadPoolExecutor(THREADS) as pool:
        statuses = list(pool.map(get, range(RATE_LIMIT + 40)))
    assert statuses.count(200) == RATE_LIMIT and statuses.count(429) == 40
