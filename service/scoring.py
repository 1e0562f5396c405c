"""The scoring engine: assessment + content + policy in, an explained result out.

Pure: no Flask, no store, no I/O, no clock. Every point of every score is a finding's points, and
the same input always gives the same result.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from math import floor

from . import lineage as lin
from . import rules
from .content.model import RATINGS, SEVERITIES, UNKNOWN, Content, Item, Option, Policy

ENGINE_VERSION = "1.0.0"


def score(body: dict, content: Content, policy: Policy, facts: lin.Facts | None = None) -> dict:
    """Score one assessment body (the API's shape) against the content and a policy.

    `facts` may pass in `lineage.facts(content, body["model"], body["deployment"])` when the
    caller has worked them out already (validation has); the result is the same either way,
    and it takes the lineage list of `facts` as its own.
    """
    deployment = dict(body.get("deployment") or {})
    if facts is None:
        facts = lin.facts(content, body.get("model") or {}, deployment)
    model, chain, derived = facts.model, facts.chain, facts.derived
    answers = body.get("answers") or {}
    ctx = {"model": model, "deployment": deployment}
    sets = content.context.country_sets
    findings, not_applicable = [], []
    for plan in _plan(content):
        if not plan.applies(ctx, sets):
            not_applicable.append(plan.item.id)
            continue
        findings.append(_finding(plan, answers.get(plan.item.id), derived.get(plan.item.id),
                                 ctx, sets, policy))
    domains = _apportion_domains(findings, content, policy)
    overall = _overall(domains, findings, policy)
    answered_ctx = {**ctx, "answers": {f["item"]: f["answer"] for f in findings}}
    blockers = _blockers(findings, content, answered_ctx) + _stance_blockers(chain, content,
                                                                              policy)
    conditions = _conditions(findings, chain, policy, content)
    decision = _decision(overall["rating"], blockers, findings, conditions, policy)
    findings.sort(key=lambda f: (-f["points"], f["item"]))
    return {
        "overall": overall, "decision": decision, "domains": domains, "blockers": blockers,
        "findings": findings, "conditions": conditions, "not_applicable": not_applicable,
        "model": _model_summary(model), "lineage": chain,
        "licenses": lin.license_summaries(content, chain),
        "policy": {"id": policy.id, "version": policy.version, "hash": policy.hash,
                   "name": policy.name, "thresholds": dict(policy.ratings)},
        "content": {"hash": content.hash, "versions": dict(sorted(content.versions.items()))},
        "engine_version": ENGINE_VERSION,
    }


@dataclass(frozen=True)
class _ItemPlan:
    """An item with its rules compiled once per content, and the finding fields that never vary."""

    item: Item
    applies: rules.Check
    severity_rules: tuple[tuple[rules.Check, int, str], ...]
    blockers: tuple[tuple[rules.Check, float, str], ...]
    options: dict[str, Option]
    static: dict


_PLANS: dict[str, tuple[_ItemPlan, ...]] = {}


def _plan(content: Content) -> tuple[_ItemPlan, ...]:
    if content.hash not in _PLANS:
        _PLANS[content.hash] = tuple(_item_plan(item) for item in content.items.values())
    return _PLANS[content.hash]


def _item_plan(item: Item) -> _ItemPlan:
    static = {"item": item.id, "domain": item.domain, "title": item.title,
              "question": item.question, "base_severity": item.severity,
              "remediation": item.remediation,
              "references": [{"framework": r.framework, "id": r.id} for r in item.references]}
    return _ItemPlan(
        item=item, applies=rules.compile_all(item.applies_when),
        severity_rules=tuple((rules.compile_all(r.when), r.change, r.reason)
                             for r in item.severity_rules),
        blockers=tuple((rules.compile_all(r.when), r.min_risk, r.reason)
                       for r in item.blocker_when),
        options={o.value: o for o in item.options}, static=static)


def input_hash(body: dict) -> str:
    """SHA-256 of the canonical JSON of an assessment body."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _finding(plan: _ItemPlan, given, derived: lin.Derived | None, ctx, sets,
             policy: Policy) -> dict:
    item = plan.item
    given = given if isinstance(given, dict) else ({"value": given} if given else {})
    value, source, override = given.get("value"), "assessor", None
    if derived and resolves(item, value, derived.answer):
        pass
    elif derived and (value in (None, derived.answer) or not given.get("justification")):
        value, source = derived.answer, "derived"
    elif derived:
        override = {"derived_answer": derived.answer, "fact": derived.fact,
                    "justification": given["justification"]}
    severity, reasons = _severity(plan, ctx, sets)
    risk, label, source = _risk(plan, value, source, policy)
    finding = dict(plan.static)
    finding.update(
        answer=value, answer_label=label, source=source, risk=risk,
        risky=risk >= policy.risky_at, weight=policy.severity_weights[severity], points=0.0,
        overall_points=0.0, severity=severity, severity_reasons=reasons,
        reason=_reason(item, label, source, risk, severity, reasons, derived),
        derived=_derived_dict(derived) if derived else None, override=override,
        note=given.get("note"), evidence_url=given.get("evidence_url"))
    return finding


