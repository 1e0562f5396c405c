"""The deployment gate: the approved files are allowed; a changed, missing or extra file, another
model, an expired approval or risk acceptance, an overdue re-assessment, or no approval at all
is refused with the reason; every answer is in the audit trail; input is bounded."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
import time_machine

from service import times
from service.interop import manifest
from service.store import audit_verify
from service.store.context import get_db
from tests.support.apps import ApiClient
from tests.support.bodies import LLAMA_8B, approvable_body, sample_body
from tests.support.signing import signed_model


@pytest.fixture
def model(tmp_path):
    return signed_model(tmp_path)


@pytest.fixture
def gate(api, make_key):
    return ApiClient(api.client, make_key("gate:read", name="pipeline"))


def with_artifact(model, body=None, signed=True) -> dict:
    body = body or approvable_body()
    artifact = {"files": model["files"], "revision": "a" * 40, "repo_id": LLAMA_8B}
    if signed:
        artifact["signature"] = {"bundle": model["bundle"], "public_key": model["public_key"]}
    body["model"]["artifact"] = artifact
    return body


def approved(api, reviewer, body) -> dict:
    created = api.submitted(body)
    assert reviewer.review(created["id"], "approve").status_code == 200
    return api.get(f"/api/v1/assessments/{created['id']}").get_json()


def ask(gate, use, files=None, model=LLAMA_8B, **extra):
    body = {"model": model, "use": use, **extra}
    if files is not None:
        body["files"] = files
    response = gate.post("/api/v1/gate", json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def codes(answer) -> list[str]:
    return [r["code"] for r in answer["reasons"]]


def test_the_approved_files_are_allowed_by_title_and_by_id(api, reviewer, gate, model):
    found = approved(api, reviewer, with_artifact(model))
    for use in (found["title"], found["id"], found["title"].upper()):
        answer = ask(gate, use, model["files"])
        assert answer["allowed"] is True, answer
        assert answer["assessment"]["id"] == found["id"]
        assert answer["expires_at"] == found["expires_at"]
        assert answer["manifest_digest"] == found["artifact"]["manifest_digest"]
    by_digest = ask(gate, found["id"], manifest_digest=found["artifact"]["manifest_digest"])
    assert by_digest["allowed"] is True
    assert found["artifact"]["signature"]["verified"] is True


def test_a_changed_missing_or_extra_file_is_refused_and_named(api, reviewer, gate, model):
    found = approved(api, reviewer, with_artifact(model))
    files = [dict(f) for f in model["files"]]
    files[1]["sha256"] = "0" * 64
    answer = ask(gate, found["title"], files)
    assert answer["allowed"] is False and codes(answer) == ["different_weights"]
    (reason,) = answer["reasons"]
    assert reason["files"]["changed"] == [files[1]["path"]]
    assert files[1]["path"] in reason["message"]
    fewer = ask(gate, found["title"], model["files"][1:] + [{"path": "x.gguf", "sha256": "1" * 64}])
    diff = fewer["reasons"][0]["files"]
    assert diff["missing"] == [model["files"][0]["path"]] and diff["extra"] == ["x.gguf"]
    other = ask(gate, found["title"], manifest_digest="2" * 64)
    assert codes(other) == ["different_weights"] and "2" * 64 in other["reasons"][0]["message"]


def test_after_the_expiry_the_same_files_are_refused(api, reviewer, gate, model):
    found = approved(api, reviewer, with_artifact(model))
    with time_machine.travel(times.parse(found["expires_at"]) + timedelta(days=1), tick=False):
        answer = ask(gate, found["title"], model["files"])
    assert answer["allowed"] is False and codes(answer) == ["expired"]


def test_an_expired_risk_acceptance_is_named(api, reviewer, gate, model):
    body = with_artifact(model, sample_body())  # the engine rejects it
    created = api.submitted(body)
    comment = "Accepted for a time-boxed pilot with extra monitoring in place."
    accepted = reviewer.post(
        f"/api/v1/assessments/{created['id']}/reviews",
        json={"decision": "approve", "comment": comment, "accept_risk": True},
    )
    assert accepted.status_code == 200, accepted.get_json()
    expires = accepted.get_json()["expires_at"]
    assert ask(gate, created["id"], model["files"])["allowed"] is True
    with time_machine.travel(times.parse(expires) + timedelta(seconds=1), tick=False):
        answer = ask(gate, created["id"], model["files"])
    assert codes(answer) == ["risk_acceptance_expired"]


def test_a_reassessment_due_is_allowed_within_its_grace_and_refused_after(
    api, reviewer, gate, model
):
    found = approved(api, reviewer, with_artifact(model))
    watch = found["reassessment"]
    due, grace = times.parse(watch["due_at"]), times.parse(watch["grace_until"])
    assert (grace - due).days == 14  # the default policy's grace_days
    with time_machine.travel(due + timedelta(days=1), tick=False):
        inside = ask(gate, found["title"], model["files"])
        listed = api.get("/api/v1/assessments?reassessment_due=true").get_json()
    assert inside["allowed"] is True and inside["reassessment"]["due"] is True
    assert [r["kind"] for r in inside["reassessment"]["reasons"]] == ["expiry_near"]
    assert [i["id"] for i in listed["items"]] == [found["id"]]
    with time_machine.travel(grace + timedelta(seconds=1), tick=False):
        after = ask(gate, found["title"], model["files"])
    assert codes(after) == ["reassessment_overdue"]


def test_no_approval_another_model_and_no_artifact_are_refused(api, reviewer, gate, model):
    waiting = api.submitted(with_artifact(model))
    answer = ask(gate, waiting["id"], model["files"])
    assert codes(answer) == ["no_approval"] and "submitted" in answer["reasons"][0]["message"]
    assert codes(ask(gate, "No such use", model["files"])) == ["no_approval"]
    found = approved(api, reviewer, with_artifact(model, approvable_body(title="Other use")))
    assert codes(ask(gate, found["id"], model["files"], model="mistralai/Other")) == [
        "different_model"
    ]
    bare = approved(api, reviewer, approvable_body(title="Unbound"))
    assert codes(ask(gate, bare["id"], model["files"])) == ["no_artifact"]


def test_every_answer_is_audited(app, api, reviewer, gate, model):
    found = approved(api, reviewer, with_artifact(model))
    ask(gate, found["id"], model["files"])
    ask(gate, found["id"], manifest_digest="3" * 64)
    with app.app_context():
        db = get_db()
        events = [
            (r["action"], json.loads(r["details_json"]))
            for r in db.query(
                "SELECT action, details_json FROM audit_events WHERE action LIKE 'gate.%' "
                "ORDER BY seq"
            )
        ]
        assert audit_verify.verify(db).ok
    assert [a for a, _ in events] == ["gate.allowed", "gate.refused"]
    assert events[1][1]["reasons"] == ["different_weights"]
    assert events[0][1]["manifest_digest"] == found["artifact"]["manifest_digest"]


def test_answers_given_at_once_each_have_their_event(app, api, reviewer, gate, model):
    """Many pipelines at once (their events share transactions): one event per answer, allowed
    or refused as answered, and the chain verifies."""
    found = approved(api, reviewer, with_artifact(model))
    other = [dict(f, sha256="4" * 64) for f in model["files"]]
    answers: list[bool] = []

    def pipeline(files):
        for _ in range(5):
            answers.append(ask(gate, found["id"], files)["allowed"])

    threads = [threading.Thread(target=pipeline, args=(f,)) for f in [model["files"], other] * 6]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(answers) == [False] * 30 + [True] * 30
    with app.app_context():
        db = get_db()
        actions = [
            r["action"]
            for r in db.query("SELECT action FROM audit_events WHERE action LIKE 'gate.%'")
        ]
        assert audit_verify.verify(db).ok
    assert sorted(actions) == ["gate.allowed"] * 30 + ["gate.refused"] * 30


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"use": "x", "manifest_digest": "0" * 64}, "model"),
        ({"model": "m", "use": "x"}, "files"),
        ({"model": "m", "use": "x", "manifest_digest": "zz"}, "manifest_digest"),
        ({"model": "m", "use": "x", "files": [], "manifest_digest": "0" * 64}, "files"),
        (
            {"model": "m", "use": "x", "files": [{"path": "../x", "sha256": "0" * 64}]},
            "files.0.path",
        ),
        ({"model": "m", "use": "x" * 201, "manifest_digest": "0" * 64}, "use"),
        ({"model": "m", "use": "x", "manifest_digest": "0" * 64, "extra": 1}, "extra"),
        (
            {
                "model": "m",
                "use": "x",
                "files": [{"path": f"f{n}", "sha256": "0" * 64} for n in range(4097)],
            },
            "files",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field(gate, body, field):
    response = gate.post("/api/v1/gate", json=body)
    assert response.status_code == 422
    assert field in {e["field"] for e in response.get_json()["errors"]}


def test_the_command_answers_with_its_exit_status(app, api, reviewer, model, runner, tmp_path):
    found = approved(api, reviewer, with_artifact(model))
    request = tmp_path / "check.json"
    request.write_text(json.dumps({"model": LLAMA_8B, "use": found["id"], "files": model["files"]}))
    allowed = runner.invoke(args=["gate", "check", str(request)])
    assert allowed.exit_code == 0 and json.loads(allowed.output)["allowed"] is True
    request.write_text(
        json.dumps({"model": LLAMA_8B, "use": found["id"], "manifest_digest": "4" * 64})
    )
    refused = runner.invoke(args=["gate", "check", str(request)])
    assert refused.exit_code == 1 and json.loads(refused.output)["reasons"][0]["code"] == (
        "different_weights"
    )
    request.write_text("{not json")
    assert runner.invoke(args=["gate", "check", str(request)]).exit_code == 2
    request.write_text(json.dumps({"model": LLAMA_8B}))
    invalid = runner.invoke(args=["gate", "check", str(request)])
    assert invalid.exit_code == 2 and "use" in invalid.output


def test_a_tampered_bundle_or_mismatched_digests_refuse_the_submission(api, model):
    files = [dict(f) for f in model["files"]]
    files[0]["sha256"] = "5" * 64
    body = with_artifact(model)
    body["model"]["artifact"]["files"] = files
    response = api.submit(body)
    assert response.status_code == 422
    (error,) = response.get_json()["errors"]
    assert error["field"] == "model.artifact.signature.bundle"
    assert f"other digest: {files[0]['path']}" in error["message"]
    assert manifest.SHA256.match(model["files"][0]["sha256"])


def test_an_approved_manifest_changed_in_the_database_fails_audit_verify(app, api, reviewer, model):
    found = approved(api, reviewer, with_artifact(model))
    with app.app_context():
        db = get_db()
        assert audit_verify.verify(db).ok
        db.execute("UPDATE artifacts SET manifest_digest = ?", ["8" * 64])
        result = audit_verify.verify(db)
    assert any(f"artefact of assessment {found['id']}" in p for p in result.problems)


def test_the_report_prints_the_manifest_digest_and_each_evidence_digest(api, reviewer, model):
    import io

    from pypdf import PdfReader

    upload = api.client.post(
        "/api/v1/evidence",
        data={"file": (io.BytesIO(b"%PDF-1.7 scan"), "scan.pdf")},
        headers=api.headers(),
        content_type="multipart/form-data",
    ).get_json()
    body = with_artifact(model)
    body["answers"]["SEC-03"] = {"value": body["answers"]["SEC-03"], "evidence": [upload["id"]]}
    found = approved(api, reviewer, body)
    pdf = api.get(f"/api/v1/assessments/{found['id']}/report.pdf").data
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = "".join(text.split())  # long digests wrap in table cells
    assert found["artifact"]["manifest_digest"] in text
    assert upload["sha256"] in text and "Evidenceandartefact" in text


def test_a_keyless_artefact_is_verified_with_the_configured_trust_root(
    make_app, tmp_path, monkeypatch
):
    from tests.support.apps import create_key
    from tests.support.signing import (
        KEYLESS_FILES,
        KEYLESS_IDENTITY,
        KEYLESS_ISSUER,
        keyless_bundle,
        offline_trust_config,
    )

    signature = {"bundle": keyless_bundle(), "identity": KEYLESS_IDENTITY, "issuer": KEYLESS_ISSUER}
    body = approvable_body()
    body["model"]["artifact"] = {"files": KEYLESS_FILES, "signature": signature}
    trust = offline_trust_config(tmp_path, monkeypatch)
    outcomes = []
    for config in ({"SIGSTORE_TRUST_CONFIG": str(trust)}, {}):
        app = make_app(**config)
        client = ApiClient(
            app.test_client(), create_key(app, "assessments:read", "assessments:write")
        )
        created = client.submitted(body)
        found = client.get(f"/api/v1/assessments/{created['id']}").get_json()
        outcomes.append(found["artifact"]["signature"])
    assert outcomes[0]["verified"] is True and outcomes[0]["signer"] == KEYLESS_IDENTITY
    assert outcomes[1]["verified"] is False and "trust configuration" in outcomes[1]["reason"]
