"""The interop package is pure: no Flask, no store, no network, no files; imports work offline."""

from __future__ import annotations

import ast
import socket

import pytest

from service.interop import prefill
from tests.support.bodies import DATA, ROOT, real_content

INTEROP = ROOT / "service" / "interop"
MODULES = sorted(p.name for p in INTEROP.glob("*.py"))
FORBIDDEN = {
    "flask",
    "sqlite3",
    "sqlite_utils",
    "requests",
    "httpx",
    "urllib",
    "socket",
    "os",
    "subprocess",
    "time",
    "random",
    "pathlib",
    "io",
}


def _imports(tree) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
    return names


@pytest.mark.parametrize("name", MODULES)
def test_interop_module_imports_nothing_impure(name):
    imported = _imports(ast.parse((INTEROP / name).read_text(encoding="utf-8")))
    pure = {"urllib.parse"}  # string parsing only
    roots = {i.split(".")[0] for i in imported if not i.startswith(".") and i not in pure}
    assert not roots & FORBIDDEN
    # Inside the service it reads only the content model and the pure rule evaluator.
    assert {i for i in imported if i.startswith("..")} <= {"..content.model", "..engine"}


@pytest.mark.parametrize("name", MODULES)
def test_interop_module_calls_no_open_eval_or_exec(name):
    tree = ast.parse((INTEROP / name).read_text(encoding="utf-8"))
    calls = {
        n.func.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }
    assert not calls & {"open", "eval", "exec", "compile", "__import__", "input"}


def test_imports_run_with_the_network_cut(monkeypatch):
    """Reading a card, a listing and a BOM opens no socket (huggingface_hub stays offline)."""

    def refuse(*args, **kwargs):
        raise AssertionError("an import tried to open a socket")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    samples = DATA / "import"
    card = (samples / "gemma-2-9b-it.README.md").read_text(encoding="utf-8")
    info = (samples / "gemma-2-9b-it.model-info.json").read_text(encoding="utf-8")
    assert prefill(real_content(), card, info)["body"]["model"]["id"] == "google/gemma-2-9b-it"
    bom = (samples / "granite-3.1-8b-instruct.cdx.json").read_bytes()
    assert prefill(real_content(), bom)["format"] == "cyclonedx"
