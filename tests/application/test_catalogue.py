"""Content queries: the crosswalk (function and command) and the form-building listings."""

from __future__ import annotations

import pytest

from service.application import InputError, NotFound, catalogue
from tests.support.bodies import real_content


def test_crosswalk_lists_every_reference_of_every_item():
    content = real_content()
    walked = {
        (f["framework"], r["id"], i["item"])
        for f in catalogue.crosswalk(content)
        for r in f["references"]
        for i in r["items"]
    }
    cited = {
        (ref.framework, ref.id, item.id)
        for item in content.items.values()
        for ref in item.references
    }
    assert walked == cited


def test_crosswalk_for_one_framework_and_an_unknown_one():
    only = catalogue.crosswalk(real_content(), "MITRE-ATLAS")
    assert [f["framework"] for f in only] == ["MITRE-ATLAS"]
    assert only[0]["references"] == sorted(only[0]["references"], key=lambda r: r["id"])
    with pytest.raises(InputError, match="MITRE-ATLAS") as caught:
        catalogue.crosswalk(real_content(), "SOC2")
    assert caught.value.errors[0]["field"] == "framework"


def test_crosswalk_command_prints_the_same(app):
    runner = app.test_cli_runner()
    done = runner.invoke(args=["crosswalk", "--framework", "GDPR"])
    assert done.exit_code == 0, done.output
    gdpr = catalogue.crosswalk(real_content(), "GDPR")[0]
    assert done.output.splitlines()[0].startswith("GDPR")
    for ref in gdpr["references"]:
        line = next(x for x in done.output.splitlines() if x.strip().startswith(ref["id"]))
        assert all(i["item"] in line for i in ref["items"])
    assert runner.invoke(args=["crosswalk", "--framework", "SOC2"]).exit_code != 0
    assert "OWASP-LLM-2025" in runner.invoke(args=["crosswalk"]).output


def test_checklist_items_are_plain_data():
    content = real_content()
    checklist = catalogue.checklist(content, "licensing")
    assert any(i["derived_from_license"] for i in checklist["items"])
    conditional = [
        i
        for d in content.checklists
        for i in catalogue.checklist(content, d)["items"]
        if i["applies_when"]
    ]
    assert conditional and all("field" in c or "any" in c for c in conditional[0]["applies_when"])
    with pytest.raises(NotFound, match="the domains are licensing"):
        catalogue.checklist(content, "nope")


def test_deployment_fields_describe_the_body():
    fields = catalogue.deployment_fields(real_content())
    names = [f["name"] for f in fields["fields"]]
    assert names == list(real_content().context.fields)
    assert all(f["type"] != "enum" or f["options"] for f in fields["fields"])
