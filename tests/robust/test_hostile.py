"""Hostile input in every text field of the API body and of the web form.

HTML, reportlab paragraph markup, SQL, control characters, right-to-left marks, unpaired
surrogates and 1 MB values. Each is either stored and shown literally (the JSON round trip is
exact, pages escape it, the PDF's extracted text holds it) or refused with a 4xx that names the
field; never a 500. Bodies over the limit get 413 (problem+json under /api).

The fields come from the shared input schema and from the form's own list of fields, so a new
text field is covered without touching this file.
"""

from __future__ import annotations

import copy
import io
import json
import re

import pytest
from markupsafe import escape
from marshmallow import fields
from pypdf import PdfReader

from service.application import inputs as schemas
from service.report.text import CONTROL
from service.store.context import get_db
from service.web import formview
from service.web.forms import field_id
from tests.support.apps import PASSWORD, Web, add_user, build_app, create_key, form_data, token
from tests.support.bodies import real_content, sample_body
from tests.support.signing import KEYLESS_FILES, KEYLESS_IDENTITY, KEYLESS_ISSUER, keyless_bundle

ANSWERED = "SEC-02"  # a plain item: note, evidence and justification are the assessor's text
OVERRIDDEN = "LIC-01"  # derived from the licence facts; a justification overrides it
OVERRIDE = "identified_unverified"  # not what the facts say, so an override
MEGABYTE = 1_000_000


def _html(tag: str, kind: str) -> str:
    if kind == "url":
        return f"https://example.com/{tag}?q=<script>alert(1)</script>"
    if kind == "email":
        return f'"{tag}<script>alert(1)</script>"@example.com'
    return f"{tag} <script>alert(1)</script>"


def _markup(tag: str, kind: str) -> str:
    if kind == "url":
        return f'https://example.com/{tag}#"><img/src="file:/etc/passwd"><para>'
    return (
        f'{tag} <img src="file:/etc/passwd"/> <para>p</para> <font name="Courier">f</font>'
        " &amp; &bogus; a < b"
    )


HOSTILE = {
    "html": _html,
    "markup": _markup,
    "sql": lambda tag, kind: f"{tag}'; DROP TABLE assessments; --",
    "control": lambda tag, kind: f"{tag} nul\x00 bel\x07 esc\x1b[31m del\x7f vt\x0b end",
    "rtl": lambda tag, kind: f"{tag} \u202egnp.exe\u202c \u200fmarks\u200e",
    "surrogate": lambda tag, kind: f"{tag} \ud800 lone",
}
# What must never reach a page unescaped.
RAW = ("<script>alert(1)</script>", '<img src="file:', '<img/src="file:', "<para>", "<font ")
NOT_ACCEPTED = {"surrogate"}  # not Unicode: refused wherever it is sent


def _kind(field) -> str:
    if isinstance(field, fields.Email):
        return "email"
    if isinstance(field, fields.URL):
        return "url"
    return "text"


def _text_fields(schema, prefix=()) -> list[tuple[tuple, str]]:
    """(path, kind) of every string in the input schema; list items as index 0, answers under
    one plain and one derived item."""
    out = []
    for name, field in schema.fields.items():
        path = (*prefix, name)
        if isinstance(field, fields.Nested):
            out += _text_fields(field.schema, path)
        elif isinstance(field, fields.List) and isinstance(field.inner, fields.String):
            out.append(((*path, 0), _kind(field.inner)))
        elif isinstance(field, schemas.AnswersField):
            for part, inner in schemas.AnswerObjectSchema().fields.items():
                out.append(((*path, ANSWERED, part), _kind(inner)))
            out.append(((*path, OVERRIDDEN, "justification"), "text"))
        elif isinstance(field, fields.String):
            out.append((path, _kind(field)))
    return out


API_FIELDS = _text_fields(schemas.assessment_schema(real_content())())


def _name(path: tuple) -> str:
    return ".".join(str(p) for p in path)


def _pointer(path: tuple) -> str:
    return "".join(f"/{p}" for p in path)


def _base_body() -> dict:
    body = copy.deepcopy(
        sample_body(
            answers={
                "SEC-01": "official",
                ANSWERED: {"value": "unknown"},
                OVERRIDDEN: {"value": OVERRIDE, "justification": "Legal read the licence."},
            }
        )
    )
    # A keyless signature, stored unverified here (this app has no Sigstore trust
    # configuration): its identity and issuer are text the pages and the report show.
    signature = {"bundle": keyless_bundle(), "identity": KEYLESS_IDENTITY, "issuer": KEYLESS_ISSUER}
    body["model"]["artifact"] = {"files": KEYLESS_FILES, "signature": signature}
    return body


