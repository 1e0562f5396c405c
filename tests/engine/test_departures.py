"""A catalogue model's facts stand unless the assessor departs from them knowingly and visibly:
stating a licence, lineage, publisher, publisher country or modalities otherwise needs the
model's justification, and an accepted departure or an override below a known fact is put in
front of a reviewer (a before-go-live condition and a decision reason)."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service import engine
from service.application import assessments
from service.application.errors import InputError
from service.content.model import DECISIONS, RATINGS
from service.engine import departures
from tests.support.bodies import real_content, scenario_body

CONTENT = real_content()
DEFAULT = CONTENT.policies["default"]
AS_OF = "2026-11-15"
COHERE = "CohereForAI/c4ai-command-r-v01"  # CC-BY-NC-4.0: no commercial use
DISTILL = "deepseek-ai/DeepSeek-R1-Distill-Llama-70B"  # MIT on a Llama 3.3 base (700M cap)
MISTRAL = "mistralai/Mistral-7B-Instruct-v0.3"  # its publisher facts answer MIS-07
REASON = "Cohere signed a commercial licence with us on 2026-03-02 (contract LGL-204)."
BIG = {"organisation_monthly_active_users": 800_000_000}
PUBLIC = {"exposure": "public"}


def _body(model: dict, deployment=None, answers=None) -> dict:
    spec = {"model": model, "deployment": deployment or {}, "preset": "good"}
    return scenario_body(CONTENT, {**spec, "answers": answers or {}})


def run(model: dict, deployment=None, answers=None) -> dict:
    return assessments.evaluate(CONTENT, _body(model, deployment, answers), AS_OF)[1]


def refused(model: dict, deployment=None, answers=None) -> list[str]:
    with pytest.raises(InputError) as caught:
        run(model, deployment, answers)
    return [e["field"] for e in caught.value.errors]


def blockers(result: dict) -> list[str]:
    return [b["item"] for b in result["blockers"]]


def test_the_catalogue_licence_blocks_commercial_use():
    result = run({"id": COHERE})
    assert result["decision"] == "reject" and "LIC-02" in blockers(result)


def test_restating_the_licence_without_a_justification_is_refused_naming_the_field():
    assert refused({"id": COHERE, "license": "Apache-2.0"}) == ["model.license"]


def test_the_same_licence_by_an_alias_is_no_departure():
    lic = CONTENT.license(CONTENT.model(COHERE).facts["license"])
    result = run({"id": COHERE, "license": (lic.aliases or (lic.id,))[0].upper()})
    assert "LIC-02" in blockers(result)
    assert "departures" not in result["model"]


def test_an_unjustified_departure_leaves_the_catalogue_facts_to_the_engine():
    # The engine is not fooled either when it is called without the validation in front.
    b = _body({"id": COHERE, "license": "Apache-2.0"})
    result = engine.score(b, CONTENT, CONTENT.policies["default"], as_of=AS_OF)
    assert "LIC-02" in blockers(result)
    assert result["model"]["license"] == CONTENT.model(COHERE).facts["license"]


def test_a_justified_departure_is_recorded_and_must_be_confirmed_before_go_live():
    result = run({"id": COHERE, "license": "Apache-2.0", "justification": REASON})
    assert result["model"]["departures"] == [
        {"field": "license", "catalogue": "cohere-c4ai-cc-by-nc-4.0", "given": "Apache-2.0"}
    ]
    assert result["model"]["justification"] == REASON
    departure = [c for c in result["conditions"] if c["kind"] == "catalogue_departure"]
    assert len(departure) == 1 and departure[0]["due"] == "before_go_live"
    assert REASON in departure[0]["text"] and "cohere-c4ai-cc-by-nc-4.0" in departure[0]["text"]
    reasons = [r["text"] for r in result["rating_reasons"]["decision"]]
    assert any("departure from the catalogue" in r for r in reasons)
    assert result["decision"] == "approve_with_conditions"


def test_replacing_the_lineage_without_a_justification_is_refused():
    assert "LIC-03" in blockers(run({"id": DISTILL}, BIG))
    assert refused({"id": DISTILL, "base_models": ["x/y"]}, BIG) == ["model.base_models.0"]


def test_the_same_lineage_in_another_case_or_order_is_no_departure():
    bases = CONTENT.model(DISTILL).facts["base_models"]
    result = run({"id": DISTILL, "base_models": [b.upper() for b in reversed(bases)]}, BIG)
    assert "LIC-03" in blockers(result)


@pytest.mark.parametrize("spelling", ["mistral ai", "  Mistral   AI ", "MISTRAL AI"])
def test_the_publisher_in_another_case_or_spacing_keeps_its_facts(spelling):
    plain = run({"id": MISTRAL}, PUBLIC)
    assert "MIS-07" in blockers(plain)
    result = run({"id": MISTRAL, "publisher": spelling}, PUBLIC)
    assert blockers(result) == blockers(plain)
    assert result["model"]["publisher"] == "Mistral AI"


def test_another_publisher_without_a_justification_is_refused():
    assert refused({"id": MISTRAL, "publisher": "Mistral AI SAS"}, PUBLIC) == ["model.publisher"]


@pytest.mark.parametrize("blank", [" ", ".", "\u200b", "n/a", " \t ok ok "])
def test_a_justification_with_nothing_to_say_overrides_nothing(blank):
    answer = {"LIC-02": {"value": "permitted", "justification": blank}}
    assert refused({"id": COHERE}, None, answer) == ["answers.LIC-02.justification"]
    model = {"id": COHERE, "license": "Apache-2.0", "justification": blank}
    assert refused(model)[0] in ("model.license", "model.justification")


def test_a_justification_is_kept_without_its_surrounding_space():
    answer = {"LIC-02": {"value": "permitted", "justification": f"  {REASON}\n"}}
    f = next(f for f in run({"id": COHERE}, None, answer)["findings"] if f["item"] == "LIC-02")
    assert f["override"]["justification"] == REASON


def test_an_override_below_a_known_fact_must_be_confirmed_before_go_live():
    answer = {"LIC-02": {"value": "permitted", "justification": REASON}}
    result = run({"id": COHERE}, None, answer)
    assert "LIC-02" not in blockers(result)
    confirm = [c for c in result["conditions"] if c["kind"] == "override"]
    assert [(c["item"], c["due"]) for c in confirm] == [("LIC-02", "before_go_live")]
    assert REASON in confirm[0]["text"]
    reasons = [r["text"] for r in result["rating_reasons"]["decision"]]
    assert any("override of LIC-02" in r for r in reasons)
    assert result["decision"] != "approve"


# The fields that state a model's facts, each drawn from what other catalogue entries hold.
ENTRIES = sorted(CONTENT.models.values(), key=lambda m: m.id)
DEPLOYMENTS = st.sampled_from([{}, BIG, PUBLIC, {**BIG, **PUBLIC}])


def _fact_values(field: str):
    return st.sampled_from(ENTRIES).map(lambda m: copy.deepcopy(m.facts[field]))


STATED = st.fixed_dictionaries(
    {},
    optional={f: _fact_values(f) for f in departures.FACT_FIELDS}
    | {"publisher": st.one_of(_fact_values("publisher"), st.text(min_size=1, max_size=20))},
)


def _severity(result: dict) -> tuple:
    """How strict a result is: rating, decision, blockers."""
    return (
        RATINGS.index(result["overall"]["rating"]),
        DECISIONS.index(result["decision"]),
        set(blockers(result)),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ENTRIES), STATED, DEPLOYMENTS)
def test_no_field_of_the_model_lowers_a_catalogue_fact_without_a_justification(
    entry, stated, deployment
):
    """Whatever the body states of a catalogue model's facts without a justification, it is
    refused naming a departing field, or it scores as the catalogue's facts do."""
    plain = run({"id": entry.id}, deployment)
    model = {"id": entry.id, **stated}
    # The engine on its own, without the validation in front, keeps the catalogue's facts.
    _not_lower(engine.score(_body(model, deployment), CONTENT, DEFAULT, as_of=AS_OF), plain)
    try:
        result = run(model, deployment)
    except InputError as exc:
        named = {e["field"] for e in exc.errors}
        assert {n.rsplit(".", 1)[0] if n[-1].isdigit() else n for n in named} <= {
            f"model.{f}" for f in departures.FACT_FIELDS
        }, named
        assert named
        return
    _not_lower(result, plain)


