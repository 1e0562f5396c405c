"""The per-key rate limit across workers, without a write transaction per request.

Two apps on one database stand for two gunicorn workers: each counts in its own memory and
adds to the shared count in the store (in a POST's own transaction, or every 0.1% of the
limit).
"""

from __future__ import annotations

import pytest

from service import store
from tests.support.apps import ApiClient, build_app, create_key
from tests.support.bodies import sample_body

POLICIES = "/api/v1/policies"


@pytest.fixture
def workers(tmp_path):
    """Two apps on one database, both with the limit asked for."""

    def make(limit: int, window: int = 3600):
        first = build_app(tmp_path, API_RATE_LIMIT=limit, API_RATE_WINDOW=window)
        second = build_app(
            tmp_path,
            DATABASE=first.config["DATABASE"],
            API_RATE_LIMIT=limit,
            API_RATE_WINDOW=window,
        )
        key = create_key(first, "assessments:read", "assessments:write")
        return [ApiClient(app.test_client(), key) for app in (first, second)], first

    return make


def stored_count(app) -> int:
    db = store.connect(app.config["DATABASE"])
    try:
        return db.execute("SELECT COALESCE(SUM(count), 0) FROM rate_limits").fetchone()[0]
    finally:
        db.close()


def test_a_small_limit_holds_exactly_across_workers(workers):
    (a, b), _ = workers(3)
    statuses = [client.get(POLICIES).status_code for client in (a, b, a, b, a)]
    assert statuses == [200, 200, 200, 429, 429]


def test_reads_write_the_count_only_every_thousandth_of_the_limit(workers):
    (a, _), app = workers(10_000)  # a batch of 10 requests
    a.get(POLICIES)  # the key's first use is written at once, with the count so far
    assert stored_count(app) == 1
    for _ in range(9):
        a.get(POLICIES)
    assert stored_count(app) == 1  # nine more requests, none written
    a.get(POLICIES)
    assert stored_count(app) == 11  # the tenth unwritten one writes the batch


def test_a_post_writes_the_count_in_its_own_transaction(workers):
    (a, _), app = workers(10_000)
    a.get(POLICIES)
    a.get(POLICIES)
    assert stored_count(app) == 1
    assert a.submit(sample_body()).status_code == 201
    assert stored_count(app) == 3  # the unwritten read and the POST itself


def test_the_overrun_across_workers_is_bounded_by_the_batch(workers):
    (a, b), _ = workers(2000)  # a batch of 2: each worker may hold one request unwritten
    allowed = 0
    for n in range(2060):
        allowed += (a if n % 2 else b).get(POLICIES).status_code == 200
    assert 2000 <= allowed <= 2000 + 2 * (2 - 1)


def test_remaining_counts_down_and_the_limit_can_be_off(workers, make_app):
    (a, _), _ = workers(5)
    remaining = [int(a.get(POLICIES).headers["X-RateLimit-Remaining"]) for _ in range(3)]
    assert remaining == [4, 3, 2]
    off = make_app(API_RATE_LIMIT=0)
    client = ApiClient(off.test_client(), create_key(off))
    response = client.get(POLICIES)
    assert response.status_code == 200 and "X-RateLimit-Limit" not in response.headers
