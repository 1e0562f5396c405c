"""POST /api/v1/prefill (JSON and multipart), the CycloneDX export and the CSV register."""

from __future__ import annotations

import csv
import io
import json

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from service.api.exchange_schemas import DraftEvidenceSchema
from service.application import exchange
from service.content.model import EVIDENCE
from tests.support.bodies import DATA, approvable_body, sample_body

SAMPLES = DATA / "import"
CARD = (SAMPLES / "gemma-2-9b-it.README.md").read_text(encoding="utf-8")
INFO = json.loads((SAMPLES / "gemma-2-9b-it.model-info.json").read_text(encoding="utf-8"))
BOM = json.loads((SAMPLES / "granite-3.1-8b-instruct.cdx.json").read_text(encoding="utf-8"))


def test_prefill_from_a_card_and_its_listing_as_json(api):
    response = api.post("/api/v1/prefill", json={"model_card": CARD, "files": INFO})
    assert response.status_code == 200, response.get_json()
    draft = response.get_json()
    assert draft["format"] == "model_card"
    assert draft["body"]["model"] == {"id": "google/gemma-2-9b-it", "weights_format": "safetensors"}
    assert draft["body"]["answers"]["SEC-02"]["value"] == "safetensors_only"
    assert draft["license"]["mapped"] == "gemma-terms-of-use"


def test_prefill_from_a_bom_as_json(api):
    response = api.post("/api/v1/prefill", json={"bom": BOM})
    assert response.status_code == 200
    assert response.get_json()["body"]["model"]["id"] == "ibm-granite/granite-3.1-8b-instruct"


def test_prefill_from_uploaded_files(api):
    data = {
        "document": (io.BytesIO(CARD.encode()), "README.md"),
        "files": (io.BytesIO(json.dumps(INFO).encode()), "model-info.json"),
    }
    response = api.post("/api/v1/prefill", data=data, content_type="multipart/form-data")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["body"]["model"]["id"] == "google/gemma-2-9b-it"
    bom = {"document": (io.BytesIO(json.dumps(BOM).encode()), "granite.cdx.json")}
    response = api.post("/api/v1/prefill", data=bom, content_type="multipart/form-data")
    assert response.get_json()["format"] == "cyclonedx"


def test_a_draft_completed_and_submitted_is_accepted(api):
    draft = api.post("/api/v1/prefill", json={"model_card": CARD, "files": INFO}).get_json()
    body = {**sample_body(), "model": draft["body"]["model"], "answers": draft["body"]["answers"]}
    created = api.get(api.submitted(body)["links"]["self"]).get_json()
    assert created["input"]["answers"]["SEC-02"]["value"] == "safetensors_only"


def _problem(response, status=422):
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    return response.get_json()


def test_prefill_refusals_name_the_field(api):
    both = _problem(api.post("/api/v1/prefill", json={"model_card": CARD, "bom": BOM}))
    assert both["errors"][0]["field"] == "model_card"
    broken = dict(BOM, specVersion="1.1")
    assert (
        _problem(api.post("/api/v1/prefill", json={"bom": broken}))["errors"][0]["field"]
        == "bom.specVersion"
    )
    hostile = "---\na: &x [1]\nb: *x\n---\n"
    assert (
        _problem(api.post("/api/v1/prefill", json={"model_card": hostile}))["errors"][0]["field"]
        == "model_card"
    )
    listing = {"model_card": CARD, "files": {"siblings": [{"size": 1}]}}
    error = _problem(api.post("/api/v1/prefill", json=listing))["errors"][0]
    assert (error["field"], error["pointer"]) == ("files.siblings.0", "/files/siblings/0")
    missing = api.post("/api/v1/prefill", data={}, content_type="multipart/form-data")
    assert _problem(missing)["errors"][0]["field"] == "document"


def test_prefill_needs_read_scope(client, make_key):
    response = client.post(
        "/api/v1/prefill",
        json={"model_card": CARD},
        headers={"Authorization": f"Bearer {make_key('reviews:write')}"},
    )
    assert response.status_code == 403


