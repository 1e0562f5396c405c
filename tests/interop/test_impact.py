"""Portfolio impact: a verdict compared with the one the loaded content and policy give now."""

from __future__ import annotations

import copy
import json

from service.application import assessments
from service.interop import impact
from tests.support.bodies import DATA, real_content

# Fully answered and rated high: approved with conditions under default, rejected under strict.
BODY = json.loads((DATA / "inputs" / "llama-support-bot.json").read_text(encoding="utf-8"))


def _row(result: dict, status: str = "approved") -> dict:
    """The stored fields the comparison reads, as the store would return them."""
    return {
        "id": "a1",
        "title": "Chat",
        "status": status,
        "model_id": result["model"].get("id"),
        "model_name": result["model"]["name"],
        "decision": result["decision"],
        "rating": result["overall"]["rating"],
        "score": result["overall"]["score"],
        "policy_id": result["policy"]["id"],
        "policy_version": result["policy"]["version"],
        "blockers": result["blockers"],
        "content_versions": result["content"]["versions"],
    }


def _result(policy: str) -> dict:
    return assessments.evaluate(real_content(), {**BODY, "policy": policy})[1]


def test_the_same_verdict_is_no_change():
    result = _result("default")
    assert impact.compare(_row(result), copy.deepcopy(result)) is None


def test_a_stricter_policy_shows_decision_rating_and_versions_before_and_after():
    before, after = _result("default"), _result("strict")
    change = impact.compare(_row(before), after)
    assert change is not None
    # High under both: the default approves it with conditions, strict rejects a high rating.
    assert change["changed"] == ["decision"]
    assert (change["before"]["decision"], change["after"]["decision"]) == (
        "approve_with_conditions",
        "reject",
    )
    for key in change["changed"]:
        assert change["before"][key] != change["after"][key]
    assert change["before"]["decision"] == before["decision"]
    assert change["after"]["decision"] == after["decision"]
    assert change["after"]["content_versions"] == after["content"]["versions"]


def test_a_new_blocker_alone_is_a_change():
    result = _result("default")
    stored = _row(result)
    stored["blockers"] = []
    added = copy.deepcopy(result)
    added["blockers"] = [{"item": "SEC-02", "kind": "item", "reason": "x"}]
    change = impact.compare(stored, added)
    assert change["changed"] == ["blockers"]
    assert change["after"]["blockers"] == ["item:SEC-02"]


def test_summary_counts_approved_deployments_that_would_change():
    result = _result("default")
    changes = [
        {"status": "approved"},
        {"status": "approved"},
        {"status": "rejected"},
    ]
    failures = [impact.unscorable(_row(result), [{"field": "x", "message": "y"}])]
    assert impact.summarise(10, changes, failures) == {
        "assessed": 10,
        "changed": 3,
        "approved_changed": 2,
        "unscorable": 1,
    }
