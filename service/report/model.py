"""The report model: plain JSON-ready data read from a stored assessment, never re-scored."""

from __future__ import annotations

import re
import unicodedata

from . import evidence, obligations, summary
from .words import human, label, timestamp

PRODUCT = "modelrisk"
REPORT_VERSION = "1"
DOMAIN_ORDER = ("security", "maintenance", "licensing", "misuse")
SIGNOFF_ROLES = ("Requester", "Procurement", "Legal", "Security")
METHOD = (
    "Each applicable checklist item contributes the risk of its answer (0 for no risk to 1 for "
    "full risk; an unknown or missing answer counts as the policy says) times the weight of its "
    "effective severity, which is the item's base severity adjusted for this deployment. A "
    "domain's score is that weighted risk as a share of the most it could be, on a scale of 0 to "
    "100. Each finding's points are its part of the domain score, rounded so that the points of a "
    "domain add up to its score exactly.",
    "The overall score is the policy-weighted average of the domain scores, again split into "
    "per-finding points that add up exactly. The rating is the highest of three: the band the "
    "overall score falls in (see the policy thresholds), the floor set by any risky item of a "
    "severity the policy floors, and the worst domain's rating less the policy's margin. Any "
    "blocker makes the decision reject; otherwise the policy maps the rating to a decision, and "
    "an approval becomes conditional while conditions remain.",
)
# How results scored by verdict model v2 (those with rating reasons) were rated.
METHOD_V2 = (
    METHOD[0],
    "The overall score is the policy-weighted average of the domain scores, again split into "
    "per-finding points that add up exactly; it ranks and explains. The rating is the worst "
    "risk: a domain takes the worst severity among its findings whose answer carries risk (the "
    "answer's severity adjusted for this deployment), the deployment its worst domain, and a "
    "policy's score thresholds may raise a rating, never lower it. Any blocker makes the "
    "decision reject; otherwise the policy maps the rating to a decision, and an approval "
    "becomes conditional while a condition is due before go-live or at a follow-up.",
)


def build(stored: dict, thresholds: dict | None = None) -> dict:
    """The report model of one stored assessment; `thresholds` only if the result lacks them."""
    result = stored["result"]
    body = stored.get("input") or {}
    thresholds = result["policy"].get("thresholds") or thresholds
    return {
        "product": PRODUCT,
        "report_version": REPORT_VERSION,
        "title": stored["title"],
        "filename": filename_for(stored),
        "meta": _meta(stored, result),
        "cover": _cover(stored, result, body),
        "summary": summary.sentences(stored, result, body, thresholds),
        "chart": _chart(result, thresholds),
        "blockers": [_blocker(b, result) for b in result["blockers"]],
        "conditions": [
            {
                "item": c["item"],
                "kind": c["kind"],
                "kind_label": label("condition", c["kind"]),
                "text": c["text"],
            }
            for c in result["conditions"]
        ],
        "licenses": obligations.licenses(result, body),
        "domains": [_domain(name, result) for name in domain_order(result)],
        "reviews": [_review(r) for r in stored.get("reviews") or []],
        "audit_head": stored.get("audit_head"),
        "signoff": [
            {"role": role, "name": _requester(body) if role == "Requester" else None}
            for role in SIGNOFF_ROLES
        ],
        "appendix": _appendix(stored, result, thresholds),
        **_evidence(stored),
    }


def _evidence(stored: dict) -> dict:
    """The evidence appendix's data, as a key only when there is any (report/evidence.py)."""
    found = evidence.section(stored)
    return {"evidence": found} if found else {}


def filename_for(stored: dict) -> str:
    """An ASCII download name from the model and the assessment date."""
    model = stored["result"].get("model") or {}
    for candidate in (
        model.get("name"),
        stored.get("model_name"),
        model.get("id"),
        stored.get("model_id"),
    ):
        slug = _slug(candidate or "")
        if slug:
            break
    else:
        slug = "model"
    return f"modelrisk-{slug}-{(stored.get('created_at') or '')[:10] or 'undated'}.pdf"


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9.]+", "-", ascii_text.lower()).strip("-.")[:60].strip("-.")


def domain_order(result: dict) -> list[str]:
    """Domains in the house order (security, maintenance, licensing, misuse), others after."""
    known = [d for d in DOMAIN_ORDER if d in result["domains"]]
    return known + [d for d in result["domains"] if d not in DOMAIN_ORDER]


def _requester(body: dict) -> str | None:
    return (body.get("requester") or {}).get("name")


def _meta(stored: dict, result: dict) -> dict:
    model = (result.get("model") or {}).get("name") or stored.get("model_name") or "model"
    rating, decision = result["overall"]["rating"], result["decision"]
    policy = result["policy"]
    return {
        "title": f"Risk report: {stored['title']}",
        "author": PRODUCT,
        "subject": f"Risk assessment of {model}: {rating} risk, {label('decision', decision)}, "
        f"policy {policy['id']} {policy['version']}",
        "keywords": [
            PRODUCT,
            "risk assessment",
            model,
            f"rating {rating}",
            f"decision {decision}",
            f"assessment {stored['id']}",
        ],
        "creator": f"{PRODUCT} report {REPORT_VERSION}",
    }


