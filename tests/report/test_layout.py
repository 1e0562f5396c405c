"""The report's shape, read back from the PDF's text: the decision page first, the sections in
their order, a length in proportion to the risk, headings never alone at a page foot."""

from __future__ import annotations

import copy
import io
import json
import re
from functools import cache

import pytest
from pypdf import PdfReader

from service.report import build, pdf_for
from service.report.layout import RATING_COLOURS, TRACK
from tests.support.bodies import real_content
from tests.support.colours import contrast
from tests.support.reports import REPORT_DATA, pages, stored_input

TYPICAL_PAGES = 8  # issue 13: the support-bot sample
ALL_UNKNOWN_PAGES = 30  # issue 13: every item applicable, every answer unknown: under this


def order(reject: bool) -> list[str]:
    """The section headings of a report, in the order they must come."""
    return [
        "Sign-off",  # the last part of the decision page
        "1. Ratings by domain",
        "2. What must change for approval" if reject else "2. Conditions of approval",
        "3. Licence obligations",
        "4. Risky findings",
        "Appendix A. Items without risk",
        "Appendix B. References",
        "Appendix C. Method and record",
    ]


@cache
def report(name: str) -> tuple[dict, list[str]]:
    stored = stored_input(name)
    return stored, pages(pdf_for(stored))


def positions(texts: list[str], headings: list[str]) -> list[tuple[int, int]]:
    """(page, offset) of each heading's first appearance at the start of a line."""
    found = []
    for heading in headings:
        pattern = re.compile(rf"^{re.escape(heading)}", re.MULTILINE)
        where = next(
            ((n, m.start()) for n, t in enumerate(texts, 1) if (m := pattern.search(t))), None
        )
        assert where, f"no heading {heading!r} in the report"
        found.append(where)
    return found


def test_the_support_bot_report_fits_in_eight_pages_with_its_sections_in_order():
    stored, texts = report("llama-support-bot")
    assert len(texts) <= TYPICAL_PAGES
    # No page holds only its running header and footer (about 15 words).
    assert all(len(t.split()) > 25 for t in texts), [len(t.split()) for t in texts]
    reject = stored["result"]["decision"] == "reject"
    found = positions(texts, order(reject))
    assert found == sorted(found), f"sections out of order: {found}"
    assert found[0][0] == 1 and found[1][0] == 2  # the decision page is page 1, all of it


def test_an_all_unknown_assessment_of_every_item_stays_under_thirty_pages():
    stored, texts = report("all-unknown")
    result = stored["result"]
    assert len(result["findings"]) == len(real_content().items)  # every item applies
    # Every answer is unknown but those the engine derives from the catalogue's facts.
    derived = [f for f in result["findings"] if f["source"] != "unknown"]
    assert {f["source"] for f in derived} == {"derived"} and len(derived) <= 5
    assert len(texts) < ALL_UNKNOWN_PAGES
    found = positions(texts, order(reject=True))
    assert found == sorted(found)
    assert found[0][0] == 1  # the sign-off is still on page 1


def test_page_one_leads_with_the_decision_and_why():
    stored, texts = report("llama-support-bot")
    first = " ".join(texts[0].split())
    result = stored["result"]
    model = build(stored)["decision"]["model"]
    assert model["license_name"] == "Llama 3.1 Community License Agreement"
    assert f"{model['name']} · Meta · {model['license_name']}" in first
    assert model["license"] not in first  # the licence by name, not its id
    assert "HIGH RISK" in first and "Approve with conditions" in first
    # The engine's reasons, in its words: the policy's rule, then what set the rating.
    why = first.split("Why ")[1].split("Due before go-live")[0]
    assert "before the engine recorded" not in first
    reasons = [*result["rating_reasons"]["decision"], *result["rating_reasons"]["overall"]]
    assert [r["item"] for r in reasons] == [None, "SEC-17", "LIC-18"]
    at = [why.index(r["text"]) for r in reasons]
    assert at == sorted(at)
    # What is due before go-live, and only that: the follow-ups and tracked risks come later.
    due = [c["item"] for c in result["conditions"] if c["due"] == "before_go_live"]
    assert due == ["SEC-17", "LIC-18"]
    assert "Due before go-live 1. SEC-17 Enforce quotas" in first and "2. LIC-18 " in first
    assert "MNT-05" not in first and "more (section 2)" not in first
    for role in ("Requester", "Procurement", "Legal", "Security"):
        assert role in first
    assert "Revision 1: Changes requested by Rita Reviewer on 2026-12-01" in first


def test_page_one_prints_the_reasons_the_result_recorded_and_says_when_there_are_none():
    stored = copy.deepcopy(report("llama-support-bot")[0])
    reasons = stored["result"]["rating_reasons"]
    reasons["overall"][0]["text"] = "SEC-17 as the engine worded it when it rated: high"
    reasons["domains"]["security"][0]["text"] = "Security set by SEC-17 as recorded"
    texts = pages(pdf_for(stored))
    first, text = " ".join(texts[0].split()), " ".join(" ".join(texts).split())
    assert "SEC-17 as the engine worded it when it rated: high" in first
    assert "Security set by SEC-17 as recorded" in text.split("1. Ratings by domain")[1]
    del stored["result"]["rating_reasons"]
    first = " ".join(pages(pdf_for(stored))[0].split())
    assert "Why: blockers and worst risky findings" in first
    assert "before the engine recorded the reasons" in first
    assert "as the engine worded it" not in first


