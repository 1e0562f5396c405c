"""The short request path of a submission: scoring outside the write lock, one write
transaction for everything the POST writes, and each large document encoded once."""

from __future__ import annotations

import json

import pytest

from service import jsontext
from service.application import assessments
from service.store import context
from tests.support.bodies import DATA

EVERY_ITEM = json.loads((DATA / "samples" / "every-item-answered.json").read_text())
KEY = {"Idempotency-Key": "5b0d3f5e-2a0e-4b55-8f0e-6c1c2d3e4f50"}


@pytest.fixture
def statements(db):
    """Every SQL statement run on this thread's connection (the test client's requests run on
    this thread, and a thread keeps one connection), in order."""
    seen: list[str] = []
    db.conn.set_trace_callback(seen.append)
    yield seen
    db.conn.set_trace_callback(None)


def test_scoring_runs_outside_the_write_lock(api, monkeypatch):
    score, checked = assessments.score, []

    def watched(content, body):
        checked.append(context.get_db().conn.in_transaction)
        return score(content, body)

    monkeypatch.setattr(assessments, "score", watched)
    assert api.submit(EVERY_ITEM, headers=KEY).status_code == 201
    assert checked == [False]


def test_one_write_transaction_holds_the_assessment_audit_idempotency_and_count(api, statements):
    api.get("/api/v1/policies")  # the key's first use: its count and last use are written
    statements.clear()
    assert api.submit(EVERY_ITEM, headers=KEY).status_code == 201
    begins = [n for n, s in enumerate(statements) if s.startswith("BEGIN")]
    assert len(begins) == 1, [s for s in statements if s.startswith(("BEGIN", "COMMIT"))]
    inside = statements[begins[0] :]
    for table in ("rate_limits", "assessments", "audit_events", "idempotency_keys"):
        assert any(f"INSERT INTO {table}" in s for s in inside), table


def test_each_large_document_is_encoded_once(api, monkeypatch):
    assert api.submit(EVERY_ITEM).status_code == 201  # the content snapshot is stored once
    sent = json.dumps(EVERY_ITEM).encode()
    encoded: list[int] = []

    def counting(encoder):
        def counted(*args, **kwargs):
            out = encoder(*args, **kwargs)
            encoded.append(len(out))
            return out

        return counted

    # Both encoders: the standard library's (hashed forms) and jsontext's (the rest).
    monkeypatch.setattr(json, "dumps", counting(json.dumps))
    monkeypatch.setattr(jsontext, "encode", counting(jsontext.encode))
    response = api.client.post(
        "/api/v1/assessments",
        data=sent,
        content_type="application/json",
        headers=api.headers(KEY),
    )
    assert response.status_code == 201
    large = [n for n in encoded if n > 2000]
    # The input (stored and hashed), the lean result (stored), the 201 (sent and kept).
    assert len(large) == 3, encoded
