"""Properties of the engine over generated deployments and answers (hypothesis)."""

from __future__ import annotations

import copy
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service import engine
from service.content.model import RATINGS, UNKNOWN
from service.engine import scoring
from tests.support.bodies import BASE_DEPLOYMENT, real_content

CONTENT = real_content()
ITEMS = sorted(CONTENT.items.values(), key=lambda i: i.id)
MODELS = sorted(CONTENT.models)


def _deployment_strategy():
    fields = {}
    for name, spec in CONTENT.context.fields.items():
        if spec.type == "enum":
            fields[name] = st.sampled_from([o.value for o in spec.options])
        elif spec.type == "bool":
            fields[name] = st.booleans()
        elif spec.type == "integer":
            fields[name] = st.integers(0, 2_000_000_000)
        elif spec.type == "country":
            fields[name] = st.sampled_from(["US", "FR", "DE", "GB", "IN", "CN", "JP"])
        elif spec.type == "region_list":
            fields[name] = st.lists(
                st.sampled_from(["EU", "EEA", "US", "UK", "FR", "IN"]), max_size=3
            )
    return st.fixed_dictionaries(fields).map(lambda d: {**BASE_DEPLOYMENT, **d})


def _answers_strategy():
    return st.fixed_dictionaries(
        {},
        optional={i.id: st.sampled_from([o.value for o in i.options] + [UNKNOWN]) for i in ITEMS},
    )


BODIES = st.builds(
    lambda model, deployment, answers, policy: {
        "title": "generated",
        "model": {"id": model},
        "deployment": deployment,
        "answers": answers,
        "policy": policy,
    },
    st.sampled_from(MODELS),
    _deployment_strategy(),
    _answers_strategy(),
    st.sampled_from(sorted(CONTENT.policies)),
)

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _score(body):
    lean = scoring.score(body, CONTENT, CONTENT.policies[body["policy"]])
    return engine.explain(lean, engine.snapshot(CONTENT))


@SETTINGS
@given(BODIES)
def test_the_stored_form_reads_back_as_the_same_explained_result(body):
    lean = scoring.score(body, CONTENT, CONTENT.policies[body["policy"]])
    stored = json.loads(json.dumps(engine.pack(lean)))
    assert stored["format"] == engine.FORMAT
    assert {"title", "question", "remediation", "references"}.isdisjoint(
        stored["findings"]["fields"]
    )
    snapshot = json.loads(json.dumps(engine.snapshot(CONTENT)))
    assert engine.explain(engine.unpack(stored), snapshot) == _score(body)


@SETTINGS
@given(BODIES)
def test_scores_stay_within_bounds_and_findings_add_up_exactly(body):
    result = _score(body)
    assert 0 <= result["overall"]["score"] <= 100
    for domain, summary in result["domains"].items():
        assert 0 <= summary["score"] <= 100
        cents = sum(round(f["points"] * 100) for f in result["findings"] if f["domain"] == domain)
        assert cents == round(summary["score"] * 100), domain
    overall = sum(round(f["overall_points"] * 100) for f in result["findings"])
    assert overall == round(result["overall"]["score"] * 100)


@SETTINGS
@given(BODIES, st.data())
def test_a_riskier_answer_never_lowers_its_domain_score(body, data):
    item = data.draw(st.sampled_from(ITEMS))
    options = sorted(item.options, key=lambda o: o.risk)
    low = data.draw(st.sampled_from(options))
    high = data.draw(st.sampled_from([o for o in options if o.risk >= low.risk]))
    before, after = copy.deepcopy(body), copy.deepcopy(body)
    before["answers"][item.id] = {"value": low.value, "justification": "property test"}
    after["answers"][item.id] = {"value": high.value, "justification": "property test"}
    first, second = _score(before), _score(after)
    assert second["domains"][item.domain]["score"] >= first["domains"][item.domain]["score"]
    assert (
        RATINGS.index(second["overall"]["rating"]) >= RATINGS.index(first["overall"]["rating"])
        or second["overall"]["score"] >= first["overall"]["score"]
    )


@SETTINGS
@given(BODIES)
def test_the_same_input_gives_the_same_result(body):
    assert _score(copy.deepcopy(body)) == _score(copy.deepcopy(body))


@SETTINGS
@given(BODIES)
def test_every_answer_unknown_is_never_low_or_approved(body):
    body["answers"] = {i.id: UNKNOWN for i in ITEMS}
    result = _score(body)
    assert result["overall"]["rating"] != "low"
    assert result["decision"] != "approve"


@SETTINGS
@given(BODIES)
def test_a_blocker_always_rejects_and_a_critical_risky_answer_rates_at_least_high(body):
    result = _score(body)
    if result["blockers"]:
        assert result["decision"] == "reject"
    if any(f["risky"] and f["severity"] == "critical" for f in result["findings"]):
        assert RATINGS.index(result["overall"]["rating"]) >= RATINGS.index("high")
