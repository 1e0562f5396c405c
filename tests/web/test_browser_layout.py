"""Issue 13 in a real Chromium: the result page leads with the decision and why, and the result
page and the dashboard hold up at 390 px (no sideways scroll, legible chart, cards) and at
1440 px, with the focused control always in sight; the revision trail reads in words.

Set MODELRISK_SCREENSHOTS=<folder> to keep a screenshot of each page at each width.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from service.labels import label
from tests.support import browser as chromium
from tests.support.apps import ApiClient, add_user, build_app, create_key
from tests.support.bodies import DATA, approvable_body, sample_body

pytestmark = pytest.mark.browser
sync_api = chromium.playwright()
SUE, RITA = "sue@example.com", "rita@example.com"
PHONE, DESKTOP = (390, 844), (1440, 900)
ALL_UNKNOWN = json.loads((DATA / "inputs" / "all-unknown.json").read_text(encoding="utf-8"))

FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const r = el.getBoundingClientRect();
  const seen = r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0
    && r.bottom <= innerHeight && r.right <= innerWidth;
  const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(r.top + Math.min(r.height / 2, 8), 0), innerHeight - 1);
  const hit = document.elementFromPoint(x, y);
  const covered = !(hit && (hit === el || el.contains(hit) || hit.contains(el)));
  const s = getComputedStyle(el);
  const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2)
    || s.boxShadow !== 'none';
  return {what: el.tagName + ' ' + (el.innerText || el.id || '').slice(0, 40), seen, covered, ring};
}"""
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


