"""Export a stored assessment as a CycloneDX 1.6 document: the model as a machine-learning-model
component, our checklists as a standard, and each finding as a claim with its evidence; the
decision and each review are attestations.

Pure: the stored assessment in, a JSON-serialisable dict out. The same stored assessment gives the
same document (its serial number and timestamp come from the assessment, not the clock).
"""

from __future__ import annotations

import uuid

from cyclonedx.spdx import is_supported_id

from . import declarations
from .modelcard import HUB_ID

SPEC_VERSION = "1.6"
TOOL = "modelrisk"
PREFIX = "modelrisk:"  # namespace of our property names


def export(stored: dict) -> dict:
    """The CycloneDX 1.6 document (a dict) for one stored assessment."""
    result = stored["result"]
    findings = sorted(result["findings"], key=lambda f: f["item"])
    return {
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "serialNumber": _serial(stored),
        "version": 1,
        "metadata": _metadata(stored),
        "definitions": {"standards": [_standard(result, findings)]},
        "declarations": _declarations(stored, findings),
    }


def _serial(stored: dict) -> str:
    """A UUID derived from the assessment id and revision: stable for one stored assessment."""
    name = f"{TOOL}:assessment:{stored['id']}:{stored['revision']}"
    return uuid.uuid5(uuid.NAMESPACE_URL, name).urn


def _metadata(stored: dict) -> dict:
    result = stored["result"]
    return {
        "timestamp": stored["updated_at"],
        "tools": {
            "components": [
                {"type": "application", "name": TOOL, "version": result["engine_version"]}
            ]
        },
        "component": _model(stored),
        "properties": _properties(stored),
    }


def _properties(stored: dict) -> list[dict]:
    """The assessment's identity and verdict, and the content and policy it was scored with."""
    result = stored["result"]
    policy = result["policy"]
    pairs = [
        ("assessment:id", stored["id"]),
        ("assessment:revision", stored["revision"]),
        ("assessment:status", stored["status"]),
        # Present only when a reviewer approved against the engine's reject decision.
        ("assessment:risk_accepted", "true" if stored.get("risk_accepted") else None),
        ("assessment:title", stored["title"]),
        ("decision", result["decision"]),
        ("rating", result["overall"]["rating"]),
        ("score", result["overall"]["score"]),
        ("policy:id", policy["id"]),
        ("policy:version", policy["version"]),
        ("policy:hash", policy["hash"]),
        ("content:hash", result["content"]["hash"]),
        ("input:hash", result.get("input_hash")),
        *((f"content:version:{k}", v) for k, v in sorted(result["content"]["versions"].items())),
        *((f"blocker:{b['item']}", b["reason"]) for b in result["blockers"]),
    ]
    return [{"name": PREFIX + k, "value": str(v)} for k, v in pairs if v is not None]


def _model(stored: dict) -> dict:
    """The assessed model as a machine-learning-model component, its lineage as ancestors."""
    result = stored["result"]
    model, given = result["model"], stored["input"].get("model", {})
    licences = {lic["id"]: lic for lic in result.get("licenses", []) if lic.get("id")}
    component = _component(
        declarations.MODEL_REF, model.get("name") or stored["model_name"], model, licences
    )
    if given.get("version"):
        component["version"] = given["version"]
    if model.get("source_url"):
        component["externalReferences"] = [{"type": "distribution", "url": model["source_url"]}]
    ancestors = [
        _component(f"lineage-{i}", entry["name"], {**entry, "id": entry["model"]}, licences)
        for i, entry in enumerate(result.get("lineage", []))
        if entry["depth"] > 0
    ]
    if ancestors:
        component["pedigree"] = {"ancestors": ancestors}
    use_case = stored["input"].get("deployment", {}).get("use_case")
    if use_case:
        component["modelCard"] = {"considerations": {"useCases": [use_case]}}
    return component


def _component(ref: str, name: str, facts: dict, licences: dict) -> dict:
    component = {"type": "machine-learning-model", "bom-ref": ref, "name": name}
    if facts.get("publisher"):
        component["publisher"] = facts["publisher"]
    licence = _licence(facts.get("license"), licences)
    if licence:
        component["licenses"] = [licence]
    model_id = facts.get("id")
    if facts.get("in_catalogue") and model_id and HUB_ID.match(model_id):
        component["purl"] = f"pkg:huggingface/{model_id}"
    return component


def _licence(licence_id: str | None, licences: dict) -> dict | None:
    """An SPDX id where the licence has one, else its name (and URL) from the knowledge base."""
    if not licence_id:
        return None
    if is_supported_id(licence_id):
        return {"license": {"id": licence_id}}
    facts = licences.get(licence_id, {})
    entry = {"name": facts.get("name") or licence_id}
    if facts.get("url"):
        entry["url"] = facts["url"]
    return {"license": entry}


def _standard(result: dict, findings: list[dict]) -> dict:
    """Our checklists as a standard: one requirement per item the assessment scored."""
    versions = result["content"]["versions"]
    return {
        "bom-ref": "standard",
        "name": f"{TOOL} checklists",
        "version": ", ".join(f"{k} {v}" for k, v in sorted(versions.items())),
        "owner": TOOL,
        "requirements": [
            {
                "bom-ref": f"requirement-{f['item']}",
                "identifier": f["item"],
                "title": f["title"],
                "text": f["question"],
                "properties": [
                    {"name": f"{PREFIX}reference", "value": f"{r['framework']} {r['id']}"}
                    for r in f.get("references", [])
                ],
            }
            for f in findings
        ],
    }


def _declarations(stored: dict, findings: list[dict]) -> dict:
    return {
        "assessors": declarations.assessors(stored),
        "attestations": declarations.attestations(stored, findings),
        "claims": declarations.claims(findings),
        "evidence": declarations.evidence(stored, findings),
    }
