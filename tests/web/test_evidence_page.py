"""The result page lists the artefact (manifest digest, signature) and the cited evidence with
its digest and expiry, escaped like every user text."""

from __future__ import annotations

import io

from tests.support.bodies import approvable_body
from tests.support.signing import signed_model


def test_the_result_page_lists_evidence_and_the_artefact(app, api, web, tmp_path):
    model = signed_model(tmp_path)
    upload = api.client.post(
        "/api/v1/evidence",
        data={
            "file": (io.BytesIO(b"a,b\n1,2\n"), "<b>hashes</b>.csv"),
            "description": "<script>x</script> digests",
            "expires_on": "2030-01-01",
        },
        headers=api.headers(),
        content_type="multipart/form-data",
    ).get_json()
    body = approvable_body()
    body["answers"]["SEC-05"] = {"value": "publisher_digests", "evidence": [upload["id"]]}
    body["model"]["artifact"] = {
        "files": model["files"],
        "signature": {"bundle": model["bundle"], "public_key": model["public_key"]},
    }
    created = api.submitted(body)
    found = api.get(f"/api/v1/assessments/{created['id']}").get_json()
    html = web.client("ada@example.com").get(f"/assessments/{created['id']}").get_data(as_text=True)
    assert found["artifact"]["manifest_digest"] in html
    assert upload["sha256"] in html and "2030-01-01" in html
    assert "Verified: key signature" in html
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt; digests" in html
    download = web.client("ada@example.com").get(f"/evidence/{upload['id']}")
    assert download.status_code == 200 and download.data == b"a,b\n1,2\n"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert f"/evidence/{upload['id']}" in html
