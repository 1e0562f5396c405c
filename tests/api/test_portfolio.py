"""GET /api/v1/portfolio/impact and `flask --app wsgi portfolio impact`."""

from __future__ import annotations

import json

from tests.support.bodies import DATA

BODY = json.loads((DATA / "inputs" / "llama-support-bot.json").read_text(encoding="utf-8"))


def _approved(api, reviewer) -> dict:
    created = api.submitted(BODY)
    assert reviewer.review(created["id"], "approve").status_code == 200
    return created


def test_impact_under_another_policy(api, reviewer):
    created = _approved(api, reviewer)
    same = api.get("/api/v1/portfolio/impact").get_json()
    assert same["summary"]["changed"] == 0 and same["policy"] is None
    strict = api.get("/api/v1/portfolio/impact?policy=strict")
    assert strict.status_code == 200
    report = strict.get_json()
    assert [c["id"] for c in report["changes"]] == [created["id"]]
    assert report["summary"]["approved_changed"] == 1
    assert report["content"]["versions"]["checklist:security"]


def test_unknown_policy_is_422(api):
    response = api.get("/api/v1/portfolio/impact?policy=lenient")
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "policy"


def test_the_command_prints_the_changes(api, reviewer, runner):
    created = _approved(api, reviewer)
    done = runner.invoke(args=["portfolio", "impact", "--policy", "strict"])
    assert done.exit_code == 0, done.output
    assert "1 would change (1 approved)" in done.output
    assert created["id"] in done.output
    assert "decision approve_with_conditions -> reject" in done.output
    as_json = runner.invoke(args=["portfolio", "impact", "--format", "json"])
    assert json.loads(as_json.output)["summary"]["changed"] == 0
    bad = runner.invoke(args=["portfolio", "impact", "--policy", "lenient"])
    assert bad.exit_code == 2 and "policy" in bad.output
