"""Content fixes of the verdict model: derivations, context rules, application dates, publisher
facts. Each test reads the shipped content through the loader and the rule evaluator."""

from __future__ import annotations

import pytest

from service.content import sourced
from service.content.model import UNKNOWN
from service.engine import lineage, rules
from tests.support.bodies import BASE_DEPLOYMENT, real_content


def derived(model: str, **deployment) -> dict:
    """The derived licensing answers for a catalogue model in a deployment."""
    content = real_content()
    facts = lineage.facts(content, {"id": model}, {**BASE_DEPLOYMENT, **deployment})
    return facts.derived


def fired(item_id: str, **deployment) -> list[str]:
    """The reasons of the severity rules of an item that hold for this deployment."""
    content = real_content()
    ctx = {"deployment": {**BASE_DEPLOYMENT, **deployment}, "model": {}}
    sets = content.context.country_sets
    found = content.items[item_id].severity_rules
    return [r.reason for r in found if rules.holds(r.when, ctx, sets)]


# ------------------------------------------------------------------ field of use (LIC-10)
@pytest.mark.parametrize("sector", ["finance", "insurance", "legal", "healthcare"])
def test_the_sector_alone_asks_for_a_review_not_a_critical_answer(sector):
    found = derived("meta-llama/Llama-3.1-8B-Instruct", sector=sector)["LIC-10"]
    assert found.answer == "sector_review"
    assert real_content().items["LIC-10"].answer_severity(found.answer) == "medium"


def test_a_use_case_in_the_restricted_field_gets_the_critical_answer():
    found = derived(
        "meta-llama/Llama-3.1-8B-Instruct", sector="legal", restricted_field="professional_advice"
    )["LIC-10"]
    assert found.answer == "touches_sector"
    assert real_content().items["LIC-10"].answer_severity(found.answer) == "critical"


def test_medical_advice_counts_as_professional_advice_for_llama():
    found = derived("meta-llama/Llama-3.1-8B-Instruct", restricted_field="medical")["LIC-10"]
    assert found.answer == "touches_sector"


def test_a_declared_field_outside_the_licences_list_is_not_relevant():
    found = derived("bigscience/bloom", sector="retail", restricted_field="none")["LIC-10"]
    assert found.answer == "not_relevant"


# ------------------------------------------------------------------ notice duties (LIC-06)
def test_a_licence_that_exempts_hosted_services_derives_no_notice_duty_for_one():
    found = derived("google/gemma-3-27b-it", distribution="hosted_service")["LIC-06"]
    assert found.answer == "no_duty"
    assert "exempts a hosted service" in found.fact
    assert "attribution_trigger" in found.unverified


def test_hosting_still_counts_as_distribution_for_the_gemma_restrictions():
    assert derived("google/gemma-3-27b-it", distribution="hosted_service")["LIC-11"].answer == (
        "applies_to_satisfy"
    )


@pytest.mark.parametrize(
    "model, deployment, answer",
    [
        ("google/gemma-3-27b-it", {"distribution": "weights_distributed"}, "duty_applies"),
        ("deepseek-ai/DeepSeek-V3", {"distribution": "hosted_service"}, "duty_applies"),
        ("meta-llama/Llama-3.1-8B-Instruct", {"exposure": "customer_facing"}, "duty_applies"),
        ("Qwen/Qwen3-8B", {"distribution": "hosted_service"}, "no_duty"),
    ],
)
def test_notice_duties_follow_what_the_licence_ties_them_to(model, deployment, answer):
    assert derived(model, **deployment)["LIC-06"].answer == answer


# ------------------------------------------------------------------ licence kinds in reasons
def test_a_non_production_licence_is_named_as_such_in_the_reason():
    found = derived("mistralai/Codestral-22B-v0.1", environment="production")["LIC-02"]
    assert found.answer == "not_permitted"
    assert "is a non-production licence" in found.fact


def test_a_research_licence_is_named_as_such_in_the_reason():
    found = derived("mistralai/Mistral-Large-Instruct-2407")["LIC-02"]
    assert found.answer == "not_permitted" and "is a research licence" in found.fact


# ------------------------------------------------------------------ custom licences (LIC-26)
CUSTOM_KINDS = {"community", "rail", "proprietary_open", "research", "non_production"}


def test_every_licence_in_the_knowledge_base_is_classed_custom_or_standard():
    content = real_content()
    item = content.items["LIC-26"]
    for lic in content.licenses.values():
        ctx = {"license": lic.facts}
        rule = next(r for r in item.derive if rules.holds(r.when, ctx, {}))
        custom = lic.kind in CUSTOM_KINDS or lic.facts.get("acceptable_use") is not None
        assert rule.answer == ("custom_terms" if custom else "standard_licence"), lic.id
    assert item.answer_severity("custom_terms") == "medium"
    # A finding is risky when its answer carries risk: a custom licence is a medium finding.
    assert item.option("custom_terms").risk > 0


