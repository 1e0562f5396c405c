"""The expert table: realistic deployments rated by a risk officer without the engine.

Each row of tests/data/scenarios/expert.yaml is scored as of the date the expert rated them;
the decision, the overall rating and the blocker set must agree, and so must the domain
ratings, the conditions due before go-live and "no conditions at all" where the row gives them.
"""

from __future__ import annotations

import pytest
import yaml

from service.application import assessments
from tests.support.bodies import DATA, EXPERT_AS_OF, expert_body, real_content

ROWS = yaml.safe_load((DATA / "scenarios" / "expert.yaml").read_text(encoding="utf-8"))["expert"]


def test_expert_row_ids_are_unique_and_every_row_says_why():
    ids = [row["id"] for row in ROWS]
    assert len(ids) == len(set(ids))
    assert all(len(row["why"].split()) >= 20 for row in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[row["id"] for row in ROWS])
def test_the_engine_agrees_with_the_expert(row):
    content = real_content()
    _, result = assessments.evaluate(content, expert_body(content, row), EXPERT_AS_OF)
    expect = row["expect"]
    reasons = "\n".join(r["text"] for r in result["rating_reasons"]["overall"])
    why = f"{row['id']}: {row['why']}\nengine's reasons:\n{reasons}"
    assert result["decision"] == expect["decision"], why
    assert result["overall"]["rating"] == expect["rating"], why
    assert sorted(b["item"] for b in result["blockers"]) == sorted(expect["blockers"]), why
    for domain, rating in (expect.get("domain_ratings") or {}).items():
        assert result["domains"][domain]["rating"] == rating, f"{domain}\n{why}"
    due = {c["item"] for c in result["conditions"] if c["due"] == "before_go_live"}
    if "conditions_due" in expect and expect["decision"] == "reject":
        assert set(expect["conditions_due"]) <= due, why
    elif expect["decision"] != "reject":
        assert due == set(expect.get("conditions_due") or ()), why
    if expect.get("no_conditions"):
        assert result["conditions"] == [], why


def test_the_table_covers_every_decision_and_rating():
    """The table is only a check if it can fail in every direction."""
    expected = {(row["expect"]["decision"], row["expect"]["rating"]) for row in ROWS}
    assert {d for d, _ in expected} == {"approve", "approve_with_conditions", "reject"}
    assert {r for _, r in expected} == {"low", "medium", "high", "critical"}
    assert any(row["expect"].get("no_conditions") for row in ROWS)
    assert any(row["policy"] == "strict" for row in ROWS)
