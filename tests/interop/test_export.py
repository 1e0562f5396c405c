"""CycloneDX export of a stored assessment (validated against the official 1.6 schema bundled
with cyclonedx-python-lib) and the CSV register with formula cells neutralised."""

from __future__ import annotations

import csv
import json

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from service.application import assessments
from service.interop import register
from service.interop.bom_out import export
from service.report import unstored
from tests.support.bodies import BASE_DEPLOYMENT, DATA, real_content

STORED = json.loads((DATA / "report" / "stored-small.json").read_text(encoding="utf-8"))
VALIDATOR = JsonStrictValidator(SchemaVersion.V1_6)


def _valid(document: dict) -> None:
    errors = VALIDATOR.validate_str(json.dumps(document), all_errors=True)
    found = [(list(e.data.absolute_path), e.data.message) for e in errors or []]
    assert found == []


def _stored(model: dict, **fields) -> dict:
    body = {
        "title": "Export check",
        "requester": {"name": "Ada Assessor", "email": "ada@example.com", "organisation": "Acme"},
        "model": model,
        "deployment": dict(BASE_DEPLOYMENT),
        "answers": {"SEC-01": {"value": "official", "evidence_url": "https://e.example/x?a=1"}},
    }
    clean, result = assessments.evaluate(real_content(), body)
    fields.setdefault("id", "0123456789abcdef0123456789abcdef")
    fields.setdefault("submitted_by", {"kind": "user", "id": "1", "name": "Ada Assessor"})
    return unstored(clean, result, "2026-11-30T09:15:00.000000Z", **fields)


def test_stored_fixture_exports_a_valid_cyclonedx_16_document():
    document = export(STORED)
    _valid(document)
    assert document["specVersion"] == "1.6"
    model = document["metadata"]["component"]
    assert model["type"] == "machine-learning-model"
    assert model["purl"] == "pkg:huggingface/meta-llama/Llama-3.2-11B-Vision-Instruct"
    # A licence without an SPDX id goes by its name and URL from the knowledge base.
    assert model["licenses"] == [
        {
            "license": {
                "name": "Llama 3.2 Community License Agreement",
                "url": STORED["result"]["licenses"][0]["url"],
            }
        }
    ]


def test_every_finding_is_a_requirement_a_claim_and_evidence():
    document = export(STORED)
    declarations = document["declarations"]
    requirements = document["definitions"]["standards"][0]["requirements"]
    findings = {f["item"]: f for f in STORED["result"]["findings"]}
    assert [r["identifier"] for r in requirements] == sorted(findings)
    claims = {c["bom-ref"]: c for c in declarations["claims"]}
    evidence = {e["bom-ref"]: e for e in declarations["evidence"]}
    mapping = {m["requirement"]: m for m in declarations["attestations"][0]["map"]}
    for item, finding in findings.items():
        claim = claims[f"claim-{item}"]
        assert claim["target"] == "model"
        assert claim["predicate"] == f"{finding['title']}: {finding['answer_label']}"
        assert claim["reasoning"] == finding["reason"]
        entry = evidence[claim["evidence"][0]]
        attached = json.loads(entry["data"][0]["contents"]["attachment"]["content"])
        assert attached["answer"] == finding["answer"]
        assert attached["source"] == finding["source"]
        assert attached["points"] == finding["points"]
        assert mapping[f"requirement-{item}"]["conformance"]["score"] == round(
            1 - finding["risk"], 4
        )
    sec01 = evidence["evidence-SEC-01"]
    assert (
        sec01["data"][1]["contents"]["url"] == STORED["input"]["answers"]["SEC-01"]["evidence_url"]
    )
    assert "Checked twice." in sec01["description"]


def test_decision_and_reviews_are_attestations():
    attestations = export(STORED)["declarations"]["attestations"]
    decision = attestations[0]["summary"]
    assert decision.startswith("Decision: reject; rating high")
    assert "LIC-05" in decision and "MIS-01" in decision
    review = STORED["reviews"][0]
    assert len(attestations) == 1 + len(STORED["reviews"])
    assert review["comment"] in attestations[1]["summary"]
    assert attestations[1]["assessor"] == f"assessor-review-{review['id']}"


