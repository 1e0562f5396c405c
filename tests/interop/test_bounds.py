"""Imports meet bad, hostile and oversized documents with an error naming the field; licences
they cannot map become warnings, never guesses."""

from __future__ import annotations

import json

import pytest

from service.interop import InteropError, files, modelcard, prefill
from tests.support.bodies import DATA, real_content

GRANITE = json.loads((DATA / "import" / "granite-3.1-8b-instruct.cdx.json").read_text("utf-8"))


def _error(document, files_=None, **kw) -> dict:
    with pytest.raises(InteropError) as caught:
        prefill(real_content(), document, files_, **kw)
    return caught.value.errors[0]


@pytest.mark.parametrize(
    "card,message",
    [
        ("x" * (modelcard.MAX_CARD_BYTES + 1), "at most"),
        ("---\na: &x [1, 2]\nb: *x\n---\n", "anchors or aliases"),
        ("---\na: " + "[" * 40 + "]" * 40 + "\n---\n", "nests deeper"),
        ("---\nlicense: [mit\n---\n", "not valid YAML (line"),
        ("---\n!!python/object/apply:os.system ['true']\n---\n", "not valid YAML"),
        ("---\n- just\n- a list\n---\n", "metadata"),
        ("---\nk: " + "v" * (modelcard.MAX_FRONT_MATTER + 1) + "\n---\n", "front matter is over"),
    ],
    ids=["too-large", "alias", "deep", "bad-yaml", "python-tag", "not-a-mapping", "big-front"],
)
def test_hostile_cards_are_refused_naming_the_field(card, message):
    error = _error(card)
    assert error["field"] == "model_card"
    assert message in error["message"]


def test_non_utf8_card_is_refused():
    assert "UTF-8" in _error(b"---\nlicense: mit\n---\n\xff\xfe")["message"]


@pytest.mark.parametrize(
    "info,field",
    [
        ("not json", "files"),
        (json.dumps({"id": "o/m"}), "files"),
        (json.dumps({"siblings": [{"size": 3}]}), "files.siblings[0]"),
        (json.dumps({"siblings": ["x" * (files.MAX_NAME + 1)]}), "files.siblings[0]"),
        (json.dumps({"siblings": ["a"] * (files.MAX_FILES + 1)}), "files.siblings"),
        (json.dumps({"id": "../../etc", "siblings": []}), "files.id"),
        ("[" * 100_000 + "]" * 100_000, "files"),
    ],
    ids=["not-json", "no-siblings", "no-name", "long-name", "too-many", "bad-id", "deep-json"],
)
def test_bad_file_listings_are_refused_naming_the_field(info, field):
    assert _error("---\nlicense: mit\n---\n", info)["field"] == field


def test_repo_id_must_agree_with_the_model_information():
    info = {"id": "o/m", "siblings": []}
    assert _error("---\n---\n", info, repo_id="o/other")["field"] == "repo_id"
    assert _error("---\n---\n", None, repo_id="not a repo")["field"] == "repo_id"


def _bom(**changes) -> str:
    bom = json.loads(json.dumps(GRANITE))
    bom.update(changes)
    return json.dumps(bom)


def test_bom_against_the_schema_names_the_broken_path():
    bom = json.loads(json.dumps(GRANITE))
    bom["metadata"]["component"]["hashes"][0]["alg"] = "MD42"
    error = _error(json.dumps(bom))
    assert error["field"].startswith("bom['metadata']['component']['hashes'][0]")


@pytest.mark.parametrize(
    "document,field",
    [
        ('{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1', "bom"),
        (_bom(specVersion="1.2"), "bom.specVersion"),
        (
            _bom(components=[{"type": "library", "name": f"l{i}"} for i in range(2_001)]),
            "bom",
        ),
    ],
    ids=["truncated", "old-spec", "too-many-components"],
)
def test_bad_boms_are_refused(document, field):
    assert _error(document)["field"] == field


def test_bom_without_a_model_or_with_two_is_refused():
    bom = json.loads(json.dumps(GRANITE))
    subject = bom["metadata"].pop("component")
    assert _error(json.dumps(bom))["field"] == "bom.components"
    twin = dict(subject, **{"bom-ref": "twin", "name": "twin"})
    bom["components"] = [subject, twin]
    assert _error(json.dumps(bom))["field"] == "bom.metadata.component"


def test_bom_with_one_model_component_outside_metadata_is_read():
    bom = json.loads(json.dumps(GRANITE))
    bom["components"].append(bom["metadata"].pop("component"))
    draft = prefill(real_content(), json.dumps(bom))
    assert draft["body"]["model"]["id"] == "ibm-granite/granite-3.1-8b-instruct"


@pytest.mark.parametrize(
    "front,declared,mapped,warning",
    [
        ("license: apache-2.0", "apache-2.0", "Apache-2.0", None),
        ("license: llama3.2", "llama3.2", "llama-3.2-community", None),
        ("license: other\nlicense_name: mrl", "mrl", "mistral-research-license", None),
        ("license: other", "other", None, "without a license_name"),
        ("license: openrail", "openrail", None, "not in the knowledge base"),
        ("license: Apache-2.0 OR MIT", "Apache-2.0 OR MIT", None, "offers a choice"),
        ("license: MIT AND BSD-3-Clause", "MIT AND BSD-3-Clause", None, "several licences"),
        ("license: MIT AND", "MIT AND", None, "not in the knowledge base"),
        ("license: LicenseRef-acme", "LicenseRef-acme", None, "not in the knowledge base"),
    ],
)
def test_licences_map_to_the_knowledge_base_or_warn(front, declared, mapped, warning):
    card = f"---\n{front}\npipeline_tag: text-generation\n---\n"
    draft = prefill(real_content(), card, {"id": "someone/model", "siblings": []})
    assert draft["license"]["declared"] == declared
    assert draft["license"]["mapped"] == mapped
    assert draft["body"]["model"].get("license") == mapped
    messages = [w["message"] for w in draft["warnings"] if w["field"] == "model.license"]
    if warning is None:
        assert messages == []
    else:
        assert any(warning in m for m in messages), messages


def test_catalogue_licence_conflict_is_a_warning_and_the_catalogue_stands():
    card = "---\nlicense: apache-2.0\n---\n"
    draft = prefill(real_content(), card, {"id": "Qwen/Qwen2.5-3B-Instruct", "siblings": []})
    assert "license" not in draft["body"]["model"]
    (warning,) = [w for w in draft["warnings"] if w["field"] == "model.license"]
    assert "qwen-research" in warning["message"]


def test_a_card_without_front_matter_or_files_names_what_is_missing():
    draft = prefill(real_content(), "# Just a title\n")
    assert draft["body"]["model"] == {}
    assert [w["field"] for w in draft["warnings"]][:3] == [
        "model.name",
        "model.license",
        "model.modality",
    ]
    assert draft["body"]["answers"] == {}


def test_an_unknown_task_is_reported_not_mapped():
    card = "---\nlicense: mit\npipeline_tag: any-to-any\n---\n"
    draft = prefill(real_content(), card, None, repo_id="o/m")
    assert "modality" not in draft["body"]["model"]
    assert any("any-to-any" in w["message"] for w in draft["warnings"])


def test_openvino_bin_is_not_a_pickle():
    listing = files.classify(["openvino_model.xml", "openvino_model.bin", "pytorch_model.bin"])
    assert listing.pickle_files == ["pytorch_model.bin"]
    assert listing.weight_formats == ("other", "pickle")
