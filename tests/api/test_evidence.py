"""Evidence through the API: uploaded as multipart, the type read from the bytes, served as an
attachment with nosniff; cited by answers only when it exists and is the citer's own; purged
only when nobody cites it."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine

from service import times
from service.application import evidence
from service.store import audit_verify
from service.store.context import get_db
from tests.support.apps import ApiClient, add_user
from tests.support.bodies import approvable_body

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.7\n%binary\n"


def upload(api, data: bytes, name: str = "file.bin", **form):
    """POST one file as multipart with the API client's key."""
    return api.client.post(
        "/api/v1/evidence",
        data={"file": (io.BytesIO(data), name, form.pop("mimetype", "text/html")), **form},
        headers=api.headers(),
        content_type="multipart/form-data",
    )


def raw_upload(api, data: bytes):
    """POST one file as a multipart body built here (the test client spools a large body to a
    temporary file that it leaves open when the server refuses it early)."""
    boundary = "modelrisk-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = api.headers({"Content-Type": f"multipart/form-data; boundary={boundary}"})
    return api.client.post("/api/v1/evidence", data=body, headers=headers)


def uploaded(api, data: bytes = PDF, **form) -> dict:
    response = upload(api, data, **form)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.mark.parametrize(
    ("data", "name", "expected", "served"),
    [
        (PDF, "report.html", "application/pdf", "application/pdf"),
        (PNG, "page.html", "image/png", "image/png"),
        (JPEG, "photo.svg", "image/jpeg", "image/jpeg"),
        (b'{"scan": "clean"}', "scan.txt", "application/json", "application/json"),
        (b"file,sha256\nmodel.safetensors,abc\n", "hashes.json", "text/csv", "text/csv"),
        (b"<script>alert(1)</script>", "x.html", "text/plain", "text/plain"),
    ],
)
def test_the_type_comes_from_the_bytes_and_is_served_safely(api, data, name, expected, served):
    record = uploaded(api, data, name=name)
    assert record["media_type"] == expected
    assert record["filename"].endswith(evidence.TYPES[expected][1])
    response = api.get(f"/api/v1/evidence/{record['id']}")
    assert response.status_code == 200 and response.data == data
    assert response.mimetype == served
    assert response.headers.getlist("X-Content-Type-Options") == ["nosniff"]
    assert response.headers["Content-Disposition"].startswith("attachment;")
    (csp,) = response.headers.getlist("Content-Security-Policy")  # its own, not joined by ours
    assert "sandbox" in csp
    assert response.headers["ETag"].strip('"') == record["sha256"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (b"", "file", "empty"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "file", "not a PDF, PNG, JPEG"),
        (b"\x00\x01\x02text", "file", "not a PDF"),
        (b"GIF89a" + b"\x00" * 20, "file", "not a PDF"),
    ],
)
def test_other_files_are_refused_naming_the_field(api, data, field, message):
    response = upload(api, data, mimetype="application/pdf")
    assert response.status_code == 422
    (error,) = response.get_json()["errors"]
    assert error["field"] == field and message in error["message"]


def test_size_expiry_and_description_are_bounded(api):
    big = b"a" * (evidence.MAX_BYTES + 1)
    response = raw_upload(api, big)
    assert response.status_code == 422 and "10 MiB" in response.get_json()["detail"]
    way_too_big = raw_upload(api, b"a" * (evidence.MAX_BYTES + 200_000))
    assert way_too_big.status_code == 413
    assert upload(api, PDF, expires_on="31/01/2027").get_json()["errors"][0]["field"] == (
        "expires_on"
    )
    long = upload(api, PDF, description="x" * 501).get_json()
    assert long["errors"][0]["field"] == "description"
    assert uploaded(api, PDF, expires_on="2027-01-31")["expires_on"] == "2027-01-31"


def test_a_json_body_is_not_an_upload(api):
    response = api.post("/api/v1/evidence", json={"file": "x"})
    assert response.status_code == 415


def test_unknown_evidence_is_404(api):
    assert api.get(f"/api/v1/evidence/ev_{'0' * 32}").status_code == 404
    assert api.get("/api/v1/evidence/../../etc").status_code == 404


def _citing(evidence_ids, item: str = "SEC-05") -> dict:
    body = approvable_body()
    body["answers"][item] = {"value": "publisher_digests", "evidence": evidence_ids}
    return body


