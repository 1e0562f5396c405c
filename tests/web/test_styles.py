"""The stylesheet's chart colours: each bar stands out from its track (WCAG 1.4.11, 3:1)."""

from __future__ import annotations

import re

import pytest

from tests.support.bodies import ROOT
from tests.support.colours import contrast

CSS = (ROOT / "service" / "static" / "app.css").read_text(encoding="utf-8")


def fill(selector: str) -> str:
    found = re.search(rf"{re.escape(selector)}\s*{{\s*fill:\s*(#[0-9a-fA-F]{{6}})", CSS)
    assert found, f"no fill for {selector}"
    return found.group(1)


@pytest.mark.parametrize("rating", ["low", "medium", "high", "critical"])
def test_each_bar_has_three_to_one_against_its_track(rating):
    assert contrast(fill(f".bar__fill--{rating}"), fill(".bar__track")) >= 3
