"""Imports run one way: edges -> application -> report -> engine / store -> content.

Every module of service/ is read (its AST, relative imports and imports inside functions
included) and each import is checked against the layer table in tests/support/imports.py.
"""

from __future__ import annotations

import pytest

from tests.support.imports import ALLOWED, LAYERS, layer, modules, violations

KNOWN = modules()


def test_every_module_is_in_a_layer():
    assert {name: layer(name) for name in KNOWN if layer(name) in (None, "?")} == {}


@pytest.mark.parametrize("module", sorted(KNOWN))
def test_module_imports_only_the_layers_below_it(module):
    source = KNOWN[module].read_text(encoding="utf-8")
    assert violations(module, source, KNOWN) == []


def test_edges_reach_the_store_only_through_the_request_glue():
    assert "store" not in ALLOWED["edge"] and "engine" not in ALLOWED["edge"]
    assert "glue" in ALLOWED["edge"] and LAYERS["service.store.context"] == "glue"


# Each of these, written into the module named, is an import the layers forbid.
INJECTED = [
    ("service.engine.scoring", "from ..store import assessments"),
    ("service.engine.scoring", "from . import store"),
    ("service.engine.lineage", "def f():\n    from service import store\n"),
    ("service.engine.rules", "import flask"),  # not a layer: the engine's purity test has it
    ("service.store.assessments", "from ..application import reviews"),
    ("service.store.audit", "from ..engine import scoring"),
    ("service.report.model", "from ..application.reviews import STATUSES"),
    ("service.content.model", "from ..engine import rules"),
    ("service.application.assessments", "from ..web import forms"),
    ("service.web.results", "from ..store import assessments"),
    ("service.api.assessments", "from ..engine import scoring"),
    ("service.cli.admin", "from ..store.audit_verify import verify"),
    ("service.labels", "from .application import reviews"),
]


@pytest.mark.parametrize(("module", "source"), INJECTED, ids=[f"{m}: {s}" for m, s in INJECTED])
def test_an_injected_upward_or_sideways_import_is_caught(module, source):
    found = violations(module, source, KNOWN)
    if source == "import flask":
        assert found == []  # third-party imports are the purity test's business
        return
    assert found, f"{source!r} in {module} was not caught"


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("service.engine.scoring", "from . import rules\nfrom ..content.model import RATINGS"),
        ("service.web.results", "from ..application import reviews\nfrom .. import labels"),
        ("service.application.assessments", "from .. import report, store"),
    ],
)
def test_imports_down_the_layers_pass(module, source):
    assert violations(module, source, KNOWN) == []