def test_no_heading_ends_a_page():
    for name in ("llama-support-bot", "all-unknown"):
        _, texts = report(name)
        for number, text in enumerate(texts, 1):
            body = [line for line in text.splitlines() if line.strip()]
            body = [line for line in body if not line.startswith(("Confidential", "page "))]
            body = [line for line in body if not re.match(r"Assessment \S+ rev \d+$", line)]
            last = body[-1]
            assert not re.match(r"(\d+\.|Appendix [A-Z]\.) [A-Z]", last), (name, number, last)
            assert not re.match(r"(Before go-live|Follow-up[^()]*|Track|Blockers) \(\d+\)$", last)


def test_answers_without_risk_are_one_line_each_and_carry_no_severity():
    stored, texts = report("llama-support-bot")
    text = "\n".join(texts)
    appendix = text.split("Appendix A. Items without risk")[1].split("Appendix B.")[0]
    clear = [f for f in stored["result"]["findings"] if not f["risky"]]
    assert clear
    for f in clear:
        assert re.search(rf"^{f['item']}$", appendix, re.MULTILINE), f["item"]
    assert not re.search(r"\b(low|medium|high|critical)( severity)?$", appendix, re.MULTILINE)
    risky = [f["item"] for f in stored["result"]["findings"] if f["risky"]]
    assert not any(re.search(rf"^{item}$", appendix, re.MULTILINE) for item in risky)


def test_risky_findings_come_in_full_blockers_and_the_worst_first():
    stored, texts = report("all-unknown")
    text = " ".join(" ".join(texts).split())
    section = text.split("4. Risky findings")[1].split("Appendix A.")[0]
    blocking = {b["item"] for b in stored["result"]["blockers"]}
    shown = re.findall(r"\b([A-Z]{3}-\d\d) .{3,90}? (BLOCKER · )?(\w+) severity ·", section)
    assert len(shown) == sum(f["risky"] for f in stored["result"]["findings"])
    blockers_first = [item in blocking for item, _, _ in shown]
    assert blockers_first == sorted(blockers_first, reverse=True)
    assert all(bool(flag) == (item in blocking) for item, flag, _ in shown)


def test_a_stored_result_with_reasons_due_dates_and_obligations_is_read_as_stored():
    stored = json.loads((REPORT_DATA / "stored-v2.json").read_text(encoding="utf-8"))
    texts = pages(pdf_for(stored))
    first, text = " ".join(texts[0].split()), " ".join(" ".join(texts).split())
    result = stored["result"]
    assert "Why " in first and "before the engine recorded" not in first
    for reason in result["rating_reasons"]["decision"]:
        assert reason["text"] in first
    assert "What must change for approval 1. MIS-01 (blocker)" in first
    assert "Track" not in first  # only what is due before go-live
    section = text.split("2. What must change for approval")[1].split("3. Licence")[0]
    follow_up = "Follow-up, with an owner and a date (1)"
    assert section.index("Before go-live (3)") < section.index(follow_up)
    assert section.index(follow_up) < section.index("Track (1)")
    obligations = text.split("3. Licence obligations")[1].split("4. Risky")[0]
    for o in result["obligations"]:
        assert o["text"] in obligations
    assert "Unverified: confirm in the licence text." in obligations  # the AUP duty
    assert (
        "What set the rating" in text and "MIS-01 EU AI Act prohibited practice: critical" in text
    )
    assert "The rating is the worst risk" in text  # the rule it was scored with
    assert "Assessed as of 2026-11-20" in text


def test_the_renderer_names_itself():
    data = pdf_for(stored_input("llama-support-bot"))
    assert "modelrisk report renderer 2" in " ".join(pages(data)[-1].split())
    assert PdfReader(io.BytesIO(data)).metadata["/Creator"] == "modelrisk report renderer 2"


def test_reviews_of_earlier_revisions_are_printed_with_their_revision():
    earlier = [
        {
            "id": 7,
            "revision": 1,
            "reviewer": {"kind": "user", "id": "3", "name": "Lena Legal"},
            "decision": "request_changes",
            "comment": "Revision 1 lacked the DPIA.",
            "created_at": "2026-11-25T08:00:00.000000Z",
        }
    ]
    stored = stored_input("llama-support-bot", revision=2, earlier_reviews=earlier)
    texts = pages(pdf_for(stored))
    first = " ".join(texts[0].split())
    assert (
        "Revision 1: Changes requested by Lena Legal on 2026-11-25: Revision 1 lacked the DPIA."
        in first
    )
    assert first.index("Revision 1: Changes") < first.index("Revision 2: Changes requested by Rita")
    record = " ".join(texts[-1].split()) + " ".join(texts[-2].split())
    assert "Lena Legal" in record and "Revision 1 lacked the DPIA." in record


@pytest.mark.parametrize("rating", sorted(RATING_COLOURS))
def test_each_bar_stands_out_from_its_track(rating):
    assert contrast(RATING_COLOURS[rating].hexval()[2:], TRACK.hexval()[2:]) >= 3
