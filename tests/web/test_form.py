"""The assessment form without a browser: what it shows for a deployment, how it comes back
after "Update the questions", how it reads what people type, and its script's JSON."""

from __future__ import annotations

import json
import re
from html import unescape

from werkzeug.datastructures import MultiDict

from service.application import assessments, formview
from service.labels import label
from service.store.context import get_db
from service.web import forms
from tests.support.apps import form_data, token
from tests.support.bodies import DATA, LLAMA_8B, real_content

ITEM = re.compile(r'<fieldset class="item[^"]*" id="item-([A-Z]+-\d+)" data-item="[^"]+"( hidden)?')


def html(response) -> str:
    return response.get_data(as_text=True)


def shown_items(page: str) -> list[str]:
    return [i for i, hidden in ITEM.findall(page) if not hidden]


def item_html(page: str, item_id: str) -> str:
    start = page.index(f'id="item-{item_id}"')
    return page[start : page.index("</fieldset>", start)]


def post(client, action: str, **overrides):
    data = form_data(**overrides)
    data.update(action=action, csrf_token=token(client, "/assessments/new?model="))
    return client.post("/assessments/new", data=data)


def test_update_without_the_script_shows_what_applies_and_returns_focus_to_the_button(web):
    client = web.client("a@example.com")
    internal = html(post(client, "refresh"))
    public = html(post(client, "refresh", **{"deployment.exposure": "public"}))
    assert "MIS-03" not in shown_items(internal) and "MIS-03" in shown_items(public)
    # The button's formaction carries the fragment; the page gives it focus again.
    assert 'formaction="/assessments/new#update-questions" id="update-questions"' in public
    assert re.search(r'id="update-questions"[^>]*\bautofocus', public)
    assert "error-summary" not in public and "Questions updated:" in public
    model = html(post(client, "refresh-model"))
    assert re.search(r'id="update-model"[^>]*\bautofocus', model)
    assert not re.search(r'id="update-questions"[^>]*\bautofocus', model)


def test_enter_in_a_text_field_submits_nothing_the_default_button_is_disabled(web):
    page = html(web.client("a@example.com").get(f"/assessments/new?model={LLAMA_8B}"))
    form = page[page.index('id="assess-form"') :]
    first_button = re.search(r"<button [^>]*>", form).group(0)
    assert 'type="submit"' in first_button and " disabled" in first_button
    assert 'name="action"' not in first_button


def test_typed_numbers_and_country_names_are_read_and_stored_as_the_api_takes_them(web, app):
    client = web.client("a@example.com")
    response = post(
        client,
        "submit",
        **{
            "deployment.organisation_monthly_active_users": "3.000",
            "deployment.monthly_active_users": "2 500",
            "deployment.deployer_country": "Germany",
            "deployment.user_regions": "Germany, France",
        },
    )
    assert response.status_code == 302, html(response)[:500]
    assessment_id = response.headers["Location"].rsplit("/", 1)[-1]
    with app.app_context():
        deployment = assessments.get(get_db(), assessment_id)["input"]["deployment"]
    assert deployment["organisation_monthly_active_users"] == 3000
    assert deployment["monthly_active_users"] == 2500
    assert deployment["deployer_country"] == "DE" and deployment["user_regions"] == ["DE", "FR"]


