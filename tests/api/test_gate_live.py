"""The gate end to end on a live gunicorn: evidence uploaded, an assessment citing it with a
manifest signed here through model-signing, approved by a second person's key, then the gate
asked about the same files (allowed), one changed file (refused, naming it) and, on a server
whose clock is set past the approval's expiry, the same files (refused). Tampered bundles and
mismatched digests are refused at submission with the reason."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import requests

from service import store, times
from service.store.audit_verify import verify
from tests.support.apps import AUDIT_KEY
from tests.support.bodies import LLAMA_8B, approvable_body
from tests.support.live import store_key, store_user
from tests.support.signing import signed_model, with_payload

pytestmark = pytest.mark.live


def clock_at(folder, moment) -> dict:
    """The environment of a server whose clock starts at `moment` (and runs on): a
    sitecustomize module that starts time-machine before anything else is imported."""
    site = folder / "clock"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(
        f"import time_machine\ntime_machine.travel({moment.isoformat()!r}, tick=True).start()\n",
        encoding="utf-8",
    )
    return {"PYTHONPATH": str(site)}


def test_the_gate_end_to_end(tmp_path, live_server):
    database = tmp_path / "gate.db"
    writer = store_key(database, "assessments:read", "assessments:write", name="assessor")
    store_user(database, "rita@example.com", "reviewer")
    reviewer = store_key(
        database, "assessments:read", "reviews:write", name="rita", owner="rita@example.com"
    )
    pipeline = store_key(database, "gate:read", name="deploy pipeline")
    model = signed_model(tmp_path)
    server = live_server(database).start()
    http = requests.Session()

    def call(method, path, key, **kwargs):
        headers = {"Authorization": f"Bearer {key}"}
        return http.request(method, server.base + path, headers=headers, timeout=30, **kwargs)

    scan = call(
        "POST",
        "/api/v1/evidence",
        writer,
        files={"file": ("scan.pdf", b"%PDF-1.7\nweights scanned: clean\n", "application/pdf")},
        data={"description": "Ingestion scan of the weights", "expires_on": "2099-12-31"},
    )
    assert scan.status_code == 201, scan.text
    body = approvable_body(title="Support bot, EU")
    body["answers"]["SEC-03"] = {
        "value": body["answers"]["SEC-03"],
        "evidence": [scan.json()["id"]],
    }
    signature = {"bundle": model["bundle"], "public_key": model["public_key"]}
    body["model"]["artifact"] = {"files": model["files"], "signature": signature}

    tampered = json.loads(json.dumps(body))
    tampered["model"]["artifact"]["signature"]["bundle"] = with_payload(
        model["bundle"], lambda s: s["predicate"]["resources"][0].update(digest="0" * 64)
    )
    refused = call("POST", "/api/v1/assessments", writer, json=tampered)
    assert refused.status_code == 422
    assert "does not verify" in refused.json()["errors"][0]["message"]
    mismatched = json.loads(json.dumps(body))
    mismatched["model"]["artifact"]["files"][2]["sha256"] = "6" * 64
    refused = call("POST", "/api/v1/assessments", writer, json=mismatched)
    assert refused.status_code == 422
    assert model["files"][2]["path"] in refused.json()["errors"][0]["message"]

    created = call("POST", "/api/v1/assessments", writer, json=body)
    assert created.status_code == 201, created.text
    aid = created.json()["id"]
    review = call(
        "POST", f"/api/v1/assessments/{aid}/reviews", reviewer, json={"decision": "approve"}
    )
    assert review.status_code == 200, review.text
    expires = review.json()["expires_at"]
    read = call("GET", f"/api/v1/assessments/{aid}", writer).json()
    assert read["artifact"]["signature"]["verified"] is True
    assert [e["id"] for e in read["evidence"]] == [scan.json()["id"]]

    def gate(files):
        answer = call(
            "POST",
            "/api/v1/gate",
            pipeline,
            json={"model": LLAMA_8B, "use": "Support bot, EU", "files": files},
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    same = gate(model["files"])
    assert same["allowed"] is True and same["assessment"]["id"] == aid
    changed = [dict(f) for f in model["files"]]
    changed[1]["sha256"] = "7" * 64
    answer = gate(changed)
    assert answer["allowed"] is False
    assert answer["reasons"][0]["code"] == "different_weights"
    assert answer["reasons"][0]["files"]["changed"] == [changed[1]["path"]]
    server.stop()

    later = times.parse(expires) + timedelta(days=1)
    server = live_server(database, env=clock_at(tmp_path, later)).start()
    expired = gate(model["files"])
    assert expired["allowed"] is False
    assert [r["code"] for r in expired["reasons"]] == ["expired"]
    assert expired["checked_at"] > expires
    server.stop()

    db = store.connect(database, AUDIT_KEY)
    try:
        actions = [
            r[0]
            for r in db.execute(
                "SELECT action FROM audit_events WHERE action LIKE 'gate.%' ORDER BY seq"
            )
        ]
        assert actions == ["gate.allowed", "gate.refused", "gate.refused"]
        assert verify(db).ok
    finally:
        db.close()
