"""The deployment's `weights_as_published` field: what it answers (SEC-08, MNT-15), what it takes
off the form (SEC-24), what it stops the publisher's release from answering (MIS-07), and what a
person may still answer beside it."""

from __future__ import annotations

import pytest

from service.application import assessments
from service.application.errors import InputError
from service.engine import lineage
from tests.support.bodies import BASE_DEPLOYMENT, LLAMA_8B, body, preset_answers, real_content

SAID = {"unsaid": {}, "as published": {"weights_as_published": True}}
CHANGED = {"weights_as_published": False}


def derived(model: str = LLAMA_8B, **deployment) -> dict:
    """Every derived answer for a catalogue model in the base deployment changed as given."""
    content = real_content()
    return lineage.facts(content, {"id": model}, {**BASE_DEPLOYMENT, **deployment}).derived


def evaluated(deployment: dict, answers: dict | None = None, model: str = LLAMA_8B) -> dict:
    """The result for a model whose every other applicable item has its least risky answer."""
    content = real_content()
    b = body(model, deployment)
    b["answers"] = {**preset_answers(content, b, "good"), **(answers or {})}
    return assessments.evaluate(content, b)[1]


def finding(result: dict, item: str) -> dict:
    return next(f for f in result["findings"] if f["item"] == item)


@pytest.mark.parametrize(
    ("deployment", "applies"),
    [({}, True), (CHANGED, True), ({"weights_as_published": True}, False)],
    ids=["unsaid", "changed", "as published"],
)
def test_fine_tuning_data_is_asked_about_unless_the_weights_are_used_as_published(
    deployment, applies
):
    result = evaluated(deployment)
    assert ("SEC-24" not in result["not_applicable"]) is applies


@pytest.mark.parametrize(
    ("deployment", "answers"),
    [
        ({}, {}),
        (CHANGED, {}),
        ({"weights_as_published": True}, {"SEC-08": "none", "MNT-15": "not_used"}),
    ],
    ids=["unsaid", "changed", "as published"],
)
def test_adapters_and_quantised_variants_are_answered_only_for_weights_used_as_published(
    deployment, answers
):
    found = derived(**deployment)
    got = {i: found[i].answer for i in ("SEC-08", "MNT-15") if i in found}
    assert got == answers
    assert all(found[i].basis == "deployment" for i in got)
    assert all("as published" in found[i].fact for i in got)


def test_a_catalogued_fine_tune_is_no_answer_to_the_adapter_question():
    # Sarvam-M is Sarvam's fine-tune of a Mistral base: used as published, it is still the
    # third-party fine-tune SEC-08 asks about; it is not a quantised variant, so MNT-15 holds.
    assert real_content().models["sarvamai/sarvam-m"].base_models
    found = derived("sarvamai/sarvam-m", weights_as_published=True)
    assert "SEC-08" not in found
    assert found["MNT-15"].answer == "not_used"


@pytest.mark.parametrize(
    "change",
    [{"relation": "quantized"}, {"weights_format": "gguf"}, {"weights_format": "onnx"}],
    ids=["a quantised catalogue entry", "GGUF weights", "ONNX weights"],
)
def test_nothing_answers_the_quantised_variant_question_where_the_model_may_be_one(change):
    content = real_content()
    deployment = {**BASE_DEPLOYMENT, "weights_as_published": True}
    model = {**lineage.resolve_model(content, {"id": LLAMA_8B}), **change}
    chain = lineage.lineage(content, model)
    found = lineage.derive_answers(content, model, deployment, chain)
    assert "MNT-15" not in found
    assert found["SEC-08"].answer == "none"  # the same model, as published: still no adapter


def test_a_riskier_answer_beside_weights_used_as_published_stands_without_justification():
    # The deployment may load a third-party adapter after all; that answer is the assessor's.
    result = evaluated(
        {"weights_as_published": True},
        {"SEC-08": "third_party_unverified", "MNT-15": "third_party"},
    )
    for item in ("SEC-08", "MNT-15"):
        f = finding(result, item)
        assert f["source"] == "assessor" and f["override"] is None and f["risky"], item
    plain = evaluated({"weights_as_published": True})
    assert finding(plain, "SEC-08")["source"] == "derived" and not finding(plain, "SEC-08")["risky"]


@pytest.mark.parametrize("said", list(SAID.values()), ids=list(SAID))
def test_an_aligned_release_answers_safety_training_while_its_weights_are_unchanged(said):
    found = derived(**said)["MIS-07"]
    assert (found.answer, found.basis) == ("official_aligned", "publisher")


def test_changed_weights_are_not_taken_for_the_aligned_release():
    # Fine-tuning can erode safety training: the assessor answers MIS-07 for the changed weights.
    assert "MIS-07" not in derived(**CHANGED)
    result = evaluated(CHANGED, {"MIS-07": "finetune_reevaluated"})
    f = finding(result, "MIS-07")
    assert f["answer"] == "finetune_reevaluated" and f["override"] is None


def test_changed_weights_of_a_release_without_safety_training_keep_that_answer():
    # Changing such weights makes them no safer: a better answer still needs a justification.
    found = derived("meta-llama/Llama-3.1-8B", **CHANGED)["MIS-07"]
    assert found.answer == "no_safety_tuning"
    content = real_content()
    b = body("meta-llama/Llama-3.1-8B", CHANGED)
    b["answers"] = {**preset_answers(content, b, "good"), "MIS-07": "finetune_reevaluated"}
    with pytest.raises(InputError) as caught:
        assessments.evaluate(content, b)
    assert "answers.MIS-07.justification" in str(caught.value)
