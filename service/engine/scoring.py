"""The scoring engine: assessment + content + policy in, an explained result out.

Pure: no Flask, no store, no I/O, no clock. Every point of every score is a finding's points, and
the same input always gives the same result.
"""

from __future__ import annotations

import hashlib
import json
from math import floor

from ..content.model import RATINGS, Content, Item, Policy
from . import lineage as lin
from . import plan as plans
from . import rules

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
    ctx = {"model": facts.model, "deployment": deployment}
    sets = content.context.country_sets
    plan = plans.plan_for(content)
    memos = plans.memos_for(content, policy)
    truth = [rules.holds(conds, ctx, sets) for conds in plan.checks]  # each list once
    answers = body.get("answers") or {}
    by_index: list[dict | None] = [None] * plan.size  # findings in content order
    domains, groups, ranked, floor_index = {}, {}, [], 0
    for domain, title, members in plan.domains:  # content's domain order, items by id
        group, templates = [], []
        for p in members:
            if p.applies is None or truth[p.applies]:
                finding, template = _scored(
                    p, truth, answers.get(p.id), facts.derived, memos[p.index], policy
                )
                by_index[p.index] = finding
                group.append(finding)
                templates.append(template)
        summary, cents = _domain(title, templates, group, policy, plan, ranked)
        summary["weight"] = policy.domain_weights[domain]
        domains[domain], groups[domain] = summary, (group, cents)
        floor_index = max(floor_index, summary.pop("_floor"))
    overall = _overall_points(domains, groups, plan.domain_names, floor_index, policy)
    chain = facts.chain
    blockers = _blockers(by_index, plan, ctx, sets) + _stance_blockers(chain, content, policy)
    ranked.sort()
    findings = [f for _, f in ranked]
    conditions = _conditions(findings, chain, policy, content)
    return {
        "overall": overall,
        "decision": _decision(overall["rating"], blockers, findings, conditions, policy),
        "domains": domains,
        "blockers": blockers,
        "findings": findings,
        "conditions": conditions,
        "not_applicable": [
            p.id for p in plan.items if p.applies is not None and not truth[p.applies]
        ],
        "model": _model_summary(facts.model),
        "lineage": chain,
        "licenses": lin.license_summaries(content, chain),
        "policy": {
            "id": policy.id,
            "version": policy.version,
            "hash": policy.hash,
            "name": policy.name,
            "thresholds": dict(policy.ratings),
        },
        "content": {"hash": content.hash, "versions": dict(plan.versions)},
        "engine_version": ENGINE_VERSION,
    }


def _scored(p, truth, given, derived: dict, memo: dict, policy: Policy) -> tuple:
    """One applicable item's finding, and its Scored template for apportioning.

    Everything but the note, the evidence and what a derived answer adds follows from the
    answer, its source and the severity rules that fire, so the finding is a copy of a template
    memoised under those.
    """
    fired = 0  # which of its severity rules fire, as bits
    for bit, n in enumerate(p.severity_at):
        if truth[n]:
            fired |= 1 << bit
    if not isinstance(given, dict):
        given = {"value": given} if given else {}
    found = derived.get(p.id) if p.derives else None
    value, source, override = given.get("value"), "assessor", None
    if found is not None:
        value, source, override = _resolve(p.item, given, value, found)
    key = (value, fired, source)
    template = memo.get(key) or memo.setdefault(
        key, plans.template(p, value, source, fired, policy)
    )
    finding = template.finding.copy()
    finding["severity_reasons"] = list(template.reasons)
    if found is not None:
        if source == "derived":
            finding["reason"] = (
                f"Derived from {found.license_name} via {found.origin}: {found.fact}"
                f"{template.middle}{'' if found.verified else _UNVERIFIED}{template.end}"
            )
        finding["derived"] = _derived_dict(found)
        finding["override"] = override
    finding["note"] = given.get("note")
    finding["evidence_url"] = given.get("evidence_url")
    return finding, template


