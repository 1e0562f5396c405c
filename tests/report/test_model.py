"""The report model: exact output for a stored assessment, built from the stored result alone."""

from __future__ import annotations

import copy
import json

import pytest

from service.application import assessments
from service.engine import lineage, scoring
from service.report import build, filename_for, thresholds_for
from service.report.obligations import licenses as obligations
from service.report.summary import sentences
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
    assert model["cover"]["score"] == 99.99
    assert "99.99 of 100" in model["summary"][2]
    first = stored["result"]["findings"][0]
    shown = next(f for d in model["domains"] for f in d["findings"] if f["item"] == first["item"])
    assert shown["points"] == 12.34


def test_every_finding_is_shown_once_in_house_domain_order():
    content = real_content()
    b = body("meta-llama/Llama-3.1-8B-Instruct")
    b["answers"] = preset_answers(content, b, "worst")
    stored = stored_from(content, b)
    model = build(stored)
    assert [d["domain"] for d in model["domains"]] == [
        "security",
        "maintenance",
        "licensing",
        "misuse",
    ]
    shown = [f["item"] for d in model["domains"] for f in d["findings"]]
    assert sorted(shown) == sorted(f["item"] for f in stored["result"]["findings"])
    assert len(shown) == len(set(shown))


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
    assert build(stored)["appendix"]["thresholds"] is None
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


def test_summary_without_blockers_names_what_would_change_a_rejection():
    stored = small()
    result = _result(blockers=[])
    text = sentences(stored, result, stored["input"], result["policy"]["thresholds"])
    assert text[4] == "No blocker stops approval."
    assert text[6].startswith(
        "A different decision needs a rating below high (an overall score under 35)"
    )


def test_summary_lists_at_most_eight_blockers():
    stored = small()
    blockers = [{"item": f"SEC-{n:02d}", "title": f"Item {n}"} for n in range(1, 12)]
    text = sentences(stored, _result(blockers=blockers), stored["input"], None)
    assert text[4].startswith("11 blockers stop approval: SEC-01 (Item 1);")
    assert "SEC-08 (Item 8); and 3 more, listed in section 3." in text[4]
    assert "SEC-09" not in text[4]
    assert text[6].endswith("SEC-08 and 3 more, then re-assess.")


@pytest.mark.parametrize(
    ("decision", "conditions", "expected"),
    [
        ("approve", [], "No condition attaches to the approval"),
        ("approve_with_conditions", [], "The policy approves a high rating only with conditions"),
        (
            "approve_with_conditions",
            [{"item": "SEC-01", "kind": "remediation", "text": "x"}],
            "Approval holds only once the 1 condition listed below is met",
        ),
    ],
)
def test_summary_says_what_keeps_an_approval(decision, conditions, expected):
    stored = small()
    result = _result(blockers=[], decision=decision, conditions=conditions)
    assert sentences(stored, result, stored["input"], None)[6].startswith(expected)


def test_summary_when_nothing_adds_to_the_score():
    stored = small()
    findings = [dict(f, overall_points=0.0) for f in small()["result"]["findings"]]
    text = sentences(stored, _result(findings=findings), stored["input"], None)
    assert text[5] == "No item adds to the overall score."


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
