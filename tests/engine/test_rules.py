"""The rule evaluator: every operator, missing fields, references and templates."""

from __future__ import annotations

import pytest

from service.content.model import Condition
from service.engine import rules

SETS = {"EU": frozenset({"FR", "DE"}), "EEA": frozenset({"FR", "DE", "NO"})}
CTX = {
    "deployment": {
        "exposure": "public",
        "users": 800,
        "regions": ["US", "FR"],
        "country": "fr",
        "flag": False,
        "eea": ["EEA"],
    },
    "license": {"cap": 700, "uses": ["medical_advice"]},
}

CASES = [
    ("deployment.exposure", "eq", "public", None, True),
    ("deployment.exposure", "eq", "internal", None, False),
    ("deployment.exposure", "ne", "internal", None, True),
    ("deployment.exposure", "in", ("public", "customer_facing"), None, True),
    ("deployment.exposure", "not_in", ("public",), None, False),
    ("deployment.users", "gt", 700, None, True),
    ("deployment.users", "gte", 800, None, True),
    ("deployment.users", "lt", 800, None, False),
    ("deployment.users", "lte", 800, None, True),
    ("deployment.regions", "contains", "FR", None, True),
    ("deployment.regions", "contains_any", ("DE", "CN"), None, False),
    ("license.uses", "contains_any", ("military", "medical_advice"), None, True),
    ("deployment.country", "in_set", "EU", None, True),
    ("deployment.country", "not_in_set", "EU", None, False),
    ("deployment.regions", "intersects_set", "EU", None, True),
    ("deployment.eea", "intersects_set", "EU", None, True),
    ("deployment.flag", "eq", False, None, True),
    ("deployment.missing", "eq", None, None, False),
    ("deployment.missing", "exists", False, None, True),
    ("deployment.users", "exists", True, None, True),
    ("license.cap", "lt", None, "deployment.users", True),
    ("license.cap", "lt", None, "deployment.missing", False),
    ("deployment.exposure", "gt", 3, None, False),
]


@pytest.mark.parametrize(
    "field, op, value, ref, expected", CASES, ids=[f"{c[0]}-{c[1]}-{c[4]}" for c in CASES]
)
def test_operator(field, op, value, ref, expected):
    conds = [Condition(field=field, op=op, value=value, ref=ref)]
    assert rules.holds(conds, CTX, SETS) is expected


def test_all_conditions_must_hold_and_any_needs_one_group():
    yes = Condition(field="deployment.exposure", op="eq", value="public")
    no = Condition(field="deployment.exposure", op="eq", value="internal")
    assert rules.holds([], CTX, SETS)
    assert not rules.holds([yes, no], CTX, SETS)
    assert rules.holds([Condition(any=((no,), (yes,)))], CTX, SETS)
    assert not rules.holds([Condition(any=((no,), (yes, no)))], CTX, SETS)


def test_templates_fill_only_known_placeholders_and_never_evaluate():
    text = "{license.cap} users; {deployment.regions}; {deployment.nothing}; {0.__class__}"
    assert rules.fill(text, CTX) == "700 users; US, FR; (not stated); {0.__class__}"


def test_a_template_may_name_one_part_of_a_fact_that_is_a_mapping():
    ctx = {"license": {"aup": {"url": "https://example.org/aup", "none": None}, "cap": 700}}
    text = "{license.aup.url}; {license.aup.none}; {license.aup.other}; {license.cap.url}"
    assert (
        rules.fill(text, ctx) == "https://example.org/aup; (not stated); (not stated); (not stated)"
    )
    assert rules.fill("{license.gone.url}", ctx) == "(not stated)"