def _put(body: dict, path: tuple, value) -> dict:
    target = body
    for part in path[:-1]:
        target = target.setdefault(part, {})
    if isinstance(path[-1], int):  # a list field: the value as its only item
        target.clear()
        target.append(value)
    else:
        target[path[-1]] = value
    return body


def _get(data, path: tuple):
    for part in path:
        data = data[part]
    return data


def _parent(body: dict, path: tuple) -> dict:
    """Make sure the containers on the path exist (base_models is absent from the sample)."""
    target = body
    for part, nxt in zip(path, path[1:], strict=False):
        if part not in target:
            target[part] = [] if isinstance(nxt, int) else {}
        target = target[part]
    return body


def _post(client, key: str, body: dict):
    raw = json.dumps(body, ensure_ascii=True)  # \ud800 travels as an escape, as JSON allows
    return client.post(
        "/api/v1/assessments",
        data=raw,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )


def _assert_refused_naming(response, pointer: str) -> None:
    assert response.status_code == 422, (pointer, response.status_code, response.text[:300])
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert pointer in [e["pointer"] for e in problem["errors"]], (pointer, problem["errors"])
    assert len(response.data) < 20_000  # the refusal does not echo a megabyte back


def _pdf_text(data: bytes) -> str:
    """The PDF's text without any whitespace (wrapping moves and adds line breaks)."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", "", text)


def _as_in_pdf(value: str) -> str:
    """How the report shows a value: control characters as U+FFFD (documented), no spaces."""
    return re.sub(r"\s+", "", CONTROL.sub("\ufffd", value))


def _page_shows(html: str, value: str) -> bool:
    return str(escape(value)) in html


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    return Web(build_app(tmp_path_factory.mktemp("hostile")))


@pytest.fixture(scope="module")
def key(web):
    return create_key(web.app, "assessments:read", "assessments:write", name="hostile")


@pytest.fixture(scope="module")
def api_outcomes(web, key):
    """POST every hostile value in every API text field, one at a time; what happened to each:
    {(kind, path): stored assessment id, or None if refused}."""
    client, out = web.app.test_client(), {}
    for kind, make in HOSTILE.items():
        for path, shape in API_FIELDS:
            value = make(_name(path), shape)
            response = _post(client, key, _put(_parent(_base_body(), path), path, value))
            assert response.status_code < 500, (kind, path, response.text[:500])
            if response.status_code == 201:  # what was stored is read back below
                out[kind, path] = response.get_json()["id"]
            else:
                _assert_refused_naming(response, _pointer(path))
                out[kind, path] = None
    return out


def test_every_api_text_field_is_stored_literally_or_refused_naming_it(web, key, api_outcomes):
    client = web.app.test_client()
    for (kind, path), assessment_id in api_outcomes.items():
        if assessment_id is None:
            continue
        assert kind not in NOT_ACCEPTED, (kind, path)
        got = client.get(
            f"/api/v1/assessments/{assessment_id}", headers={"Authorization": f"Bearer {key}"}
        ).get_json()
        value = HOSTILE[kind](_name(path), dict(API_FIELDS)[path])
        assert _get(got["input"], path) == value, (kind, path)
    accepted = {path for (kind, path), aid in api_outcomes.items() if aid}
    # Free text is accepted, not refused for what it says.
    for path in (
        ("title",),
        ("requester", "name"),
        ("requester", "organisation"),
        ("model", "version"),
        ("deployment", "use_case"),
        ("answers", ANSWERED, "note"),
        ("answers", OVERRIDDEN, "justification"),
    ):
        assert path in accepted, path
    # Codes, enums, ids and links are refused unless they are what they say.
    assert ("policy",) not in accepted and ("model", "weights_format") not in accepted
    assert ("html", ("answers", ANSWERED, "evidence_url")) in {
        k for k, aid in api_outcomes.items() if aid
    }  # an https URL with markup in its query


@pytest.mark.parametrize("kind", sorted(set(HOSTILE) - NOT_ACCEPTED))
def test_the_page_escapes_and_the_pdf_shows_every_accepted_field(web, key, api_outcomes, kind):
    """One assessment with the hostile value in every field that took it on its own."""
    paths = [p for (k, p), aid in api_outcomes.items() if k == kind and aid]
    shapes = dict(API_FIELDS)
    body = _base_body()
    for path in paths:
        _put(_parent(body, path), path, HOSTILE[kind](_name(path), shapes[path]))
    response = _post(web.app.test_client(), key, body)
    assert response.status_code == 201, response.text[:500]
    created = response.get_json()
    values = {path: HOSTILE[kind](_name(path), shapes[path]) for path in paths}

    reader = web.client("reader@example.com", "reviewer")
    admin = web.client("admin@example.com", "admin")  # may revise what a key submitted
    for page in (
        f"/assessments/{created['id']}",
        f"/assessments/{created['id']}/revise",
        "/dashboard",
    ):
        html = (admin if page.endswith("/revise") else reader).get(page).get_data(as_text=True)
        for raw in RAW:
            assert raw not in html, (page, raw)
        if page.endswith("/revise"):  # the form shows every field, escaped
            hidden = {p for p, v in values.items() if not _page_shows(html, v)}
            assert hidden <= NOT_IN_FORM, (page, sorted(hidden))
    result = reader.get(f"/assessments/{created['id']}").get_data(as_text=True)
    for path in (
        ("title",),
        ("answers", ANSWERED, "note"),
        ("answers", OVERRIDDEN, "justification"),
    ):
        assert _page_shows(result, values[path]), path

    pdf = reader.get(f"/assessments/{created['id']}/report.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = _pdf_text(pdf.data)
    shown = {path for path, value in values.items() if _as_in_pdf(value) in text}
    missing = set(values) - shown - NOT_IN_REPORT
    assert not missing, sorted(missing)


# The form asks for a justification only where there is a derived answer to override.
NOT_IN_FORM = {
    ("answers", ANSWERED, "justification"),
    # The artefact comes through the API (the form has no fields for it).
    ("model", "artifact", "signature", "identity"),
    ("model", "artifact", "signature", "issuer"),
}
# Input the report does not print: the catalogue's facts stand for a catalogue model (its name,
# publisher and lineage), where the weights come from, and a justification that overrides
# nothing or departs from nothing.
NOT_IN_REPORT = {
    ("model", "justification"),
    ("model", "name"),
    ("model", "publisher"),
    ("model", "base_models", 0),
    ("model", "source_url"),
    ("answers", ANSWERED, "justification"),
}


def test_a_megabyte_in_any_api_text_field_is_refused_naming_it(web, key):
    client = web.app.test_client()
    for path, _ in API_FIELDS:
        body = _put(_parent(_base_body(), path), path, "x" * MEGABYTE)
        _assert_refused_naming(_post(client, key, body), _pointer(path))


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/assessments",
        "/api/v1/score",
        "/api/v1/assessments/x/revisions",
        "/api/v1/assessments/x/reviews",
    ],
)
def test_a_body_over_the_limit_is_413_problem_json(web, path):
    key = create_key(web.app)
    response = web.app.test_client().post(
        path,
        json=_put(_base_body(), ("title",), "x" * 3 * MEGABYTE),
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["type"].endswith("body-too-large")


def test_surrogates_paired_are_text_and_unpaired_are_refused_anywhere(web, key):
    client = web.app.test_client()
    emoji = _post(client, key, _put(_base_body(), ("title",), "Face \U0001f600 \U0001d518"))
    assert emoji.status_code == 201 and emoji.get_json()["title"] == "Face \U0001f600 \U0001d518"
    body = _base_body()
    body["answers"]["\udfff"] = "unknown"  # in a key, too
    _assert_refused_naming(_post(client, key, body), "/answers/\ufffd")
    score = client.post(
        "/api/v1/score",
        data=json.dumps(_put(_base_body(), ("title",), "\ud800")),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    _assert_refused_naming(score, "/title")


# --- The web form -------------------------------------------------------------------------------

FORM_ANSWER_FIELDS = {f"answers.{ANSWERED}.{part}" for part in formview.PARTS} | {
    f"answers.{OVERRIDDEN}.justification"
}


def _form_fields() -> list[str]:
    """Every field the form renders, with the answers of two items standing for all 80."""
    names = formview.field_labels(real_content())
    return [n for n in names if not n.startswith("answers.")] + sorted(FORM_ANSWER_FIELDS)


FORM_FIELDS = _form_fields()
LISTS = {"model.base_models", "deployment.user_regions"}
FORM_BASE = {
    f"answers.{ANSWERED}.value": "unknown",
    f"answers.{OVERRIDDEN}.value": OVERRIDE,
    f"answers.{OVERRIDDEN}.justification": "Legal read the licence.",
}


def _form_value(kind: str, name: str) -> str:
    shape = "email" if name.endswith("email") else "url" if name.endswith("url") else "text"
    return HOSTILE[kind](name, shape)


def _submit_form(client, values: dict):
    data = form_data(**{**FORM_BASE, **values})
    if not hasattr(client, "csrf"):  # the session's token stays the same: read it once
        client.csrf = token(client, "/dashboard")
    data["csrf_token"] = client.csrf
    return client.post("/assessments/new", data=data)


def test_every_form_field_takes_hostile_text_literally_or_names_it(web, key):
    client = web.client("submitter@example.com")
    reader = web.app.test_client()
    stored = {}
    for kind in sorted(set(HOSTILE) - NOT_ACCEPTED):  # a browser cannot send a lone surrogate
        for name in FORM_FIELDS:
            value = _form_value(kind, name)
            response = _submit_form(client, {name: value})
            page = response.get_data(as_text=True)
            assert response.status_code in (302, 422), (kind, name, response.status_code)
            for raw in RAW:
                assert raw not in page, (kind, name, raw)
            if response.status_code == 422:
                assert f'href="#{field_id(name)}"' in page, (kind, name)  # the summary names it
                continue
            assessment_id = response.headers["Location"].rsplit("/", 1)[-1]
            stored[kind, name] = assessment_id
            got = reader.get(
                f"/api/v1/assessments/{assessment_id}", headers={"Authorization": f"Bearer {key}"}
            ).get_json()
            sent = json.dumps(got["input"], ensure_ascii=False)
            # Lists are typed separated by commas or spaces: each part is stored as typed.
            parts = re.split(r"[,\s]+", value) if name in LISTS else [value.strip()]
            for part in parts:
                assert json.dumps(part, ensure_ascii=False)[1:-1] in sent, (kind, name, part)
            html = client.get(f"/assessments/{assessment_id}").get_data(as_text=True)
            assert not any(raw in html for raw in RAW), (kind, name)
    accepted = {name for _, name in stored}
    for name in (
        "title",
        "requester.name",
        "requester.organisation",
        "deployment.use_case",
        f"answers.{ANSWERED}.note",
        f"answers.{OVERRIDDEN}.justification",
    ):
        assert name in accepted, name


def test_a_megabyte_in_any_form_field_is_refused_naming_it(web):
    client = web.client("submitter@example.com")
    unnamed = []
    for name in FORM_FIELDS:
        response = _submit_form(client, {name: "x" * MEGABYTE})
        assert response.status_code == 422, (name, response.status_code)
        if f'href="#{field_id(name)}"' not in response.get_data(as_text=True):
            unnamed.append(name)
    assert unnamed == []


def test_a_form_over_the_limit_is_413_page(web):
    client = web.client("submitter@example.com")
    response = _submit_form(client, {"title": "x" * 3 * MEGABYTE})
    assert response.status_code == 413 and response.mimetype == "text/html"


# --- Reviews, accounts, sign-in and search: the other text a person types -------------------------


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_review_comments_are_literal_in_the_api_the_page_and_the_pdf(web, key, kind):
    client = web.app.test_client()
    reader = web.client("reader@example.com", "reviewer")
    reviewer = create_key(
        web.app,
        "assessments:read",
        "reviews:write",
        name=f"reviewer {kind}",
        owner="reader@example.com",
    )
    comment = HOSTILE[kind]("comment", "text")
    assessment_id = _post(client, key, _base_body()).get_json()["id"]
    before = reader.get(f"/assessments/{assessment_id}/report.pdf").data  # a report before
    raw = json.dumps({"decision": "request_changes", "comment": comment})
    response = client.post(
        f"/api/v1/assessments/{assessment_id}/reviews",
        data=raw,
        headers={"Authorization": f"Bearer {reviewer}", "Content-Type": "application/json"},
    )
    if kind in NOT_ACCEPTED:
        _assert_refused_naming(response, "/comment")
        return
    assert response.status_code == 200, response.text[:300]
    assert response.get_json()["reviews"][0]["comment"] == comment
    html = reader.get(f"/assessments/{assessment_id}").get_data(as_text=True)
    assert _page_shows(html, comment) and not any(raw in html for raw in RAW)
    for pdf in (
        reader.get(f"/assessments/{assessment_id}/report.pdf").data,
        client.get(
            f"/api/v1/assessments/{assessment_id}/report.pdf",
            headers={"Authorization": f"Bearer {key}"},
        ).data,
    ):
        assert pdf != before  # the review is in the report, not the report from before it
        assert _as_in_pdf(comment) in _pdf_text(pdf)


def test_a_megabyte_review_comment_is_refused_naming_it(web, key):
    client = web.app.test_client()
    reviewer = create_key(web.app, "reviews:write", name="reviewer mb")
    assessment_id = _post(client, key, _base_body()).get_json()["id"]
    response = client.post(
        f"/api/v1/assessments/{assessment_id}/reviews",
        json={"decision": "reject", "comment": "x" * MEGABYTE},
        headers={"Authorization": f"Bearer {reviewer}"},
    )
    _assert_refused_naming(response, "/comment")
    page = web.client("reviewer@example.com", "reviewer")
    response = page.post(
        f"/assessments/{assessment_id}/review",
        data={
            "decision": "reject",
            "comment": "x" * MEGABYTE,
            "csrf_token": token(page, f"/assessments/{assessment_id}"),
        },
    )
    assert response.status_code == 422
    assert 'id="review-comment-error"' in response.get_data(as_text=True)


@pytest.mark.parametrize("kind", sorted(set(HOSTILE) - NOT_ACCEPTED))
def test_the_review_form_stores_comments_literally_and_escapes_them(web, key, kind):
    client = web.app.test_client()
    assessment_id = _post(client, key, _base_body()).get_json()["id"]
    page = web.client("reviewer@example.com", "reviewer")
    comment = HOSTILE[kind]("comment", "text")
    response = page.post(
        f"/assessments/{assessment_id}/review",
        data={
            "decision": "request_changes",
            "comment": comment,
            "csrf_token": token(page, f"/assessments/{assessment_id}"),
        },
    )
    assert response.status_code == 302
    html = page.get(f"/assessments/{assessment_id}").get_data(as_text=True)
    assert _page_shows(html, comment) and not any(raw in html for raw in RAW)


@pytest.mark.parametrize("kind", sorted(set(HOSTILE) - NOT_ACCEPTED))
def test_account_names_sign_in_and_search_escape_hostile_text(web, kind):
    admin = web.client("admin@example.com", "admin")
    name, email = HOSTILE[kind]("name", "text"), HOSTILE[kind](f"u{kind}", "email")
    response = admin.post(
        "/admin/users",
        data={
            "email": email,
            "name": name,
            "role": "submitter",
            "csrf_token": token(admin, "/admin/users"),
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code in (201, 422) and not any(raw in page for raw in RAW)
    if response.status_code == 201:
        assert _page_shows(page, name)
    else:
        assert 'id="email-error"' in page

    visitor = web.app.test_client()
    response = visitor.post(
        "/login", data={"email": email, "password": "wrong password", "csrf_token": token(visitor)}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 401 and not any(raw in page for raw in RAW)

    search = admin.get("/dashboard", query_string={"q": name}).get_data(as_text=True)
    assert not any(raw in search for raw in RAW)


def test_a_megabyte_account_name_or_sign_in_address_is_refused(web):
    admin = web.client("admin@example.com", "admin")
    response = admin.post(
        "/admin/users",
        data={
            "email": "long@example.com",
            "name": "x" * MEGABYTE,
            "role": "submitter",
            "csrf_token": token(admin, "/admin/users"),
        },
    )
    assert response.status_code == 422 and 'id="name-error"' in response.get_data(as_text=True)
    visitor, address = web.app.test_client(), "x" * MEGABYTE + "@example.com"
    for _ in range(6):  # the sixth waits: attempts count against the long address too
        response = visitor.post(
            "/login",
            data={"email": address, "password": "wrong password", "csrf_token": token(visitor)},
        )
    assert response.status_code == 429
    with web.app.app_context():
        longest = get_db().execute("SELECT MAX(LENGTH(subject)) FROM login_throttle").fetchone()
    assert longest[0] <= 320  # not a megabyte per attempt


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/\\/evil.example",
        "\\\\evil.example",
        " //evil.example",
        "//evil.example",
        "https:evil.example",
        "https://evil.example/",
        "/dashboard\r\nSet-Cookie: session=x",
        "/\x00/evil",
    ],
)
def test_the_sign_in_redirect_never_leaves_the_site(web, target):
    add = f"next{abs(hash(target))}@example.com"
    add_user(web.app, add, "submitter")
    visitor = web.app.test_client()
    response = visitor.post(
        "/login",
        query_string={"next": target},
        data={"email": add, "password": PASSWORD, "csrf_token": token(visitor)},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    assert "Set-Cookie: session=x" not in str(response.headers)
