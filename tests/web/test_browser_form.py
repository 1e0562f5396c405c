"""The assessment form in a real Chromium: filled with the keyboard alone while questions follow
the deployment without losing the place, Enter never submitting, the phone layout keeping the
focused control clear of the sticky bar with the sections reachable, and the page without its
script coming back where the Update button was."""

from __future__ import annotations

import json

import pytest

from service.application import assessments, drafts
from service.store.context import get_db
from service.web import forms
from tests.support import browser as chromium
from tests.support.apps import add_user, build_app
from tests.support.bodies import DATA, LLAMA_8B

pytestmark = pytest.mark.browser
sync_api = chromium.playwright()

EMAIL = "assessor@example.com"
HR_CASE = DATA / "forms" / "llama-hr-germany.json"
MAX_TABS = 1500
TYPED = {
    "title": "HR policy assistant on Llama 3.1 8B",
    "deployment.use_case": "Answers employees' questions about HR policies from the handbook.",
    "deployment.deployer_country": "Germany",
    "deployment.monthly_active_users": "2 500",
    "deployment.organisation_monthly_active_users": "3.000",
}
FOCUSED = """() => {
  const e = document.activeElement;
  const group = e.type === 'radio'
    ? [...document.getElementsByName(e.name)].some((r) => r.checked) : null;
  return {tag: e.tagName, type: e.type || '', name: e.name || '', value: e.value || '',
          text: (e.textContent || '').trim(), id: e.id, group: group};
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    app = build_app(tmp_path_factory.mktemp("form"))
    add_user(app, EMAIL, "submitter")
    with chromium.served(app) as base:
        yield app, base


@pytest.fixture(scope="module")
def browser():
    with chromium.chromium(sync_api) as launched:
        yield launched


@pytest.fixture
def page(browser):
    with chromium.checked_page(browser) as page:
        yield page


def settled(page) -> None:
    """Wait until the form's script has applied the server's view of the last change."""
    page.wait_for_function("() => !document.querySelector('#assess-form[data-updating]')")


def shown(page, item_id: str) -> bool:
    return page.locator(f"#item-{item_id}").is_visible()


def change_in_place(page, key: str, item_id: str, appears: bool) -> None:
    """Move a radio group of the deployment with an arrow key; the item appears or vanishes,
    focus stays on the group, in view, and the page does not jump (the browser may scroll a
    row to keep the next radio clear of the sticky bar, nothing more)."""
    name = page.evaluate(FOCUSED)["name"]
    before = page.evaluate("() => window.scrollY")
    page.keyboard.press(key)
    settled(page)
    assert shown(page, item_id) is appears, f"{item_id} after {key} on {name}"
    assert page.evaluate(FOCUSED)["name"] == name
    assert abs(page.evaluate("() => window.scrollY") - before) < 60
    box = page.evaluate("() => document.activeElement.getBoundingClientRect().toJSON()")
    assert box["top"] >= 0 and box["bottom"] <= page.viewport_size["height"]
    assert "Questions updated" in page.locator("#form-status").inner_text()


def test_the_whole_form_with_the_keyboard_alone(site, page):
    app, base = site
    chromium.sign_in(page, base, EMAIL)
    page.goto(f"{base}/assessments/new?model={LLAMA_8B}")
    page.evaluate("() => { window.stayed = true; }")
    checks = set()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        el = page.evaluate(FOCUSED)
        if el["tag"] == "BUTTON" and el["text"] == "Submit for review":
            break
        if el["name"] in TYPED and not el["value"]:
            page.keyboard.type(TYPED[el["name"]])
            if el["tag"] == "INPUT":
                page.keyboard.press("Enter")  # never submits, never reloads
                page.wait_for_timeout(200)
                assert page.evaluate("() => window.stayed === true"), el["name"]
        elif el["tag"] == "SELECT" and not el["value"] and el["name"] != "model.weights_format":
            if el["name"] in ("deployment.sector", "deployment.data_sensitivity"):
                page.keyboard.press("ArrowDown")
        elif el["type"] == "radio" and not el["group"]:
            page.keyboard.press("Space")
            if el["name"] == "deployment.exposure":  # internal: MIS-03 does not apply
                settled(page)
                change_in_place(page, "ArrowDown", "MIS-03", appears=True)
                change_in_place(page, "ArrowUp", "MIS-03", appears=False)
                checks.add("exposure")
            elif el["name"] == "deployment.tool_access":  # none: no tool questions
                settled(page)
                assert not shown(page, "SEC-21")
                change_in_place(page, "ArrowDown", "SEC-21", appears=True)
                checks.add("tools")
    else:
        pytest.fail("Submit for review was never reached with the Tab key")
    assert checks == {"exposure", "tools"}
    settled(page)
    unanswered = page.evaluate(
        """() => [...document.querySelectorAll('fieldset.item')]
             .filter((i) => !i.hidden && !i.querySelector('input[type=radio]:checked'))
             .map((i) => i.id)"""
    )
    assert unanswered == []
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/assessments/*")
    assert "Assessment submitted" in page.locator(".notice").inner_text()
    with app.app_context():
        stored = assessments.get(get_db(), page.url.rsplit("/", 1)[-1])
    deployment = stored["input"]["deployment"]
    assert deployment["deployer_country"] == "DE"
    assert deployment["organisation_monthly_active_users"] == 3000
    for domain in stored["result"]["domains"].values():
        assert domain["answered"] == domain["applicable"]


def _hr_draft(app) -> str:
    content = app.extensions["modelrisk.content"]
    case = json.loads(HR_CASE.read_text(encoding="utf-8"))
    with app.app_context():
        user = get_db().query("SELECT * FROM users WHERE email = ?", [EMAIL]).__next__()
        return drafts.save(get_db(), user, case["title"], forms.body_values(content, case))


OBSCURED = """() => {
  const bar = document.getElementById('sec-submit').getBoundingClientRect();
  const e = document.activeElement;
  if (e.closest('#sec-submit')) { return null; }
  const box = (e.closest('.choice') || e).getBoundingClientRect();
  const covered = box.bottom > bar.top + 1 && box.top < bar.bottom;
  return covered || box.top < 0 ? (e.id || e.name || e.tagName) : null;
}"""


def test_on_a_phone_the_focused_control_stays_clear_of_the_sticky_bar(site, browser):
    app, base = site
    draft_id = _hr_draft(app)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        chromium.sign_in(page, base, EMAIL)
        page.goto(f"{base}/drafts/{draft_id}")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        # The section navigation is on the page, in the Tab order, and takes you there.
        nav = page.get_by_role("navigation", name="Form sections")
        assert nav.is_visible()
        misuse = nav.get_by_role("link", name="Misuse")
        assert misuse.is_visible() and misuse.bounding_box()["x"] >= 0
        covered, stops = [], 0
        for stops in range(1, MAX_TABS):  # noqa: B007 - the count is read after the loop
            page.keyboard.press("Tab")
            el = page.evaluate(FOCUSED)
            if el["text"] == "Submit for review":
                break
            hidden_by_bar = page.evaluate(OBSCURED)
            if hidden_by_bar:
                covered.append(hidden_by_bar)
        assert stops > 100
        assert covered == []
        # From the top, the Tab key reaches the Misuse section's link, and Enter goes there.
        page.goto(f"{base}/drafts/{draft_id}")
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate(FOCUSED)["text"].startswith("Misuse"):
                break
        page.keyboard.press("Enter")
        section = "() => document.getElementById('sec-misuse').getBoundingClientRect().top"
        assert -1 <= page.evaluate(section) < 120
    finally:
        context.close()


def test_without_the_script_update_comes_back_to_the_button_with_focus(site, browser):
    app, base = site
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    try:
        chromium.sign_in(page, base, EMAIL)
        page.goto(f"{base}/assessments/new?model={LLAMA_8B}")
        page.locator('input[name="deployment.exposure"][value="public"]').check()
        assert not page.locator("#item-MIS-03").is_visible()
        page.locator("#update-questions").click()
        page.wait_for_load_state()
        assert page.url.endswith("#update-questions")
        assert page.evaluate("() => document.activeElement.id") == "update-questions"
        box = page.locator("#update-questions").bounding_box()
        assert 0 <= box["y"] <= 900 - box["height"]
        assert page.locator("#item-MIS-03").is_visible()
        assert page.locator('input[name="deployment.exposure"][value="public"]').is_checked()
        # Enter in a text field does nothing without the script either.
        page.locator("#f-title").fill("Typed")
        page.locator("#f-title").press("Enter")
        page.wait_for_timeout(300)
        assert page.url.endswith("#update-questions") and "Questions updated" in page.content()
        assert page.locator("#f-title").input_value() == "Typed"
    finally:
        context.close()


def test_an_offered_derived_answer_follows_the_deployment_and_a_change_asks_for_a_reason(
    site, page
):
    _, base = site
    chromium.sign_in(page, base, EMAIL)
    page.goto(f"{base}/assessments/new?model={LLAMA_8B}")
    chromium.fill_deployment(page)
    settled(page)
    cap = page.locator("#item-LIC-03")
    assert cap.locator('input[type=radio][value="within_cap"]').is_checked()
    assert cap.locator("[data-derived-tag]").count() == 1
    justification = cap.locator("textarea[name='answers.LIC-03.justification']")
    assert not justification.is_visible()  # nothing to justify while the derived answer stands
    # Above the licence's cap: the offered answer follows the facts, marked once.
    page.locator("#f-deployment-organisation_monthly_active_users").fill("800.000.000")
    page.locator("#f-deployment-organisation_monthly_active_users").press("Tab")
    settled(page)
    assert cap.locator('input[type=radio][value="above_cap"]').is_checked()
    assert cap.locator("[data-derived-tag]").count() == 1
    marked = cap.locator("label.choice", has=page.locator("[data-derived-tag]"))
    assert marked.locator("input").get_attribute("value") == "above_cap"
    # A person's own choice shows the justification, and stays when the facts move again.
    cap.locator('input[type=radio][value="within_cap"]').check()
    assert justification.is_visible()
    page.locator("#f-deployment-organisation_monthly_active_users").fill("5 000")
    page.locator("#f-deployment-organisation_monthly_active_users").press("Tab")
    settled(page)
    assert cap.locator('input[type=radio][value="within_cap"]').is_checked()
    assert cap.locator('input[name="answers.LIC-03.derived"]').count() == 0
