"""The PDF: complete, literal, Unicode-safe, reproducible, and laid out without overflow."""

from __future__ import annotations

import builtins
import importlib.util
import io
import json
import logging
import re
import shutil
import subprocess
import sys
import urllib.request
from functools import cache
from pathlib import Path

import pytest
import reportlab.lib.utils
import yaml
from pypdf import PdfReader

from service.content import load_content
from service.report import build, fonts, pdf_for, render
from tests.support.bodies import ROOT, real_content
from tests.support.reports import REPORT_DATA as DATA
from tests.support.reports import flat, pages, stored_from

SAMPLES = ("llama-vision-eu", "qwen-cjk", "sarvam-hindi", "hostile")
HOSTILE = (
    '<b>Bold</b> & <para>x</para> <img src="file:/etc/passwd"/> a < b',
    "Mallory <script>alert(1)</script> & Co",
    '<b>Qwen</b> & <img src="file:/etc/passwd">',
    "Eve <i>Labs</i>",
    "1.0 <br/> & more",
    '<unclosed and 1 < 2 > 0 &amp; &lt; <a href="http://169.254.169.254/">link</a>',
    'Note with <img src="file:/etc/passwd"> and <b>tags</b> & an unmatched < here',
    '<para><font name="Helvetica">x</font></para> &#x26; &bogus;',
)


@cache
def sample(name: str) -> dict:
    b = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    return stored_from(real_content(), b, id=f"sample-{name}")


@cache
def pdf(name: str) -> bytes:
    return pdf_for(sample(name))


def has_font(name: str) -> bool:
    return name in fonts.available()


@pytest.mark.parametrize("name", SAMPLES)
def test_report_names_model_verdict_domains_blockers_and_every_finding(name):
    stored, text = sample(name), flat(pdf(name))
    result = stored["result"]
    model = build(stored)
    assert model["decision"]["model"]["name"] in text
    assert f"{result['overall']['rating'].upper()} RISK" in text
    assert f"DECISION {model['decision']['decision_label']}" in text
    for domain in result["domains"].values():
        assert f"{domain['title']} {domain['score']:.2f} {domain['rating']}" in text
    for blocker in result["blockers"]:
        assert blocker["item"] in text and blocker["reason"] in text
    for finding in result["findings"]:
        shown = f"{finding['item']} {finding['title']}"
        if finding["risky"]:
            assert f"{shown} " in text and finding["remediation"] in text
        else:
            assert shown in text and finding["answer_label"] in text
    for condition in result["conditions"]:
        assert condition["text"] in text
    assert stored["audit_head"] in text.replace(" ", "")


def test_hostile_input_is_shown_literally_and_opens_nothing(monkeypatch):
    fonts.fontset()  # fonts are registered (and their files read) before watching
    opened = []
    real_open, real_read = builtins.open, reportlab.lib.utils.open_for_read

    def watch_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    def watch_read(name, *args, **kwargs):
        opened.append(str(name))
        return real_read(name, *args, **kwargs)

    def no_network(*args, **kwargs):
        raise AssertionError("the report must not fetch anything")

    monkeypatch.setattr(builtins, "open", watch_open)
    monkeypatch.setattr(reportlab.lib.utils, "open_for_read", watch_read)
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    data = pdf_for(sample("hostile"))
    monkeypatch.undo()
    assert not [f for f in opened if "passwd" in f or "169.254" in f]
    text = flat(data)
    for hostile in HOSTILE:
        assert hostile in text


def test_cyrillic_survives_extraction_with_the_vendored_font():
    text = flat(pdf("llama-vision-eu"))
    assert "Помощник службы поддержки читает фотографии счётчиков и квитанций" in text
    assert "Олена Коваленко" in text


@pytest.mark.skipif(
    not has_font("WenQuanYiMicroHei"),
    reason="no CJK font: install fonts-wqy-microhei (wqy-microhei.ttc) or set MODELRISK_FONT_DIR",
)
def test_chinese_survives_extraction_with_the_cjk_fallback():
    text = flat(pdf("qwen-cjk"))
    assert "员工用中文或英文提问，模型根据内部知识库文档回答并给出来源。" in text
    assert "内部知识库问答 · Internal knowledge-base assistant" in text


@pytest.mark.skipif(
    not has_font("LohitDevanagari"),
    reason="no Devanagari font: install fonts-lohit-deva (Lohit-Devanagari.ttf)",
)
def test_hindi_survives_extraction_with_the_devanagari_fallback():
    assert "अनन्या शर्मा" in flat(pdf("sarvam-hindi"))


def test_without_fallback_fonts_the_render_logs_the_missing_characters(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="service.report.fonts")
    data = render(build(sample("qwen-cjk")), font_dir=tmp_path)
    text = flat(data)
    assert "Internal knowledge-base assistant" in text
    warnings = " ".join(r.getMessage() for r in caplog.records)
    assert "no font has a glyph" in warnings
    assert "U+5185 '内'" in warnings and "U+95EE '问'" in warnings


