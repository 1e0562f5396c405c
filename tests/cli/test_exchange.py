"""flask --app wsgi prefill FILE and db backup PATH."""

from __future__ import annotations

import json
import sqlite3

from tests.support.bodies import DATA

SAMPLES = DATA / "import"


def test_prefill_prints_the_draft_and_its_warnings(runner):
    done = runner.invoke(
        args=[
            "prefill",
            str(SAMPLES / "falcon-7b.README.md"),
            "--files",
            str(SAMPLES / "falcon-7b.model-info.json"),
        ]
    )
    assert done.exit_code == 0, done.output
    draft = json.loads(done.stdout)
    assert draft["body"]["model"] == {"id": "tiiuae/falcon-7b"}
    assert "warning: answers.SEC-04:" in done.stderr


def test_prefill_reads_a_bom_and_a_repo_id_for_a_bare_listing(runner):
    bom = runner.invoke(args=["prefill", str(SAMPLES / "granite-3.1-8b-instruct.cdx.json")])
    assert json.loads(bom.stdout)["format"] == "cyclonedx"
    card = runner.invoke(
        args=[
            "prefill",
            str(SAMPLES / "acme-llama-3.1-8b-finchat.README.md"),
            "--files",
            str(SAMPLES / "acme-llama-3.1-8b-finchat.siblings.json"),
            "--repo-id",
            "acme-finance/Llama-3.1-8B-FinChat",
        ]
    )
    assert json.loads(card.stdout)["body"]["model"]["publisher"] == "acme-finance"


def test_an_unreadable_document_exits_2_naming_the_field(runner, tmp_path):
    bad = tmp_path / "README.md"
    bad.write_text("---\na: &x 1\nb: *x\n---\n", encoding="utf-8")
    done = runner.invoke(args=["prefill", str(bad)])
    assert done.exit_code == 2
    assert "model_card:" in done.output and "Traceback" not in done.output


def test_db_backup_copies_checks_and_never_overwrites(runner, app, api, tmp_path):
    api.submitted()
    target = tmp_path / "copy.sqlite3"
    done = runner.invoke(args=["db", "backup", str(target)])
    assert done.exit_code == 0, done.output
    assert "integrity_check ok" in done.output
    conn = sqlite3.connect(target)
    try:
        assert conn.execute("SELECT COUNT(*) FROM assessments").fetchone()[0] == 1
    finally:
        conn.close()
    again = runner.invoke(args=["db", "backup", str(target)])
    assert again.exit_code == 1 and "already exists" in again.output
