"""LIC-19, the licensor's unilateral rights, read from the licence knowledge base: a use policy
incorporated by reference to a page the licensor can change, or a right to restrict use
remotely; no such right for the standard public licences; nothing said where nothing is known."""

from __future__ import annotations

import pytest

from service.application import assessments
from service.application.errors import InputError
from service.engine import lineage
from tests.support.bodies import BASE_DEPLOYMENT, LLAMA_8B, body, preset_answers, real_content

MONITORED = "present_monitored"


def lic19(model: str):
    """The LIC-19 answer derived for a catalogue model, or None."""
    content = real_content()
    return lineage.facts(content, {"id": model}, dict(BASE_DEPLOYMENT)).derived.get("LIC-19")


def test_a_policy_incorporated_by_reference_is_a_right_present_naming_licence_and_page():
    found = lic19(LLAMA_8B)
    lic = real_content().licenses["llama-3.1-community"]
    assert (found.answer, found.basis, found.license) == ("present_unmanaged", "license", lic.id)
    assert lic.name in found.fact and lic.facts["acceptable_use"]["url"] in found.fact
    assert found.verified


def test_a_right_read_in_a_copy_of_the_terms_is_derived_unverified():
    found = lic19("google/gemma-3-27b-it")
    assert found.answer == "present_unmanaged"
    assert not found.verified and "use_policy_by_reference" in found.unverified


def test_a_reserved_right_to_restrict_use_remotely_is_a_right_present():
    found = lic19("deepseek-ai/DeepSeek-V3")
    assert found.answer == "present_unmanaged" and "restrict use remotely" in found.fact


@pytest.mark.parametrize("model", ["Qwen/Qwen3-8B", "microsoft/phi-4"])
def test_a_standard_public_licence_keeps_no_such_right(model):
    assert lic19(model).answer == "none"


@pytest.mark.parametrize(
    "model", ["Qwen/Qwen2.5-72B-Instruct", "mistralai/Mistral-Large-Instruct-2407"]
)
def test_a_custom_licence_the_knowledge_base_says_nothing_about_stays_a_question(model):
    lic = real_content().licenses[real_content().models[model].license]
    assert lic.kind not in ("permissive", "copyleft")
    assert not lic.facts["use_policy_by_reference"] and not lic.facts["remote_restriction"]
    assert lic19(model) is None


def test_the_strictest_licence_of_the_lineage_answers():
    # An MIT distill of Llama 3.1 8B is bound by the Llama licence and its use policy too.
    found = lic19("deepseek-ai/DeepSeek-R1-Distill-Llama-8B")
    assert found.answer == "present_unmanaged" and found.license == "llama-3.1-community"


def llama(answer) -> dict:
    content = real_content()
    b = body(LLAMA_8B)
    b["answers"] = {**preset_answers(content, b, "good"), "LIC-19": answer}
    return b


def test_a_snapshot_and_monitoring_resolve_the_right_without_a_justification():
    _, result = assessments.evaluate(real_content(), llama(MONITORED))
    f = next(f for f in result["findings"] if f["item"] == "LIC-19")
    assert (f["answer"], f["source"], f["override"]) == (MONITORED, "assessor", None)
    assert f["derived"]["answer"] == "present_unmanaged"


def test_saying_the_licence_keeps_no_such_right_needs_a_justification():
    with pytest.raises(InputError) as caught:
        assessments.evaluate(real_content(), llama("none"))
    assert "answers.LIC-19.justification" in str(caught.value)
    why = "A signed agreement with Meta (ref. LGL-204) fixes the use policy at its 2024-07 text."
    _, result = assessments.evaluate(real_content(), llama({"value": "none", "justification": why}))
    f = next(f for f in result["findings"] if f["item"] == "LIC-19")
    assert f["override"]["justification"] == why and f["answer"] == "none"
