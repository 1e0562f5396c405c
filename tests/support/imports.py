"""Read the imports of the service's modules (AST), and the layer each module belongs to."""

from __future__ import annotations

import ast
from pathlib import Path

from .bodies import ROOT

SERVICE = ROOT / "service"

# Longest prefix wins. Each layer may import only the layers listed for it in ALLOWED.
LAYERS = {
    "service.config": "base",
    "service.times": "base",
    "service.labels": "base",
    "service.bounds": "base",
    "service.jsontext": "base",
    "service.content": "content",
    "service.engine": "engine",
    "service.interop": "interop",
    "service.store.context": "glue",  # the store's Flask glue: the connection of a request
    "service.store": "store",
    "service.report": "report",
    "service.application": "application",
    "service.errors": "edge",
    "service.api": "edge",
    "service.web": "edge",
    "service.cli": "edge",
    "service": "wiring",
}
ALLOWED = {
    "base": {"base"},
    "content": {"base", "content"},
    "engine": {"content", "engine"},
    "interop": {"content", "engine", "interop"},  # pure exchange formats over the engine
    "store": {"base", "store"},
    "glue": {"base", "store", "glue"},
    "report": {"base", "content", "report"},
    "application": {
        "base",
        "content",
        "engine",
        "interop",
        "store",
        "glue",
        "report",
        "application",
    },
    "edge": {"base", "content", "glue", "application", "edge"},
    "wiring": set(LAYERS.values()),
}


def modules() -> dict[str, Path]:
    """Every module of the service by dotted name (a package by its own name)."""
    out = {}
    for path in sorted(SERVICE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _is_package(name: str, known: dict[str, Path]) -> bool:
    return known.get(name, Path()).name == "__init__.py"


def _names_in(path: Path) -> set[str]:
    """Names a package's __init__ defines or imports at its top level."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def imports(module: str, source: str, known: dict[str, Path]) -> list[tuple[int, str]]:
    """(line, target) for every import in the source, at any depth (functions included).

    A target inside the service is a module's dotted name; `from package import name` names
    the submodule when there is one, else the package. An import that names nothing in the
    service is returned as "?<what was written>", so that it fails every layer.
    """
    package = module if _is_package(module, known) else module.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            for alias in node.names:
                out.append((node.lineno, _target(base, alias.name, known)))
    return out


def _target(base: str, name: str, known: dict[str, Path]) -> str:
    if not base.startswith("service"):
        return base
    if f"{base}.{name}" in known:
        return f"{base}.{name}"
    if base not in known:
        return f"?{base}"
    if _is_package(base, known) and name != "*" and name not in _names_in(known[base]):
        return f"?{base}.{name}"
    return base


def layer(target: str) -> str | None:
    """The layer of a service module (None outside the service, '?' for nothing at all)."""
    if target.startswith("?"):
        return "?"
    if not (target == "service" or target.startswith("service.")):
        return None
    for prefix in sorted(LAYERS, key=len, reverse=True):
        if target == prefix or target.startswith(prefix + "."):
            return LAYERS[prefix]
    return "?"


def violations(module: str, source: str, known: dict[str, Path]) -> list[str]:
    """Every import of `module` that reaches a layer it may not import (or nothing)."""
    own = layer(module)
    out = []
    for line, target in imports(module, source, known):
        found = layer(target)
        if found is not None and found not in ALLOWED[own]:
            out.append(f"{module}:{line} ({own}) imports {target.lstrip('?')} ({found})")
    return out
