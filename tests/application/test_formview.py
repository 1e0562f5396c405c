"""The form's view: the questions it shows are the ones the score counts, at the severity the
score gives them; typed values are read in one message style; answers are submitted only where
the question applies, and an offered derived answer follows the facts."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service import engine
from service.application import assessments, formbody, formview
from service.content.model import SEVERITIES
from service.web import forms
from tests.support.bodies import BASE_DEPLOYMENT, LLAMA_8B, body, real_content

CONTENT = real_content()
MODELS = sorted(CONTENT.models)


def _deployments():
    fields = {}
    for name, spec in CONTENT.context.fields.items():
        if spec.type == "enum":
            fields[name] = st.sampled_from([o.value for o in spec.options])
        elif spec.type == "bool":
            fields[name] = st.booleans()
        elif spec.type == "integer":
            fields[name] = st.integers(spec.minimum or 0, min(spec.maximum or 10**9, 10**9))
        elif spec.type == "country":
            fields[name] = st.sampled_from(["US", "FR", "DE", "CN", "IN"])
        elif spec.type == "region_list":
            fields[name] = st.lists(st.sampled_from(["EU", "US", "UK", "IN", "CN"]), max_size=3)
    return st.fixed_dictionaries(fields).map(lambda d: {**BASE_DEPLOYMENT, **d})


def values_of(b: dict) -> dict:
    """The form values a stored body shows as (what a re-assessment starts from)."""
    return forms.body_values(CONTENT, b)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(MODELS), _deployments())
def test_the_form_shows_exactly_the_items_the_score_counts_at_the_score_s_severity(model, dep):
    b = body(model, dep)
    view = formview.read(CONTENT, values_of(b))
    lean = engine.score(b, CONTENT, CONTENT.policies["default"])
    counted = {f["item"]: f for f in lean["findings"]}
    shown = {i for i, v in view.items.items() if v.applies}
    assert shown == set(counted)
    assert set(lean["not_applicable"]) == set(CONTENT.items) - shown
    weights = CONTENT.policies["default"].severity_weights
    for item_id in shown:
        # A finding is weighted by its item's severity for this deployment, the one shown.
        assert weights[view.items[item_id].severity] == counted[item_id]["weight"], item_id
        if counted[item_id]["source"] == "unanswered":
            assert view.items[item_id].severity == counted[item_id]["severity"], item_id
    assert view.applicable == len(counted)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(MODELS), _deployments())
def test_answers_from_a_source_are_the_application_s_derived_answers(model, dep):
    b = body(model, dep)
    view = formview.read(CONTENT, values_of(b))
    clean = assessments.validate(CONTENT, b)
    expected = assessments.derived_answers(CONTENT, clean["model"], clean["deployment"])
    assert {i: v.derived for i, v in view.items.items() if v.derived} == expected
    for item_id, found in expected.items():
        assert view.items[item_id].chosen == found.answer and view.items[item_id].offered


def test_a_severity_moved_by_the_deployment_says_so_with_the_rule_s_reason():
    view = formview.read(CONTENT, values_of(body(LLAMA_8B)))
    moved = [v for v in view.items.values() if v.reasons]
    assert moved, "the shipped content moves some severity for a commercial production use"
    for v in moved:
        rules = CONTENT.items[v.id].severity_rules
        assert set(v.reasons) <= {r.reason for r in rules}
        direction = SEVERITIES.index(v.severity) - SEVERITIES.index(v.base_severity)
        assert v.moved == ("raised" if direction > 0 else "lowered" if direction < 0 else "")
    assert all(not v.moved for v in view.items.values() if not v.reasons)


def test_sections_run_in_the_report_s_order_with_who_answers_them():
    view = formview.read(CONTENT, values_of(body(LLAMA_8B)))
    assert [s.domain for s in view.sections] == ["security", "maintenance", "licensing", "misuse"]
    assert all(s.answered_by for s in view.sections)
    assert [s.answered_by for s in view.sections] == [
        CONTENT.checklists[s.domain].answered_by for s in view.sections
    ]


def test_progress_counts_answered_questions_that_apply():
    b = body(LLAMA_8B, answers={"SEC-01": "official", "MIS-03": "unknown"})
    values = values_of(b)
    view = formview.read(CONTENT, values)
    security = next(s for s in view.sections if s.domain == "security")
    licensing = next(s for s in view.sections if s.domain == "licensing")
    sourced = {s.domain: sum(1 for v in s.items if v.applies and v.derived) for s in view.sections}
    # SEC-01 is answered; MIS-03 does not apply to an internal deployment.
    assert security.answered == 1 + sourced["security"]
    assert licensing.answered == sourced["licensing"] > 0
    assert view.progress()[0] == {
        "domain": "security",
        "title": "Security",
        "answered": security.answered,
        "applicable": security.applicable,
    }


def test_answers_to_questions_that_do_not_apply_are_kept_not_submitted():
    values = values_of(body(LLAMA_8B, answers={"MIS-03": "unknown", "SEC-01": "official"}))
    values["answers.MIS-15.note"] = ["typed before the exposure changed"]
    view = formview.read(CONTENT, values)
    assert not view.items["MIS-03"].applies
    assert view.kept == ("MIS-03", "MIS-15")
    assert set(view.body["answers"]) == {"SEC-01"}
    values["deployment.exposure"] = ["public"]
    again = formview.read(CONTENT, values)
    assert again.kept == () and again.body["answers"]["MIS-03"] == {"value": "unknown"}


def test_an_offered_derived_answer_follows_the_facts_and_a_chosen_one_stays():
    values = values_of(body(LLAMA_8B))
    first = formview.read(CONTENT, values)
    offered = {i: v.derived.answer for i, v in first.items.items() if v.derived}
    item_id, answer = next(iter(offered.items()))
    # The page posts back the offered selection with its marker: nothing of it is submitted, so
    # the derived answer of the facts as they stand at submission applies.
    values[f"answers.{item_id}.value"] = [answer]
    values[f"answers.{item_id}.{formbody.SHOWN}"] = [answer]
    assert item_id not in formview.read(CONTENT, values).body["answers"]
    # The same answer chosen by the person (no marker) is theirs, and is submitted.
    del values[f"answers.{item_id}.{formbody.SHOWN}"]
    chosen = formview.read(CONTENT, values)
    assert chosen.body["answers"][item_id] == {"value": answer}
    assert not chosen.items[item_id].offered


def test_a_note_without_an_answer_is_an_error_in_the_house_style():
    values = values_of(body(LLAMA_8B))
    values["answers.SEC-01.note"] = ["checked with the platform team"]
    errors = formview.read(CONTENT, values).errors
    assert errors == [
        {
            "field": "answers.SEC-01.value",
            "pointer": "/answers/SEC-01/value",
            "message": "needs an answer: choose one, or clear its note and evidence link",
        }
    ]


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("3000", 3000),
        ("3.000", 3000),
        ("3,000", 3000),
        ("3 000", 3000),
        ("3\u202f000", 3000),
        ("1'250'000", 1250000),
        ("1.250.000", 1250000),
        (" 42 ", 42),
        ("0", 0),
    ],
)
def test_whole_numbers_are_read_with_thousands_separators(typed, number):
    assert formbody.whole_number(typed) == number


@pytest.mark.parametrize(
    "typed", ["3.5", "3,50", "1.000,5", "1,000.000", "1,00,000", "3 00", "three", "", "1e6", "²"]
)
def test_decimals_mixed_separators_and_words_are_refused_with_one_message(typed):
    with pytest.raises(ValueError) as refused:
        formbody.whole_number(typed)
    assert str(refused.value) == (
        f"must be a whole number such as 3000, 3,000, 3.000 or 3 000; '{typed.strip()}' is not one"
    )


def test_a_number_the_form_cannot_read_names_its_field_and_is_left_out():
    values = values_of(body(LLAMA_8B))
    values["deployment.organisation_monthly_active_users"] = ["3,5"]
    view = formview.read(CONTENT, values)
    assert [e["field"] for e in view.errors] == ["deployment.organisation_monthly_active_users"]
    assert "organisation_monthly_active_users" not in view.body["deployment"]


@pytest.mark.parametrize(
    ("typed", "code"),
    [("Germany", "DE"), ("germany", "DE"), ("DE", "DE"), ("de", "DE"), ("Deutschland", None)],
)
def test_countries_are_read_by_name_or_code(typed, code):
    if code is None:
        with pytest.raises(ValueError, match="neither a country name we know"):
            formbody.country(CONTENT, typed)
    else:
        assert formbody.country(CONTENT, typed) == code


def test_regions_take_names_codes_and_lists():
    assert formbody.regions(CONTENT, "Germany, France; EU") == ["DE", "FR", "EU"]
    assert formbody.regions(CONTENT, "EU US") == ["EU", "US"]
    assert formbody.regions(CONTENT, "United States of America") == ["US"]
    with pytest.raises(ValueError, match="'Atlantis' is neither a region"):
        formbody.regions(CONTENT, "Atlantis")


def test_a_country_shown_by_name_is_read_back_as_its_code():
    b = body(LLAMA_8B, {"deployer_country": "DE", "user_regions": ["DE", "EU"]})
    values = values_of(b)
    assert values["deployment.deployer_country"] == ["Germany"]
    assert values["deployment.user_regions"] == ["Germany, EU"]
    read = formview.read(CONTENT, values).body["deployment"]
    assert read["deployer_country"] == "DE" and read["user_regions"] == ["DE", "EU"]


def test_every_country_name_maps_back_to_its_own_code():
    for code, name in CONTENT.context.countries.items():
        assert formbody.country(CONTENT, name) == code


@pytest.mark.parametrize(
    ("risk", "words"), [(1.0, "full risk"), (0.5, "half the risk"), (0.8, "80% of full risk")]
)
def test_unknown_says_how_the_policy_counts_it(risk, words):
    policy = dataclasses.replace(CONTENT.policies["default"], unknown_risk=risk)
    assert formview.unknown_label(policy) == f"Unknown (counts as {words})"


def test_the_view_of_a_half_typed_form_never_fails():
    assert formview.read(CONTENT, {}).applicable > 0
    odd = {"deployment.sector": ["nonsense"], "model.id": ["no/such-model"], "policy": ["x"]}
    view = formview.read(CONTENT, odd)
    assert view.body["policy"] == "x" and view.unknown_label.startswith("Unknown (counts as")
