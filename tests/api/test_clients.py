"""Clients generated from the committed document as integrators make them: openapi-python-client
(then a round trip against a live server) and openapi-generator's python client."""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests

from tests.support.bodies import ROOT, approvable_body
from tests.support.live import LiveServer, store_key, store_user

COMMITTED = ROOT / "docs" / "openapi.json"
PACKAGE = "modelrisk_client"
# Printed by openapi-generator 7.x for any document, even one with a single schema and path.
GENERATOR_NOISE = ("Failed to get the schema name: null",)


def _run(args: list[str], cwd) -> str:
    """Run a generator from this environment (its ruff on PATH); its whole output."""
    path = os.pathsep.join((os.path.dirname(sys.executable), os.environ.get("PATH", "")))
    done = subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env={**os.environ, "PATH": path},
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    return output


@pytest.fixture(scope="session")
def python_client(tmp_path_factory):
    """openapi-python-client's client of the committed document, generated once into a temporary
    folder and importable from there; yields (generator output, import function)."""
    folder = tmp_path_factory.mktemp("python-client")
    output = _run(
        [
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(COMMITTED),
            "--output-path",
            str(folder / PACKAGE),
            "--meta",
            "none",
            "--fail-on-warning",
        ],
        folder,
    )
    sys.path.insert(0, str(folder))
    try:
        yield output, lambda name="": importlib.import_module(f"{PACKAGE}{name}")
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def test_openapi_python_client_generates_without_warnings(python_client):
    output, module = python_client
    assert "warning" not in output.lower(), output
    generated = Path(module().__file__)
    assert not generated.is_relative_to(ROOT)  # nothing is written into the checkout


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One gunicorn worker over a temporary database; yields (base URL, keys)."""
    folder = tmp_path_factory.mktemp("client-live")
    path = folder / "live.db"
    store_user(path, "sam@example.com", "reviewer")
    store_user(path, "rita@example.com", "reviewer")
    keys = {
        # The submitter may review too, so that only four eyes stop it reviewing its own.
        "writer": store_key(
            path, "assessments:read", "assessments:write", "reviews:write", owner="sam@example.com"
        ),
        "reviewer": store_key(
            path, "assessments:read", "reviews:write", name="reviewer", owner="rita@example.com"
        ),
    }
    live = LiveServer(path, folder / "gunicorn.log", workers=1)
    live.start()
    try:
        yield live.base, keys
    finally:
        live.stop()


@pytest.mark.live
def test_a_generated_client_round_trip(python_client, server):
    _, module = python_client
    base, keys = server
    client = module().AuthenticatedClient
    # The server keeps connections alive (threaded workers): close the clients' pools at the end.
    writer = client(base, token=keys["writer"], raise_on_unexpected_status=True)
    reviewer = client(base, token=keys["reviewer"], raise_on_unexpected_status=True)
    with writer, reviewer:
        _round_trip(module, base, keys, writer, reviewer)


def _round_trip(module, base: str, keys: dict, writer, reviewer) -> None:
    """Submit, read, list, download, review (refused for the submitter), a typed problem."""
    models = module(".models")
    approve = models.ReviewInput(decision=models.ReviewInputDecision.APPROVE)
    api = {
        name: module(f".api.{tag}.{name}")
        for tag, name in [
            ("assessments", "create_assessment"),
            ("assessments", "get_assessment"),
            ("assessments", "list_assessments"),
            ("assessments", "download_report"),
            ("reviews", "create_review"),
            ("reviews", "list_reviews"),
        ]
    }

    sent = approvable_body(title="Generated client")
    created = api["create_assessment"].sync_detailed(
        client=writer,
        body=models.AssessmentInput.from_dict(sent),
        idempotency_key=str(uuid.uuid4()),
    )
    assert created.status_code == 201
    assessment = created.parsed
    assert isinstance(assessment, models.AssessmentCreated)
    assert created.headers["Location"] == assessment.links.self_
    assert assessment.status == models.AssessmentCreatedStatus.SUBMITTED
    assert assessment.verdict.decision.value in ("approve", "approve_with_conditions", "reject")

    read = api["get_assessment"].sync(assessment.id, client=writer)
    assert isinstance(read.input_, models.AssessmentInput)
    assert read.input_.title == "Generated client"
    assert read.input_.answers["SEC-01"].value == "official"
    assert isinstance(read.result, models.Result) and read.result.findings
    # The typed model holds every field the service sent: nothing undocumented is dropped.
    raw = requests.get(
        f"{base}/api/v1/assessments/{assessment.id}", headers=_bearer(keys["writer"])
    )
    assert read.to_dict() == raw.json()

    page = api["list_assessments"].sync(client=writer, per_page=100)
    assert isinstance(page, models.AssessmentPage)
    assert assessment.id in [item.id for item in page.items]

    report = api["download_report"].sync_detailed(assessment.id, client=writer)
    assert report.status_code == 200 and report.content.startswith(b"%PDF-")

    own = api["create_review"].sync_detailed(assessment.id, client=writer, body=approve)
    assert own.status_code == 403 and isinstance(own.parsed, models.Problem)
    assert own.parsed.type_.endswith(":four-eyes")

    reviewed = api["create_review"].sync(assessment.id, client=reviewer, body=approve)
    assert reviewed.status == models.AssessmentStatus.APPROVED
    [review] = api["list_reviews"].sync(assessment.id, client=reviewer)
    assert isinstance(review, models.Review) and review.reviewer.name == "reviewer"

    wrong = api["create_assessment"].sync_detailed(
        client=writer,
        body=models.AssessmentInput.from_dict({**sent, "answers": {"NOPE-99": "yes"}}),
    )
    assert wrong.status_code == 422 and isinstance(wrong.parsed, models.Problem)
    [error] = wrong.parsed.errors
    assert (error.field, error.in_) == ("answers.NOPE-99", "json")


@pytest.mark.live
def test_the_documented_client_snippet_runs(python_client, server, monkeypatch):
    """docs/api.md's generated-client example, run as written against the live server."""
    base, keys = server
    guide = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    section = guide.split("## The same with a generated client", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    code = (
        code.replace('"http://localhost:8000"', repr(base))
        .replace('"mr_live_...(another key)"', repr(keys["reviewer"]))
        .replace('"mr_live_..."', repr(keys["writer"]))
    )
    monkeypatch.chdir(ROOT)  # the example reads tests/data/inputs/ as a path from the checkout
    scope: dict = {}
    try:
        exec(compile(code, "docs/api.md", "exec"), scope)
    finally:
        for name in ("client", "reviewer"):  # their kept-alive connections
            if name in scope:
                scope[name].get_httpx_client().close()
    assert scope["pdf"].startswith(b"%PDF-")
    assert scope["reviewed"].status.value == "approved"


def _bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="session")
def java_client(tmp_path_factory):
    """openapi-generator's python client of the committed document; yields (output, folder)."""
    if shutil.which("java") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run openapi-generator: install a Java runtime in .ci/run")
        pytest.skip("openapi-generator needs a Java runtime (apt install default-jre-headless)")
    folder = tmp_path_factory.mktemp("openapi-generator")
    args = ["generate", "-g", "python", "-i", str(COMMITTED), "-o", str(folder)]
    code = "import sys; from openapi_generator_cli import cli; cli(sys.argv)"
    output = _run(["-c", code, *args, "--package-name", PACKAGE], folder)
    return output, folder / PACKAGE


def test_openapi_generator_names_every_operation_and_model(java_client):
    output, package = java_client
    complaints = [
        line
        for line in output.splitlines()
        if re.search(r"\b(WARN|ERROR)\b|Inline schema created", line)
        and not any(noise in line for noise in GENERATOR_NOISE)
    ]
    assert complaints == []
    spec = json.loads(COMMITTED.read_text(encoding="utf-8"))
    methods = "".join(p.read_text() for p in (package / "api").glob("*_api.py"))
    for path_item in spec["paths"].values():
        for operation in (o for o in path_item.values() if isinstance(o, dict)):
            snake = re.sub(r"(?<!^)([A-Z])", r"_\1", operation["operationId"]).lower()
            assert f"def {snake}(" in methods, operation["operationId"]
    for name in spec["components"]["schemas"]:
        snake = re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()
        assert (package / "models" / f"{snake}.py").exists(), name
