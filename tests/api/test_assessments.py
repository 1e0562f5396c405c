"""POST/GET /api/v1/assessments, revisions, what-if scoring and the PDF report."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.support.bodies import DATA, STORED_KEYS, approvable_body, sample_body, verdict_from

DOMAINS = {"security", "maintenance", "licensing", "misuse"}


def test_submit_answers_with_the_verdict_and_links_in_at_most_16_kib(api):
    every_item = json.loads((DATA / "samples" / "every-item-answered.json").read_text())
    response = api.submit(every_item)
    assert response.status_code == 201
    created = response.get_json()
    assert (
        response.headers["Location"]
        == created["links"]["self"]
        == f"/api/v1/assessments/{created['id']}"
    )
    assert created["links"]["report"] == f"/api/v1/assessments/{created['id']}/report.pdf"
    assert created["status"] == "submitted" and created["created_at"].endswith("Z")
    assert created["policy"] == {"id": "default", "version": created["policy_version"]}
    verdict = created["verdict"]
    assert set(verdict["overall"]) >= {"score", "rating"}
    assert verdict["decision"] in ("approve", "approve_with_conditions", "reject")
    assert set(verdict["domains"]) == DOMAINS
    for domain in verdict["domains"].values():
        assert set(domain) >= {"title", "score", "rating", "answered", "applicable"}
    assert verdict["blockers"] and all(
        set(b) >= {"item", "title", "reason"} for b in verdict["blockers"]
    )
    assert verdict["conditions"] and all(c["text"] for c in verdict["conditions"])
    assert "findings" not in verdict and "result" not in created and "input" not in created
    assert created["submitted_by"]["kind"] == "key"
    assert len(response.data) <= 16 * 1024  # the 80-item sample, every item answered
    stored = api.get(created["links"]["self"]).get_json()
    # The 201 lists what is due before go-live or at follow-up and counts what is tracked.
    assert verdict == verdict_from(stored["result"]) and verdict["tracked"] > 0
    assert len(stored["result"]["conditions"]) == len(verdict["conditions"]) + verdict["tracked"]
    assert {k: stored[k] for k in created if k != "verdict"} == {
        k: v for k, v in created.items() if k != "verdict"
    }


def test_a_catalogue_id_brings_the_catalogue_facts(api):
    model = api.get(api.submitted()["links"]["self"]).get_json()["result"]["model"]
    assert (model["publisher"], model["license"], model["in_catalogue"]) == (
        "Meta",
        "llama-3.1-community",
        True,
    )


def test_get_returns_the_stored_assessment_fully_explained(api):
    body = sample_body()
    created = api.submitted(body)
    response = api.get(created["links"]["self"])
    assert response.status_code == 200
    stored = response.get_json()
    assert set(stored) >= STORED_KEYS
    assert stored["result"] == api.post("/api/v1/score", json=body).get_json()["result"]
    assert all(
        f["question"] and f["reason"] and f["remediation"] for f in stored["result"]["findings"]
    )
    assert response.headers["Cache-Control"] == "no-store"


def test_get_unknown_is_404(api):
    response = api.get("/api/v1/assessments/" + "0" * 32)
    assert response.status_code == 404
    assert "0" * 32 in response.get_json()["detail"]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"answers": {"SEC-99": "official"}}, "answers.SEC-99"),
        ({"answers": {"SEC-01": "sometimes"}}, "answers.SEC-01.value"),
        ({"policy": "lenient"}, "policy"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"colour": "blue"}, "colour"),
        ({"model": {"id": "nobody/unknown-model"}}, "model.id"),
    ],
)
def test_invalid_fields_are_422_naming_the_field(api, change, field):
    response = api.submit(sample_body(**change))
    assert response.status_code == 422
    problem = response.get_json()
    assert field in [e["field"] for e in problem["errors"]], problem
    error = next(e for e in problem["errors"] if e["field"] == field)
    assert error["pointer"] == "/" + field.replace(".", "/") and error["message"]
    assert error["in"] == "json"


def test_unknown_enum_value_in_deployment_is_422(api):
    body = sample_body()
    body["deployment"]["exposure"] = "everyone"
    errors = api.submit(body).get_json()["errors"]
    assert errors[0]["field"] == "deployment.exposure"
    assert "internal" in errors[0]["message"]


def test_list_filters_and_pages(api, reviewer):
    ids = [api.submitted(approvable_body(title=f"A{i}"))["id"] for i in range(3)]
    assert reviewer.review(ids[0], "approve").status_code == 200
    page = api.get("/api/v1/assessments?per_page=2")
    body = page.get_json()
    assert (body["total"], body["total_pages"], body["page"]) == (3, 2, 1)
    assert [i["id"] for i in body["items"]] == ids[::-1][:2]
    assert "result" not in body["items"][0] and body["items"][0]["links"]["self"]
    assert body["links"]["next"] == "/api/v1/assessments?per_page=2&page=2"
    assert body["links"]["prev"] is None
    assert "<" + body["links"]["next"] + '>; rel="next"' in page.headers["Link"]
    last = api.get(body["links"]["next"]).get_json()
    assert [i["id"] for i in last["items"]] == ids[:1] and last["links"]["next"] is None
    assert api.get("/api/v1/assessments?status=approved").get_json()["total"] == 1
    decision = body["items"][0]["decision"]
    assert api.get(f"/api/v1/assessments?decision={decision}").get_json()["total"] == 3
    assert (
        api.get("/api/v1/assessments?model=meta-llama/Llama-3.1-8B-Instruct").get_json()["total"]
        == 3
    )
    assert api.get("/api/v1/assessments?since=2999-01-01").get_json()["total"] == 0
    assert api.get("/api/v1/assessments?since=2000-01-01T00:00:00%2B02:00").get_json()["total"] == 3


@pytest.mark.parametrize(
    "query, field",
    [
        ("status=done", "status"),
        ("per_page=500", "per_page"),
        ("page=0", "page"),
        ("since=yesterday", "since"),
        ("rating=severe", "rating"),
    ],
)
def test_bad_list_arguments_are_422(api, query, field):
    response = api.get(f"/api/v1/assessments?{query}")
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == field
    assert response.get_json()["errors"][0]["in"] == "query"


def test_revision_links_to_the_previous_one(api):
    first = api.submitted()
    response = api.post(first["links"]["revisions"], json=sample_body(title="Second look"))
    assert response.status_code == 201
    second = response.get_json()
    assert (second["revision"], second["previous_id"]) == (2, first["id"])
    assert second["links"]["previous"] == first["links"]["self"]
    assert api.get(first["links"]["self"]).get_json()["status"] == "superseded"
    again = api.post(first["links"]["revisions"], json=sample_body())
    assert again.status_code == 409
    assert again.get_json()["type"].endswith("invalid-state")
    missing = api.post("/api/v1/assessments/nope/revisions", json=sample_body())
    assert missing.status_code == 404


def test_score_returns_the_same_result_and_stores_nothing(api):
    response = api.post("/api/v1/score", json=sample_body())
    assert response.status_code == 200
    scored = response.get_json()
    assert scored["policy"]["id"] == "default"
    stored = api.get(api.submitted()["links"]["self"]).get_json()
    assert scored["result"] == stored["result"]
    assert api.get("/api/v1/assessments").get_json()["total"] == 1


def test_score_refuses_invalid_bodies(api):
    assert api.post("/api/v1/score", json=sample_body(policy="nope")).status_code == 422


def test_report_is_a_pdf_attachment_with_an_etag(api):
    created = api.submitted()
    response = api.get(created["links"]["report"])
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Content-Disposition"].endswith('.pdf"')
    etag = response.headers["ETag"].strip('"')
    assert etag == hashlib.sha256(response.data).hexdigest()
    again = api.get(created["links"]["report"], headers={"If-None-Match": f'"{etag}"'})
    assert again.status_code == 304 and again.data == b""
    assert api.get("/api/v1/assessments/nope/report.pdf").status_code == 404


@pytest.mark.parametrize(
    "accept, mimetype",
    [
        (None, "application/pdf"),
        ("*/*", "application/pdf"),
        ("application/pdf, application/problem+json", "application/pdf"),
        ("application/octet-stream", "application/octet-stream"),
        ("application/pdf;q=0.5, application/octet-stream", "application/octet-stream"),
    ],
)
def test_the_report_comes_as_octet_stream_when_asked(api, accept, mimetype):
    """Generic clients read bytes only as application/octet-stream: same bytes, other type."""
    created = api.submitted()
    pdf = api.get(created["links"]["report"])
    response = api.get(created["links"]["report"], headers={"Accept": accept} if accept else {})
    assert response.status_code == 200 and response.mimetype == mimetype
    assert response.data == pdf.data and "Accept" in response.headers["Vary"]
