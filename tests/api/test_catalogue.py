"""GET /api/v1/checklists, /policies, /licenses, /models and /crosswalk."""

from __future__ import annotations

from tests.support.bodies import real_content


def test_checklists_list_domains_and_deployment_fields(api):
    body = api.get("/api/v1/checklists").get_json()
    assert {c["domain"] for c in body["checklists"]} == set(real_content().checklists)
    fields = {f["name"]: f for f in body["deployment"]["fields"]}
    assert (
        "exposure" in fields
        and {"value": "public", "label": "Anyone on the internet"} in fields["exposure"]["options"]
    )
    assert "EU" in body["deployment"]["country_sets"]
    assert body["content"]["hash"] == real_content().hash


def test_a_checklist_shows_every_option_with_its_risk(api):
    body = api.get("/api/v1/checklists/security").get_json()
    assert len(body["items"]) == len(real_content().checklists["security"].items)
    item = body["items"][0]
    assert item["id"].startswith("SEC-") and item["unknown_value"] == "unknown"
    keys = {"value", "label", "risk", "severity", "remediation", "absent", "in_place"}
    assert all(set(o) == keys and 0 <= o["risk"] <= 1 for o in item["options"])
    # An answer without risk represents no severity; one with risk, a severity and maybe its
    # own remediation; a "not done" answer always carries risk.
    options = [o for i in body["items"] for o in i["options"]]
    assert all((o["severity"] is None) == (o["risk"] == 0) for o in options)
    assert all(o["risk"] > 0 for o in options if o["absent"] or o["remediation"] or o["in_place"])
    assert any(o["in_place"] for o in options) and any(o["absent"] for o in options)
    assert api.get("/api/v1/checklists/finance").status_code == 404


def test_policies_licenses_models(api):
    policies = api.get("/api/v1/policies").get_json()
    assert {p["id"] for p in policies} == set(real_content().policies)
    assert all(p["review_interval_days"] > 0 for p in policies)
    licenses = api.get("/api/v1/licenses").get_json()
    assert {"llama-3.1-community", "Apache-2.0"} <= {lic["id"] for lic in licenses}
    models = api.get("/api/v1/models").get_json()
    assert "meta-llama/Llama-3.1-8B-Instruct" in {m["id"] for m in models}


def test_crosswalk_for_one_framework(api):
    every = api.get("/api/v1/crosswalk").get_json()
    assert {f["framework"] for f in every} == set(real_content().frameworks)
    one = api.get("/api/v1/crosswalk?framework=OWASP-LLM-2025").get_json()
    assert [f["framework"] for f in one] == ["OWASP-LLM-2025"]
    assert one[0]["references"] and all(r["items"] for r in one[0]["references"])
    unknown = api.get("/api/v1/crosswalk?framework=SOC2")
    assert unknown.status_code == 422 and unknown.get_json()["errors"][0]["field"] == "framework"