def test_every_field_error_reads_in_one_style_placed_on_its_field(web):
    client = web.client("a@example.com")
    page = html(
        post(
            client,
            "submit",
            **{
                "deployment.organisation_monthly_active_users": "3,5",
                "deployment.deployer_country": "Atlantis",
                "deployment.planned_lifetime_months": "700",
                "deployment.sector": None,
                "answers.MNT-01.note": "asked upstream",
            },
        )
    )
    messages = re.findall(r'<p class="error-message" id="([^"]+)-error">(.*?)</p>', page, re.S)
    found = {
        fid: unescape(re.sub(r"<[^>]+>", "", text)).replace("Error:", "").strip()
        for fid, text in messages
    }
    assert found == {
        "f-deployment-sector": "Is required.",
        "f-deployment-organisation_monthly_active_users": (
            "Must be a whole number such as 3000, 3,000, 3.000 or 3 000; '3,5' is not one."
        ),
        "f-deployment-deployer_country": (
            "'Atlantis' is neither a country name we know nor a two-letter ISO 3166-1 code "
            "such as DE."
        ),
        "f-deployment-planned_lifetime_months": "Must be between 1 and 600.",
        "f-answers-MNT-01-value": (
            "Needs an answer: choose one, or clear its note and evidence link."
        ),
    }
    start = page.index('class="error-summary"')
    summary = unescape(page[start : page.index("</ul>", start)])
    assert "Planned lifetime in months: must be between 1 and 600." in summary
    # The summary runs in the form's order: deployment fields, then Maintenance before Misuse.
    links = re.findall(r'<a href="#([^"]+)">', summary)
    assert links.index("f-deployment-deployer_country") < links.index("f-answers-MNT-01-value")


def test_the_words_on_an_item(web):
    page = html(web.client("a@example.com").get(f"/assessments/new?model={LLAMA_8B}"))
    view = formview.read(real_content(), forms.catalogue_values(real_content(), LLAMA_8B))
    derived = [i for i, v in view.items.items() if v.derived and v.applies]
    assert derived
    for item_id in derived:
        part = item_html(page, item_id)
        assert part.count("data-derived-tag") == 1  # the derived answer, marked once
        assert "Justification (required to change a derived answer)" in part
        assert '(optional)</span></label>\n  <p class="hint" id="f-answers-' not in part
        assert "Use the derived answer" not in part
    part = item_html(page, "SEC-01")
    assert '<legend class="item__legend"><h3 class="item__title">' in part
    assert "Unknown (counts as full risk)" in part
    assert "Not answered yet" not in part and "Justification" not in part
    severity = view.items["SEC-01"].severity
    assert f'<span class="sev sev--{severity}">{severity.capitalize()} severity</span>' in part


def test_sections_come_in_the_report_s_order_with_their_role_and_progress(web):
    page = html(web.client("a@example.com").get(f"/assessments/new?model={LLAMA_8B}"))
    order = re.findall(r'<section class="card checklist" id="sec-([a-z]+)"', page)
    assert order == ["security", "maintenance", "licensing", "misuse"]
    for who in ("Security team", "ML platform", "Legal", "Risk"):
        assert f"Usually answered by: <strong>{who}</strong>" in page
    start = page.index('aria-label="Form sections"')
    nav = page[start : page.index("</nav>", start)]
    assert re.search(r"Licensing</span> <span [^>]*><span data-count>\d+ of \d+</span>", nav)


def test_the_script_gets_the_form_view_as_json_with_the_page_s_own_markup(web):
    client = web.client("a@example.com")
    data = form_data(**{"deployment.exposure": "public"})
    assert client.post("/assessments/form-view", data=data).status_code == 400  # no CSRF token
    data["csrf_token"] = token(client, "/assessments/new?model=")
    view = client.post("/assessments/form-view", data=data).get_json()
    assert view["items"]["MIS-03"]["applies"] is True
    assert view["items"]["SEC-19"]["applies"] is False
    assert view["applicable"] == sum(s["applicable"] for s in view["sections"].values())
    lic = next(i for i, v in view["items"].items() if v["derived"])
    assert 'class="derived"' in view["items"][lic]["derived_html"]
    assert "Justification (required" in view["items"][lic]["justification_html"]
    assert view["items"]["SEC-01"]["severity_html"].startswith('<p class="item__sev')
    page = html(client.get(f"/assessments/new?model={LLAMA_8B}"))
    assert view["items"]["SEC-01"]["severity_html"] in page  # the same macro renders both


def test_answers_to_questions_that_no_longer_apply_are_listed_as_kept(web):
    client = web.client("a@example.com")
    page = html(post(client, "refresh", **{"answers.MIS-03.value": "unknown"}))
    kept = page[page.index('id="kept"') : page.index("</div>", page.index('id="kept"'))]
    assert "1 answer kept for questions that no longer apply" in kept and "MIS-03" in kept
    assert 'id="item-MIS-03" data-item="MIS-03" hidden' in page
    assert re.search(r'name="answers.MIS-03.value" value="unknown" checked', page)


