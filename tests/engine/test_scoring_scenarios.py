"""Scoring scenarios as data: tests/data/scenarios/*.yaml, one row per scenario, run here."""

from __future__ import annotations

import pytest
import yaml

from service.application import assessments
from tests.support.bodies import DATA, real_content, scenario_body

ROWS = [
    row
    for path in sorted((DATA / "scenarios").glob("*.yaml"))
    for row in yaml.safe_load(path.read_text(encoding="utf-8"))["scenarios"]
]


def test_scenario_ids_are_unique():
    ids = [row["id"] for row in ROWS]
    assert len(ids) == len(set(ids)), "scenario ids must be unique"


@pytest.mark.parametrize("row", ROWS, ids=[row["id"] for row in ROWS])
def test_scenario(row):
    content = real_content()
    _, result = assessments.evaluate(content, scenario_body(content, row))
    expect = row["expect"]
    blockers = sorted(b["item"] for b in result["blockers"])
    why = f"{row['id']}: {row.get('why', '')}\nblockers={blockers}\n" + "\n".join(
        f["reason"] for f in result["findings"] if f["points"] > 0
    )
    if "rating" in expect:
        assert result["overall"]["rating"] == expect["rating"], why
    if "decision" in expect:
        assert result["decision"] == expect["decision"], why
    if "blockers" in expect:
        assert blockers == sorted(expect["blockers"]), why
    for item in expect.get("blockers_include", []):
        assert item in blockers, why
    for item in expect.get("blockers_exclude", []):
        assert item not in blockers, why
    answers = {f["item"]: f for f in result["findings"]}
    for item, value in (expect.get("derived") or {}).items():
        assert answers[item]["source"] == "derived", why
        assert answers[item]["answer"] == value, why
    for item, text in (expect.get("blocker_fact_contains") or {}).items():
        fact = next(b for b in result["blockers"] if b["item"] == item)
        assert text in fact["fact"] and fact["license_source"], why
    for item, origin in (expect.get("blocker_origin") or {}).items():
        assert next(b for b in result["blockers"] if b["item"] == item)["origin"] == origin, why
    for item, origin in (expect.get("derived_origin") or {}).items():
        assert answers[item]["derived"]["origin"] == origin, why
    conditions = {(c["item"], c["kind"]) for c in result["conditions"]}
    for spec in expect.get("conditions_include", []):
        assert _has_condition(conditions, spec), f"no condition {spec}\n{why}"
    for spec in expect.get("conditions_exclude", []):
        assert not _has_condition(conditions, spec), f"unexpected condition {spec}\n{why}"
    for item in expect.get("unverified", []):
        assert answers[item]["derived"]["verified"] is False, why
        assert (item, "verify_fact") in conditions, why
        if answers[item]["source"] == "derived":
            assert "unverified" in answers[item]["reason"], why
        for blocker in (b for b in result["blockers"] if b["item"] == item):
            assert blocker["verified"] is False, why
    obligations = {(o["license"], o["kind"]) for o in result["obligations"]}
    for spec in expect.get("obligations_include", []):
        licence, _, kind = spec.rpartition(":")
        assert any(k == kind and licence in ("", lic) for lic, k in obligations), spec
    for item in expect.get("verified", []):
        assert answers[item]["derived"]["verified"] is True, why
        assert (item, "verify_fact") not in conditions, why


def _has_condition(conditions: set[tuple[str, str]], spec: str) -> bool:
    """`LIC-06` matches a condition of any kind on that item; `policy:license_review` one kind."""
    item, _, kind = spec.partition(":")
    return any(i == item and (not kind or k == kind) for i, k in conditions)
