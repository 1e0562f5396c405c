"""Import each sample model card or ML-BOM and check the draft field by field (data table)."""

from __future__ import annotations

import copy

import pytest
import yaml

from service.application import assessments
from service.content.model import EVIDENCE
from service.interop import prefill
from tests.support.bodies import BASE_DEPLOYMENT, DATA, real_content

SAMPLES = DATA / "import"
TABLE = yaml.safe_load((SAMPLES / "expected.yaml").read_text(encoding="utf-8"))["samples"]


def _import(case: dict) -> dict:
    content = real_content()
    if "bom" in case:
        return prefill(content, (SAMPLES / case["bom"]).read_bytes())
    files = (SAMPLES / case["files"]).read_text(encoding="utf-8") if "files" in case else None
    card = (SAMPLES / case["card"]).read_text(encoding="utf-8")
    return prefill(content, card, files, repo_id=case.get("repo_id"))


@pytest.mark.parametrize("case", TABLE, ids=[c["name"] for c in TABLE])
def test_sample_draft_field_by_field(case):
    draft = _import(case)
    assert draft["format"] == ("cyclonedx" if "bom" in case else "model_card")
    assert draft["body"]["model"] == case["model"]
    assert draft["license"] == case["license"]
    assert [e["model"] for e in draft["lineage"]] == case["lineage"]
    assert draft["weight_formats"] == case["weight_formats"]
    answers = {item: a["value"] for item, a in draft["body"]["answers"].items()}
    assert answers == case["answers"]
    hints = sorted(w["field"].split(".", 1)[1] for w in draft["warnings"] if _on_answer(w))
    assert hints == sorted(case["hints"])
    assert [w["field"] for w in draft["warnings"] if not _on_answer(w)] == case["warnings"]


def _on_answer(warning: dict) -> bool:
    return warning["field"].startswith("answers.")


@pytest.mark.parametrize("case", TABLE, ids=[c["name"] for c in TABLE])
def test_every_derived_answer_names_its_fact_and_source(case):
    draft = _import(case)
    content = real_content()
    for derived in draft["derived"]:
        item = content.items[derived["item"]]
        assert item.option(derived["answer"]).label == derived["answer_label"]
        assert derived["fact"] and "{" not in derived["fact"]
        assert derived["source"] and derived["source"] != "imported document"
        note = draft["body"]["answers"][derived["item"]]["note"]
        assert derived["fact"] in note and derived["source"] in note
    for hint in (w for w in draft["warnings"] if _on_answer(w)):
        assert hint["source"] and "{" not in hint["message"]


@pytest.mark.parametrize("case", TABLE, ids=[c["name"] for c in TABLE])
def test_draft_body_is_valid_assessment_input(case):
    """A draft completed with the deployment and requester validates and keeps its answers."""
    draft = _import(case)
    body = copy.deepcopy(draft["body"])
    body.update(
        title="Imported",
        requester={"name": "Ada Assessor", "email": "ada@example.com"},
        deployment=dict(BASE_DEPLOYMENT),
    )
    clean = assessments.validate(real_content(), body)
    assert {k: v["value"] for k, v in clean["answers"].items()} == case["answers"]


def test_evidence_names_are_the_content_models():
    """Prefill rules may only read what the importer fills, and it fills every name."""
    draft = _import(TABLE[0])
    assert tuple(draft["evidence"]) == EVIDENCE


QUANTIZED = "---\nbase_model: org/base\nbase_model_relation: quantized\n---\n"
# Small listings for answers the seed samples do not reach: (card, repo id, files, answers).
LISTINGS = [
    (
        QUANTIZED,
        "other-org/base-GGUF",
        ["model-Q4_K_M.gguf", "README.md"],
        {
            "SEC-02": "gguf_or_onnx",
            "SEC-04": "no_remote_code",
            "MNT-15": "third_party",
            "MNT-19": "none",
            "MNT-20": "none_present",
        },
    ),
    (
        QUANTIZED,
        "org/base-AWQ",
        ["model.safetensors", "README.md"],
        {
            "SEC-02": "safetensors_only",
            "SEC-04": "no_remote_code",
            "MNT-15": "official",
            "MNT-19": "none",
            "MNT-20": "none_present",
        },
    ),
    (
        "---\nlicense: mit\n---\n",
        "org/tiny",
        [{"rfilename": "model.onnx"}, {"rfilename": "LICENSE.txt"}, {"rfilename": "model.sig"}],
        {
            "SEC-02": "gguf_or_onnx",
            "SEC-04": "no_remote_code",
            "MNT-19": "spdx_and_file",
            "MNT-20": "none_present",
        },
    ),
]


@pytest.mark.parametrize("card,repo,files,expected", LISTINGS, ids=[c[1] for c in LISTINGS])
def test_small_listings(card, repo, files, expected):
    draft = prefill(real_content(), card, {"id": repo, "siblings": files})
    assert {i: a["value"] for i, a in draft["body"]["answers"].items()} == expected


def test_a_signature_file_is_a_hint_never_an_answer():
    files = [{"rfilename": "model.safetensors", "lfs": {"sha256": "a" * 64}}, "model.sig"]
    draft = prefill(real_content(), "---\nlicense: mit\n---\n", {"id": "o/m", "siblings": files})
    assert "MNT-03" not in draft["body"]["answers"]
    assert "answers.MNT-03" in [w["field"] for w in draft["warnings"]]


def test_every_prefill_answer_is_reached_by_a_sample_or_a_listing():
    """Each answer a prefill rule can give is given by at least one import in these tests."""
    given = {(i, a) for case in TABLE for i, a in case["answers"].items()}
    given |= {(i, a) for *_, answers in LISTINGS for i, a in answers.items()}
    content = real_content()
    rules = {(item.id, r.answer) for item in content.items.values() for r in item.prefill}
    assert {r for r in rules if r[1] is not None} <= given
