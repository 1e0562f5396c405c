"""Issue 12, reproductions 6 and 8: work a request can trigger is bounded.

6. a stored assessment whose notes hold thousands of line breaks took every report download
   past the worker timeout;
8. query arguments reached url_for (`_method` made a 500, `_external` a foreign Link), and a
   body of 150,000 unknown keys came back as an 11 MB problem.
"""

from __future__ import annotations

import json

import pytest

from service.store.context import get_db
from tests.support.bodies import real_content, sample_body
from tests.support.reports import pages

OLD_NOTE = "\n" * 3999  # what the store held before notes were bounded
NOTED = 12


def _noted_items() -> list[str]:
    return [i for i in real_content().items if i.startswith("SEC-")][:NOTED]


def old_row_with_long_notes(app, api) -> str:
    """An assessment stored before line breaks were bounded: written straight into its row,
    since the API refuses such notes now."""
    items = _noted_items()
    submitted = api.submitted(sample_body(answers={i: "unknown" for i in items}))
    created = api.get(submitted["links"]["self"]).get_json()  # whole, as rows were then
    result = created["result"]
    for finding in result["findings"]:
        if finding["item"] in items:
            finding["note"] = f"Note on {finding['item']}" + OLD_NOTE
    body = created["input"]
    for item in items:
        body["answers"][item] = {"value": "unknown", "note": "x" + OLD_NOTE}
    with app.app_context():
        get_db().execute(
            "UPDATE assessments SET result_json = ?, input_json = ? WHERE id = ?",
            [json.dumps(result), json.dumps(body), created["id"]],
        )
    return created["id"]


def test_new_notes_with_more_than_40_line_breaks_are_refused(api):
    item = _noted_items()[0]
    body = sample_body(answers={item: {"value": "unknown", "note": "a" + "\n" * 41}})
    response = api.submit(body)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == f"answers.{item}.note"
    body["answers"][item]["note"] = "a" + "\n" * 40
    assert api.submit(body).status_code == 201


def test_the_report_of_an_old_row_with_long_notes_renders_in_bounded_time(app, api):
    """The issue's case: twelve notes of 3,999 line breaks took over 30 s to lay out; the
    report now bounds each text's line breaks, so it renders within the default budget (a
    regression would show as a 503 here, not as a hung test)."""
    assessment_id = old_row_with_long_notes(app, api)
    response = api.get(f"/api/v1/assessments/{assessment_id}/report.pdf")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    text = " ".join(pages(response.data))
    assert "Note on SEC-" in text


def test_past_its_time_budget_the_report_is_a_problem_not_a_busy_worker(app, api, web):
    assessment_id = old_row_with_long_notes(app, api)
    app.config["REPORT_TIME_BUDGET"] = 0.001
    response = api.get(f"/api/v1/assessments/{assessment_id}/report.pdf")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["type"].endswith("report-timeout")
    page = web.client("a@example.com").get(f"/assessments/{assessment_id}/report.pdf")
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert "did not render within" in page.get_data(as_text=True)


def test_query_arguments_of_url_for_are_not_taken_from_the_query(api):
    for _ in range(3):
        api.submitted()
    response = api.get("/api/v1/assessments?per_page=1&_method=POST")
    assert response.status_code == 200
    assert "_method" not in response.headers["Link"]
    foreign = api.get(
        "/api/v1/assessments?per_page=1&_external=1&_scheme=https&_anchor=x",
        headers={"Host": "evil.example"},
    )
    assert foreign.status_code == 200
    link = foreign.headers["Link"]
    assert "evil.example" not in link and "_external" not in link and "#" not in link
    assert "</api/v1/assessments?per_page=1&page=2>" in link
    kept = api.get("/api/v1/assessments?per_page=1&status=submitted&bogus=1").get_json()
    assert kept["links"]["next"] == "/api/v1/assessments?status=submitted&per_page=1&page=2"


def test_a_body_of_150000_unknown_keys_gets_a_small_problem(api):
    body = json.dumps({f"k{i}": 0 for i in range(150_000)}, separators=(",", ":"))
    assert len(body) < 2 * 1024 * 1024  # under the body limit: it is read and validated
    response = api.post(
        "/api/v1/assessments", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    problem = response.get_json()
    assert len(problem["errors"]) == 50 and problem["error_count"] >= 150_000
    assert len(response.data) < 20_000


@pytest.mark.parametrize("count", [1, 50, 51])
def test_a_problem_lists_at_most_50_errors_and_counts_them_all(api, count):
    body = {**sample_body(), **{f"extra{i}": 1 for i in range(count)}}
    problem = api.submit(body).get_json()
    assert problem["error_count"] == count and len(problem["errors"]) == min(count, 50)
