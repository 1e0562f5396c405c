"""What an approval asks for: conditions (from risky findings and from the policy), licence and
legal obligations, and the blockers a policy's licence stance sets. A remediation condition is
stored without its text, which is content (the remediation written for the answer given) joined
when the result is read.

A condition comes only from a finding whose answer carries risk, with the remediation written for
that answer, or from a review the policy asks for; each is due as the policy says for its
severity: before go-live, at a follow-up with an owner and a date, or tracked as hygiene. An
obligation is a duty that holds whatever the answers (a licence's attribution or naming, a
law's disclosure): it is listed, not a condition.
"""

from __future__ import annotations

from ..content.model import DUES, Content, Policy
from . import rules
from .plan import Plan

# What a verify_fact condition asks, by what the derived answer rests on.
_VERIFY = {
    "license": "Confirm against the licence text before relying on it: ",
    "publisher": "Confirm against the publisher's own published source before relying on it: ",
    "artifact": "Verify a signature over the files listed before relying on it: ",
}


# Conditions that put the assessor's departure from a known fact in front of a reviewer.
DEPARTURES = ("catalogue_departure", "override")


def conditions(
    findings, by_id: dict, content: Content, chain, policy: Policy, model: dict | None = None
) -> list[dict]:
    """Every condition, those due soonest first; within a due, findings in ranked order, then
    the policy's own."""
    out = _departure(model or {}, policy)
    reviewed = review_met(by_id, policy)
    for f in findings:  # ranked: largest points first, then by item id
        if f["risky"]:
            # The text is the remediation written for the answer, joined when read.
            out.append(_condition(f["item"], "remediation", None, f["severity"], policy))
        if _lowered(f, content):
            out.append(_override(f, policy))
        derived = f["derived"]
        # Legal's review of the licence text (an answer the policy accepts as that review)
        # confirms the licence facts read from the catalogue.
        basis = derived.get("basis", "license") if derived else None
        # A fact relied on (the answer stands as derived) and not read in a primary source.
        relied = derived and f["source"] == "derived" and derived.get("unverified_facts")
        if relied and not (basis == "license" and reviewed):
            prefix = _VERIFY[basis]
            severity = policy.policy_conditions["verify_fact"]
            out.append(
                _condition(f["item"], "verify_fact", prefix + derived["fact"], severity, policy)
            )
    for entry in chain:
        out += _chain_conditions(entry, content, policy, reviewed)
    applicable = len(findings)
    unknown = sum(1 for f in findings if f["source"] in ("unknown", "unanswered"))
    if applicable and unknown / applicable > policy.max_unknown_share:
        text = (
            f"Answer the {unknown} items left unknown or unanswered "
            f"({round(100 * unknown / applicable)}% of {applicable}; policy "
            f"{policy.id} allows {round(100 * policy.max_unknown_share)}%)."
        )
        out.append(
            _condition("policy", "unknowns", text, policy.policy_conditions["unknowns"], policy)
        )
    return sorted(out, key=lambda c: DUES.index(c["due"]))


def _departure(model: dict, policy: Policy) -> list[dict]:
    """A reviewer confirms the catalogue facts the assessment states otherwise (accepted only
    with the model's justification, lineage.resolve_model)."""
    if not model.get("departures"):
        return []
    stated = "; ".join(
        f"{d['field']} {_value(d['given'])} where the catalogue gives {_value(d['catalogue'])}"
        for d in model["departures"]
    )
    text = (
        f"Confirm the departure from the catalogue for {model.get('name')}: {stated}. "
        f"Justification given: {model.get('justification')}"
    )
    severity = policy.policy_conditions["catalogue_departure"]
    return [_condition("policy", "catalogue_departure", text, severity, policy)]


def _value(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return f"'{value}'"


def _lowered(f: dict, content: Content) -> bool:
    """True when an accepted override carries less risk than the fact it departs from."""
    if not f.get("override"):
        return False
    derived = content.items[f["item"]].option(f["override"]["derived_answer"])
    return derived is not None and f["risk"] < derived.risk


def _override(f: dict, policy: Policy) -> dict:
    """A reviewer confirms an answer given below the risk of the fact it was derived from."""
    o = f["override"]
    text = (
        f"Confirm the override of {f['item']}: answered '{f['answer']}' where the facts give "
        f"'{o['derived_answer']}' ({o['fact'].rstrip('.')}). "
        f"Justification given: {o['justification']}"
    )
    return _condition(f["item"], "override", text, policy.policy_conditions["override"], policy)


def _condition(item: str, kind: str, text: str | None, severity: str, policy: Policy) -> dict:
    out = {"item": item, "kind": kind, "due": policy.due[severity], "severity": severity}
    if text is not None:
        out["text"] = text
    return out


def review_met(by_id: dict, policy: Policy) -> bool:
    """True when an answer shows the licence review the policy's stance asks for was done."""
    return any(
        item in by_id and by_id[item]["answer"] in answers
        for item, answers in policy.review_met_by.items()
    )


def stance(entry: dict, content: Content, policy: Policy) -> str:
    """What the policy says of a lineage member's licence: allow, review or deny."""
    lic = content.license(entry["license"])
    if lic is None:
        return policy.unknown_license_stance
    found = policy.license_stance
    return found["licenses"].get(lic.id) or found["kinds"].get(lic.kind, "review")


def stance_blockers(chain, content: Content, policy: Policy) -> list[dict]:
    """A blocker for every lineage member whose licence the policy denies."""
    return [
        {
            "item": "policy",
            "kind": "license_stance",
            "title": "Licence denied",
            "reason": f"Policy {policy.id} denies the licence "
            f"'{entry['license'] or 'unknown'}' of {entry['name']}.",
            "license": entry["license"],
            "origin": entry["name"],
        }
        for entry in chain
        if stance(entry, content, policy) == "deny"
    ]


def _chain_conditions(entry: dict, content: Content, policy: Policy, reviewed: bool) -> list[dict]:
    """The reviews policy asks for a lineage member: its licence (until an answer shows legal
    reviewed it), its publisher's country."""
    out = []
    if stance(entry, content, policy) == "review" and not reviewed:
        text = (
            f"Legal review of the licence '{entry['license'] or 'unknown'}' "
            f"of {entry['name']}, as policy {policy.id} requires."
        )
        severity = policy.policy_conditions["license_review"]
        out.append(_condition("policy", "license_review", text, severity, policy))
    if entry.get("publisher_country") in policy.publisher_countries_review:
        text = (
            f"Extra review of {entry['name']}: its publisher is in "
            f"{entry['publisher_country']}, which policy {policy.id} lists."
        )
        severity = policy.policy_conditions["publisher_review"]
        out.append(_condition("policy", "publisher_review", text, severity, policy))
    return out


def legal_obligations(plan: Plan, truth, ctx, sets) -> list[dict]:
    """The duties applicable items name whatever the answers (a law's, cited by reference);
    stored as the item's rule, whose text is content joined when read."""
    out = []
    for p in plan.obliging:
        if p.applies is not None and not truth[p.applies]:
            continue
        for n, rule in enumerate(p.item.obligations):
            if rules.holds(rule.when, ctx, sets):
                ref = rule.reference
                out.append(
                    {
                        "item": p.id,
                        "rule": n,
                        "kind": rule.kind,
                        "reference": {"framework": ref.framework, "id": ref.id},
                    }
                )
    return out
