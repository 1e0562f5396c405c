"""The scoring engine: assessment + content + policy in, the result document out.

Pure: no Flask, no store, no I/O, no clock (the assessment date is given). Every point of every
score is a finding's points, every rating and decision has its reasons, and the same input always
gives the same result. The result is lean (document.py): it holds what is particular to the
assessment; document.explain joins the content it cites for reading.

The rule (policy `rating: worst`): a domain is rated by the worst effective severity among its
risky findings (low when none), the deployment by its worst domain; the policy's score thresholds
may raise a rating, never lower it. Blockers reject; otherwise the policy maps the rating to a
decision, and an approval with a condition due before go-live or at follow-up is conditional.
"""

from __future__ import annotations

import hashlib
import json
from math import floor

from ..content.model import RATINGS, UNKNOWN, Content, Policy
from . import conditions as conds
from . import document, reasons, rules
from . import lineage as lin
from . import plan as plans
from .findings import finding

ENGINE_VERSION = "2.0.0"
_COUNTED = {"unknown": 1, "unanswered": 2}  # answered 0; how a finding counts in a domain


def score(
    body: dict,
    content: Content,
    policy: Policy,
    facts: lin.Facts | None = None,
    as_of: str | None = None,
    artifact: dict | None = None,
) -> dict:
    """Score one assessment body (the API's shape) against the content and a policy, as of the
    assessment date `as_of` (YYYY-MM-DD; dated facts and duties are read against it).

    `artifact` is what the caller established about `model.artifact` (its manifest digest and
    signature outcome; engine/artifact.py): the engine verifies nothing itself. `facts` may pass
    in `lineage.facts(content, body["model"], body["deployment"], as_of, artifact)` when the
    caller has worked them out already (validation has); the result is the same either way.
    """
    deployment = dict(body.get("deployment") or {})
    if facts is None:
        facts = lin.facts(content, body.get("model") or {}, deployment, as_of, artifact)
    as_of = as_of or facts.as_of
    ctx = {"model": facts.model, "deployment": deployment}
    sets = content.context.country_sets
    plan = plans.plan_for(content)
    truth = [rules.holds(c, ctx, sets) for c in plan.checks]  # each list once
    answers = body.get("answers") or {}
    groups: dict[str, list[tuple[dict, int]]] = {}  # domain -> [(finding, rank)] by item id
    for domain, members in plan.domains:
        groups[domain] = [
            (
                finding(p, truth, answers.get(p.id), facts.derived.get(p.id), policy),
                p.rank,
            )
            for p in members
            if p.applies is None or truth[p.applies]
        ]
    domains, cents = {}, {}
    for domain, group in groups.items():
        domains[domain], cents[domain] = _domain(domain, [f for f, _ in group], policy)
    overall = _overall(domains, groups, cents, plan.domain_names, policy)
    # Largest points first, then by item id.
    ranked = [
        (f, c, rank)
        for d, group in groups.items()
        for (f, rank), c in zip(group, cents[d], strict=True)
    ]
    findings = [f for f, _, _ in sorted(ranked, key=lambda t: (-t[1], t[2]))]
    chain = facts.chain
    by_id = {f["item"]: f for f in findings}
    not_applicable = [p.id for p in plan.items if p.applies is not None and not truth[p.applies]]
    skipped = set(not_applicable)
    blockers = _blockers(by_id, plan, ctx, sets, facts.derived) + conds.stance_blockers(
        chain, content, policy
    )
    conditions = conds.conditions(findings, by_id, content, chain, policy, facts.model)
    members = {d: [f for f, _ in group] for d, group in groups.items()}
    why = reasons.rating_reasons(findings, members, domains, overall, content, policy)
    decision, why["decision"] = reasons.decision(
        overall["rating"], blockers, conditions, by_id, policy
    )
    return {
        "format": document.FORMAT,
        "as_of": as_of,
        "overall": overall,
        "decision": decision,
        "rating_reasons": why,
        "domains": domains,
        "blockers": blockers,
        "findings": findings,
        "conditions": conditions,
        "obligations": [o for o in facts.obligations if o["item"] not in skipped]
        + conds.legal_obligations(plan, truth, ctx, sets),
        "not_applicable": not_applicable,
        "model": _model_summary(facts.model),
        "lineage": chain,
        "licenses": lin.license_refs(content, chain),
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


def _domain(domain: str, group: list[dict], policy: Policy) -> tuple[dict, list[int]]:
    """A domain's summary; sets each finding's points, in cents that add up to the score."""
    total_weight = sum(f["weight"] for f in group)
    raw = (
        [10000 * f["weight"] * f["risk"] / total_weight for f in group]
        if total_weight
        else [0] * len(group)
    )
    cents = apportion(raw, round(sum(raw)))
    for f, c in zip(group, cents, strict=True):
        f["points"] = c / 100
    counted = [_COUNTED.get(f["source"], 0) for f in group]
    score_ = sum(cents) / 100
    return {
        "score": score_,
        "rating": RATINGS[max(worst(group), RATINGS.index(policy.rating_for(score_)))],
        "answered": len(counted) - counted.count(2),
        "applicable": len(group),
        "unknown": len(counted) - counted.count(0),
        "weight": policy.domain_weights[domain],
    }, cents


def worst(findings) -> int:
    """The worst effective severity among risky findings, as a level (low when none)."""
    return max((RATINGS.index(f["severity"]) for f in findings if f["risky"]), default=0)


def input_hash(body: dict) -> str:
    """SHA-256 of the canonical JSON of an assessment body."""
    return hashlib.sha256(canonical(body).encode()).hexdigest()


def canonical(body: dict) -> str:
    """The canonical JSON of a body: sorted keys, no spaces, text as it is."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


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


def _overall(domains: dict, groups: dict, cents: dict, names, policy: Policy) -> dict:
    """The overall score, apportioned to findings by domain then item id; and its rating: the
    worst domain's, raised by the score's threshold."""
    active = [d for d, v in domains.items() if v["applicable"]]
    weight_sum = sum(policy.domain_weights[d] for d in active) or 1
    raw = []
    for name in names:
        share = policy.domain_weights[name] / weight_sum
        raw += [share * c for c in cents[name]]
    shares = apportion(raw, round(sum(raw)))
    in_order = (f for name in names for f, _ in groups[name])
    for f, c in zip(in_order, shares, strict=True):
        f["overall_points"] = c / 100
    score_ = sum(shares) / 100
    worst_domain = max((RATINGS.index(domains[d]["rating"]) for d in active), default=0)
    base = RATINGS.index(policy.rating_for(score_))
    return {"score": score_, "rating": RATINGS[max(base, worst_domain)]}


def _blockers(by_id: dict, plan: plans.Plan, ctx, sets, derived: dict) -> list[dict]:
    """Item blockers, by item id; their rules may read every answer given, where an item left
    unanswered reads as `unknown` (neither is known to be safe)."""
    if plan.blockers_read_answers:
        answers = {
            f["item"]: UNKNOWN if f["answer"] is None else f["answer"] for f in by_id.values()
        }
        ctx = {**ctx, "answers": answers}
    out = []
    for p in plan.blocking:
        f = by_id.get(p.id)
        if f is None:
            continue
        for when, min_risk, reason in p.blockers:
            if f["risk"] >= min_risk and rules.holds(when, ctx, sets):
                out.append(_blocker(f, p.item.title, reason, derived.get(p.id)))
                break
    return out


def _blocker(f: dict, title: str, reason: str, found: lin.Derived | None) -> dict:
    blocker = {
        "item": f["item"],
        "kind": "item",
        "title": title,
        "reason": reason,
        "answer": f["answer"],
        "source": f["source"],
    }
    if found is not None and f["source"] == "derived":
        blocker.update(
            fact=found.fact,
            license=found.license,
            license_source=found.source,
            origin=found.origin,
            verified=found.verified,
        )
    return blocker


MODEL_KEYS = (
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
    "departures",
    "justification",
)


def _model_summary(model: dict) -> dict:
    return {k: model.get(k) for k in MODEL_KEYS if k in model}
