"""The report model: exact output for a stored assessment, built from the stored result alone."""

from __future__ import annotations

import copy
import json

import pytest

from service.application import assessments
from service.engine import lineage, scoring
from service.report import build, filename_for, method, reading, thresholds_for
from service.report.method import method_for
from service.report.obligations import licenses as obligations
from service.report.words import timestamp
from tests.support.bodies import body, preset_answers, real_content
from tests.support.reports import REPORT_DATA as DATA
from tests.support.reports import stored_from


def small() -> dict:
    return json.loads((DATA / "stored-small.json").read_text(encoding="utf-8"))


def test_model_of_the_small_assessment_is_exactly_as_recorded():
    expected = json.loads((DATA / "stored-small.report.json").read_text(encoding="utf-8"))
    assert build(small()) == expected


def test_model_is_plain_json():
    model = build(small())
    assert json.loads(json.dumps(model)) == model


def test_model_reads_the_stored_result_and_never_rescores(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the report must not score or resolve anything")

    for module, name in (
        (scoring, "score"),
        (assessments, "evaluate"),
        (lineage, "lineage"),
        (lineage, "derive_answers"),
        (lineage, "resolve_model"),
    ):
        monkeypatch.setattr(module, name, refuse)
    stored = small()
    stored["result"]["overall"]["score"] = 99.99  # not what the engine would say: shown as stored
    stored["result"]["findings"][0]["points"] = 12.34
    model = build(stored)
    assert model["decision"]["score"] == 99.99
    first = stored["result"]["findings"][0]
    shown = next(f for f in model["risky"] if f["item"] == first["item"])
    assert shown["points"] == 12.34


def test_every_finding_is_shown_once_risky_in_full_the_rest_in_checklist_order():
    content = real_content()
    b = body("meta-llama/Llama-3.1-8B-Instruct")
    b["answers"] = preset_answers(content, b, "worst")
    stored = stored_from(content, b)
    model = build(stored)
    assert [d["domain"] for d in model["chart"]["domains"]] == [
        "security",
        "maintenance",
        "licensing",
        "misuse",
    ]
    risky = [f["item"] for f in model["risky"]]
    clear = [f["item"] for f in model["clear"]]
    assert sorted(risky + clear) == sorted(f["item"] for f in stored["result"]["findings"])
    assert len(set(risky + clear)) == len(risky + clear)
    ranks = [reading.rank(f["severity"]) for f in model["risky"] if not f["blocker"]]
    assert ranks == sorted(ranks, reverse=True)  # the worst first
    prefixes = [item.split("-")[0] for item in clear]
    assert prefixes == sorted(prefixes, key=["SEC", "MNT", "LIC", "MIS"].index)
    assert all("severity" not in f for f in model["clear"])


def test_thresholds_come_from_the_result_first():
    stored = small()
    assert build(stored, {"medium": 1, "high": 2, "critical": 3})["chart"]["thresholds"] == {
        "medium": 15.0,
        "high": 35.0,
        "critical": 60.0,
    }


def test_a_result_without_thresholds_takes_them_from_the_caller_or_shows_none():
    stored = small()
    del stored["result"]["policy"]["thresholds"]
    assert build(stored)["chart"]["thresholds"] is None
    assert build(stored)["record"]["thresholds"] is None
    given = {"medium": 10, "high": 30, "critical": 50}
    assert build(stored, given)["chart"]["thresholds"] == given


def test_thresholds_for_an_old_result_come_only_from_the_very_same_policy():
    content = real_content()
    policy = content.policies["default"]
    stored = small()
    del stored["result"]["policy"]["thresholds"]
    stored["result"]["policy"].update(id=policy.id, version=policy.version, hash=policy.hash)
    assert thresholds_for(stored, content) == dict(policy.ratings)
    assert thresholds_for(stored) is None
    stored["result"]["policy"]["hash"] = "0" * 64  # the policy file changed since
    assert thresholds_for(stored, content) is None


@pytest.mark.parametrize(
    ("name", "model_id", "created", "expected"),
    [
        (
            "Llama 3.2 11B Vision",
            "meta-llama/x",
            "2026-11-20T08:30:12Z",
            "modelrisk-llama-3.2-11b-vision-2026-11-20.pdf",
        ),
        (
            "通义千问",
            "Qwen/Qwen2.5-7B-Instruct",
            "2026-01-02T00:00:00Z",
            "modelrisk-qwen-qwen2.5-7b-instruct-2026-01-02.pdf",
        ),
        ("Ćevapi Modèl", None, "2026-03-04T00:00:00Z", "modelrisk-cevapi-model-2026-03-04.pdf"),
        ("../../etc/passwd", None, "", "modelrisk-etc-passwd-undated.pdf"),
        ("", None, "2026-03-04T00:00:00Z", "modelrisk-model-2026-03-04.pdf"),
    ],
)
def test_filename_is_ascii_from_model_and_date(name, model_id, created, expected):
    stored = {
        "created_at": created,
        "model_name": name,
        "model_id": model_id,
        "result": {"model": {"name": name, "id": model_id}},
    }
    assert filename_for(stored) == expected


def _result(**changes) -> dict:
    result = copy.deepcopy(small()["result"])
    result.update(changes)
    return result


def v2() -> dict:
    return json.loads((DATA / "stored-v2.json").read_text(encoding="utf-8"))


def test_reasons_come_from_the_engine_when_it_recorded_them():
    result = v2()["result"]
    got = reading.reasons(result)
    assert got["recorded"] is True
    texts = [r["text"] for r in got["items"]]
    # the decision's reasons first, then the overall rating's, each once
    assert texts == [r["text"] for r in result["rating_reasons"]["decision"]] + [
        r["text"] for r in result["rating_reasons"]["overall"]
    ]
    assert got["more"] == 0


def test_without_recorded_reasons_the_blockers_and_worst_risky_findings_stand_in():
    result = small()["result"]
    got = reading.reasons(result)
    assert got["recorded"] is False
    kinds = [(r["kind"], r["item"]) for r in got["items"]]
    # both blockers, then the worst risky finding that is not one (MNT-01, high)
    assert kinds == [("blocker", "LIC-05"), ("blocker", "MIS-01"), ("finding", "MNT-01")]
    assert got["items"][2]["text"].startswith("Risky finding MNT-01 ")


def test_reasons_past_six_are_counted_not_listed():
    result = _result(
        blockers=[
            {"item": f"SEC-{n:02d}", "title": f"Item {n}", "reason": "r"} for n in range(1, 10)
        ]
    )
    got = reading.reasons(result)
    assert len(got["items"]) == reading.REASONS and got["more"] == 9 + 3 - reading.REASONS


def test_the_first_actions_are_those_due_before_go_live_at_most_five():
    result = v2()["result"]
    result["conditions"] += [
        {"item": f"SEC-{n:02d}", "kind": "remediation", "text": f"fix {n}", "due": "before_go_live"}
        for n in range(1, 5)
    ]
    got = reading.first_actions(result)
    assert got["title"] == "What must change for approval"
    assert [c["item"] for c in got["items"]] == ["MIS-01", "LIC-05", "MNT-01", "SEC-01", "SEC-02"]
    assert got["more"] == 2  # SEC-03, SEC-04; the follow-up and track ones are not counted
    assert got["items"][0]["blocker"] and not got["items"][2]["blocker"]


def test_an_old_result_lists_its_conditions_undated_blockers_first():
    result = small()["result"]
    got = reading.first_actions(result)
    assert got["dated"] is False
    assert [c["item"] for c in got["items"]][:2] == ["MIS-01", "LIC-05"]
    groups = reading.due_groups(result)
    assert [g["due"] for g in groups] == [None]
    assert groups[0]["title"] == "Conditions (no due date recorded)"


def test_conditions_are_grouped_by_when_they_are_due():
    groups = reading.due_groups(v2()["result"])
    assert [(g["due"], len(g["conditions"])) for g in groups] == [
        ("before_go_live", 3),
        ("follow_up", 1),
        ("track", 1),
    ]
    # The titles are the labels of the one label table.
    assert [g["title"] for g in groups] == [
        "Before go-live",
        "Follow-up, with an owner and a date",
        "Track",
    ]


def test_a_due_this_reader_does_not_know_is_shown_not_dropped():
    result = v2()["result"]
    result["conditions"].append({"item": "x", "kind": "remediation", "text": "t", "due": "later"})
    assert reading.due_groups(result)[-1]["title"] == "Other"


@pytest.mark.parametrize(
    ("name", "changes", "expected"),
    [
        ("v2", {}, "Resolve LIC-05, MIS-01: each blocker stops approval"),
        ("v2", {}, "Lower the risk of MIS-01, LIC-05, which set the high rating"),
        ("small", {}, "Lower the risk of MIS-01, LIC-05, the worst risky findings"),
        ("small", {"decision": "approve"}, "A change of model, licence or deployment"),
    ],
)
def test_what_changes_the_decision(name, changes, expected):
    result = (v2() if name == "v2" else small())["result"]
    result.update(changes)
    assert any(line.startswith(expected) for line in reading.what_changes(result))


def test_what_changes_an_approval_names_the_conditions_due_before_go_live():
    result = v2()["result"]
    result.update(decision="approve_with_conditions", blockers=[])
    lines = reading.what_changes(result)
    assert "Meet the 3 conditions due before go-live; the approval holds only with them." in lines


def test_the_method_follows_the_rule_the_result_was_scored_with():
    assert method_for(v2()["result"]) == list(method.METHOD_V2)
    # A result stored before the engine recorded reasons keeps the text it was rated by.
    assert method_for(small()["result"]) == list(method.METHOD)
    assert build(v2())["record"]["method"] == method_for(v2()["result"])


def test_the_licence_is_named_on_the_decision_page():
    model = build(small())["decision"]["model"]
    assert (model["license"], model["license_name"]) == (
        "llama-3.2-community",
        "Llama 3.2 Community License Agreement",
    )


def _licence(**facts) -> dict:
    base = {
        "id": "x-licence",
        "name": "X Licence",
        "known": True,
        "kind": "community",
        "verified": True,
        "unverified_facts": [],
        "commercial": "yes",
        "mau_cap": None,
        "output_training": "allowed",
        "pass_through": "none",
        "territorial": "none",
        "patent": "none",
        "applies_via": ["X 7B"],
        "source": "the licence text",
    }
    return {**base, **facts}


def test_obligations_mark_only_the_unverified_facts():
    rows = obligations(
        {"licenses": [_licence(unverified_facts=["attribution", "acceptable_use"])]}, {}
    )
    flags = {r["label"]: r["unverified"] for r in rows[0]["rows"]}
    assert flags["Attribution"] and flags["Acceptable-use policy"]
    assert not flags["Commercial terms"] and not flags["User cap"]


def test_obligations_of_an_unverified_licence_are_all_marked():
    rows = obligations({"licenses": [_licence(verified=False)]}, {})[0]["rows"]
    assert rows and all(r["unverified"] for r in rows)


@pytest.mark.parametrize(
    ("deployment", "expected"),
    [
        ({}, "Expected users: not stated."),
        ({"monthly_active_users": 10}, "Expected: 10 for this deployment (within the cap)."),
        (
            {"monthly_active_users": 10, "organisation_monthly_active_users": 2000},
            "Expected: 10 for this deployment (within the cap); 2,000 for the organisation "
            "(ABOVE the cap).",
        ),
    ],
)
def test_user_cap_is_compared_with_the_expected_users(deployment, expected):
    rows = obligations({"licenses": [_licence(mau_cap=1000)]}, {"deployment": deployment})
    cap = next(r for r in rows[0]["rows"] if r["label"] == "User cap")
    assert cap["text"] == f"Cap of 1,000 monthly active users. {expected}"


def test_timestamps_for_people():
    assert timestamp("2026-11-30T09:15:42.123456Z") == "2026-11-30 09:15 UTC"
    assert timestamp("2026-11-30T09:15Z") == "2026-11-30 09:15 UTC"
    assert timestamp("yesterday") == "yesterday"
    assert timestamp(None) is None
