"""The scoring engine: assessment + content + policy in, an explained result out.

Pure: no Flask, no store, no I/O, no clock. Every point of every score is a finding's points, and
the same input always gives the same result.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from math import floor
from typing import NamedTuple

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
    ctx = {"model": facts.model, "deployment": deployment}
    sets = content.context.country_sets
    plan = _plan(content)
    memos = _memos(content, policy)
    truth = [check(ctx, sets) for check in plan.checks]  # each distinct condition list, once
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
    """One applicable item's finding, and its _Scored template for apportioning.

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
    template = memo.get(key) or memo.setdefault(key, _template(p, value, source, fired, policy))
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


@dataclass(frozen=True)
class _ItemPlan:
    """An item with its rules compiled once per content, and the finding fields that never vary."""

    item: Item
    id: str
    index: int  # position in the content (the order of not_applicable)
    rank: int  # position by item id (ties in the findings' order)
    applies: int | None  # where its applies_when is in _Plan.checks; None: always applies
    severity_rules: tuple[tuple[int, int, str], ...]  # (where in _Plan.checks, change, reason)
    severity_at: tuple[int, ...]  # where each severity rule is in _Plan.checks
    derives: bool  # has derive rules
    blockers: tuple[tuple[rules.Check, float, str], ...]
    options: dict[str, Option]
    static: dict


@dataclass(frozen=True)
class _Plan:
    items: tuple[_ItemPlan, ...]  # content order
    # Every distinct condition list of applies_when and severity rules, compiled: 38 lists
    # stand for 168, so each is tested once per assessment.
    checks: tuple[rules.Check, ...]
    # (domain, title, its item plans by id)
    domains: tuple[tuple[str, str, tuple[_ItemPlan, ...]], ...]
    domain_names: tuple[str, ...]  # sorted: the order in which overall points are apportioned
    blocking: tuple[_ItemPlan, ...]  # items with blocker rules, by id
    blockers_read_answers: bool
    size: int
    versions: tuple[tuple[str, str], ...]


_PLANS: dict[str, _Plan] = {}


def _plan(content: Content) -> _Plan:
    if content.hash not in _PLANS:
        ids = sorted(content.items)
        checks: dict[str, tuple[int, rules.Check]] = {}

        def at(conds) -> int:
            key = repr(tuple(conds))
            if key not in checks:
                checks[key] = (len(checks), rules.compile_all(conds))
            return checks[key][0]

        items = tuple(
            _item_plan(item, n, ids.index(item.id), at)
            for n, item in enumerate(content.items.values())
        )
        by_id = sorted(items, key=lambda p: p.rank)
        domains = tuple(
            (
                d,
                c.title,
                tuple(p for p in by_id if p.item.domain == d),
            )
            for d, c in content.checklists.items()
        )
        _PLANS[content.hash] = _Plan(
            items=items,
            checks=tuple(check for _, check in checks.values()),
            domains=domains,
            domain_names=tuple(sorted(content.checklists)),
            blocking=tuple(p for p in by_id if p.blockers),
            blockers_read_answers=any(
                _reads(rule.when, "answers")
                for item in content.items.values()
                for rule in item.blocker_when
            ),
            size=len(items),
            versions=tuple(sorted(content.versions.items())),
        )
    return _PLANS[content.hash]


def _item_plan(item: Item, index: int, rank: int, at) -> _ItemPlan:
    static = {
        "item": item.id,
        "domain": item.domain,
        "title": item.title,
        "question": item.question,
        "base_severity": item.severity,
        "remediation": item.remediation,
        "references": [{"framework": r.framework, "id": r.id} for r in item.references],
    }
    return _ItemPlan(
        item=item,
        id=item.id,
        index=index,
        rank=rank,
        applies=at(item.applies_when) if item.applies_when else None,
        severity_rules=tuple((at(r.when), r.change, r.reason) for r in item.severity_rules),
        severity_at=tuple(at(r.when) for r in item.severity_rules),
        derives=bool(item.derive),
        blockers=tuple(
            (rules.compile_all(r.when), r.min_risk, r.reason) for r in item.blocker_when
        ),
        options={o.value: o for o in item.options},
        static=static,
    )


def _reads(conds, scope: str) -> bool:
    """Whether any condition reads a field (or a ref) of `scope`."""
    prefix = f"{scope}."
    return any(_reads(group, scope) for c in conds for group in c.any) or any(
        (c.field or "").startswith(prefix) or (c.ref or "").startswith(prefix) for c in conds
    )