def _domain(
    title: str, templates: list, group: list[dict], policy: Policy, plan, ranked: list
) -> tuple[dict, list[int]]:
    """A domain's summary; sets each finding's points (cents that add up to the score exactly)
    and adds the findings to `ranked` as (-cents then item id as one integer, finding)."""
    total_weight = sum([t.weight for t in templates])
    raw = [t.raw / total_weight for t in templates] if total_weight else [0] * len(group)
    cents = apportion(raw, round(sum(raw)))
    for finding, c, t in zip(group, cents, templates, strict=True):
        finding["points"] = c / 100
        ranked.append((t.rank - c * plan.size, finding))
    counted = [t.counted for t in templates]
    floor_index = max([t.floor for t in templates], default=0)
    score_ = sum(cents) / 100
    rating = RATINGS[max(RATINGS.index(policy.rating_for(score_)), floor_index)]
    return {
        "title": title,
        "score": score_,
        "rating": rating,
        "answered": len(counted) - counted.count(2),
        "applicable": len(group),
        "unknown": len(counted) - counted.count(0),
        "_floor": floor_index,
    }, cents


_UNVERIFIED = "; the licence fact behind it is unverified"


def input_hash(body: dict) -> str:
    """SHA-256 of the canonical JSON of an assessment body."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _resolve(item: Item, given: dict, value, derived: lin.Derived) -> tuple:
    """(value, source, override) of an item with a derived answer.

    An answer that reports how the derived duty was met stands; an override needs a
    justification; anything else is the derived answer.
    """
    if resolves(item, value, derived.answer):
        return value, "assessor", None
    if value in (None, derived.answer) or not given.get("justification"):
        return derived.answer, "derived", None
    return (
        value,
        "assessor",
        {
            "derived_answer": derived.answer,
            "fact": derived.fact,
            "justification": given["justification"],
        },
    )


def resolves(item: Item, value, derived_answer: str) -> bool:
    """True when the assessor's answer reports how the derived duty was met (no override)."""
    option = item.option(value) if value else None
    return option is not None and derived_answer in option.resolves


def _derived_dict(d: lin.Derived) -> dict:
    return {
        "answer": d.answer,
        "fact": d.fact,
        "license": d.license,
        "license_name": d.license_name,
        "origin": d.origin,
        "source": d.source,
        "verified": d.verified,
        "unverified_facts": list(d.unverified),
    }


def apportion(raw: list[float], total: int) -> list[int]:
    """Whole units per share that add up to `total` exactly (largest remainder, ties in order)."""
    base = [floor(r) for r in raw]
    left = total - sum(base)
    if left > 0:
        # Largest remainder first; the sort is stable, so ties stay in order.
        remainders = [-(r - b) for r, b in zip(raw, base, strict=True)]
        for i in sorted(range(len(raw)), key=remainders.__getitem__)[:left]:
            base[i] += 1
    return base


def _overall_points(
    domains: dict, groups: dict, names: tuple[str, ...], floor_index: int, policy: Policy
) -> dict:
    """The overall score, apportioned to findings by domain then item id."""
    active = {d: v for d, v in domains.items() if v["applicable"]}
    weight_sum = sum(policy.domain_weights[d] for d in active) or 1
    raw = []
    for name in names:
        share = policy.domain_weights[name] / weight_sum
        raw += [share * c for c in groups[name][1]]
    cents = apportion(raw, round(sum(raw)))
    findings = (f for name in names for f in groups[name][0])
    for f, c in zip(findings, cents, strict=True):
        f["overall_points"] = c / 100
    score = sum(cents) / 100
    worst = max((RATINGS.index(v["rating"]) for v in active.values()), default=0)
    from_worst = max(0, worst - policy.worst_domain_margin)
    rating = RATINGS[max(RATINGS.index(policy.rating_for(score)), floor_index, from_worst)]
    return {"score": score, "rating": rating}