def _not_lower(result: dict, plain: dict) -> None:
    rating, decision, blocking = _severity(result)
    assert rating >= _severity(plain)[0]
    assert decision >= _severity(plain)[1]
    assert blocking >= _severity(plain)[2]
    derived = {f["item"]: f["risk"] for f in plain["findings"] if f["source"] == "derived"}
    for f in result["findings"]:
        assert f["risk"] >= derived.get(f["item"], 0), f["item"]


def test_the_text_output_and_the_report_show_the_departure():
    from service.cli.text import render_text
    from service.report import build, render
    from tests.support.reports import pages, stored_from

    b = _body({"id": COHERE, "license": "Apache-2.0", "justification": REASON})
    _, result = assessments.evaluate(CONTENT, b, AS_OF)
    text = render_text(b, result)
    assert "Departs from the catalogue: license Apache-2.0 (catalogue: cohere-c4ai" in text
    assert REASON in text
    report = build(stored_from(CONTENT, b))
    cover = report["decision"]
    assert cover["model"]["departures"].startswith("Departs from the catalogue: license")
    assert REASON in cover["model"]["departures"]
    first_page = "".join(pages(render(report))[0].split())
    assert "".join(cover["model"]["departures"].split()) in first_page
    # Nothing departed: nothing shown.
    assert "Departs" not in render_text(_body({"id": COHERE}), run({"id": COHERE}))
