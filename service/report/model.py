"""The report model: plain JSON-ready data read from a stored assessment, never re-scored."""

from __future__ import annotations

import re
import unicodedata

from . import evidence, items, obligations, reading, summary
from .method import method_for
from .people import excerpt, reviews, signoff
from .words import departures, label, timestamp

PRODUCT = "modelrisk"
REPORT_VERSION = "2"
RENDERER = f"{PRODUCT} report renderer {REPORT_VERSION}"
DOMAIN_ORDER = ("security", "maintenance", "licensing", "misuse")
USE_CASE_SHOWN = 280  # characters of the use case on the decision page; the record has it all
NOT_LICENCE = "Duties that do not come from a licence"
ACCEPTANCE_SHOWN = 300  # characters of a risk acceptance's justification on the decision page


def build(stored: dict, thresholds: dict | None = None) -> dict:
    """The report model of one stored assessment; `thresholds` only if the result lacks them."""
    result = stored["result"]
    body = stored.get("input") or {}
    thresholds = result["policy"].get("thresholds") or thresholds
    blocking = {b["item"] for b in result["blockers"]}
    findings = reading.worst_first(result["findings"], blocking)
    return {
        "product": PRODUCT,
        "report_version": REPORT_VERSION,
        "renderer": RENDERER,
        "title": stored["title"],
        "filename": filename_for(stored),
        "meta": _meta(stored, result),
        "decision": _decision(stored, result, body),
        "signoff": signoff(stored, body),
        "chart": _chart(result, thresholds),
        "blockers": [_blocker(b, result) for b in result["blockers"]],
        "conditions": {
            "reject": result["decision"] == "reject",
            "dated": reading.dated(result),
            "groups": reading.due_groups(result),
            # For a reject, what would change it leads the section.
            "changes": reading.what_changes(result)[:-1] if result["decision"] == "reject" else [],
        },
        "obligations": _obligations(result),
        "licenses": obligations.licenses(result, body),
        "risky": [items.finding(f, blocking) for f in findings if f["risky"]],
        "clear": [
            items.clear(f) for f in items.in_order(result, domain_order(result)) if not f["risky"]
        ],
        **_evidence(stored),
        "references": items.references(result),
        "record": _record(stored, result, body, thresholds),
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


def licence_name(result: dict, licence_id: str | None) -> str | None:
    """The licence's name from the result's licence facts; the id when it is not known."""
    if not licence_id:
        return None
    for lic in result.get("licenses") or []:
        if lic.get("id") == licence_id:
            return lic.get("name") or licence_id
    return licence_id


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
        "creator": RENDERER,
    }


def _decision(stored: dict, result: dict, body: dict) -> dict:
    model = result.get("model") or {}
    requester = body.get("requester") or {}
    policy = result["policy"]
    use = (body.get("deployment") or {}).get("use_case")
    return {
        "title": stored["title"],
        "model": {
            "name": model.get("name") or stored.get("model_name"),
            "id": model.get("id") or stored.get("model_id"),
            "publisher": model.get("publisher"),
            "version": model.get("version"),
            "license": model.get("license"),
            "license_name": licence_name(result, model.get("license")),
            # Only where the result departs from the catalogue (a key of its own, then).
            **({"departures": departures(model)} if departures(model) else {}),
        },
        "requester": ", ".join(
            x
            for x in (
                requester.get("name"),
                requester.get("organisation"),
                requester.get("email"),
            )
            if x
        ),
        "submitted_by": (stored.get("submitted_by") or {}).get("name"),
        "created_at": timestamp(stored.get("created_at")),
        "as_of": result.get("as_of"),
        "expires_at": timestamp(stored.get("expires_at")),
        "assessment_id": stored["id"],
        "revision": stored.get("revision"),
        "previous_id": stored.get("previous_id"),
        "status": label("status", stored.get("status")) or None,
        "rating": result["overall"]["rating"],
        "score": result["overall"]["score"],
        "decision": result["decision"],
        "decision_label": label("decision", result["decision"]),
        "policy": {"id": policy["id"], "name": policy.get("name"), "version": policy["version"]},
        "risk_acceptance": risk_acceptance(stored),
        "reasons": reading.reasons(result),
        "actions": reading.first_actions(result),
        "use_case": excerpt(use, USE_CASE_SHOWN),
        "blockers": len(result["blockers"]),
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
        # The whole comment is in the review history; the decision page quotes its start.
        "justification": excerpt(review.get("comment"), ACCEPTANCE_SHOWN),
    }