# ------------------------------------------------------------------ credentials
def test_credentials_raise_the_secret_handling_items():
    assert fired("SEC-13", data_sensitivity="credentials")
    assert fired("SEC-21", data_sensitivity="credentials", tool_access="read_only")
    assert not fired("SEC-13", data_sensitivity="internal")


def test_credentials_count_as_confidential_wherever_rules_list_confidential():
    content = real_content()
    field = content.context.fields["data_sensitivity"]
    assert field.options[[o.value for o in field.options].index("credentials")].counts_as == (
        "confidential"
    )
    for item in content.items.values():
        rule_lists = [r.when for r in item.severity_rules] + [r.when for r in item.blocker_when]
        for conds in rule_lists:
            for cond in conds:
                if cond.field == "deployment.data_sensitivity" and isinstance(cond.value, tuple):
                    assert ("confidential" in cond.value) <= ("credentials" in cond.value)


# ------------------------------------------------------------------ planned lifetime
END_OF_LIFE_ITEMS = ["MNT-01", "MNT-08", "MNT-09", "MNT-11", "MNT-21"]


@pytest.mark.parametrize("item", END_OF_LIFE_ITEMS)
def test_a_lifetime_beyond_a_year_raises_the_end_of_life_items(item):
    assert len(fired(item, planned_lifetime_months=24)) == len(fired(item)) + 1
    assert fired(item, planned_lifetime_months=12) == fired(item)


def test_the_lifetime_field_is_optional_whole_months():
    spec = real_content().context.fields["planned_lifetime_months"]
    assert (spec.type, spec.required, spec.minimum) == ("integer", False, 1)


# ------------------------------------------------------------------ EU AI Act application dates
def test_eu_ai_act_dates_are_content():
    act = real_content().frameworks["EU-AI-ACT"]
    assert act.provision("Art. 5(1)").applies_from == "2025-02-02"
    assert act.provision("Art. 50(1)").applies_from == "2026-08-02"
    annex = act.provision("Annex III")
    assert annex.applies_from == "2026-08-02"
    assert annex.pending.applies_from == "2027-12-02"
    assert "not final law" in annex.pending.note.lower()


def test_every_eu_ai_act_reference_has_an_application_date():
    content = real_content()
    act = content.frameworks["EU-AI-ACT"]
    cited = [(i.id, r.id) for i in content.items.values() for r in i.references]
    cited = [(item, ref) for item, ref in cited if ref.startswith(("Art.", "Annex"))]
    assert len(cited) >= 20
    for item in content.items.values():
        for ref in item.references:
            if ref.framework == "EU-AI-ACT":
                assert act.provision(ref.id), (item.id, ref.id)


# ------------------------------------------------------------------ publisher facts
PRE_ANSWERS = {
    "backing": "MNT-06",
    "security_policy": "MNT-02",
    "signed_releases": "MNT-03",
    "maintenance": "MNT-01",
    "alignment": "MIS-07",
}


def test_every_fact_value_is_an_answer_of_the_item_it_pre_answers():
    items = real_content().items
    assert set(PRE_ANSWERS) == set(sourced.SOURCED_FACTS)
    for name, values in {**sourced.PUBLISHER_FACTS, **sourced.MODEL_FACTS}.items():
        options = {o.value for o in items[PRE_ANSWERS[name]].options}
        assert set(values) <= options, name


def test_publisher_facts_carry_their_source_and_stay_out_of_rule_facts():
    models = real_content().models.values()
    with_facts = [m for m in models if m.sourced]
    assert len(with_facts) >= 40
    for model in with_facts:
        for name, fact in model.sourced.items():
            assert fact["source"] and isinstance(fact["verified"], bool), (model.id, name)
            assert name not in model.facts, (model.id, name)
            if name in sourced.NEEDS_AS_OF:
                assert fact["as_of"], model.id


def test_base_releases_and_aligned_releases_are_told_apart():
    models = real_content().models
    assert models["meta-llama/Llama-3.1-8B"].sourced["alignment"]["value"] == "no_safety_tuning"
    aligned = models["meta-llama/Llama-3.1-8B-Instruct"].sourced["alignment"]
    assert aligned["value"] == "official_aligned" and aligned["verified"] is True


def test_the_publisher_schema_holds_exactly_the_publisher_facts():
    assert set(sourced.PublisherSchema().fields) == set(sourced.PUBLISHER_FACTS)


def test_an_answer_without_risk_has_no_severity_and_unknown_has_the_base():
    item = real_content().items["SEC-13"]
    assert item.answer_severity("protected") is None
    assert item.answer_severity(UNKNOWN) == "high"
    assert item.answer_severity("partial") == "medium"