def test_answers_cite_evidence_that_exists_and_the_citer_uploaded(app, api, make_key):
    own = uploaded(api)
    other = ApiClient(api.client, make_key("assessments:read", "assessments:write", name="other"))
    theirs = uploaded(other)
    refused = api.submit(_citing([own["id"], theirs["id"], f"ev_{'1' * 32}"]))
    assert refused.status_code == 422
    fields = {e["field"]: e["message"] for e in refused.get_json()["errors"]}
    assert "someone else" in fields["answers.SEC-05.evidence.1"]
    assert "no evidence" in fields["answers.SEC-05.evidence.2"]
    created = api.submitted(_citing([own["id"]]))
    found = api.get(f"/api/v1/assessments/{created['id']}").get_json()
    assert [(e["id"], e["items"]) for e in found["evidence"]] == [(own["id"], ["SEC-05"])]
    assert found["input"]["answers"]["SEC-05"]["evidence"] == [own["id"]]
    bad = api.submit(_citing(["not-an-id"]))
    assert bad.get_json()["errors"][0]["field"] == "answers.SEC-05.evidence.0"
    too_many = api.submit(_citing([own["id"]] * 11))
    assert too_many.status_code == 422


def test_a_revision_may_cite_what_the_chain_cites(app, api, make_key):
    own = uploaded(api)
    first = api.submitted(_citing([own["id"]]))
    add_user(app, "admin@example.com", "admin")
    admin = ApiClient(api.client, make_key("admin", name="adm", owner="admin@example.com"))
    body = _citing([own["id"]])
    body["title"] = "Revised by an administrator"
    revised = admin.post(f"/api/v1/assessments/{first['id']}/revisions", json=body)
    assert revised.status_code == 201, revised.get_json()


def test_evidence_expiring_before_the_approval_is_a_condition_with_its_date(api, reviewer):
    soon = (times.parse(times.now()) + timedelta(days=40)).date().isoformat()
    later = (times.parse(times.now()) + timedelta(days=800)).date().isoformat()
    short, long = uploaded(api, expires_on=soon), uploaded(api, b"%PDF-2", expires_on=later)
    created = api.submitted(_citing([short["id"], long["id"]]))
    assert reviewer.review(created["id"], "approve").status_code == 200
    found = api.get(f"/api/v1/assessments/{created['id']}").get_json()
    (condition,) = found["evidence_conditions"]
    assert condition["evidence_id"] == short["id"] and condition["date"] == soon
    assert soon in condition["text"] and "SEC-05" in condition["text"]


def test_purge_deletes_only_old_uncited_uploads_and_is_audited(app, api, runner):
    cited, old, fresh = uploaded(api), uploaded(api, b"%PDF-old"), None
    api.submitted(_citing([cited["id"]]))
    with time_machine.travel(times.parse(times.now()) + timedelta(days=8), tick=False):
        fresh = uploaded(api, b"%PDF-new")
        result = runner.invoke(args=["evidence", "purge"])
    assert "deleted 1 " in result.output, result.output
    assert api.get(f"/api/v1/evidence/{old['id']}").status_code == 404
    assert api.get(f"/api/v1/evidence/{cited['id']}").status_code == 200
    assert api.get(f"/api/v1/evidence/{fresh['id']}").status_code == 200
    with app.app_context():
        db = get_db()
        assert (
            db.execute(
                "SELECT COUNT(*) FROM evidence_blobs WHERE sha256 = ?", [old["sha256"]]
            ).fetchone()[0]
            == 0
        )
        assert audit_verify.verify(db).ok
        actions = [r[0] for r in db.execute("SELECT action FROM audit_events")]
    assert "evidence.purge" in actions and actions.count("evidence.upload") == 3


def test_audit_verify_catches_evidence_bytes_swapped_in_the_database(app, api):
    record = uploaded(api)
    with app.app_context():
        db = get_db()
        db.execute(
            "UPDATE evidence_blobs SET data = ? WHERE sha256 = ?", [b"%PDF-evil", record["sha256"]]
        )
        result = audit_verify.verify(db)
    assert not result.ok
    assert any(record["sha256"] in p and "no longer hash" in p for p in result.problems)


def test_a_retry_with_its_idempotency_key_stores_the_file_once(app, api):
    headers = api.headers({"Idempotency-Key": "upload-1"})

    def send(data):
        return api.client.post(
            "/api/v1/evidence",
            data={"file": (io.BytesIO(data), "scan.pdf")},
            headers=headers,
            content_type="multipart/form-data",
        )

    first, again = send(PDF), send(PDF)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == first.get_json()["id"]
    assert send(b"%PDF-other").status_code == 422  # the same key for another file
    with app.app_context():
        assert get_db().execute("SELECT COUNT(*) FROM evidence").fetchone()[0] == 1