def _blockers(by_index: list, plan: plans.Plan, ctx, sets) -> list[dict]:
    """Item blockers, by item id; their rules may read every answer given."""
    answered_ctx = None
    out = []
    for p in plan.blocking:
        f = by_index[p.index]
        if f is None:
            continue
        for when, min_risk, reason in p.blockers:
            if f["risk"] >= min_risk:
                if answered_ctx is None:
                    answered_ctx = (
                        ctx
                        if not plan.blockers_read_answers
                        else {
                            **ctx,
                            "answers": {x["item"]: x["answer"] for x in by_index if x is not None},
                        }
                    )
                if rules.holds(when, answered_ctx, sets):
                    out.append(_blocker(f, reason))
                    break
    return out


def _blocker(f: dict, reason: str) -> dict:
    blocker = {
        "item": f["item"],
        "kind": "item",
        "title": f["title"],
        "reason": reason,
        "answer": f["answer"],
        "source": f["source"],
    }
    if f["derived"] and f["source"] == "derived":
        blocker.update(
            fact=f["derived"]["fact"],
            license=f["derived"]["license"],
            license_source=f["derived"]["source"],
            origin=f["derived"]["origin"],
            verified=f["derived"]["verified"],
        )
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
            out.append(
                {
                    "item": "policy",
                    "kind": "license_stance",
                    "title": "Licence denied",
                    "reason": f"Policy {policy.id} denies the licence "
                    f"'{entry['license'] or 'unknown'}' of {entry['name']}.",
                    "license": entry["license"],
                    "origin": entry["name"],
                }
            )
    return out


def _conditions(findings, chain, policy: Policy, content: Content) -> list[dict]:
    out = []
    for f in findings:  # sorted: largest points first, then by item id
        if f["risk"] > 0:
            out.append({"item": f["item"], "kind": "remediation", "text": f["remediation"]})
        if f["derived"] and not f["derived"]["verified"]:
            out.append(
                {
                    "item": f["item"],
                    "kind": "verify_fact",
                    "text": f"Confirm against the licence text before relying on it: "
                    f"{f['derived']['fact']}",
                }
            )
    for entry in chain:
        if _stance(entry, content, policy) == "review":
            out.append(
                {
                    "item": "policy",
                    "kind": "license_review",
                    "text": f"Legal review of the licence '{entry['license'] or 'unknown'}' "
                    f"of {entry['name']}, as policy {policy.id} requires.",
                }
            )
        if entry.get("publisher_country") in policy.publisher_countries_review:
            out.append(
                {
                    "item": "policy",
                    "kind": "publisher_review",
                    "text": f"Extra review of {entry['name']}: its publisher is in "
                    f"{entry['publisher_country']}, which policy {policy.id} lists.",
                }
            )
    applicable = len(findings)
    unknown = sum(1 for f in findings if f["source"] in ("unknown", "unanswered"))
    if applicable and unknown / applicable > policy.max_unknown_share:
        out.append(
            {
                "item": "policy",
                "kind": "unknowns",
                "text": f"Answer the {unknown} items left unknown or unanswered "
                f"({round(100 * unknown / applicable)}% of {applicable}; policy "
                f"{policy.id} allows {round(100 * policy.max_unknown_share)}%).",
            }
        )
    return out


def _decision(rating: str, blockers, findings, conditions, policy: Policy) -> str:
    if blockers:
        return "reject"
    decision = policy.decisions[rating]
    if decision == "approve" and conditions:
        return "approve_with_conditions"
    return decision


def _model_summary(model: dict) -> dict:
    keys = (
        "id",
        "name",
        "version",
        "publisher",
        "publisher_country",
        "license",
        "modality",
        "multimodal",
        "weights_format",
        "base_models",
        "relation",
        "release_date",
        "parameters_b",
        "gated",
        "source_url",
        "in_catalogue",
        "overridden",
        "family",
    )
    return {k: model.get(k) for k in keys if k in model}