# Per content and policy, one memo per item: (answer, severity rules fired) -> _Template.
# Bounded by the content (items x options x severity outcomes), never by the inputs scored.
_MEMOS: dict[tuple, tuple[dict, ...]] = {}


def _memos(content: Content, policy: Policy) -> tuple[dict, ...]:
    # Keyed by the policy values a finding reads, not by its id and hash: a policy built in
    # code (tests do) may carry the hash of the file it was changed from.
    key = (
        content.hash,
        policy.risky_at,
        policy.unknown_risk,
        policy.unanswered_risk,
        tuple(policy.severity_weights.items()),
        tuple(policy.floors.items()),
    )
    memos = _MEMOS.get(key)
    if memos is None:
        memos = _MEMOS[key] = tuple({} for _ in content.items)
    return memos


class _Scored(NamedTuple):
    """A memoised finding and what apportioning needs from it."""

    finding: dict
    weight: float
    raw: float  # 10000 * weight * risk: the finding's share before apportioning, in cents
    counted: int  # 0 answered, 1 unknown, 2 unanswered
    floor: int  # the rating index a risky answer of this severity floors the rating to
    reasons: tuple[str, ...]  # the severity rules' reasons
    rank: int  # the item's place by id
    middle: str  # a derived answer's reason after the licence fact ...
    end: str  # ... and its end


_COUNTED = {"unknown": 1, "unanswered": 2}


def _template(plan: _ItemPlan, value, source: str, fired: int, policy: Policy) -> _Scored:
    """The finding for an answer from a source ("assessor" or "derived") with these severity
    rules firing, and what apportioning needs from it; a derived answer's reason is left to
    the caller, as (middle, end) of its text after the licence fact."""
    severity, reasons = _severity(plan, fired)
    risk, label, source = _risk(plan, value, source, policy)
    finding = dict(plan.static)
    finding.update(
        answer=value,
        answer_label=label,
        source=source,
        risk=risk,
        risky=risk >= policy.risky_at,
        weight=policy.severity_weights[severity],
        points=0.0,
        overall_points=0.0,
        severity=severity,
        severity_reasons=reasons,
        reason=_reason(plan.item, label, source, risk, severity, reasons),
        derived=None,
        override=None,
        note=None,
        evidence_url=None,
    )
    floor_index = 0
    if finding["risky"] and severity in policy.floors:
        floor_index = RATINGS.index(policy.floors[severity])
    middle = f" Answer '{label}', {_weight(risk, severity)}"
    end = _severity_note(plan.item, reasons) + "."
    return _Scored(
        finding=finding,
        weight=finding["weight"],
        raw=10000 * finding["weight"] * risk,
        counted=_COUNTED.get(source, 0),
        floor=floor_index,
        reasons=tuple(reasons),
        rank=plan.rank,
        middle=middle,
        end=end,
    )


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


def _severity(plan: _ItemPlan, fired: int) -> tuple[str, list[str]]:
    """The effective severity and the reasons of the severity rules that fire (bits of fired)."""
    level, reasons = SEVERITIES.index(plan.item.severity), []
    for bit, (_n, change, reason) in enumerate(plan.severity_rules):
        if fired & (1 << bit):
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


def _reason(item, label, source, risk, severity, reasons) -> str | None:
    """Why a finding counts; None for a derived answer (its reason names the licence fact)."""
    weight = _weight(risk, severity)
    if source == "unanswered":
        text = f"Not answered; the policy counts that as {weight}"
    elif source == "unknown":
        text = f"Answered unknown; the policy counts that as {weight}"
    elif source == "derived":
        return None
    else:
        text = f"Answered '{label}', {weight}"
    return text + _severity_note(item, reasons) + "."


def _weight(risk: float, severity: str) -> str:
    return f"{round(risk * 100)}% risk on a {severity}-severity item"


def _severity_note(item, reasons) -> str:
    return f" (base severity {item.severity}; {' '.join(reasons)})" if reasons else ""


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


def _blockers(by_index: list, plan: _Plan, ctx, sets) -> list[dict]:
    """Item blockers, by item id; their rules may read every answer given."""
    answered_ctx = None
    out = []
    for p in plan.blocking:
        f = by_index[p.index]
        if f is None:
            continue
        for check, min_risk, reason in p.blockers:
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
                if check(answered_ctx, sets):
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
