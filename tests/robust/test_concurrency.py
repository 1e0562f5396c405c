"""Races on a live server (the 300-submission run is in tests/api/test_live.py).

Sixteen clients at once deciding on the same assessment, or revising it: exactly one wins and
the others get a clean 409 problem, across worker processes. And a chunked body over the limit
gets its 413 through gunicorn.
"""

from __future__ import annotations

import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.support.bodies import approvable_body, sample_body
from tests.support.live import LiveServer, store_key, store_user

pytestmark = pytest.mark.live
THREADS, ROUNDS = 16, 3


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("races")
    path = folder / "races.db"
    store_user(path, "rita@example.com", "reviewer")
    keys = {
        "writer": store_key(path, "assessments:read", "assessments:write", name="writer"),
        "reviewer": store_key(
            path, "assessments:read", "reviews:write", name="reviewer", owner="rita@example.com"
        ),
    }
    live = LiveServer(path, folder / "gunicorn.log", workers=3).start()
    try:
        yield live, path, keys
    finally:
        live.stop()


def _auth(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def _submit(base: str, key: str) -> str:
    r = requests.post(
        base + "/api/v1/assessments", json=approvable_body(), headers=_auth(key), timeout=30
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _all_at_once(call, n: int = THREADS) -> list[requests.Response]:
    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(lambda _: call(), range(n)))


def _one_winner(responses, won: int) -> None:
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [won] + [409] * (len(responses) - 1), statuses
    for r in responses:
        if r.status_code == 409:
            assert r.headers["Content-Type"].startswith("application/problem+json")
            assert r.json()["type"].endswith("invalid-state")


def test_sixteen_reviews_at_once_record_one(server):
    live, path, keys = server
    for _ in range(ROUNDS):
        aid = _submit(live.base, keys["writer"])
        url = f"{live.base}/api/v1/assessments/{aid}/reviews"
        _one_winner(
            _all_at_once(
                lambda url=url: requests.post(
                    url, json={"decision": "approve"}, headers=_auth(keys["reviewer"]), timeout=60
                )
            ),
            200,
        )
        with sqlite3.connect(path) as conn:
            assert (
                conn.execute(
                    "SELECT COUNT(*) FROM reviews WHERE assessment_id = ?", [aid]
                ).fetchone()[0]
                == 1
            )
        conn.close()
    assert "database is locked" not in live.log_text() and "Traceback" not in live.log_text()


def test_sixteen_revisions_at_once_make_one(server):
    live, path, keys = server
    for _ in range(ROUNDS):
        aid = _submit(live.base, keys["writer"])
        url = f"{live.base}/api/v1/assessments/{aid}/revisions"
        responses = _all_at_once(
            lambda url=url: requests.post(
                url,
                json=approvable_body(title="Revised"),
                headers=_auth(keys["writer"]),
                timeout=60,
            )
        )
        _one_winner(responses, 201)
        with sqlite3.connect(path) as conn:
            chain = conn.execute(
                "SELECT revision, status FROM assessments WHERE root_id = ? ORDER BY revision",
                [aid],
            ).fetchall()
        conn.close()
        assert chain == [(1, "superseded"), (2, "submitted")]
    assert "database is locked" not in live.log_text() and "Traceback" not in live.log_text()


def test_a_chunked_body_over_the_limit_gets_413_through_gunicorn(server):
    live, _, keys = server
    payload = json.dumps(sample_body(title="x" * 3_000_000)).encode()

    def chunks():
        for start in range(0, len(payload), 65536):
            yield payload[start : start + 65536]

    r = requests.post(
        live.base + "/api/v1/assessments",
        data=chunks(),
        timeout=60,
        headers={**_auth(keys["writer"]), "Content-Type": "application/json"},
    )
    assert r.status_code == 413, r.text[:300]
    assert r.headers["Content-Type"].startswith("application/problem+json")