def test_control_characters_do_not_break_the_render(caplog):
    stored = sample("llama-vision-eu")
    stored = {**stored, "title": "Bell \x07 null \x00 tab\tend"}
    text = flat(pdf_for(stored))
    assert "Bell \ufffd null \ufffd tab end" in text


def test_two_renders_are_byte_identical():
    stored = sample("llama-vision-eu")
    assert pdf_for(stored) == pdf_for(json.loads(json.dumps(stored)))


def _in_another_process(tmp_path, code: str) -> tuple[dict, bytes]:
    """The stored-small sample, and what `code` writes to stdout in a fresh interpreter given
    that sample's path as its argument."""
    stored = json.loads((DATA / "stored-small.json").read_text(encoding="utf-8"))
    path = tmp_path / "stored.json"
    path.write_text(json.dumps(stored))
    return stored, subprocess.run(
        [sys.executable, "-c", code, str(path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        env={"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin"},
    ).stdout


def test_another_process_renders_the_same_bytes(tmp_path):
    stored, other = _in_another_process(
        tmp_path,
        "import json, sys; from service.report import pdf_for; "
        "sys.stdout.buffer.write(pdf_for(json.load(open(sys.argv[1]))))",
    )
    assert other == pdf_for(stored)


def test_a_report_in_latin_script_loads_no_fallback_font(tmp_path):
    """The fallback fonts are parsed only for a character the main font lacks (memory: the CJK
    font alone holds about 25 MB); a Chinese title then loads them in the same process."""
    _, loaded = _in_another_process(
        tmp_path,
        "import json, sys; from service.report import fonts, pdf_for; "
        "stored = json.load(open(sys.argv[1])); pdf_for(stored); "
        "print(fonts._fallbacks.cache_info().currsize); "
        "stored['title'] = '\u4e2d\u6587 ' + stored['title']; pdf_for(stored); "
        "print(fonts._fallbacks.cache_info().currsize)",
    )
    assert loaded.split() == [b"0", b"1"]


def test_metadata_names_the_report():
    info = PdfReader(io.BytesIO(pdf("hostile"))).metadata
    assert info.title == f"Risk report: {HOSTILE[0]}"
    assert info.author == "modelrisk"
    assert "Risk assessment of <b>Qwen</b>" in info.subject
    assert "risk assessment" in info["/Keywords"] and "rating critical" in info["/Keywords"]


def test_font_directory_comes_from_argument_setting_environment_or_default(
    monkeypatch, tmp_path, make_app
):
    monkeypatch.delenv("MODELRISK_FONT_DIR", raising=False)
    assert fonts.resolve_font_dir() == Path("/usr/share/fonts")
    monkeypatch.setenv("MODELRISK_FONT_DIR", str(tmp_path / "env"))
    assert fonts.resolve_font_dir() == tmp_path / "env"
    assert make_app().config["FONT_DIR"] == str(tmp_path / "env")
    assert make_app(FONT_DIR=str(tmp_path / "config")).config["FONT_DIR"] == str(
        tmp_path / "config"
    )
    assert fonts.resolve_font_dir(tmp_path / "arg") == tmp_path / "arg"


def test_a_broken_fallback_font_is_logged_and_skipped(tmp_path, caplog):
    (tmp_path / "wqy-microhei.ttc").write_bytes(b"not a font at all")
    caplog.set_level(logging.WARNING, logger="service.report.fonts")
    assert fonts.available(tmp_path) == []
    assert "could not be loaded" in caplog.text
    assert "Internal knowledge-base assistant" in flat(
        render(build(sample("qwen-cjk")), font_dir=tmp_path)
    )


def test_a_long_title_is_shortened_in_the_running_header_only():
    title = "A very long assessment title that goes on and on " * 4
    data = pdf_for({**sample("llama-vision-eu"), "title": title.strip()})
    header = " ".join(pages(data)[1].split())[:120]
    assert re.match(r"modelrisk A very long assessment title [\w ]+\u2026 1\. Ratings", header)
    assert title.strip() in flat(data)  # the cover shows it whole


HARFBUZZ = importlib.util.find_spec("uharfbuzz") is not None


def test_shaping_without_uharfbuzz_warns_and_renders_unshaped(caplog, monkeypatch):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(  # as on a machine without reportlab[shaping]
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "uharfbuzz" else real_find_spec(name, *a),
    )
    caplog.set_level(logging.WARNING, logger="service.report.fonts")
    data = pdf_for(sample("sarvam-hindi"), shaping=True)
    assert "uharfbuzz is not installed" in caplog.text
    assert data == pdf("sarvam-hindi")


@pytest.mark.skipif(
    not HARFBUZZ or not has_font("LohitDevanagari"),
    reason="shaping needs uharfbuzz (reportlab[shaping]) and fonts-lohit-deva",
)
def test_shaping_changes_only_the_devanagari_paragraphs():
    shaped = pdf_for(sample("sarvam-hindi"), shaping=True)
    assert shaped != pdf("sarvam-hindi")
    assert pdf_for(sample("llama-vision-eu"), shaping=True) == pdf("llama-vision-eu")
    assert "Sarvam-M" in flat(shaped)


def test_shaping_is_off_unless_asked(monkeypatch, make_app):
    monkeypatch.delenv("MODELRISK_PDF_SHAPING", raising=False)
    assert fonts.resolve_shaping() is False
    assert make_app().config["PDF_SHAPING"] is False
    monkeypatch.setenv("MODELRISK_PDF_SHAPING", "1")
    assert fonts.resolve_shaping() is HARFBUZZ
    assert fonts.resolve_shaping(False) is False
    assert make_app().config["PDF_SHAPING"] == 1


# A synthetic content set: the shipped context, licences, models and policies with four
# generated checklists of 30 items each, so that every item can carry a long note.
ITEMS_PER_DOMAIN = 30
PREFIX = {"security": "SEC", "maintenance": "MNT", "licensing": "LIC", "misuse": "MIS"}


def _synthetic_content(folder: Path):
    checklists, policies = folder / "checklists", folder / "policies"
    checklists.mkdir()
    for name in ("context.yaml", "frameworks.yaml", "licenses.yaml", "models.yaml"):
        shutil.copy(ROOT / "checklists" / name, checklists / name)
    shutil.copytree(ROOT / "policies", policies)
    for policy in policies.glob("*.yaml"):  # its answers name items these checklists lack
        lines = policy.read_text(encoding="utf-8").splitlines(keepends=True)
        policy.write_text("".join(x for x in lines if "review_met_by" not in x), encoding="utf-8")
    for domain, prefix in PREFIX.items():
        items = [
            {
                "id": f"{prefix}-{n:02d}",
                "title": f"Synthetic {domain} control {n}",
                "question": f"Is synthetic control {n} of {domain} in place and tested? " * 3,
                "why": "It keeps a long report long.",
                "answer_type": "choice",
                "options": [
                    {"value": "yes", "label": "In place", "risk": 0},
                    {"value": "partly", "label": "Partly in place", "risk": 0.5},
                    {"value": "no", "label": "Not in place", "risk": 1},
                ],
                "severity": ("low", "medium", "high", "critical")[n % 4],
                "remediation": f"Put synthetic control {n} in place and test it every quarter.",
                "references": [{"framework": "NIST-AI-RMF", "id": f"MANAGE {n}.1"}],
            }
            for n in range(1, ITEMS_PER_DOMAIN + 1)
        ]
        (checklists / f"{domain}.yaml").write_text(
            yaml.safe_dump(
                {
                    "domain": domain,
                    "title": domain.title(),
                    "version": "test",
                    "prefix": prefix,
                    "answered_by": "Test team",
                    "items": items,
                }
            ),
            encoding="utf-8",
        )
    return load_content(checklists, policies)


def _long_note(item: str) -> str:
    unbroken = "x" * 300
    text = (f"Evidence for {item}: the control was reviewed by two people. " * 40)[:1600]
    return f"{text} {unbroken} END-OF-NOTE-{item}"


def test_a_120_item_assessment_with_long_notes_has_page_numbers_on_every_page(tmp_path):
    content = _synthetic_content(tmp_path)
    b = json.loads((DATA / "llama-vision-eu.json").read_text(encoding="utf-8"))
    b["deployment"]["use_case"] = ("A long use case that wraps across lines. " * 95)[:3900]
    b["answers"] = {
        item: {
            "value": ("yes", "partly", "no", "unknown")[i % 4],
            "note": _long_note(item),
            "evidence_url": f"https://evidence.example.com/{item}?a=1&b=<2>",
        }
        for i, item in enumerate(content.items)
    }
    stored = stored_from(content, b)
    stored["reviews"][0]["comment"] = ("A long review comment. " * 180)[:3990] + " END-REVIEW"
    assert len(stored["result"]["findings"]) == 120
    assert all(len(a["note"]) >= 1900 for a in stored["input"]["answers"].values())
    texts = pages(pdf_for(stored))
    total = len(texts)
    assert total > 40
    for number, text in enumerate(texts, 1):
        assert f"page {number} of {total}" in text, f"no page number on page {number}"
    whole = " ".join(texts)
    lines = [line for text in texts for line in text.splitlines()]
    assert max(len(line) for line in lines) < 200, "a line ran past the page width"
    squeezed = re.sub(r"\s+", "", whole)
    risky = {f["item"] for f in stored["result"]["findings"] if f["risky"]}
    assert 0 < len(risky) < len(content.items)
    for item in content.items:
        # Risky findings are printed in full, notes and all; the rest one line each.
        assert (f"END-OF-NOTE-{item}" in squeezed) == (item in risky)
        assert f"{item} Synthetic" in re.sub(r"\s+", " ", whole)
    assert "x" * 300 + "END-OF-NOTE-" in squeezed
    assert "END-REVIEW" in squeezed