def _cover(stored: dict, result: dict, body: dict) -> dict:
    model = result.get("model") or {}
    requester = body.get("requester") or {}
    policy = result["policy"]
    return {
        "title": stored["title"],
        "model": {
            "name": model.get("name") or stored.get("model_name"),
            "id": model.get("id") or stored.get("model_id"),
            "publisher": model.get("publisher"),
            "version": model.get("version"),
            "license": model.get("license"),
        },
        "requester": {
            "name": requester.get("name"),
            "email": requester.get("email"),
            "organisation": requester.get("organisation"),
        },
        "submitted_by": (stored.get("submitted_by") or {}).get("name"),
        "date": (stored.get("created_at") or "")[:10],
        "created_at": timestamp(stored.get("created_at")),
        "expires_at": timestamp(stored.get("expires_at")),
        "assessment_id": stored["id"],
        "revision": stored.get("revision"),
        "previous_id": stored.get("previous_id"),
        "status": human(stored.get("status")) or None,
        "rating": result["overall"]["rating"],
        "score": result["overall"]["score"],
        "decision": result["decision"],
        "decision_label": label("decision", result["decision"]),
        "policy": {"id": policy["id"], "name": policy.get("name"), "version": policy["version"]},
        "risk_acceptance": risk_acceptance(stored),
    }


def risk_acceptance(stored: dict) -> dict | None:
    """Who accepted the risk of a reject decision, when, and why; None unless it was accepted."""
    if not stored.get("risk_accepted"):
        return None
    accepted = [
        r
        for r in stored.get("reviews") or []
        if r.get("accept_risk") and r.get("decision") == "approve"
    ]
    if not accepted:
        return None
    review = accepted[-1]
    reviewer = review.get("reviewer") or {}
    by = reviewer.get("name") or reviewer.get("id")
    person = reviewer.get("person_name")
    return {
        # A key accepts a risk for the person who owns it: name them both.
        "by": f"{person} (with the key {by})" if person and person != by else by,
        "date": (review.get("created_at") or "")[:10],
        "justification": review.get("comment") or "",
    }


def _chart(result: dict, thresholds: dict | None) -> dict:
    return {
        "domains": [
            {
                "domain": d,
                "title": result["domains"][d]["title"],
                "score": result["domains"][d]["score"],
                "rating": result["domains"][d]["rating"],
            }
            for d in domain_order(result)
        ],
        "thresholds": dict(thresholds) if thresholds else None,
        "overall": result["overall"]["score"],
    }


def _blocker(b: dict, result: dict) -> dict:
    keys = (
        "item",
        "kind",
        "title",
        "reason",
        "answer",
        "source",
        "fact",
        "license",
        "license_source",
        "origin",
        "verified",
    )
    finding = next((f for f in result["findings"] if f["item"] == b["item"]), None)
    return {
        **{k: b.get(k) for k in keys},
        "answer_label": finding["answer_label"] if finding else None,
        "source_label": label("source", b.get("source")),
    }


def _domain(name: str, result: dict) -> dict:
    d = result["domains"][name]
    return {
        "domain": name,
        "title": d["title"],
        "score": d["score"],
        "rating": d["rating"],
        "answered": d["answered"],
        "applicable": d["applicable"],
        "unknown": d["unknown"],
        "weight": d["weight"],
        "findings": [_finding(f) for f in result["findings"] if f["domain"] == name],
    }


def _finding(f: dict) -> dict:
    derived = f.get("derived")
    return {
        "item": f["item"],
        "title": f["title"],
        "question": f["question"],
        "answer": f["answer_label"],
        "answer_value": f["answer"],
        "source": f["source"],
        "source_label": _source_label(f),
        "derived": None
        if not derived
        else {"basis": derived.get("basis") or "license"}  # a licence before verdict model v2
        | {
            k: derived.get(k)
            for k in (
                "fact",
                "license",
                "license_name",
                "origin",
                "source",
                "verified",
                "unverified_facts",
            )
        },
        "override": f.get("override"),
        "note": f.get("note"),
        "evidence_url": f.get("evidence_url"),
        "points": f["points"],
        "overall_points": f["overall_points"],
        "risky": f["risky"],
        "severity": f["severity"],
        "base_severity": f["base_severity"],
        "severity_reasons": list(f.get("severity_reasons") or []),
        "reason": f["reason"],
        "remediation": f["remediation"],
        "references": [f"{r['framework']} {r['id']}" for r in f.get("references") or []],
    }


def _source_label(f: dict) -> str | None:
    """Where the answer came from; a derived one names the basis it was read from."""
    basis = (f.get("derived") or {}).get("basis") or "license"
    if f["source"] == "derived" and basis != "license":
        return label("basis", basis)
    return label("source", f["source"])


def _review(r: dict) -> dict:
    reviewer = r.get("reviewer") or {}
    return {
        "reviewer": reviewer.get("name") or reviewer.get("id"),
        "reviewer_kind": reviewer.get("kind"),
        "time": timestamp(r.get("created_at")),
        "decision": r.get("decision"),
        "decision_label": label("decision", r.get("decision")),
        "comment": r.get("comment"),
    }


def _appendix(stored: dict, result: dict, thresholds: dict | None) -> dict:
    policy = result["policy"]
    return {
        "policy": {
            "id": policy["id"],
            "name": policy.get("name"),
            "version": policy["version"],
            "hash": policy.get("hash"),
        },
        "thresholds": dict(thresholds) if thresholds else None,
        "content_hash": (result.get("content") or {}).get("hash"),
        "versions": [
            {"name": k, "version": v}
            for k, v in ((result.get("content") or {}).get("versions") or {}).items()
        ],
        "engine_version": result.get("engine_version"),
        "input_hash": result.get("input_hash"),
        "not_applicable": list(result.get("not_applicable") or []),
        "method": list(METHOD_V2 if "rating_reasons" in result else METHOD),
    }
