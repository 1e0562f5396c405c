"""An assessor may override a derived answer (licence, publisher, deployment) only with a
written justification, where it departs from the facts."""

from __future__ import annotations

import pytest

from service.application import assessments
from service.application.errors import InputError
from service.engine import lineage
from tests.support.bodies import LLAMA_8B, body, preset_answers, real_content

VISION = "meta-llama/Llama-3.2-11B-Vision-Instruct"
FRANCE = {"deployer_country": "FR", "user_regions": ["EU"]}
PERMISSION = "Meta granted written permission for this deployment on 2026-05-04 (ref. LGL-118)."


def vision_france(answers: dict) -> dict:
    content = real_content()
    b = body(VISION, FRANCE)
    b["answers"] = {**preset_answers(content, b, "good"), **answers}
    return b


def finding(result: dict, item: str) -> dict:
    return next(f for f in result["findings"] if f["item"] == item)


def test_without_override_the_derived_exclusion_blocks():
    _, result = assessments.evaluate(real_content(), vision_france({}))
    assert finding(result, "LIC-05")["source"] == "derived"
    assert "LIC-05" in [b["item"] for b in result["blockers"]]


def test_override_with_justification_is_kept_in_the_result():
    b = vision_france({"LIC-05": {"value": "written_permission", "justification": PERMISSION}})
    _, result = assessments.evaluate(real_content(), b)
    f = finding(result, "LIC-05")
    assert f["answer"] == "written_permission" and f["source"] == "assessor"
    assert f["override"]["justification"] == PERMISSION
    assert f["override"]["derived_answer"] == "excluded"
    assert "EU" in f["override"]["fact"]
    assert f["derived"]["answer"] == "excluded"
    assert "LIC-05" not in [b["item"] for b in result["blockers"]]


def test_override_without_justification_is_refused_naming_the_field():
    b = vision_france({"LIC-05": "written_permission"})
    with pytest.raises(InputError) as exc:
        assessments.validate(real_content(), b)
    fields = [e["field"] for e in exc.value.errors]
    assert fields == ["answers.LIC-05.justification"]
    assert exc.value.errors[0]["pointer"] == "/answers/LIC-05/justification"
    assert "excluded" in exc.value.errors[0]["message"]


def test_blank_justification_counts_as_none():
    b = vision_france({"LIC-05": {"value": "written_permission", "justification": ""}})
    with pytest.raises(InputError) as exc:
        assessments.validate(real_content(), b)
    assert [e["field"] for e in exc.value.errors] == ["answers.LIC-05.justification"]


def test_override_to_a_riskier_answer_also_needs_a_justification():
    # Derived within_cap for a 5,000-user organisation; claiming above_cap contradicts the facts.
    content = real_content()
    b = body("meta-llama/Llama-3.1-8B-Instruct")
    b["answers"] = {**preset_answers(content, b, "good"), "LIC-03": "above_cap"}
    with pytest.raises(InputError) as exc:
        assessments.validate(content, b)
    assert [e["field"] for e in exc.value.errors] == ["answers.LIC-03.justification"]


def test_every_unjustified_override_is_named():
    b = vision_france({"LIC-05": "not_affected", "LIC-03": "no_cap"})
    with pytest.raises(InputError) as exc:
        assessments.validate(real_content(), b)
    assert sorted(e["field"] for e in exc.value.errors) == [
        "answers.LIC-03.justification",
        "answers.LIC-05.justification",
    ]


def test_answer_equal_to_the_derived_one_needs_no_justification():
    _, result = assessments.evaluate(real_content(), vision_france({"LIC-05": "excluded"}))
    f = finding(result, "LIC-05")
    assert f["source"] == "derived" and f["override"] is None


def test_unknown_leaves_the_derived_answer_standing():
    _, result = assessments.evaluate(real_content(), vision_france({"LIC-05": "unknown"}))
    f = finding(result, "LIC-05")
    assert f["answer"] == "excluded" and f["source"] == "derived" and f["override"] is None


