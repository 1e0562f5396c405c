"""Answers derived from the artefact (basis artifact): the engine is given what the application
verified about `model.artifact` and reads it through the content's `derive_from` rules; a
signature that did not verify claims nothing, and an assessor's other answer keeps its
justification."""

from __future__ import annotations

import pytest

from service import engine
from service.application import assessments
from tests.support.bodies import approvable_body, real_content

AS_OF = "2026-11-15"
DIGEST = "ab" * 32
SIGNER = "key sha256:" + "cd" * 32
# What application/artifacts.py examines a signed artefact into (the engine verifies nothing).
VERIFIED = {
    "manifest_digest": DIGEST,
    "files": {"model.safetensors": "ef" * 32},
    "file_count": 1,
    "repo_id": None,
    "revision": None,
    "signature": {"method": "key", "verified": True, "signer": SIGNER, "issuer": None},
}
UNVERIFIED = {
    **VERIFIED,
    "signature": {
        "method": "sigstore",
        "verified": False,
        "signer": "someone@example.com",
        "issuer": "https://accounts.example.com",
        "reason": "no Sigstore trust configuration is set",
    },
}
UNSIGNED = {**VERIFIED, "signature": None}


def _facts(artifact, body=None):
    b = body or approvable_body()
    return engine.facts(real_content(), b["model"], b["deployment"], AS_OF, artifact)


def _finding(result: dict, item: str) -> dict:
    return next(f for f in result["findings"] if f["item"] == item)


def test_a_verified_signature_answers_the_integrity_item_with_its_source():
    found = _facts(VERIFIED).derived["SEC-05"]
    assert (found.answer, found.basis, found.verified) == ("signature_verified", "artifact", True)
    assert found.source == f"model.artifact, manifest {DIGEST}, signed by {SIGNER}"
    assert "verified" in found.fact and "(1 in all)" in found.fact


@pytest.mark.parametrize(
    "artifact", [UNVERIFIED, UNSIGNED, None], ids=["unverified", "unsigned", "none"]
)
def test_an_unverified_or_missing_signature_claims_nothing(artifact):
    assert "SEC-05" not in _facts(artifact).derived
    assert all(d.basis != "artifact" for d in _facts(artifact).derived.values())


def test_the_result_names_the_artifact_basis_and_reads_the_same_either_way():
    content = real_content()
    b = approvable_body()
    del b["answers"]["SEC-05"]  # left to the artefact
    policy = content.policies[b["policy"]]
    given = engine.score(b, content, policy, _facts(VERIFIED, b), AS_OF)
    worked_out = engine.score(b, content, policy, None, AS_OF, VERIFIED)
    assert given == worked_out
    explained = engine.explain(given, engine.snapshot(content))
    f = _finding(explained, "SEC-05")
    assert f["source"] == "derived" and f["answer"] == "signature_verified"
    assert f["derived"]["basis"] == "artifact" and f["derived"]["verified"] is True
    assert SIGNER in f["derived"]["source"] and DIGEST in f["reason"]
    without = engine.explain(
        engine.score(b, content, policy, None, AS_OF), engine.snapshot(content)
    )
    assert _finding(without, "SEC-05")["source"] == "unanswered"


def test_a_riskier_answer_stands_and_keeps_its_justification():
    b = approvable_body()
    why = "The serving image loads the files without checking them again."
    b["answers"]["SEC-05"] = {"value": "first_use_digests", "justification": why}
    content = real_content()
    result = engine.score(b, content, content.policies[b["policy"]], _facts(VERIFIED, b), AS_OF)
    f = _finding(result, "SEC-05")
    assert (f["answer"], f["source"], f["risky"]) == ("first_use_digests", "assessor", True)
    assert f["override"] == {
        "derived_answer": "signature_verified",
        "fact": f["derived"]["fact"],
        "justification": why,
    }
    b["answers"]["SEC-05"] = "none"  # riskier than the fact: no justification needed
    result = engine.score(b, content, content.policies[b["policy"]], _facts(VERIFIED, b), AS_OF)
    assert _finding(result, "SEC-05")["answer"] == "none"
    assert _finding(result, "SEC-05")["override"] is None


def test_the_application_examines_the_artefact_before_judging_overrides(monkeypatch):
    """validation hands the examined artefact to the engine: the answer is derived when the
    signature verified, and the assessor's own otherwise."""
    from service.application import artifacts

    b = approvable_body()
    b["model"]["artifact"] = {"files": [{"path": "model.safetensors", "sha256": "ef" * 32}]}
    b["answers"]["SEC-05"] = "publisher_digests"
    for record in (VERIFIED, UNSIGNED):
        monkeypatch.setattr(artifacts, "examine", lambda artifact, record=record: record)
        _, result = assessments.evaluate(real_content(), b)
        f = _finding(result, "SEC-05")
        # As safe as the fact: the assessor's answer stands beside it without a justification.
        assert f["source"] == "assessor" and f["answer"] == "publisher_digests"
        assert (f["derived"] is not None) == (record is VERIFIED)
    b["answers"].pop("SEC-05")
    monkeypatch.setattr(artifacts, "examine", lambda artifact: VERIFIED)
    _, result = assessments.evaluate(real_content(), b)
    assert _finding(result, "SEC-05")["source"] == "derived"
    monkeypatch.setattr(artifacts, "examine", lambda artifact: UNVERIFIED)
    _, result = assessments.evaluate(real_content(), b)
    assert _finding(result, "SEC-05")["source"] == "unanswered"


def test_overrides_follow_the_rule_of_every_other_basis():
    """An answer at least as risky as the artefact fact stands; one less risky than an artefact
    fact would need a justification (no artifact rule gives a risky answer today)."""
    from service.engine import lineage

    found = _facts(VERIFIED).derived["SEC-05"]
    item = real_content().items["SEC-05"]
    assert engine.stands(item, "none", found) and engine.stands(item, "publisher_digests", found)
    risky = lineage.Derived(**{**found.__dict__, "answer": "none", "risk": 1.0})
    assert not engine.stands(item, "signature_verified", risky)
