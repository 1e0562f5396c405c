"""Assessments stored before results were made lean read and render exactly as they did."""

from __future__ import annotations

import hashlib
import json

from service import engine, report, store
from service.application import assessments, reports
from tests.support.bodies import DATA, preset_answers

FORMAT_1 = json.loads((DATA / "store" / "assessment-format-1.json").read_text(encoding="utf-8"))


def _load_format_1(db) -> str:
    """Put the format-1 row and its audit events into the database as they were stored."""
    db["assessments"].insert(FORMAT_1["row"])
    db["audit_events"].insert_all(FORMAT_1["audit_events"])
    return FORMAT_1["row"]["id"]


def test_a_format_1_result_reads_as_it_was_stored(db):
    found = assessments.get(db, _load_format_1(db))
    assert found["result"] == json.loads(FORMAT_1["row"]["result_json"])
    assert found["input"] == json.loads(FORMAT_1["row"]["input_json"])


def test_a_format_1_result_renders_the_same_pdf_bytes_as_before(app, db, tmp_path):
    found = assessments.get(db, _load_format_1(db))
    no_fonts = tmp_path / "no-fonts"
    no_fonts.mkdir()
    content = app.extensions["modelrisk.content"]
    sent = reports.report_pdf(content, db, found, reports.ReportSettings(str(no_fonts), False))
    assert hashlib.sha256(sent.data).hexdigest() == sent.sha256 == FORMAT_1["pdf_sha256"]
    assert sent.filename == FORMAT_1["pdf_filename"]


SUPPORT_BOT = json.loads((DATA / "inputs" / "llama-support-bot.json").read_text(encoding="utf-8"))
ACTOR = {"kind": "key", "id": "1", "name": "procurement"}


def test_the_support_bot_result_is_stored_lean_in_at_most_16_kib(app, db):
    content = app.extensions["modelrisk.content"]
    done = assessments.submit(content, db, SUPPORT_BOT, ACTOR)
    row = store.one(db, "SELECT result_json FROM assessments WHERE id = ?", [done.assessment["id"]])
    stored = json.loads(row["result_json"])
    assert stored["format"] == engine.FORMAT
    assert len(row["result_json"].encode()) <= 16 * 1024
    cited = {"title", "question", "remediation", "references", "answer_label", "reason"}
    assert cited.isdisjoint(stored["findings"]["fields"])


def test_a_lean_result_reads_and_renders_exactly_as_the_explained_one(app, db, tmp_path):
    content = app.extensions["modelrisk.content"]
    done = assessments.submit(content, db, SUPPORT_BOT, ACTOR)
    found = assessments.get(db, done.assessment["id"])
    clean, explained = assessments.evaluate(content, SUPPORT_BOT)
    assert found["result"] == explained and found["input"] == clean
    no_fonts = tmp_path / "no-fonts"
    no_fonts.mkdir()
    before = report.pdf_for({**found, "result": explained}, content, no_fonts, False)
    assert report.pdf_for(found, content, no_fonts, False) == before


def test_the_content_snapshot_is_stored_once_per_content_hash(app, db):
    content = app.extensions["modelrisk.content"]
    for _ in range(3):
        assessments.submit(content, db, SUPPORT_BOT, ACTOR)
    hashes = [r["hash"] for r in store.rows(db, "SELECT hash FROM content_snapshots")]
    assert hashes == [content.hash]


def test_a_derived_answer_s_origin_is_stored_only_where_it_is_not_the_assessed_model(app):
    # An MIT distill of Llama: the Llama licence reaches it through its base, named as origin.
    content = app.extensions["modelrisk.content"]
    distill = json.loads(json.dumps(SUPPORT_BOT))
    distill["model"] = {"id": "deepseek-ai/DeepSeek-R1-Distill-Llama-8B"}
    distill["answers"] = preset_answers(content, distill, "good")
    origins = {}
    for body in (SUPPORT_BOT, distill):
        lean = assessments.score(content, body).result
        packed = engine.pack(lean)
        at = packed["findings"]["fields"].index("derived")
        stored = [r[at] for r in packed["findings"]["rows"] if len(r) > at and r[at]]
        origins[lean["model"]["name"]] = {d["origin"] for d in stored if "origin" in d}
        assert engine.unpack(json.loads(json.dumps(packed))) == lean
    assert origins == {
        "Llama 3.1 70B Instruct": set(),
        "DeepSeek-R1-Distill-Llama-8B": {"Llama 3.1 8B"},
    }