def resolves(item: Item, value, derived_answer: str) -> bool:
    """True when the assessor's answer reports how the derived duty was met (no override)."""
    option = item.option(value) if value else None
    return option is not None and derived_answer in option.resolves


def _derived_dict(d: lin.Derived) -> dict:
    return {"answer": d.answer, "fact": d.fact, "license": d.license,
            "license_name": d.license_name, "origin": d.origin, "source": d.source,
            "verified": d.verified, "unverified_facts": list(d.unverified)}


def _severity(plan: _ItemPlan, ctx, sets) -> tuple[str, list[str]]:
    level, reasons = SEVERITIES.index(plan.item.severity), []
    for check, change, reason in plan.severity_rules:
        if check(ctx, sets):
            level += change
            reasons.append(reason)
    return SEVERITIES[max(0, min(len(SEVERITIES) - 1, level))], reasons


def _risk(plan: _ItemPlan, value, source: str, policy: Policy) -> tuple[float, str, str]:
    if value is None:
        return policy.unanswered_risk, "Not answered", "unanswered"
    if value == UNKNOWN:
        return policy.unknown_risk, "Unknown", "unknown" if source == "assessor" else source
    option = plan.options.get(value)
    if option is None:
        raise ValueError(f"{plan.item.id}: '{value}' is not an option; validate input first")
    return option.risk, option.label, source


def _reason(item, label, source, risk, severity, reasons, derived) -> str:
    weight = f"{round(risk * 100)}% risk on a {severity}-severity item"
    if source == "unanswered":
        text = f"Not answered; the policy counts that as {weight}"
    elif source == "unknown":
        text = f"Answered unknown; the policy counts that as {weight}"
    elif source == "derived":
        text = (f"Derived from {derived.license_name} via {derived.origin}: {derived.fact} "
                f"Answer '{label}', {weight}")
        if not derived.verified:
            text += "; the licence fact behind it is unverified"
    else:
        text = f"Answered '{label}', {weight}"
    if reasons:
        text += f" (base severity {item.severity}; {' '.join(reasons)})"
    return text + "."


def apportion(raw: list[float], total: int) -> list[int]:
    """Whole units per share that add up to `total` exactly (largest remainder, ties in order)."""
    base = [floor(r) for r in raw]
    left = total - sum(base)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - base[i]), i))
    for i in order[:max(0, left)]:
        base[i] += 1
    return base


def _apportion_domains(findings: list[dict], content: Content, policy: Policy) -> dict:
    domains = {}
    for domain in content.checklists:
        mine = sorted((f for f in findings if f["domain"] == domain), key=lambda f: f["item"])
        total_weight = sum(f["weight"] for f in mine)
        raw = [10000 * f["weight"] * f["risk"] / total_weight if total_weight else 0 for f in mine]
        cents = apportion(raw, round(sum(raw)))
        for f, c in zip(mine, cents, strict=True):
            f["points"] = c / 100
            f["_cents"] = c
        score = sum(cents) / 100
        floor_rating = _floor(mine, policy)
        unknown = sum(1 for f in mine if f["source"] in ("unknown", "unanswered"))
        domains[domain] = {
            "title": content.checklists[domain].title, "score": score,
            "rating": _max_rating(policy.rating_for(score), floor_rating),
            "answered": sum(1 for f in mine if f["source"] != "unanswered"),
            "applicable": len(mine), "unknown": unknown,
            "weight": policy.domain_weights[domain],
        }
    return domains


def _overall(domains: dict, findings: list[dict], policy: Policy) -> dict:
    active = {d: v for d, v in domains.items() if v["applicable"]}
    weight_sum = sum(policy.domain_weights[d] for d in active) or 1
    ordered = sorted(findings, key=lambda f: (f["domain"], f["item"]))
    raw = [policy.domain_weights[f["domain"]] / weight_sum * f.pop("_cents") for f in ordered]
    cents = apportion(raw, round(sum(raw)))
    for f, c in zip(ordered, cents, strict=True):
        f["overall_points"] = c / 100
    score = sum(cents) / 100
    worst = max((RATINGS.index(v["rating"]) for v in active.values()), default=0)
    from_worst = RATINGS[max(0, worst - policy.worst_domain_margin)]
    rating = _max_rating(policy.rating_for(score), _floor(findings, policy), from_worst)
    return {"score": score, "rating": rating}


