"""Policy stance on licences and publisher countries, with a fixture policy beside the shipped ones.

The shipped policies stay as they are (the default is neutral on countries); the fixture in
tests/data/policies/ is loaded from a copied policy folder.
"""

from __future__ import annotations

import shutil

import pytest

from service.application import assessments
from service.content import load_content
from tests.support.bodies import DATA, ROOT, body, preset_answers, real_content


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    policies = tmp_path_factory.mktemp("policies")
    for path in [*(ROOT / "policies").glob("*.yaml"), *(DATA / "policies").glob("*.yaml")]:
        shutil.copy(path, policies / path.name)
    return load_content(ROOT / "checklists", policies)


def run(content, model, policy, deployment=None, reviewed=False):
    """Good answers; unless `reviewed`, legal has not yet reviewed the licence (LIC-18, LIC-26),
    so the review a policy's stance asks for is still open."""
    b = body(model, deployment, policy=policy)
    b["answers"] = preset_answers(content, b, "good")
    if not reviewed:
        b["answers"].pop("LIC-26", None)
        b["answers"]["LIC-18"] = "not_reviewed"
    return assessments.evaluate(content, b)[1]


def kinds(result, kind):
    return [c for c in result["conditions"] if c["kind"] == kind]


def test_shipped_policies_name_no_publisher_countries():
    for policy in real_content().policies.values():
        assert not policy.publisher_countries_review, policy.id


def test_listed_publisher_country_asks_for_extra_review(content):
    result = run(content, "deepseek-ai/DeepSeek-R1", "sovereignty")
    review = kinds(result, "publisher_review")
    assert len(review) == 1 and "CN" in review[0]["text"] and "DeepSeek" in review[0]["text"]
    assert review[0]["item"] == "policy"
    assert result["decision"] != "approve"


def test_default_policy_is_neutral_on_publisher_countries(content):
    result = run(content, "deepseek-ai/DeepSeek-R1", "default")
    assert kinds(result, "publisher_review") == []


def test_unlisted_publisher_country_gets_no_extra_review(content):
    result = run(content, "meta-llama/Llama-3.1-8B-Instruct", "sovereignty")
    assert kinds(result, "publisher_review") == []


def test_publisher_review_names_the_model_in_the_lineage_it_applies_to(content):
    # The distill's publisher is in CN; its Llama 3.3 base's publisher (US) is not.
    result = run(content, "deepseek-ai/DeepSeek-R1-Distill-Llama-70B", "sovereignty")
    review = kinds(result, "publisher_review")
    assert len(review) == 1
    assert "DeepSeek-R1-Distill-Llama-70B" in review[0]["text"]
    assert "Llama 3.3" not in review[0]["text"]


def test_licence_stance_overrides_the_kind_stance(content):
    # Community licences go to review by kind, but this policy allows Llama 3.1 by id.
    allowed = run(content, "meta-llama/Llama-3.1-8B-Instruct", "sovereignty")
    assert kinds(allowed, "license_review") == []
    reviewed = run(content, "meta-llama/Llama-3.3-70B-Instruct", "sovereignty")
    review = kinds(reviewed, "license_review")
    assert len(review) == 1 and "llama-3.3-community" in review[0]["text"]


def test_denied_licence_is_a_stance_blocker_naming_the_model(content):
    result = run(content, "deepseek-ai/DeepSeek-V3", "sovereignty")
    stance = [b for b in result["blockers"] if b["kind"] == "license_stance"]
    assert [(b["license"], b["origin"]) for b in stance] == [
        ("deepseek-license-1.0", "DeepSeek-V3")
    ]
    assert result["decision"] == "reject"


def test_strict_policy_denies_research_licence_with_a_stance_blocker(content):
    result = run(
        content,
        "mistralai/Mistral-Large-Instruct-2407",
        "strict",
        {"environment": "research", "commercial_use": False},
    )
    stance = [b for b in result["blockers"] if b["kind"] == "license_stance"]
    assert [b["license"] for b in stance] == ["mistral-research-license"]
    assert result["decision"] == "reject"


def test_strict_policy_reviews_the_base_licence_of_an_adapter(content):
    # The FinGPT adapter is MIT and its Llama 2 base community: nothing to deny, the base reviewed.
    result = run(content, "FinGPT/fingpt-mt_llama2-7b_lora", "strict")
    assert [b for b in result["blockers"] if b["kind"] == "license_stance"] == []
    assert any("llama-2-community" in c["text"] for c in kinds(result, "license_review"))


def test_default_policy_reviews_community_licences_without_blocking(content):
    result = run(content, "meta-llama/Llama-3.1-8B-Instruct", "default")
    assert [b for b in result["blockers"] if b["kind"] == "license_stance"] == []
    review = kinds(result, "license_review")
    assert len(review) == 1 and "llama-3.1-community" in review[0]["text"]
    assert result["decision"] == "approve_with_conditions"


def test_default_policy_allows_permissive_licences_without_review(content):
    result = run(content, "Qwen/Qwen3-8B", "default")
    assert kinds(result, "license_review") == []


def test_denied_base_licence_blocks_a_permissive_derivative(content):
    # A denied licence anywhere in the lineage is a blocker: DeepSeek's own licence is denied by
    # the fixture policy, and the R1 distills are MIT on Llama and Qwen bases, so they pass,
    # while a model described as a fine-tune of DeepSeek-V3 carries the denied licence.
    described = {
        "id": "example-org/v3-finetune",
        "name": "V3 fine-tune",
        "publisher": "Example",
        "license": "MIT",
        "base_models": ["deepseek-ai/DeepSeek-V3"],
    }
    result = run(content, described, "sovereignty")
    stance = [b for b in result["blockers"] if b["kind"] == "license_stance"]
    assert [(b["license"], b["origin"]) for b in stance] == [
        ("deepseek-license-1.0", "DeepSeek-V3")
    ]


@pytest.mark.parametrize(
    "answers", [{"LIC-26": "custom_accepted"}, {"LIC-18": "reviewed_accepted"}], ids=str
)
def test_the_licence_review_is_asked_for_until_an_answer_shows_legal_did_it(content, answers):
    before = run(content, "meta-llama/Llama-3.3-70B-Instruct", "default")
    assert len(kinds(before, "license_review")) == 1
    b = body("meta-llama/Llama-3.3-70B-Instruct")
    b["answers"] = preset_answers(content, b, "good")
    b["answers"].pop("LIC-26")
    b["answers"].update({"LIC-18": "not_reviewed", **answers})
    after = assessments.evaluate(content, b)[1]
    assert kinds(after, "license_review") == []
