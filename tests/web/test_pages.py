"""The pages end to end with the test client: sign-in, the form, drafts, results and reviews."""

from __future__ import annotations

import json
import re

from markupsafe import escape

from service import labels
from service.application import assessments
from service.report import reading as report_reading
from service.store import audit
from service.store.context import get_db
from tests.support.apps import PASSWORD, add_user, login, token
from tests.support.bodies import DATA
from tests.support.bodies import LLAMA_8B as LLAMA


def html(response) -> str:
    return response.get_data(as_text=True)


def test_pages_need_a_signed_in_user(web):
    client = web.app.test_client()
    for path in ("/dashboard", "/assessments/new", "/admin/users", "/drafts/d_x"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_root_sends_you_to_sign_in_then_back(web):
    add_user(web.app, "a@example.com", "submitter")
    client = web.app.test_client()
    assert client.get("/").headers["Location"].endswith("/login")
    first = client.get("/assessments/new")
    assert "next=/assessments/new" in first.headers["Location"]
    data = {"email": "a@example.com", "password": PASSWORD, "csrf_token": token(client)}
    response = client.post("/login?next=/assessments/new", data=data)
    assert response.headers["Location"] == "/assessments/new"


def test_wrong_password_is_refused_without_saying_which_part(web):
    add_user(web.app, "a@example.com", "submitter")
    client = web.app.test_client()
    response = login(client, "a@example.com", "wrong password")
    assert response.status_code == 401
    assert "e-mail address or password is not right" in html(response)
    assert login(client, "nobody@example.com").status_code == 401


def test_login_is_throttled_after_repeated_failures(web):
    add_user(web.app, "a@example.com", "submitter")
    client = web.app.test_client()
    for _ in range(5):
        assert login(client, "a@example.com", "wrong").status_code == 401
    response = login(client, "a@example.com")  # even the right password waits now
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in html(response)


def test_first_login_must_change_password(web):
    add_user(web.app, "new@example.com", "submitter", must_change=True)
    client = web.app.test_client()
    assert login(client, "new@example.com").headers["Location"].endswith("/account/password")
    assert client.get("/dashboard").headers["Location"].endswith("/account/password")
    csrf = token(client, "/account/password")
    short = client.post(
        "/account/password",
        data={"current": PASSWORD, "new": "short", "confirm": "short", "csrf_token": csrf},
    )
    assert short.status_code == 422 and "at least 12 characters" in html(short)
    new = "a much longer pass phrase"
    done = client.post(
        "/account/password",
        data={"current": PASSWORD, "new": new, "confirm": new, "csrf_token": csrf},
    )
    assert done.status_code == 302
    assert client.get("/dashboard").status_code == 200
    fresh = web.app.test_client()
    assert login(fresh, "new@example.com", new).headers["Location"] == "/dashboard"


def test_password_change_ends_other_sessions(web):
    old = web.client("a@example.com")
    other = web.client("a@example.com")
    new = "another long pass phrase"
    other.post(
        "/account/password",
        data={
            "current": PASSWORD,
            "new": new,
            "confirm": new,
            "csrf_token": token(other, "/account/password"),
        },
    )
    assert old.get("/dashboard").status_code == 302


def test_logout_ends_the_session(web):
    client = web.client("a@example.com")
    client.post("/logout", data={"csrf_token": token(client, "/dashboard")})
    assert client.get("/dashboard").status_code == 302


def test_choose_step_then_form_prefilled_from_the_catalogue(web):
    client = web.client("a@example.com")
    assert "Choose model" in html(client.get("/assessments/new"))
    page = html(client.get(f"/assessments/new?model={LLAMA}"))
    assert re.search(r'<option value="llama-3.1-community" selected>', page)
    assert 'name="model.publisher" type="text" value="Meta"' in page
    assert 'tag--derived">Derived from the licence<' in page
    other = html(client.get("/assessments/new?model=other"))
    assert 'tag--derived">Derived from the licence<' not in other
    assert 'name="model.publisher" type="text" value=""' in other


def test_context_and_checklists_are_generated_from_content(web):
    client = web.client("a@example.com")
    page = html(client.get(f"/assessments/new?model={LLAMA}"))
    content = web.app.extensions["modelrisk.content"]
    for name, spec in content.context.fields.items():
        assert f'name="deployment.{name}"' in page
        assert spec.label.replace("'", "&#39;") in page
    for item in content.items.values():
        assert '<fieldset class="item' in page and f'id="item-{item.id}"' in page
        assert f'name="answers.{item.id}.note"' in page
        assert f'name="answers.{item.id}.evidence_url"' in page
    assert page.count("<legend") >= len(content.items)


def test_prefill_action_keeps_what_was_typed(web):
    client = web.client("a@example.com")
    data = {
        "csrf_token": token(client, "/dashboard"),
        "action": "prefill",
        "model.id": LLAMA,
        "title": "Kept title",
        "deployment.use_case": "Kept use case",
    }
    page = html(client.post("/assessments/new", data=data))
    assert 'value="Kept title"' in page and "Kept use case" in page
    assert '<option value="llama-3.1-community" selected>' in page


def test_missing_fields_give_an_error_summary_linking_to_each_field(web):
    client = web.client("a@example.com")
    response = web.post_form(
        client, **{"deployment.sector": None, "title": None, "answers.SEC-03.note": "typed note"}
    )
    page = html(response)
    assert response.status_code == 422
    summary = page[page.index('class="error-summary"') : page.index("</ul>")]
    assert 'href="#f-title"' in summary and 'href="#f-deployment-sector"' in summary
    assert 'href="#f-answers-SEC-03-value"' in summary
    assert 'id="f-deployment-sector"' in page and 'id="f-answers-SEC-03-value"' in page
    assert 'aria-describedby="f-title-hint f-title-error"' in page
    assert 'id="f-title-error"' in page and 'aria-invalid="true"' in page
    assert "typed note" in page and 'value="Helpdesk assistant"' not in page
    assert 'value="Ada Lovelace"' in page


def test_bad_values_are_reported_next_to_the_field(web):
    client = web.client("a@example.com")
    response = web.post_form(
        client,
        **{"deployment.monthly_active_users": "lots", "answers.SEC-01.evidence_url": "not a url"},
    )
    page = html(response)
    assert response.status_code == 422
    assert 'id="f-deployment-monthly_active_users-error"' in page
    assert 'id="f-answers-SEC-01-evidence_url-error"' in page
    assert 'value="lots"' in page and 'value="not a url"' in page


def test_overriding_a_derived_answer_needs_a_justification(web):
    client = web.client("a@example.com")
    response = web.post_form(client, **{"answers.LIC-01.value": "unidentified"})
    assert response.status_code == 422
    assert 'href="#f-answers-LIC-01-justification"' in html(response)
    assessment_id = web.submit(
        client,
        **{
            "answers.LIC-01.value": "unidentified",
            "answers.LIC-01.justification": "We found a newer text",
        },
    )
    page = html(client.get(f"/assessments/{assessment_id}"))
    assert "We found a newer text" in page and "Overrides the derived answer" in page


def test_draft_save_and_continue(web):
    client = web.client("a@example.com")
    data = {
        "csrf_token": token(client, "/dashboard"),
        "action": "draft",
        "title": "Half done",
        "model.id": LLAMA,
        "answers.SEC-01.value": "official",
        "answers.SEC-01.note": "checked the org",
    }
    saved = client.post("/assessments/new", data=data)
    assert saved.status_code == 302
    draft_url = saved.headers["Location"]
    page = html(client.get(draft_url))
    assert 'value="Half done"' in page and "checked the org" in page
    assert re.search(r'value="official" checked', page)
    assert "Half done" in html(client.get("/dashboard"))
    draft_id = draft_url.rsplit("/", 1)[-1]
    data.update(title="Still half done", draft_id=draft_id)
    assert client.post("/assessments/new", data=data).headers["Location"] == draft_url
    other = web.client("b@example.com")
    assert other.get(draft_url).status_code == 404
    with web.app.app_context():
        actions = [e["action"] for e in audit.list_audit_events(get_db())]
    assert actions.count("draft.save") == 2


def test_submitting_a_draft_removes_it(web):
    client = web.client("a@example.com")
    data = {"csrf_token": token(client, "/dashboard"), "action": "draft", "title": "D"}
    draft_id = client.post("/assessments/new", data=data).headers["Location"].rsplit("/", 1)[-1]
    web.submit(client, draft_id=draft_id)
    assert client.get(f"/drafts/{draft_id}").status_code == 404


def test_result_page_shows_verdict_findings_and_audit_head(web):
    client = web.client("a@example.com")
    assessment_id = web.submit(client)
    page = html(client.get(f"/assessments/{assessment_id}"))
    for text in (
        "Overall risk",
        "Engine decision",
        "Ratings by domain",
        "<svg",
        "Blockers",
        'id="h-conditions"',
        "Risky findings",
        "Licence obligations",
        "Review history",
        "Audit trail",
        "Download PDF report",
        "Llama 3.1 Community License",
    ):
        assert text in page, text
    # The page reads in the report's order: the decision and why, then what changes it.
    order = [
        "Engine decision",
        ">Why",
        'id="h-blockers"',
        "What changes the decision",
        'id="h-conditions"',
        "Ratings by domain",
        "Licence obligations",
        "Risky findings",
    ]
    at = [page.index(marker) for marker in order]
    assert at == sorted(at), dict(zip(order, at, strict=True))
    with web.app.app_context():
        head = audit.audit_head(get_db(), assessment_id)
    assert head in page


def test_pdf_download(web):
    client = web.client("a@example.com")
    assessment_id = web.submit(client)
    response = client.get(f"/assessments/{assessment_id}/report.pdf")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert web.app.test_client().get(f"/assessments/{assessment_id}/report.pdf").status_code == 302


def test_four_eyes_the_submitter_cannot_review_their_own(web):
    reviewer = web.client("r@example.com", "reviewer")
    assessment_id = web.submit(reviewer)
    page = html(reviewer.get(f"/assessments/{assessment_id}"))
    assert "Record review" not in page and "four-eyes" in page
    data = {"decision": "approve", "comment": "", "csrf_token": token(reviewer, "/dashboard")}
    response = reviewer.post(f"/assessments/{assessment_id}/review", data=data)
    assert response.status_code == 403
    assert "Awaiting review" in html(reviewer.get(f"/assessments/{assessment_id}"))


def test_submitter_role_cannot_review(web):
    submitter = web.client("a@example.com")
    assessment_id = web.submit(web.client("b@example.com"))
    data = {"decision": "approve", "csrf_token": token(submitter, "/dashboard")}
    assert submitter.post(f"/assessments/{assessment_id}/review", data=data).status_code == 403


def test_reviewer_approves_and_history_shows_it(web):
    assessment_id = web.submit(web.client("a@example.com"))
    reviewer = web.client("r@example.com", "reviewer")
    csrf = token(reviewer, f"/assessments/{assessment_id}")
    missing = reviewer.post(
        f"/assessments/{assessment_id}/review",
        data={"decision": "reject", "comment": "", "csrf_token": csrf},
    )
    assert missing.status_code == 422 and 'id="review-comment-error"' in html(missing)
    # The engine rejects this assessment: approving it accepts that risk, explicitly.
    comment = "Fine <b>by me</b>: the pilot runs on synthetic data only"
    unaccepted = reviewer.post(
        f"/assessments/{assessment_id}/review",
        data={"decision": "approve", "comment": comment, "csrf_token": csrf},
    )
    assert unaccepted.status_code == 422 and 'id="review-accept-risk-error"' in html(unaccepted)
    done = reviewer.post(
        f"/assessments/{assessment_id}/review",
        data={"decision": "approve", "comment": comment, "accept_risk": "yes", "csrf_token": csrf},
    )
    assert done.status_code == 302
    page = html(reviewer.get(f"/assessments/{assessment_id}"))
    assert "Approved" in page and "Fine &lt;b&gt;by me&lt;/b&gt;" in page
    assert "Risk accepted" in page
    assert "valid until" in page and "Record review" not in page


def test_request_changes_then_revision_shows_what_changed(web):
    submitter = web.client("a@example.com")
    first = web.submit(submitter)
    reviewer = web.client("r@example.com", "reviewer")
    reviewer.post(
        f"/assessments/{first}/review",
        data={
            "decision": "request_changes",
            "comment": "Answer SEC-02",
            "csrf_token": token(reviewer, "/dashboard"),
        },
    )
    page = html(submitter.get(f"/assessments/{first}/revise"))
    assert f'name="previous_id" value="{first}"' in page and 'value="Helpdesk assistant"' in page
    second = web.submit(submitter, previous_id=first, **{"answers.SEC-02.value": "unknown"})
    page = html(submitter.get(f"/assessments/{second}"))
    assert f'href="/assessments/{first}"' in page and "revision 1" in page
    assert "SEC-02" in page and "field changed" in page
    older = html(submitter.get(f"/assessments/{first}"))
    assert f'href="/assessments/{second}">Revision 2</a>' in older and "Superseded" in older


def test_dashboard_lists_and_filters(web):
    client = web.client("a@example.com")
    web.submit(client, title="Alpha assistant")
    web.submit(client, title="Beta assistant")
    page = html(client.get("/dashboard"))
    assert "Alpha assistant" in page and "Beta assistant" in page and "a@example.com" in page
    page = html(client.get("/dashboard?status=approved"))
    assert "Alpha assistant" not in page and "No assessments match" in page
    page = html(client.get("/dashboard?q=Beta"))
    assert "Beta assistant" in page and "Alpha assistant" not in page
    assert client.get("/dashboard?status=bogus&page=x").status_code == 200


def test_dashboard_lists_approvals_falling_due(web):
    assessment_id = web.submit(web.client("a@example.com"))
    reviewer = web.client("r@example.com", "reviewer")
    approved = reviewer.post(
        f"/assessments/{assessment_id}/review",
        data={
            "decision": "approve",
            "accept_risk": "yes",
            "comment": "Accepted for the pilot; re-assess before general use.",
            "csrf_token": token(reviewer, "/dashboard"),
        },
    )
    assert approved.status_code == 302
    with web.app.app_context():
        get_db().execute("UPDATE assessments SET expires_at = '2020-01-01T00:00:00.000000Z'")
    page = html(reviewer.get("/dashboard"))
    assert "Approvals due for re-review" in page and "Expired" in page


def test_admin_creates_accounts_with_a_one_time_password(web):
    admin = web.client("admin@example.com", "admin")
    csrf = token(admin, "/admin/users")
    response = admin.post(
        "/admin/users", data={"email": "new@example.com", "role": "reviewer", "csrf_token": csrf}
    )
    assert response.status_code == 201
    password = re.search(r'class="otp mono">([^<]+)<', html(response)).group(1)
    client = web.app.test_client()
    assert (
        login(client, "new@example.com", password).headers["Location"].endswith("/account/password")
    )
    dup = admin.post(
        "/admin/users", data={"email": "new@example.com", "role": "reviewer", "csrf_token": csrf}
    )
    assert dup.status_code == 422 and "already exists" in html(dup)
    assert web.client("s@example.com").get("/admin/users").status_code == 403


def test_unknown_pages_render_the_error_page(web):
    client = web.client("a@example.com")
    response = client.get("/assessments/does-not-exist")
    assert response.status_code == 404
    assert "<h1>" in html(response) and "no such assessment" in html(response).lower()


def test_a_result_with_reasons_due_dates_and_obligations_shows_them(web):
    """A stored result with the fields of verdict model 2 (tests/data/report/stored-v2.json,
    stored whole, as format-1 rows are): the page reads them as stored."""
    v2 = json.loads((DATA / "report" / "stored-v2.json").read_text(encoding="utf-8"))
    row = json.loads((DATA / "store" / "assessment-format-1.json").read_text(encoding="utf-8"))
    row = {
        **row["row"],
        "id": v2["id"],
        "root_id": v2["id"],
        "title": v2["title"],
        "decision": v2["decision"],
        "rating": v2["rating"],
        "score": v2["score"],
        "input_json": json.dumps(v2["input"]),
        "result_json": json.dumps(v2["result"]),
    }
    with web.app.app_context():
        get_db()["assessments"].insert(row)
    page = html(web.client("a@example.com").get(f"/assessments/{v2['id']}"))
    result = v2["result"]
    assert "Why</h3>" in page and "stored before the engine recorded" not in page
    assert "Any blocker makes the decision reject" in page  # the policy's reason
    assert "Blocker LIC-05: the licence withholds" not in page  # blockers are listed beside
    for title in ("Before go-live", "Follow-up, with an owner and a date", "Track"):
        assert f'<h3 class="due-title">{title} <span class="count">' in page
    for o in result["obligations"]:
        assert o["text"].replace('"', "&#34;") in page
    assert "MIS-01 EU AI Act prohibited practice: critical" in page  # what set misuse's rating
    assert "What set the rating" in page
    assert "The rating is the worst risk" in page  # the method of the rule it was scored by


def test_a_submitted_result_page_leads_with_the_engines_reasons_and_dues(web, monkeypatch):
    """A result scored today: the page's "Why" is the engine's rating_reasons, in its order;
    the conditions are grouped by their due; the decision card counts only the conditions an
    approval waits on. Without recorded reasons, the page says so and stands in the findings."""
    client = web.client("a@example.com")
    assessment_id = web.submit(client)
    with web.app.app_context():
        result = assessments.get(get_db(), assessment_id)["result"]
    page = html(client.get(f"/assessments/{assessment_id}"))
    why = page.split(">Why</h3>")[1].split('id="h-blockers"')[0]
    recorded = result["rating_reasons"]
    # The blockers are listed beside "Why": their reasons are not repeated in it.
    reasons = [r for r in [*recorded["decision"], *recorded["overall"]] if r["kind"] != "blocker"]
    texts = list(dict.fromkeys(r["text"] for r in reasons))[: report_reading.REASONS]
    assert texts and all(str(escape(t)) in why for t in texts)
    more = len(dict.fromkeys(r["text"] for r in reasons)) - len(texts)
    assert (f"and {more} more" in why) == (more > 0)
    blockers = page.split('id="h-blockers"')[1].split("</section>")[0]
    assert all(f'href="#finding-{b["item"]}"' in blockers for b in result["blockers"][:5])
    at = [why.index(str(escape(t))) for t in texts]
    assert at == sorted(at)
    for due in {c["due"] for c in result["conditions"]}:
        assert f'<h3 class="due-title">{labels.label("due", due)} <span class="count">' in page
    pending = sum(1 for c in result["conditions"] if c["due"] != "track")
    card = page.split('class="verdict"')[1].split('class="decision-why"')[0]
    assert f"{pending} condition" in card
    real = assessments.explained

    def without_reasons(db, stored):
        out = real(db, stored)
        out.pop("rating_reasons")
        return out

    monkeypatch.setattr(assessments, "explained", without_reasons)
    page = html(client.get(f"/assessments/{assessment_id}"))
    assert ">Why</h3>" not in page and "stored before the engine recorded" in page
    top = page.split('id="h-blockers"')[0]
    assert not any(str(escape(r["text"])) in top for r in recorded["overall"])


def test_a_departure_from_the_catalogue_needs_a_justification_and_shows_on_the_result(web):
    client = web.client("a@example.com")
    refused = web.post_form(client, **{"model.license": "Apache-2.0"})
    assert refused.status_code == 422
    assert 'href="#f-model-license"' in html(refused)
    why = "Meta granted us these weights under Apache-2.0 in writing (ref. LGL-301)."
    assessment_id = web.submit(
        client, **{"model.license": "Apache-2.0", "model.justification": why}
    )
    page = html(client.get(f"/assessments/{assessment_id}"))
    assert 'id="departures"' in page and "Departs from the catalogue: license Apache-2.0" in page
    assert "Meta granted us these weights" in page
    assert "Confirm the departure from the catalogue for" in page  # the condition
