"""The offline assess command writes the PDF report of a single input."""

from __future__ import annotations

from tests.support.reports import REPORT_DATA as DATA
from tests.support.reports import flat


def test_assess_writes_the_pdf_of_a_single_input(tmp_path, make_app):
    runner = make_app().test_cli_runner()
    out = tmp_path / "report.pdf"
    done = runner.invoke(args=["assess", "--pdf", str(out), str(DATA / "llama-vision-eu.json")])
    assert done.exit_code == 0, done.output
    assert "Overall" in done.output  # the text explanation is still printed
    text = flat(out.read_bytes())
    assert "Служба поддержки" in text and "Assessment not stored rev 1" in text


def test_assess_refuses_pdf_for_more_than_one_input(tmp_path, make_app):
    runner = make_app().test_cli_runner()
    out = tmp_path / "report.pdf"
    done = runner.invoke(
        args=["assess", "--pdf", str(out), str(DATA / "qwen-cjk.json"), str(DATA / "hostile.json")]
    )
    assert done.exit_code == 2
    assert "--pdf needs exactly one input file, not 2" in done.output
    assert not out.exists()