def test_a_draft_shows_its_progress_per_section_on_the_dashboard(web):
    client = web.client("a@example.com")
    response = post(client, "draft", title="Half done", **{"answers.SEC-02.value": "unknown"})
    assert response.status_code == 302
    dashboard = html(client.get("/dashboard"))
    progress = re.search(r'<span class="small draft-progress">(.*?)</span>', dashboard).group(1)
    values = forms.form_values(MultiDict(form_data(**{"answers.SEC-02.value": "unknown"})))
    expected = " · ".join(
        f"{s.title} {s.answered} of {s.applicable}"
        for s in formview.read(real_content(), values).sections
    )
    assert progress == f"{expected} answered"
    assert progress.startswith("Security ") and " of " in progress


HR_CASE = DATA / "forms" / "llama-hr-germany.json"
FROM_A_SOURCE = re.compile(r'<input type="radio" [^>]*\bdata-derived checked>')
BASIS = re.compile(
    r'<div class="derived" role="note">\s*<p><span class="tag tag--derived">([^<]+)<'
)


def hr_form(web) -> tuple[str, formview.FormView]:
    """The form for the issue's case (Llama 3.1 8B as an internal HR policy assistant in
    Germany) as the server renders it after the deployment is described, no question touched;
    and the form view of the same values."""
    case = json.loads(HR_CASE.read_text(encoding="utf-8"))
    values = forms.body_values(real_content(), case)
    client = web.client("a@example.com")
    data = MultiDict(values)
    data.add("action", "refresh")
    data.add("csrf_token", token(client, "/assessments/new?model="))
    page = html(client.post("/assessments/new", data=data))
    return page, formview.read(real_content(), values)


def counted(page: str) -> tuple[int, int]:
    """(questions shown, questions shown that arrive answered from a source), from the HTML."""
    shown = shown_items(page)
    return len(shown), sum(1 for i in shown if FROM_A_SOURCE.search(item_html(page, i)))


def test_answers_from_a_source_are_marked_once_with_what_they_rest_on(web):
    page, view = hr_form(web)
    shown, sourced = counted(page)
    assert (shown, sourced) == (view.applicable, view.answered)  # the HTML says what the view says
    bases = set()
    for item_id in shown_items(page):
        part, v = item_html(page, item_id), view.items[item_id]
        if not v.derived:
            assert "data-derived" not in part, item_id
            continue
        assert part.count("data-derived-tag") == 1 and len(FROM_A_SOURCE.findall(part)) == 1
        assert [unescape(b) for b in BASIS.findall(part)] == [label("basis", v.derived.basis)], (
            item_id
        )
        assert unescape(v.derived.fact) in unescape(part)
        bases.add(v.derived.basis)
    assert bases == {"license", "publisher", "deployment"}


def test_the_hr_case_shows_at_most_80_questions_a_quarter_and_20_answered_from_a_source(web):
    page, _ = hr_form(web)
    shown, sourced = counted(page)
    assert shown <= 80 and sourced >= 20 and 4 * sourced >= shown


def test_weights_used_as_published_is_asked_in_the_deployment_and_answers_from_there(web):
    client = web.client("a@example.com")
    unsaid = html(post(client, "refresh"))
    said = html(post(client, "refresh", **{"deployment.weights_as_published": "yes"}))
    field = 'name="deployment.weights_as_published" value="yes"'
    assert f"{field}>" in unsaid and f"{field} checked>" in said
    assert "SEC-24" in shown_items(unsaid) and "SEC-24" not in shown_items(said)
    for item_id in ("SEC-08", "MNT-15"):
        assert not FROM_A_SOURCE.search(item_html(unsaid, item_id)), item_id
        assert FROM_A_SOURCE.search(item_html(said, item_id)), item_id
