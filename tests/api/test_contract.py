"""The contract as client generators read it: operation ids, tags and component names."""

from __future__ import annotations

import json
import re

import pytest
from openapi_spec_validator import validate

from service.api.base import ApiBlueprint
from tests.support.bodies import ROOT

COMMITTED = ROOT / "docs" / "openapi.json"
METHODS = ("get", "post", "put", "patch", "delete")
CAMEL_CASE = re.compile(r"^[a-z]+(?:[A-Z][a-z0-9]*)*$")


@pytest.fixture(scope="module")
def spec():
    """The committed document (a test in tests/api/test_openapi.py keeps it equal to the code's)."""
    return json.loads(COMMITTED.read_text(encoding="utf-8"))


def operations(spec):
    """(method, path, operation) for every operation of the document."""
    return [
        (method, path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_the_committed_document_is_valid_openapi_3_0(spec):
    assert spec["openapi"].startswith("3.0.")  # ServiceNow's importer reads 3.0, not 3.1
    validate(spec)  # openapi-spec-validator picks the 3.0 schema from the version


def test_every_operation_has_a_unique_camel_case_id(spec):
    ids = [op.get("operationId") for _, _, op in operations(spec)]
    assert None not in ids, [f"{m} {p}" for m, p, op in operations(spec) if "operationId" not in op]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert [i for i in ids if not CAMEL_CASE.match(i)] == []


def test_docs_list_exactly_the_operation_ids(spec):
    """The ids name the methods of every generated client: docs/api.md lists each with its route,
    so a renamed or added operation shows up in review."""
    guide = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| `(\w+)` \| `(\w+ \S+)` \|", guide, re.MULTILINE))
    documented = {
        op["operationId"]: f"{method.upper()} {path}" for method, path, op in operations(spec)
    }
    assert listed == documented


def test_every_tag_is_described_and_used(spec):
    tags = {t["name"]: t.get("description") for t in spec["tags"]}
    used = {tag for _, _, op in operations(spec) for tag in op["tags"]}
    assert set(tags) == used
    assert all(tags.values()), tags


def test_a_view_without_an_operation_id_is_refused():
    blp = ApiBlueprint("example", __name__, tag="example", description="Examples.")
    with pytest.raises(TypeError, match="operation_id"):
        blp.route("", methods=["GET"])
    with pytest.raises(ValueError, match="camelCase"):
        blp.route("", methods=["GET"], operation_id="list_examples")
    with pytest.raises(ValueError, match="one method"):
        blp.route("", methods=["GET", "POST"], operation_id="examples")
    with pytest.raises(ValueError, match="description"):
        ApiBlueprint("example", __name__, tag="example", description="")


def _schemas(node, where):
    """Every schema object below `node`, with a readable location."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            if key == "properties":
                for name, prop in value.items():
                    yield from _schemas(prop, f"{where}.{name}")
            elif key in ("items", "additionalProperties") and isinstance(value, dict):
                yield from _schemas(value, f"{where}[]")
            elif key in ("allOf", "oneOf", "anyOf"):
                for i, sub in enumerate(value):
                    yield from _schemas(sub, f"{where}/{key}{i}")


def _all_schemas(spec):
    for name, schema in spec["components"]["schemas"].items():
        yield from _schemas(schema, name)
    for method, path, op in operations(spec):
        body = op.get("requestBody", {}).get("content", {})
        for media in body.values():
            yield from _schemas(media["schema"], f"{method} {path} body")
        for status, response in op["responses"].items():
            for media in response.get("content", {}).values():
                yield from _schemas(media["schema"], f"{method} {path} {status}")


def _normal(name: str) -> str:
    """A name as generators compare them: case and separators dropped (Result_policy is
    ResultPolicy in Python, ResultPolicy in Java, result_policy in a module name)."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def test_no_inline_object_or_union_is_left_untitled(spec):
    """Generators name an untitled inline object or union after its parent and property, and
    such names collide with components (Assessment.input came out as a second AssessmentInput)."""
    components = {id(s) for s in spec["components"]["schemas"].values()}
    untitled = [
        where
        for where, schema in _all_schemas(spec)
        if id(schema) not in components
        and ("properties" in schema or "oneOf" in schema or "anyOf" in schema)
        and "title" not in schema
    ]
    assert untitled == []


def test_no_object_is_free_form(spec):
    """An object has properties, or is a map whose values have a type: a free-form object comes
    out of a generator as an untyped dict, although the service knows its shape."""
    free = [
        where
        for where, schema in _all_schemas(spec)
        if schema.get("type") == "object"
        and "properties" not in schema
        and not (schema.get("additionalProperties") or {}).keys() - {"description"}
    ]
    assert free == []


def test_nullable_references_are_all_of_a_reference(spec):
    """OpenAPI 3.0 has no null type: a nullable nested object is {allOf: [$ref], nullable}, which
    both generators read as an optional model, not anyOf with an untyped object."""
    for where, schema in _all_schemas(spec):
        assert "anyOf" not in schema, where
        if "allOf" in schema:
            assert [list(s) for s in schema["allOf"]] == [["$ref"]], where


def test_generated_names_are_unique(spec):
    """Component names, titles and the Parent+property names generators give inline enums and
    titled schemas stay distinct once case and separators are dropped."""
    names = [_normal(n) for n in spec["components"]["schemas"]]
    assert len(names) == len(set(names))
    derived = []
    for name, schema in spec["components"]["schemas"].items():
        for prop, value in schema.get("properties", {}).items():
            if "enum" in value or "title" in value:
                derived.append(_normal(name + prop))
            for titled in (value, value.get("additionalProperties") or {}):
                if "title" in titled:
                    derived.append(_normal(titled["title"]))
    assert sorted(set(derived) & set(names)) == []
    assert len(derived) == len(set(derived))
