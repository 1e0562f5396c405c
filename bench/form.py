"""The assessment form's weight, as a person meets it: bytes, controls, height, Tab presses.

Llama 3.1 8B as an internal HR policy assistant in Germany (tests/data/forms/
llama-hr-germany.json): the model and deployment filled in, no question touched, saved as a
draft and opened again, so the page is the server's rendering of exactly those values. A headless
Chromium at 1440x900 counts the questions shown and those answered from a source, the form
controls a person can reach, the page height, and the Tab presses from the top of the page to
"Submit for review". Everything runs on 127.0.0.1 against a temporary database.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.application import drafts  # noqa: E402
from service.store.context import get_db  # noqa: E402
from service.web import forms  # noqa: E402
from tests.support.apps import PASSWORD, add_user, build_app  # noqa: E402
from tests.support.browser import ARGS, CHROMIUM, served  # noqa: E402

HR_CASE = ROOT / "tests" / "data" / "forms" / "llama-hr-germany.json"
EMAIL = "bench@example.com"
MAX_TABS = 3000
# What a person can operate: every control that is rendered (display not none, not hidden).
COUNT = """() => {
  const shown = (el) => el.getClientRects().length > 0;
  const controls = [...document.querySelectorAll(
    'main input:not([type=hidden]), main select, main textarea, main button')].filter(shown);
  const items = [...document.querySelectorAll('fieldset.item')].filter(shown);
  const sourced = items.filter((el) => {
    const d = el.querySelector('.derived');
    return d && shown(d);
  });
  return {controls: controls.length, questions: items.length, sourced: sourced.length,
          height: document.documentElement.scrollHeight};
}"""
AT_SUBMIT = """() => {
  const el = document.activeElement;
  return !!el && el.tagName === 'BUTTON' && el.textContent.trim() === 'Submit for review';
}"""


def _draft(app) -> str:
    """The HR case's model and deployment saved as the bench user's draft; returns its id."""
    content = app.extensions["modelrisk.content"]
    body = json.loads(HR_CASE.read_text(encoding="utf-8"))
    values = forms.body_values(content, body)
    with app.app_context():
        user = add_user(app, EMAIL, "submitter")
        return drafts.save(get_db(), user, body["title"], values)


def measure() -> dict:
    """The form's figures for the HR case (see the module docstring)."""
    from playwright.sync_api import sync_playwright

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request

    with tempfile.TemporaryDirectory(prefix="modelrisk-form-") as tmp:
        app = build_app(Path(tmp))
        draft_id = _draft(app)
        with served(app) as base, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(f"{base}/login")
            page.fill("input[name=email]", EMAIL)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/dashboard")
            response = page.goto(f"{base}/drafts/{draft_id}")
            figures = {"bytes": len(response.body()), **page.evaluate(COUNT)}
            if os.environ.get("MODELRISK_SCREENSHOTS"):
                page.screenshot(path=os.environ["MODELRISK_SCREENSHOTS"] + "/form-1440.png")
            page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
            page.evaluate("() => window.scrollTo(0, 0)")
            tabs = 0
            while tabs < MAX_TABS and not page.evaluate(AT_SUBMIT):
                page.keyboard.press("Tab")
                tabs += 1
            figures["tabs"] = tabs if tabs < MAX_TABS else None
            browser.close()
    return figures


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))