def test_cyclonedx_export_is_valid_and_404_for_unknown(api, reviewer):
    created = api.submitted(approvable_body())  # approving a reject would need accept_risk
    assert reviewer.review(created["id"], "approve").status_code == 200
    response = api.get(f"/api/v1/assessments/{created['id']}/cyclonedx.json")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.cyclonedx+json"
    document = response.get_json()
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(json.dumps(document)) is None
    assert len(document["declarations"]["attestations"]) == 2  # decision and the review
    assert api.get("/api/v1/assessments/" + "0" * 32 + "/cyclonedx.json").status_code == 404


def test_register_csv_with_filters_and_neutralised_cells(api, reviewer):
    first = api.submitted(approvable_body(title="=cmd|' /C calc'!A0"))
    api.submitted(sample_body(title="Plain"))
    assert reviewer.review(first["id"], "approve").status_code == 200
    response = api.get("/api/v1/assessments.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["title"] for r in rows] == ["Plain", "'=cmd|' /C calc'!A0"]
    approved = api.get("/api/v1/assessments.csv?status=approved").get_data(as_text=True)
    assert [r["id"] for r in csv.DictReader(io.StringIO(approved))] == [first["id"]]
    bad = api.get("/api/v1/assessments.csv?status=nope")
    assert _problem(bad)["errors"][0]["field"] == "status"


def test_register_refuses_more_rows_than_it_carries(api, monkeypatch):
    monkeypatch.setattr(exchange, "MAX_REGISTER_ROWS", 1)
    api.submitted()
    api.submitted()
    problem = _problem(api.get("/api/v1/assessments.csv"))
    assert problem["type"].endswith("too-many-rows")


def test_the_documented_evidence_is_the_content_models():
    assert tuple(DraftEvidenceSchema().fields) == EVIDENCE


def test_an_accepted_risk_shows_in_the_webhook_the_register_and_the_export(
    api, reviewer, client, make_key, db
):
    """Approving against the engine's reject is visible wherever the decision leaves the
    service, not only in the API and on the pages."""
    admin = {"Authorization": f"Bearer {make_key('admin')}"}
    hook = {"url": "https://hooks.example.com/in", "events": ["assessment.decided"]}
    assert client.post("/api/v1/webhooks", json=hook, headers=admin).status_code == 201
    created = api.submitted()
    assert created["decision"] == "reject"  # sample_body: the engine rejects it
    accepted = reviewer.post(
        f"/api/v1/assessments/{created['id']}/reviews",
        json={
            "decision": "approve",
            "accept_risk": True,
            "comment": "Pilot on synthetic data only, until the DPIA is signed.",
        },
    )
    assert accepted.status_code == 200, accepted.get_json()
    (body,) = [r[0] for r in db.execute("SELECT body FROM webhook_outbox").fetchall()]
    data = json.loads(body)["data"]
    assert data["assessment"]["risk_accepted"] is True and data["review"]["accept_risk"] is True
    assert data["review"]["reviewer_person"] == "reviewer@example.com"
    rows = list(csv.DictReader(io.StringIO(api.get("/api/v1/assessments.csv").get_data(True))))
    assert [r["risk_accepted"] for r in rows] == ["true"]
    document = api.get(f"/api/v1/assessments/{created['id']}/cyclonedx.json").get_json()
    names = {p["name"]: p["value"] for p in document["metadata"]["properties"]}
    assert names["modelrisk:assessment:risk_accepted"] == "true"
    review = document["declarations"]["attestations"][1]["summary"]
    assert review.startswith("Review by reviewer@example.com (with the key reviewer) on ")
    assert "accepting the risk" in review


def test_a_card_whose_front_matter_holds_an_unpaired_surrogate_is_answered(api):
    # YAML's escapes can make a surrogate that the JSON body's own check cannot see; the
    # answer must still be sendable JSON (the surrogate escaped), not a failure to encode it.
    card = CARD.replace("license: gemma\n", 'license: other\nlicense_name: "Gemma \\ud800"\n')
    response = api.post("/api/v1/prefill", json={"model_card": card, "files": INFO})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_data().decode("utf-8")  # valid UTF-8 throughout
    assert response.get_json()["format"] == "model_card"
