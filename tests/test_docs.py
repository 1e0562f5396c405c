"""docs/architecture.md names every module of the service, so the map cannot fall behind."""

from __future__ import annotations

from tests.support.bodies import ROOT
from tests.support.imports import SERVICE


def test_architecture_names_every_module():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    paths = sorted(str(p.relative_to(ROOT)) for p in SERVICE.rglob("*.py"))
    assert [p for p in paths if p not in text] == []


def test_architecture_names_no_module_that_is_gone():
    import re

    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"service/[\w/]+\.py", text))
    assert {p for p in named if not (ROOT / p).exists()} == set()
