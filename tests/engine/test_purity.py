"""The engine is pure: it imports only the standard library's pure modules and the content.

Every module of the service/engine package is read, not a list of files, so a new module is
held to the same rule.
"""

from __future__ import annotations

import ast

import pytest

from tests.support.imports import SERVICE, imports, modules

KNOWN = modules()
ENGINE = sorted(name for name in KNOWN if name.startswith("service.engine"))
PURE_STDLIB = {
    "__future__",
    "collections",
    "collections.abc",
    "dataclasses",
    "typing",
    "operator",
    "re",
    "math",
    "hashlib",
    "json",
    "functools",
    "itertools",
    "enum",
}
FORBIDDEN_CALLS = {"open", "eval", "exec", "compile", "__import__", "input", "breakpoint"}


def impure_imports(module: str, source: str) -> list[str]:
    """The imports of an engine module that are neither pure stdlib, the content nor itself."""
    out = []
    for line, target in imports(module, source, KNOWN):
        inside = target.startswith(("service.engine", "service.content"))
        if not inside and target not in PURE_STDLIB:
            out.append(f"{module}:{line} imports {target.lstrip('?')}")
    return out


def test_the_engine_package_is_scanned_whole():
    on_disk = {p.stem for p in (SERVICE / "engine").glob("*.py")}
    assert {"rules", "lineage", "plan", "scoring"} <= on_disk
    assert len(ENGINE) == len(on_disk)


@pytest.mark.parametrize("module", ENGINE)
def test_engine_module_imports_nothing_impure(module):
    source = KNOWN[module].read_text(encoding="utf-8")
    assert impure_imports(module, source) == []


@pytest.mark.parametrize("module", ENGINE)
def test_engine_module_calls_no_open_eval_or_exec(module):
    tree = ast.parse(KNOWN[module].read_text(encoding="utf-8"))
    calls = {
        n.func.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }
    assert not calls & FORBIDDEN_CALLS


@pytest.mark.parametrize(
    "injected",
    [
        "from ..store import assessments",
        "from . import store",
        "from .. import store",
        "import sqlite3",
        "from datetime import datetime",
        "import flask",
        "def later():\n    import os\n",
        "from ..application import reviews",
    ],
)
def test_an_injected_impure_import_fails(injected):
    source = KNOWN["service.engine.scoring"].read_text(encoding="utf-8") + "\n" + injected
    assert impure_imports("service.engine.scoring", source)
