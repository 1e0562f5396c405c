"""Through the API, with bundles signed here: a verified signature answers SEC-05 with basis
artifact and its source; a keyless bundle left unverified claims nothing; a riskier answer
keeps its justification; the approval still binds the exact files at the gate."""

from __future__ import annotations

import json

import pytest

from tests.api.test_gate import approved, ask, codes, with_artifact
from tests.support.apps import ApiClient
from tests.support.bodies import approvable_body
from tests.support.signing import (
    KEYLESS_FILES,
    KEYLESS_IDENTITY,
    KEYLESS_ISSUER,
    keyless_bundle,
    signed_model,
)


@pytest.fixture
def model(tmp_path):
    return signed_model(tmp_path)


def _sec05(api, assessment_id: str) -> dict:
    found = api.get(f"/api/v1/assessments/{assessment_id}").get_json()
    return next(f for f in found["result"]["findings"] if f["item"] == "SEC-05")


def test_a_verified_signature_answers_sec05_with_its_source(api, model):
    body = with_artifact(model)
    del body["answers"]["SEC-05"]
    created = api.submitted(body)
    f = _sec05(api, created["id"])
    assert f["source"] == "derived" and f["answer"] == "signature_verified"
    derived = f["derived"]
    assert derived["basis"] == "artifact" and derived["verified"] is True
    found = api.get(f"/api/v1/assessments/{created['id']}").get_json()
    signer = found["artifact"]["signature"]["signer"]
    assert signer.startswith("key sha256:") and signer in derived["source"]
    assert found["artifact"]["manifest_digest"] in derived["source"]


def test_an_unverified_keyless_bundle_does_not_claim_it(api):
    body = approvable_body()
    del body["answers"]["SEC-05"]
    signature = {"bundle": keyless_bundle(), "identity": KEYLESS_IDENTITY, "issuer": KEYLESS_ISSUER}
    body["model"]["artifact"] = {"files": KEYLESS_FILES, "signature": signature}
    created = api.submitted(body)  # no trust configuration in the test app
    found = api.get(f"/api/v1/assessments/{created['id']}").get_json()
    assert found["artifact"]["signature"]["verified"] is False
    f = _sec05(api, created["id"])
    assert f["source"] == "unanswered" and f["derived"] is None


def test_a_bundles_free_form_parts_read_back_as_sent(api):
    # A bundle is stored as sent; what orjson will not write (an integer past 64 bits, nesting
    # past 254 levels) must still read back, not fail the GET.
    bundle = keyless_bundle()
    bundle["x-extra"] = {"n": 2**70, "deep": json.loads("[" * 300 + "]" * 300)}
    body = approvable_body()
    signature = {"bundle": bundle, "identity": KEYLESS_IDENTITY, "issuer": KEYLESS_ISSUER}
    body["model"]["artifact"] = {"files": KEYLESS_FILES, "signature": signature}
    created = api.submitted(body)
    found = api.get(f"/api/v1/assessments/{created['id']}")
    assert found.status_code == 200
    sent = found.get_json()["input"]["model"]["artifact"]["signature"]["bundle"]["x-extra"]
    assert sent == bundle["x-extra"]


def test_digests_without_a_signature_do_not_claim_it(api, model):
    body = with_artifact(model, signed=False)
    body["answers"]["SEC-05"] = "first_use_digests"
    f = _sec05(api, api.submitted(body)["id"])
    assert f["source"] == "assessor" and f["derived"] is None


def test_a_riskier_answer_keeps_its_justification(api, model):
    body = with_artifact(model)
    why = "The serving image does not check the files again at load."
    body["answers"]["SEC-05"] = {"value": "first_use_digests", "justification": why}
    f = _sec05(api, api.submitted(body)["id"])
    assert f["answer"] == "first_use_digests" and f["source"] == "assessor"
    assert f["override"]["justification"] == why
    assert f["override"]["derived_answer"] == "signature_verified"


def test_the_gate_still_refuses_weights_that_differ(api, reviewer, make_key, model):
    gate = ApiClient(api.client, make_key("gate:read", name="pipeline"))
    body = with_artifact(model)
    del body["answers"]["SEC-05"]
    found = approved(api, reviewer, body)
    assert ask(gate, found["id"], model["files"])["allowed"] is True
    files = [dict(f) for f in model["files"]]
    files[0]["sha256"] = "9" * 64
    answer = ask(gate, found["id"], files)
    assert answer["allowed"] is False and codes(answer) == ["different_weights"]
    assert answer["reasons"][0]["files"]["changed"] == [files[0]["path"]]