class Scene:
    """A chain of three revisions (changes requested, approved, awaiting review) and a reject
    with many blockers, set up through the API."""

    def __init__(self, app, base: str):
        self.app, self.base = app, base
        client = app.test_client()
        scopes = ("assessments:read", "assessments:write", "reviews:write")
        sue = ApiClient(client, create_key(app, *scopes, name="sue", owner=SUE))
        rita = ApiClient(client, create_key(app, *scopes, name="rita", owner=RITA))
        first = sue.submitted(sample_body(title="Support bot"))
        self.first, self.first_decision = first["id"], first["decision"]
        assert rita.review(self.first, "request_changes", "Add the DPIA first.").status_code == 200
        self.second, self.second_decision = self._revise(
            sue, self.first, approvable_body(title="Support bot, redone")
        )
        assert rita.review(self.second, "approve", "Fine for the pilot.").status_code == 200
        self.third, _ = self._revise(sue, self.second, approvable_body(title="Support bot, v3"))
        assert self.first_decision != self.second_decision
        self.reject = sue.submitted(ALL_UNKNOWN)["id"]

    @staticmethod
    def _revise(client, previous: str, body: dict) -> tuple[str, str]:
        response = client.post(f"/api/v1/assessments/{previous}/revisions", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"], response.get_json()["decision"]

    def url(self, path: str) -> str:
        return self.base + path

    def pages(self) -> dict[str, str]:
        return {
            "result-superseded": f"/assessments/{self.first}",
            "result-approved-pending": f"/assessments/{self.second}",
            "result-current": f"/assessments/{self.third}",
            "result-reject": f"/assessments/{self.reject}",
            "dashboard": "/dashboard",
        }


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    app = build_app(tmp_path_factory.mktemp("layout"))
    add_user(app, SUE, "submitter")
    add_user(app, RITA, "reviewer")
    with chromium.served(app) as base:
        yield Scene(app, base)


@pytest.fixture(scope="module")
def browser():
    with chromium.chromium(sync_api) as launched:
        yield launched


def opened(browser, scene, size, **kwargs):
    """A signed-in page of this size (a context manager)."""
    return chromium.checked_page(browser, *size, **kwargs)


def shot(page, name: str) -> None:
    folder = os.environ.get("MODELRISK_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["390", "1440"])
def test_no_page_scrolls_sideways_and_the_focused_control_stays_in_sight(browser, scene, size):
    with opened(browser, scene, size) as page:
        chromium.sign_in(page, scene.base, RITA)
        for name, path in scene.pages().items():
            page.goto(scene.url(path))
            assert page.evaluate(OVERFLOW) <= 0, f"{name} scrolls sideways at {size[0]} px"
            shot(page, f"{name}-{size[0]}")
            for _ in range(30):
                page.keyboard.press("Tab")
                focus = page.evaluate(FOCUS)
                if focus is None:
                    continue
                assert focus["seen"] and not focus["covered"], (name, size, focus)
                assert focus["ring"], (name, size, focus)


def test_the_decision_why_and_blockers_come_first_above_the_fold(browser, scene):
    with opened(browser, scene, DESKTOP) as page:
        chromium.sign_in(page, scene.base, RITA)
        page.goto(scene.url(f"/assessments/{scene.reject}"))
        decision = page.locator(".decision-card")
        assert "Reject" in decision.locator(".verdict").inner_text()
        assert "Why" in decision.inner_text()
        blockers = decision.locator("#h-blockers + p + ul.issue-list > li")
        assert blockers.count() == 5  # the first five; the rest a link away
        for n in range(blockers.count()):
            box = blockers.nth(n).bounding_box()
            assert box["y"] + box["height"] <= DESKTOP[1], f"blocker {n + 1} is below the fold"
        assert (
            page.locator(".decision-card").bounding_box()["y"]
            < page.locator("#h-changes").bounding_box()["y"]
        )
        changes = page.locator("#h-changes + ul").inner_text()
        assert "Resolve " in changes and "needs a new assessment" in changes
        assert page.locator("#h-all-blockers li").count() == len([b for b in scene_blockers(scene)])


def scene_blockers(scene) -> list:
    with scene.app.test_client() as client:
        key = create_key(scene.app, "assessments:read", name="reader")
        found = client.get(
            f"/api/v1/assessments/{scene.reject}", headers={"Authorization": f"Bearer {key}"}
        )
        return found.get_json()["result"]["blockers"]


def test_at_390_px_the_chart_stays_legible_and_the_dashboard_is_cards(browser, scene):
    with opened(browser, scene, PHONE) as page:
        chromium.sign_in(page, scene.base, SUE)
        page.goto(scene.url(f"/assessments/{scene.reject}"))
        sizes = page.evaluate(
            """() => [...document.querySelectorAll('.domains th, .domains td, .domains span,'
                   + ' .domains a')].filter(e => e.innerText.trim())
                   .map(e => parseFloat(getComputedStyle(e).fontSize))"""
        )
        assert sizes and min(sizes) >= 12, sizes
        bar = page.locator(".domains svg.bar").first.bounding_box()
        assert bar["width"] >= 150  # a bar, not a sliver
        page.goto(scene.url("/dashboard"))
        row = page.locator("table.table--list tbody tr").first
        assert row.evaluate("r => getComputedStyle(r).display") in ("block", "grid")
        for part in (".status", ".decision"):
            box = row.locator(part).first.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE[0], part


def test_the_revision_trail_reads_in_words(browser, scene):
    with opened(browser, scene, DESKTOP) as page:
        chromium.sign_in(page, scene.base, RITA)
        page.goto(scene.url(f"/assessments/{scene.first}"))
        banner = page.locator(".banner")
        assert "This revision is superseded" in banner.inner_text()
        assert (
            banner.get_by_role("link", name="revision 3")
            .get_attribute("href")
            .endswith(scene.third)
        )
        assert "revision 2" in banner.inner_text()  # the approval still in force
        page.goto(scene.url(f"/assessments/{scene.second}"))
        assert "Approved" in page.locator(".verdict").inner_text()
        assert "Newer revision awaiting review" in page.locator(".banner").inner_text()
        changes = page.locator("#h-revisions ~ .change-list, #h-revisions + p + ul").first
        text = changes.inner_text()
        before, after = (
            label("decision", d) for d in (scene.first_decision, scene.second_decision)
        )
        assert f"Engine decision: {before} → {after}" in text
        shown = page.locator("main").inner_text()
        assert not any(code in shown for code in ("approve_with_conditions", "changes_requested"))
        page.goto(scene.url(f"/assessments/{scene.third}"))
        history = page.locator("#h-history + ol").inner_text()
        assert "Revision 1" in history and "Add the DPIA first." in history
        assert "Revision 2" in history and "Fine for the pilot." in history


def test_the_result_page_works_without_javascript(browser, scene):
    with opened(browser, scene, PHONE, javascript=False) as page:
        chromium.sign_in(page, scene.base, RITA)
        page.goto(scene.url(f"/assessments/{scene.reject}"))
        assert page.locator(".decision-card #h-blockers").is_visible()
        assert page.evaluate(OVERFLOW) <= 0
