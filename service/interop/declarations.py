"""The `declarations` of an exported assessment: who assessed, what each checklist item claims
about the model with its evidence, and the decision and reviews as attestations."""

from __future__ import annotations

import json

PREFIX = "modelrisk:"
MODEL_REF = "model"
SERVICE_REF = "assessor-service"
# The finding fields carried, as JSON, in each claim's evidence.
FINDING_FIELDS = (
    "item",
    "domain",
    "answer",
    "answer_label",
    "source",
    "risk",
    "risky",
    "severity",
    "points",
    "overall_points",
    "reason",
    "derived",
    "override",
    "note",
    "evidence_url",
)


def assessors(stored: dict) -> list[dict]:
    """The submitter's organisation (a self-assessment) and each reviewer."""
    organisation = (stored["input"].get("requester") or {}).get("organisation")
    submitter = stored["submitted_by"].get("name")
    entity = {"name": organisation or submitter or "not recorded"}
    if submitter:
        entity["contact"] = [{"name": submitter}]
    out = [{"bom-ref": SERVICE_REF, "thirdParty": False, "organization": entity}]
    for review in stored.get("reviews", []):
        out.append(
            {
                "bom-ref": _review_ref(review),
                "thirdParty": False,
                "organization": {
                    "name": organisation or review["reviewer"]["name"],
                    "contact": [{"name": _reviewer(review)}],
                },
            }
        )
    return out


def claims(findings: list[dict]) -> list[dict]:
    """One claim per finding: the item's answer about the model, with the engine's reason."""
    return [
        {
            "bom-ref": f"claim-{f['item']}",
            "target": MODEL_REF,
            "predicate": f"{f['title']}: {f['answer_label']}",
            "reasoning": f["reason"],
            "evidence": [f"evidence-{f['item']}"],
        }
        for f in findings
    ]


def evidence(stored: dict, findings: list[dict]) -> list[dict]:
    """One evidence entry per finding: its answer's source, note and URL, and the finding."""
    author = stored["submitted_by"].get("name")
    out = []
    for f in findings:
        data = [
            {
                "name": "finding",
                "contents": {
                    "attachment": {"contentType": "application/json", "content": _finding(f)}
                },
            }
        ]
        if f.get("evidence_url"):
            data.append({"name": "evidence_url", "contents": {"url": f["evidence_url"]}})
        out.append(
            {
                "bom-ref": f"evidence-{f['item']}",
                "propertyName": f"{PREFIX}answer",
                "description": _description(f),
                "data": data,
                "created": stored["created_at"],
                **({"author": {"name": author}} if author else {}),
            }
        )
    return out


# What a derived answer was read from, as the export words it.
_DERIVED_FROM = {
    "license": "Derived from the licence facts",
    "publisher": "Derived from the catalogue's publisher facts",
    "deployment": "Derived from the deployment described",
    "artifact": "Derived from the artefact described",
}


def _description(f: dict) -> str:
    """Who or what gave the answer, and what backs it, in one paragraph."""
    parts = [f"Answer: {f['answer_label']} (source: {f['source']})."]
    if f.get("derived"):
        basis = f["derived"].get("basis") or "license"  # a licence before verdict model v2
        parts.append(f"{_DERIVED_FROM[basis]}: {f['derived']['fact']}")
    if f.get("override"):
        parts.append(f"Derived answer overridden: {f['override']['justification']}")
    if f.get("note"):
        parts.append(f"Note: {f['note']}")
    return " ".join(parts)


def attestations(stored: dict, findings: list[dict]) -> list[dict]:
    """The engine's decision, conformance per item (1 - risk), then one attestation per review."""
    out = [
        {
            "summary": _decision(stored),
            "assessor": SERVICE_REF,
            "map": [
                {
                    "requirement": f"requirement-{f['item']}",
                    "claims": [f"claim-{f['item']}"],
                    "conformance": {"score": round(1 - f["risk"], 4), "rationale": f["reason"]},
                }
                for f in findings
            ],
        }
    ]
    for review in stored.get("reviews", []):
        comment = f" {review['comment']}" if review.get("comment") else ""
        accepted = ""
        if review.get("accept_risk"):
            accepted = ", accepting the risk of the engine's reject"
        out.append(
            {
                "summary": f"Review by {_reviewer(review)} on {review['created_at']}: "
                f"{review['decision']}{accepted}.{comment}",
                "assessor": _review_ref(review),
                "map": [
                    {"requirement": f"requirement-{f['item']}", "claims": [f"claim-{f['item']}"]}
                    for f in findings
                ],
            }
        )
    return out


def _decision(stored: dict) -> str:
    result = stored["result"]
    policy = result["policy"]
    text = (
        f"Decision: {result['decision']}; rating {result['overall']['rating']}, score "
        f"{result['overall']['score']} under policy {policy['id']} {policy['version']}; "
        f"status {stored['status']}."
    )
    if stored.get("risk_accepted"):
        text += " Approved against this decision: a reviewer accepted the risk."
    if result["blockers"]:
        text += " Blockers: " + "; ".join(f"{b['item']}: {b['reason']}" for b in result["blockers"])
    return text


def _review_ref(review: dict) -> str:
    return f"assessor-review-{review['id']}"


def _reviewer(review: dict) -> str:
    """Who reviewed: the credential, and the person it acts for when that is someone else (a
    key reviews for its owner), as the report and the history name them."""
    by, person = review["reviewer"]["name"], review["reviewer"].get("person_name")
    return f"{person} (with the key {by})" if person and person != by else by


def _finding(finding: dict) -> str:
    """The finding's fields that explain its answer, as canonical JSON."""
    return json.dumps(
        {k: finding.get(k) for k in FINDING_FIELDS}, sort_keys=True, ensure_ascii=False
    )
