"""The report's bounds: line breaks of stored text, and a render time budget."""

from __future__ import annotations

import importlib
import itertools

import pytest

from service.report import RenderTimeout, build, render
from service.report.text import bounded_lines
from tests.support.bodies import real_content, sample_body
from tests.support.reports import stored_from

# The module, not the function the package exports under the same name.
render_module = importlib.import_module("service.report.render")


def test_text_within_the_bound_is_left_as_it_is():
    text = "first\n" * 40 + "last"
    assert bounded_lines(text) == text


def test_line_breaks_past_the_bound_are_joined_and_nothing_is_dropped():
    text = "".join(f"line {n}\n" for n in range(4000))
    bounded = bounded_lines(text)
    assert bounded.count("\n") == 40
    assert all(f"line {n}" in bounded for n in (0, 39, 40, 3999))
    assert bounded_lines("x" + "\n" * 3999) == "x" + "\n" * 39 + "\n"


def test_the_budget_is_checked_before_each_flowable(monkeypatch):
    """A clock that moves one second per reading: the render stops a few flowables after the
    budget runs out, long before the end of the report."""
    report = build(stored_from(real_content(), sample_body()))
    ticks = itertools.count()
    monkeypatch.setattr(render_module.time, "monotonic", lambda: float(next(ticks)))
    laid_out = []
    original = render_module.Document.handle_flowable

    def counting(self, flowables):
        laid_out.append(len(flowables))
        return original(self, flowables)

    monkeypatch.setattr(render_module.Document, "handle_flowable", counting)
    with pytest.raises(RenderTimeout):
        render(report, budget=5)
    assert len(laid_out) <= 6 and laid_out[-1] > 100  # most of the report was never laid out


def test_without_a_budget_the_report_renders_as_before():
    report = build(stored_from(real_content(), sample_body()))
    assert render(report) == render(report, budget=600)
