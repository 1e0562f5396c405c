"""The scoring core imports neither Flask nor the store and does no I/O."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVICE = Path(__file__).resolve().parent.parent / "service"
PURE = ["scoring.py", "plan.py", "lineage.py", "rules.py", "content/model.py"]
FORBIDDEN = {
    "flask",
    "sqlite3",
    "sqlite_utils",
    "requests",
    "urllib",
    "socket",
    "os",
    "subprocess",
    "time",
    "datetime",
    "random",
    "pathlib",
    "io",
    "open",
}


@pytest.mark.parametrize("name", PURE)
def test_pure_module_imports_nothing_impure(name):
    tree = ast.parse((SERVICE / name).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(
                (node.module or "").split(".")[0]
                if node.level == 0
                else (node.module or "").split(".")[0]
            )
    assert not imported & FORBIDDEN, imported & FORBIDDEN
    assert "store" not in imported and "db" not in imported


@pytest.mark.parametrize("name", PURE)
def test_pure_module_calls_no_open_eval_or_exec(name):
    tree = ast.parse((SERVICE / name).read_text())
    calls = {
        n.func.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }
    assert not calls & {"open", "eval", "exec", "compile", "__import__", "input"}