def test_reporting_how_a_duty_was_met_is_not_an_override():
    # The use policy applies (derived aup_applies); answering that it was reviewed clause by
    # clause reports how the duty was met, so it needs no justification and is not an override.
    content = real_content()
    b = body("meta-llama/Llama-3.1-8B-Instruct", {"exposure": "customer_facing"})
    b["answers"] = {**preset_answers(content, b, "good"), "LIC-04": "compatible_reviewed"}
    _, result = assessments.evaluate(content, b)
    f = finding(result, "LIC-04")
    assert f["answer"] == "compatible_reviewed" and f["source"] == "assessor"
    assert f["override"] is None and f["derived"]["answer"] == "aup_applies"


def test_justified_override_survives_into_the_blockers_it_lifts_and_the_score():
    plain = assessments.evaluate(real_content(), vision_france({}))[1]
    justified = assessments.evaluate(
        real_content(),
        vision_france({"LIC-05": {"value": "written_permission", "justification": PERMISSION}}),
    )[1]
    assert finding(justified, "LIC-05")["risk"] < finding(plain, "LIC-05")["risk"]
    assert justified["overall"]["score"] < plain["overall"]["score"]


def test_an_answer_to_an_item_that_does_not_apply_needs_no_justification():
    # LIC-09 applies only when outputs train other models; here they do not.
    content = real_content()
    b = body("meta-llama/Meta-Llama-3-8B-Instruct", {"trains_models_on_outputs": False})
    b["answers"] = {**preset_answers(content, b, "good"), "LIC-09": "naming_duty"}
    _, result = assessments.evaluate(content, b)
    assert "LIC-09" in result["not_applicable"]


def test_an_unverified_catalogue_entry_marks_what_its_licence_gives_unverified():
    # The Mistral base of Sarvam-M is catalogued without its licence read in a primary text, so
    # facts read through it, alone or as a base in a lineage, must not look verified.
    content = real_content()
    base = content.models["sarvamai/sarvam-m"].base_models[0]
    assert content.models[base].facts["verified"] is False
    deployment = body(base)["deployment"]
    for start in (base, "sarvamai/sarvam-m"):
        model = lineage.resolve_model(content, {"id": start})
        chain = lineage.lineage(content, model)
        entry = next(e for e in chain if e["model"] == base)
        derived = lineage.derive_answers(content, model, deployment, [entry])
        read = [d for d in derived.values() if d.basis == "license"]
        assert read and all(not d.verified for d in read), start


@pytest.mark.parametrize(
    ("autonomy", "answer"),
    [
        ("advisory", "human_decides"),
        ("human_approved", "human_approves"),
        ("fully_automated", None),
    ],
)
def test_human_oversight_is_answered_from_the_deployment_where_a_person_is_in_the_loop(
    autonomy, answer
):
    # A fully automated deployment may still decide nothing that matters (a chat companion):
    # the assessor answers MIS-10 then.
    content = real_content()
    b = body(LLAMA_8B, {"autonomy": autonomy})
    derived = assessments.derived_answers(content, b["model"], b["deployment"])
    got = derived.get("MIS-10")
    if answer is None:
        assert got is None
    else:
        assert (got.answer, got.basis) == (answer, "deployment")


def test_more_oversight_than_the_deployment_states_needs_a_justification():
    content = real_content()
    b = body(LLAMA_8B, {"autonomy": "human_approved"})
    b["answers"] = {**preset_answers(content, b, "good"), "MIS-10": "human_monitors"}
    _, result = assessments.evaluate(content, b)  # less oversight stands as given
    assert finding(result, "MIS-10")["answer"] == "human_monitors"
    b["answers"]["MIS-10"] = "human_decides"
    with pytest.raises(InputError) as caught:
        assessments.evaluate(content, b)
    assert "answers.MIS-10.justification" in str(caught.value)