def test_an_accepted_risk_is_declared_with_the_person_who_accepted_it():
    """An approval against the engine's reject shows as such: in the properties, the decision
    attestation and the review's, which names the person a key reviewed for."""
    stored = json.loads(json.dumps(STORED))
    stored["status"], stored["risk_accepted"] = "approved", True
    stored["reviews"][0].update(
        decision="approve",
        accept_risk=True,
        comment="Pilot on synthetic data only, until the DPIA is signed.",
        reviewer={**stored["reviews"][0]["reviewer"], "name": "grc key", "person_name": "rita"},
    )
    document = export(stored)
    _valid(document)
    names = {p["name"]: p["value"] for p in document["metadata"]["properties"]}
    assert names["modelrisk:assessment:risk_accepted"] == "true"
    decision, review = document["declarations"]["attestations"]
    assert decision["summary"].startswith("Decision: reject;")
    assert "a reviewer accepted the risk" in decision["summary"]
    assert review["summary"].startswith("Review by rita (with the key grc key) on ")
    assert "approve, accepting the risk of the engine's reject." in review["summary"]
    contact = document["declarations"]["assessors"][1]["organization"]["contact"]
    assert contact == [{"name": "rita (with the key grc key)"}]
    plain = export(STORED)
    assert "modelrisk:assessment:risk_accepted" not in {
        p["name"] for p in plain["metadata"]["properties"]
    }
    assert "accept" not in plain["declarations"]["attestations"][1]["summary"]


def test_export_is_the_same_for_the_same_stored_assessment_only():
    again = json.loads(json.dumps(STORED))
    assert export(again) == export(STORED)
    again["revision"] = 3
    assert export(again)["serialNumber"] != export(STORED)["serialNumber"]


def test_spdx_licence_lineage_and_description_fields_export_validly():
    stored = _stored({"id": "deepseek-ai/DeepSeek-R1-Distill-Llama-8B"})
    document = export(stored)
    _valid(document)
    component = document["metadata"]["component"]
    assert component["licenses"] == [{"license": {"id": "MIT"}}]
    ancestors = component["pedigree"]["ancestors"]
    assert [a["name"] for a in ancestors] == [
        e["name"] for e in stored["result"]["lineage"] if e["depth"] > 0
    ]


def test_hostile_text_exports_validly_and_literally():
    hostile = json.loads((DATA / "report" / "hostile.json").read_text(encoding="utf-8"))
    stored = _stored({"name": hostile["title"][:200], "publisher": "<b>&x"}, title=hostile["title"])
    document = export(stored)
    _valid(document)
    names = {p["name"]: p["value"] for p in document["metadata"]["properties"]}
    assert names["modelrisk:assessment:title"] == hostile["title"]


@pytest.mark.parametrize(
    "text", ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "＝1", '=HYPERLINK("http://x")']
)
def test_formula_cells_are_neutralised(text):
    rows = list(csv.reader(register.lines([{"id": "a", "title": text, "model_name": text}])))
    assert rows[1][register.COLUMNS.index("title")] == "'" + text
    assert rows[1][register.COLUMNS.index("model_name")] == "'" + text


@pytest.mark.parametrize("text", ["Model 7B", "a=b", "x-y", "email@example.com", "", "'quoted"])
def test_ordinary_cells_are_unchanged(text):
    rows = list(csv.reader(register.lines([{"id": "a", "title": text}])))
    assert rows[1][register.COLUMNS.index("title")] == text


def test_register_round_trips_commas_quotes_newlines_and_summaries():
    summary = {
        "id": "abc",
        "revision": 2,
        "title": 'Chat, "beta"\nline two',
        "status": "approved",
        "decision": "approve",
        "rating": "low",
        "score": 6.42,
        "model_id": "meta-llama/Llama-3.1-8B-Instruct",
        "model_name": "Llama 3.1 8B Instruct",
        "policy_id": "default",
        "policy_version": "2026.11.0",
        "submitted_by": {"kind": "user", "id": "7", "name": "Ada"},
        "created_at": "2026-11-20T08:30:12.123456Z",
        "updated_at": "2026-11-20T08:30:12.123456Z",
        "expires_at": None,
    }
    text = register.to_csv([summary, summary])
    assert text.startswith(",".join(register.COLUMNS) + "\r\n")
    header, first, second = list(csv.reader(text.splitlines(keepends=True)))
    assert first == second
    row = dict(zip(header, first, strict=True))
    assert row["title"] == summary["title"]
    assert row["score"] == "6.42" and row["submitted_by"] == "Ada" and row["expires_at"] == ""
    assert row["risk_accepted"] == ""  # a summary without the flag
    accepted = register.to_csv(
        [{**summary, "risk_accepted": True}, {**summary, "risk_accepted": False}]
    )
    flags = [r["risk_accepted"] for r in csv.DictReader(accepted.splitlines(keepends=True))]
    assert flags == ["true", "false"]
