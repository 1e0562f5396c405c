"""Content: every shipped file loads and meets the bar; every broken file is refused by name."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from service import create_app
from service.content import ContentError, load_content
from service.engine import lineage
from tests.support.bodies import DATA, ROOT, real_content
from tests.support.live import command_env

INVALID = sorted((DATA / "invalid").glob("*.yaml"))


def test_shipped_content_loads():
    content = real_content()
    assert set(content.checklists) == {"security", "maintenance", "licensing", "misuse"}
    assert {"default", "strict"} <= set(content.policies)


@pytest.mark.parametrize("domain", ["security", "maintenance", "licensing", "misuse"])
def test_each_domain_has_at_least_twenty_items(domain):
    assert len(real_content().checklists[domain].items) >= 20


def test_every_item_has_a_framework_reference_and_a_remediation():
    content = real_content()
    for item in content.items.values():
        assert item.references, item.id
        assert all(r.framework in content.frameworks and r.id.strip() for r in item.references)
        assert len(item.remediation.split()) >= 5, f"{item.id}: remediation too thin"


def test_knowledge_base_sizes():
    content = real_content()
    assert len(content.licenses) >= 25
    assert len(content.models) >= 40


@pytest.mark.parametrize(
    "family",
    [
        "Llama",
        "Mistral",
        "Qwen",
        "Granite",
        "Sarvam",
        "FinGPT",
        "gpt4all",
        "h2ogpt",
        "pythia",
        "gpt-neox",
        "gpt-j",
        "DeepSeek",
        "gemma",
        "Phi",
        "OLMo",
        "falcon",
        "bloom",
    ],
)
def test_catalogue_covers_every_family_users_name(family):
    ids = [m.lower() for m in real_content().models]
    assert any(family.lower() in i for i in ids), family


def test_every_catalogue_model_resolves_to_known_licences_through_its_lineage():
    content = real_content()
    for model in content.models.values():
        chain = lineage.lineage(content, lineage.resolve_model(content, {"id": model.id}))
        assert all(e["license_known"] and e["in_catalogue"] for e in chain), model.id


@pytest.mark.parametrize(
    "model, inherited",
    [
        ("deepseek-ai/DeepSeek-R1-Distill-Llama-70B", "llama-3.3-community"),
        ("deepseek-ai/DeepSeek-R1-Distill-Llama-8B", "llama-3.1-community"),
    ],
)
def test_distills_carry_the_licence_of_their_base(model, inherited):
    content = real_content()
    chain = lineage.lineage(content, lineage.resolve_model(content, {"id": model}))
    assert inherited in [e["license"] for e in chain]


def test_fingpt_adapters_carry_their_base_models_licence():
    content = real_content()
    adapters = [m for m in content.models.values() if "fingpt" in m.id.lower()]
    assert adapters
    for adapter in adapters:
        chain = lineage.lineage(content, lineage.resolve_model(content, {"id": adapter.id}))
        assert len(chain) > 1 and any(e["license"].startswith("llama") for e in chain[1:])


def _case(path):
    text = path.read_text(encoding="utf-8")
    target = re.search(r"^# target: (.+)$", text, re.M).group(1).strip()
    expect = re.search(r"^# expect: (.+)$", text, re.M).group(1).strip()
    return target, expect, text


@pytest.fixture
def content_copy(tmp_path):
    shutil.copytree(ROOT / "checklists", tmp_path / "checklists")
    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    return tmp_path


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_broken_file_is_refused_with_file_item_and_field(path, content_copy):
    target, expect, text = _case(path)
    (content_copy / target).write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(content_copy / "checklists", content_copy / "policies")
    message = str(caught.value)
    assert message.startswith(expect), message
    assert "\n" not in message


def test_bad_content_stops_start_up_with_one_message(content_copy):
    target, _, text = _case(DATA / "invalid" / "risk_above_one.yaml")
    (content_copy / target).write_text(text, encoding="utf-8")
    with pytest.raises(SystemExit) as caught:
        create_app(
            {
                "TESTING": True,
                "INSTANCE_PATH": str(content_copy / "instance"),
                "CHECKLIST_DIR": str(content_copy / "checklists"),
                "POLICY_DIR": str(content_copy / "policies"),
            }
        )
    assert "checklists/security.yaml: item SEC-01: field options[1].risk" in str(caught.value)


def test_check_content_command_names_the_broken_file(content_copy):
    target, expect, text = _case(DATA / "invalid" / "unknown_item_key.yaml")
    (content_copy / target).write_text(text, encoding="utf-8")
    env = {
        "MODELRISK_INSTANCE_PATH": str(content_copy / "instance"),
        "MODELRISK_CHECKLIST_DIR": str(content_copy / "checklists"),
        "MODELRISK_POLICY_DIR": str(content_copy / "policies"),
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "check-content"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert expect in done.stderr
    assert "Traceback" not in done.stderr


def test_check_content_command_reports_counts(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "check-content"],
        cwd=ROOT,
        env=command_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("content ok:")


def test_every_checklist_names_who_usually_answers_it():
    content = real_content()
    assert {d: c.answered_by for d, c in content.checklists.items()} == {
        "security": "Security team",
        "maintenance": "ML platform",
        "licensing": "Legal",
        "misuse": "Risk",
    }


def test_country_names_cover_every_country_a_rule_names():
    context = real_content().context
    assert len(context.countries) == 249 and context.countries["DE"] == "Germany"
    named = set().union(*context.country_sets.values())
    assert named <= set(context.countries)
    assert context.country_names["united states of america"] == "US"