def _chart(result: dict, thresholds: dict | None) -> dict:
    return {
        "domains": [
            {
                "domain": d,
                "title": result["domains"][d]["title"],
                "score": result["domains"][d]["score"],
                "rating": result["domains"][d]["rating"],
                "answered": result["domains"][d]["answered"],
                "applicable": result["domains"][d]["applicable"],
                "unknown": result["domains"][d]["unknown"],
                "weight": result["domains"][d]["weight"],
                "reasons": [r["text"] for r in reading.domain_reasons(result, d)],
            }
            for d in domain_order(result)
        ],
        "reasons_recorded": bool(result.get("rating_reasons")),
        "thresholds": dict(thresholds) if thresholds else None,
        "overall": result["overall"]["score"],
    }


def _blocker(b: dict, result: dict) -> dict:
    keys = ("item", "kind", "title", "reason", "answer", "source", "fact", "license", "origin")
    finding = next((f for f in result["findings"] if f["item"] == b["item"]), None)
    return {
        **{k: b.get(k) for k in keys},
        "answer_label": finding["answer_label"] if finding else None,
        "remediation": finding["remediation"] if finding else None,
    }


def _obligations(result: dict) -> list[dict] | None:
    """The duties the engine recorded, by licence (those from no licence last); None for a
    result without them. A source shared by every duty of a group is given once, for the group.
    """
    if "obligations" not in result:
        return None
    by_licence: dict[str, dict] = {}
    for o in result["obligations"]:
        lic = o.get("license")
        entry = by_licence.setdefault(
            lic or "",
            {
                "license": lic,
                "name": o.get("license_name"),
                "heading": f"{o.get('license_name') or lic} ({lic})" if lic else NOT_LICENCE,
                "source": None,
                "rows": [],
            },
        )
        kind = label("obligation", o.get("kind")) or ""
        entry["rows"].append(
            {
                "kind": kind[:1].upper() + kind[1:],
                "text": o.get("text") or "",
                "source": _cited(o),
                "verified": bool(o.get("verified")),
                "licence_fact": bool(lic),
            }
        )
    groups = sorted(by_licence.values(), key=lambda g: g["license"] is None)
    for g in groups:
        cited = {r["source"] for r in g["rows"]}
        if len(g["rows"]) > 1 and len(cited) == 1:
            g["source"] = cited.pop()
            for r in g["rows"]:
                r["source"] = None
    return groups


def _cited(o: dict) -> str | None:
    """Where a duty comes from: the model it reaches the deployment through, and its source."""
    parts = [x for x in (f"via {o['origin']}" if o.get("origin") else "", o.get("source")) if x]
    return "; ".join(parts) or None


def _record(stored: dict, result: dict, body: dict, thresholds: dict | None) -> dict:
    policy = result["policy"]
    model = result.get("model") or {}
    return {
        "proposal": summary.proposal(
            stored, result, body, licence_name(result, model.get("license"))
        ),
        "deployment": summary.deployment(body),
        "coverage": summary.coverage(result),
        "reviews": reviews(stored),
        "audit_head": stored.get("audit_head"),
        "archived": bool(stored.get("report_archived")),
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
        "renderer": RENDERER,
        "input_hash": result.get("input_hash"),
        "as_of": result.get("as_of"),
        "not_applicable": list(result.get("not_applicable") or []),
        "method": method_for(result),
    }