def _floor(findings, policy: Policy) -> str:
    floors = [policy.floors[f["severity"]] for f in findings
              if f["risky"] and f["severity"] in policy.floors]
    return _max_rating(RATINGS[0], *floors)


def _max_rating(*ratings: str) -> str:
    return max(ratings, key=RATINGS.index)


def _blockers(findings, content: Content, ctx) -> list[dict]:
    plans = {p.item.id: p for p in _plan(content)}
    sets = content.context.country_sets
    out = []
    for f in sorted(findings, key=lambda f: f["item"]):
        for check, min_risk, reason in plans[f["item"]].blockers:
            if f["risk"] >= min_risk and check(ctx, sets):
                out.append(_blocker(f, reason))
                break
    return out


def _blocker(f: dict, reason: str) -> dict:
    blocker = {"item": f["item"], "kind": "item", "title": f["title"], "reason": reason,
               "answer": f["answer"], "source": f["source"]}
    if f["derived"] and f["source"] == "derived":
        blocker.update(fact=f["derived"]["fact"], license=f["derived"]["license"],
                       license_source=f["derived"]["source"], origin=f["derived"]["origin"],
                       verified=f["derived"]["verified"])
    return blocker


def _stance(entry: dict, content: Content, policy: Policy) -> str:
    lic = content.license(entry["license"])
    if lic is None:
        return policy.unknown_license_stance
    stance = policy.license_stance
    return stance["licenses"].get(lic.id) or stance["kinds"].get(lic.kind, "review")


def _stance_blockers(chain, content: Content, policy: Policy) -> list[dict]:
    out = []
    for entry in chain:
        if _stance(entry, content, policy) == "deny":
            out.append({"item": "policy", "kind": "license_stance", "title": "Licence denied",
                        "reason": f"Policy {policy.id} denies the licence "
                                  f"'{entry['license'] or 'unknown'}' of {entry['name']}.",
                        "license": entry["license"], "origin": entry["name"]})
    return out


def _conditions(findings, chain, policy: Policy, content: Content) -> list[dict]:
    out = []
    for f in sorted(findings, key=lambda f: (-f["points"], f["item"])):
        if f["risk"] > 0:
            out.append({"item": f["item"], "kind": "remediation", "text": f["remediation"]})
        if f["derived"] and not f["derived"]["verified"]:
            out.append({"item": f["item"], "kind": "verify_fact",
                        "text": f"Confirm against the licence text before relying on it: "
                                f"{f['derived']['fact']}"})
    for entry in chain:
        if _stance(entry, content, policy) == "review":
            out.append({"item": "policy", "kind": "license_review",
                        "text": f"Legal review of the licence '{entry['license'] or 'unknown'}' "
                                f"of {entry['name']}, as policy {policy.id} requires."})
        if entry.get("publisher_country") in policy.publisher_countries_review:
            out.append({"item": "policy", "kind": "publisher_review",
                        "text": f"Extra review of {entry['name']}: its publisher is in "
                                f"{entry['publisher_country']}, which policy {policy.id} lists."})
    applicable = len(findings)
    unknown = sum(1 for f in findings if f["source"] in ("unknown", "unanswered"))
    if applicable and unknown / applicable > policy.max_unknown_share:
        out.append({"item": "policy", "kind": "unknowns",
                    "text": f"Answer the {unknown} items left unknown or unanswered "
                            f"({round(100 * unknown / applicable)}% of {applicable}; policy "
                            f"{policy.id} allows {round(100 * policy.max_unknown_share)}%)."})
    return out


def _decision(rating: str, blockers, findings, conditions, policy: Policy) -> str:
    if blockers:
        return "reject"
    decision = policy.decisions[rating]
    if decision == "approve" and conditions:
        return "approve_with_conditions"
    return decision


def _model_summary(model: dict) -> dict:
    keys = ("id", "name", "version", "publisher", "publisher_country", "license", "modality",
            "multimodal", "weights_format", "base_models", "relation", "release_date",
            "parameters_b", "gated", "source_url", "in_catalogue", "overridden", "family")
    return {k: model.get(k) for k in keys if k in model}
