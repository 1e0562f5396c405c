"""The OpenAPI document: 3.0.3, committed, complete, and true to what the API returns."""

from __future__ import annotations

import json
import re

import pytest

from service import errors
from tests.support.apps import ApiClient, create_key
from tests.support.bodies import ROOT, sample_body

COMMITTED = ROOT / "docs" / "openapi.json"
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_the_document_is_openapi_3_0_3(spec):
    assert spec["openapi"] == "3.0.3"
    assert set(spec["components"]["securitySchemes"]) == {"bearerAuth", "apiKeyHeader"}
    assert "Bearer" in spec["info"]["description"]


def test_the_committed_document_matches_the_code(spec):
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert committed == spec, (
        "docs/openapi.json is out of date: run "
        "`flask --app wsgi openapi write docs/openapi.json` (make openapi)"
    )


def test_openapi_write_command_writes_the_served_document(app, spec, tmp_path):
    out = tmp_path / "openapi.json"
    done = app.test_cli_runner().invoke(args=["openapi", "write", str(out)])
    assert done.exit_code == 0, done.output
    assert json.loads(out.read_text()) == spec
    # Laid out as committed (indented, in the document's own order), so that a change of the
    # contract reads as a diff of the lines it changes.
    assert out.read_text(encoding="utf-8") == COMMITTED.read_text(encoding="utf-8")


def test_every_route_is_documented_with_its_scope(app, spec):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule.endswith("openapi.json"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)  # <int:id> is {id}
        view = app.view_functions[rule.endpoint]
        for method in rule.methods & {m.upper() for m in METHODS}:
            operation = spec["paths"][path][method.lower()]
            assert operation["summary"], (method, path)
            assert operation["x-required-scope"] == view.required_scope
            assert operation["security"] and {"401", "403", "429"} <= set(operation["responses"])


def test_every_problem_type_is_documented(spec):
    guide = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for name in errors.TYPES:
        assert name in spec["info"]["description"] and name in guide, name


def test_errors_are_documented_as_problem_json(spec):
    for name, response in spec["components"]["responses"].items():
        if "content" in response:
            assert list(response["content"]) == ["application/problem+json"], name


def _resolve(spec, schema):
    while True:
        if "$ref" in schema:
            schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        elif "allOf" in schema:  # a reference with a description, or nullable: allOf [{$ref}]
            [schema] = schema["allOf"]
        else:
            return schema


def undocumented(spec, schema, data, path="") -> list[str]:
    """Paths in `data` that the schema does not declare, or that are null where it says not."""
    if data is None:
        return [] if schema.get("nullable") else [f"{path} (null)"]
    schema = _resolve(spec, schema)
    if isinstance(data, list) and "items" in schema:
        return [
            p
            for i, v in enumerate(data)
            for p in undocumented(spec, schema["items"], v, f"{path}/{i}")
        ]
    if isinstance(data, dict) and "oneOf" in schema:  # an answer: an option value or an object
        schema = _resolve(spec, next(s for s in schema["oneOf"] if "$ref" in s))
    if not isinstance(data, dict) or schema.get("type") != "object":
        return []
    props, extra = schema.get("properties"), schema.get("additionalProperties")
    if props is None:
        return [
            p
            for k, v in data.items()
            for p in (
                undocumented(spec, extra, v, f"{path}/{k}") if isinstance(extra, dict) else []
            )
        ]
    out = []
    for key, value in data.items():
        if key not in props:
            out.append(f"{path}/{key}")
        else:
            out.extend(undocumented(spec, props[key], value, f"{path}/{key}"))
    return out


def _schema_of(spec, path, method, status):
    response = _resolve(spec, spec["paths"][path][method]["responses"][status])
    return response["content"]["application/json"]["schema"]


def test_every_field_of_every_response_is_documented(app, client, spec):
    api = ApiClient(client, create_key(app))
    reviewer = ApiClient(client, create_key(app, "reviews:write", name="reviewer"))
    created = api.submitted(sample_body(answers={"SEC-01": {"value": "official", "note": "n"}}))
    reviewer.review(created["id"], "approve")
    calls = [
        ("/api/v1/assessments", "post", "201", created),
        (
            "/api/v1/assessments/{assessment_id}",
            "get",
            "200",
            api.get(created["links"]["self"]).get_json(),
        ),
        ("/api/v1/assessments", "get", "200", api.get("/api/v1/assessments").get_json()),
        ("/api/v1/score", "post", "200", api.post("/api/v1/score", json=sample_body()).get_json()),
        (
            "/api/v1/assessments/{assessment_id}/reviews",
            "get",
            "200",
            api.get(created["links"]["reviews"]).get_json(),
        ),
    ]
    for path in (
        "/api/v1/checklists",
        "/api/v1/checklists/{domain}",
        "/api/v1/policies",
        "/api/v1/licenses",
        "/api/v1/models",
        "/api/v1/crosswalk",
    ):
        data = api.get(path.replace("{domain}", "licensing")).get_json()
        calls.append((path, "get", "200", data))
    described = sample_body(model={"name": "In-house tune", "base_models": ["nobody/unknown"]})
    calls.append(("/api/v1/assessments", "post", "201", api.submitted(described)))
    for example in sorted((ROOT / "tests" / "data" / "inputs").glob("*.json")):
        scored = api.post("/api/v1/score", json=json.loads(example.read_text()))
        calls.append(("/api/v1/score", "post", "200", scored.get_json()))
    for path, method, status, data in calls:
        assert undocumented(spec, _schema_of(spec, path, method, status), data) == [], path
