"""Resolve the assessed model against the catalogue, walk its lineage, derive answers.

Answers are derived from four bases: the licences in the lineage (`derive` rules, per licence),
the sourced publisher and release facts of the catalogue (`derive_from`, basis publisher), the
deployment and model fields of the assessment (`derive_from`, basis deployment) and what the
application verified about the artefact described (`derive_from`, basis artifact).

Pure: content in, plain data out; no Flask, no store, no I/O, no clock (the assessment date is
given).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..content import sourced as sourced_facts
from ..content.model import MEDIA, Content, DeriveRule, Item, License
from . import artifact as artifacts
from . import departures, rules
from . import plan as plans

# Fields of the API's `model` object that describe the model rather than point at the catalogue.
DESCRIBED = (
    "name",
    "version",
    "publisher",
    "license",
    "source_url",
    "weights_format",
    "base_models",
    "publisher_country",
    "modality",
)


def resolve_model(content: Content, given: dict) -> dict:
    """Model facts for rules: catalogue facts first, then whatever the assessor stated."""
    entry = content.model(given.get("id"))
    facts: dict[str, Any] = dict(entry.facts) if entry else {}
    facts["in_catalogue"] = entry is not None
    if entry:
        facts["id"] = entry.id
    # A catalogue fact stated otherwise counts only with the model's justification (departures).
    departed = departures.departures(content, entry, given)
    if not given.get("justification"):
        departed = []  # unjustified: the catalogue's facts stand (validation names the fields)
    elif departed:
        facts["departures"] = departed
        facts["justification"] = given["justification"]
    given = departures.stated(entry, given, departed)
    overridden = [
        k
        for k in DESCRIBED
        if given.get(k) not in (None, "", []) and k in facts and given[k] != facts[k]
    ]
    facts.update({k: v for k, v in given.items() if v not in (None, "", [])})
    formats = facts.get("weight_formats") or []
    facts.setdefault("weights_format", formats[0] if len(formats) == 1 else "unknown")
    modality = facts.get("modality") or ["text"]
    facts["modality"] = modality
    facts["multimodal"] = any(m in MEDIA for m in modality)
    facts.setdefault("name", facts.get("id") or "Unnamed model")
    facts["overridden"] = overridden
    # Which model fields the assessment itself states (a rule may trust only those).
    facts["described"] = [k for k in DESCRIBED if given.get(k) not in (None, "", [])]
    lic = content.license(facts.get("license"))
    if lic:
        facts["license"] = lic.id
    # The catalogue's publisher and release facts, each with its source; not this model's when
    # the assessor describes another publisher. Rules read them as `sourced.*` only.
    facts["sourced"] = entry.sourced if entry and "publisher" not in overridden else {}
    return facts


def lineage(content: Content, model: dict) -> list[dict]:
    """The model and every base model it descends from, nearest first, each with its licence."""
    chain: list[dict] = []
    seen: set[str] = set()
    queue = [(model, None, 0)]
    while queue:
        facts, relation, depth = queue.pop(0)
        key = facts.get("id") or facts.get("name")
        if key in seen:
            continue
        seen.add(key)
        lic = content.license(facts.get("license"))
        chain.append(
            {
                "model": facts.get("id") or facts.get("name"),
                "name": facts.get("name") or key,
                "publisher": facts.get("publisher"),
                "publisher_country": facts.get("publisher_country"),
                "relation": relation,
                "depth": depth,
                "in_catalogue": bool(content.model(key)),
                "license": lic.id if lic else facts.get("license"),
                "license_known": lic is not None,
                "multimodal": facts.get("multimodal", False),
                "modality": facts.get("modality", []),
                "verified": facts.get("verified"),
            }
        )
        for base_id in facts.get("base_models") or []:
            base = content.model(base_id)
            base_facts = dict(base.facts) if base else {"id": base_id, "name": base_id}
            queue.append((base_facts, facts.get("relation") or "derived", depth + 1))
    return chain


@dataclass(frozen=True)
class Derived:
    """An answer read from facts: a licence in the lineage (basis license), a sourced publisher
    or release fact (publisher), the assessment's deployment and model fields (deployment), or
    the verified artefact (artifact). `license` and `license_name` are None outside the license
    basis."""

    item: str
    answer: str
    risk: float
    fact: str
    license: str | None
    license_name: str | None
    origin: str
    source: str | None
    verified: bool
    unverified: tuple[str, ...]
    basis: str = "license"
    uses: tuple[str, ...] = ()  # the sourced facts a publisher-basis answer rests on


def derive_answers(
    content: Content, model: dict, deployment: dict, chain: list[dict], as_of: str | None = None
) -> dict[str, Derived]:
    """Every derived answer: for each item with derive rules the strictest answer any licence in
    the lineage gives (the riskiest; among equals the one listed last), and for each item with
    derive_from rules the first that holds."""
    return _derive_all(content, model, deployment, chain, as_of)[0]


def _derive_all(
    content: Content,
    model: dict,
    deployment: dict,
    chain: list[dict],
    as_of: str | None,
    artifact: dict | None = None,
) -> tuple[dict[str, Derived], list[dict]]:
    """The derived answers and the licence obligations the rules that gave them name."""
    found: dict[str, Derived] = {}
    obligations: dict[tuple[str, str], dict] = {}
    sets = content.context.country_sets
    model = {**model, "lineage_length": len(chain)}  # how many models the lineage holds
    deriving = plans.plan_for(content).deriving
    for entry in chain:
        lic = content.license(entry["license"])
        if lic is None:
            continue
        ctx = {
            "license": lic.facts,
            "origin": _origin(content, model, entry),
            "model": model,
            "deployment": deployment,
        }
        for item in deriving:
            n = next((n for n, r in enumerate(item.derive) if rules.holds(r.when, ctx, sets)), None)
            if n is None:
                continue
            rule = item.derive[n]
            derived = _derived(item, rule, lic, entry, ctx)
            if item.id not in found or _stricter(item, derived, found[item.id]):
                found[item.id] = derived
            if rule.obligation and (lic.id, rule.obligation.kind) not in obligations:
                # The text is the rule's template filled from the licence when read.
                obligations[(lic.id, rule.obligation.kind)] = {
                    "item": item.id,
                    "rule": n,
                    "license": lic.id,
                    "kind": rule.obligation.kind,
                    "origin": entry["name"],
                    "verified": derived.verified,
                }
    found.update(_derive_from(content, model, deployment, as_of, artifact))
    return found, list(obligations.values())


def _stricter(item: Item, new: Derived, old: Derived) -> bool:
    """Whether a lineage member's answer outranks the one found so far: riskier, or as risky and
    listed later among the item's options (options run from the mildest reading to the
    strictest, so a cap within its limit outranks no cap at all)."""
    if new.risk != old.risk or new.answer == old.answer:
        return new.risk > old.risk
    values = [o.value for o in item.options]
    return values.index(new.answer) > values.index(old.answer)


def _derive_from(
    content: Content, model: dict, deployment: dict, as_of, artifact: dict | None
) -> dict[str, Derived]:
    """Answers read once for the assessed model from its sourced facts, the deployment or the
    examined artefact."""
    known = model.get("sourced") or {}
    ctx = {
        "model": model,
        "deployment": deployment,
        "sourced": _rule_facts(known, as_of),
        "artifact": artifacts.rule_facts(artifact),
    }
    sets = content.context.country_sets
    found = {}
    for item in plans.plan_for(content).deriving_from:
        rule = next((r for r in item.derive_from if rules.holds(r.when, ctx, sets)), None)
        if rule is None:
            continue
        used = [known[f] for f in rule.uses]
        unverified = tuple(f for f in rule.uses if not known[f]["verified"])
        source = "; ".join(dict.fromkeys(f["source"] for f in used)) or None
        if rule.basis == "artifact":
            source, unverified = (
                artifacts.source(ctx["artifact"]),
                artifacts.unverified(ctx["artifact"]),
            )
        found[item.id] = Derived(
            item=item.id,
            answer=rule.answer,
            risk=item.option(rule.answer).risk,
            fact=rules.fill(rule.fact, ctx),
            license=None,
            license_name=None,
            origin=model.get("name") or "the model",
            source=source,
            verified=not unverified,
            unverified=unverified,
            basis=rule.basis,
            uses=rule.uses,
        )
    return found


def _rule_facts(known: dict[str, dict], as_of: str | None) -> dict:
    """Sourced facts as rules read them: each value, and a dated one's age on `as_of` in days."""
    out = {}
    for name, fact in known.items():
        out[name] = fact["value"]
        if fact.get("as_of") and as_of:
            out[f"{name}{sourced_facts.AGE}"] = sourced_facts.age_days(fact["as_of"], as_of)
    return out


def _origin(content: Content, model: dict, entry: dict) -> dict:
    """Every fact of the lineage member whose licence is read: catalogue facts, then the entry."""
    if entry["depth"] == 0:
        return {**model, **entry}
    found = content.model(entry["model"])
    return {**(found.facts if found else {}), **entry}


def _derived(item: Item, rule: DeriveRule, lic: License, entry: dict, ctx) -> Derived:
    """The answer a licence's first holding derive rule gives, with what it rests on."""
    unverified = _unverified(rule, lic, entry)
    return Derived(
        item=item.id,
        answer=rule.answer,
        risk=item.option(rule.answer).risk,
        fact=rules.fill(rule.fact, ctx),
        license=lic.id,
        license_name=lic.name,
        origin=entry["name"],
        source=lic.source,
        verified=not unverified,
        unverified=unverified,
    )


def _unverified(rule: DeriveRule, lic: License, entry: dict) -> tuple[str, ...]:
    """The facts behind a derived answer that were not read in a primary text."""
    unverified = tuple(f for f in rule.uses if f in lic.unverified_facts)
    if not lic.verified:
        unverified = unverified or tuple(rule.uses) or ("source",)
    if entry.get("verified") is False:
        # The catalogue's licence assignment for this model was not read in a primary text.
        unverified = (*unverified, "license")
    return unverified


@dataclass(frozen=True)
class Facts:
    """What the engine reads about a model: its resolved facts, lineage, derived answers and the
    licence duties those rules name ({item, rule, license, kind, origin, verified}: the derive
    rule whose obligation it is; the engine lists those whose item applies), and the examined
    artefact they were read with, as given."""

    model: dict
    chain: list[dict]
    derived: dict[str, Derived]
    obligations: list[dict]
    as_of: str | None = None
    artifact: dict | None = None


def facts(
    content: Content,
    given: dict,
    deployment: dict,
    as_of: str | None = None,
    artifact: dict | None = None,
) -> Facts:
    """Resolve the model, walk its lineage and derive the answers, in one go, as of a date;
    `artifact` is the application's examination of `model.artifact` (engine/artifact.py)."""
    model = resolve_model(content, given or {})
    chain = lineage(content, model)
    model["lineage_length"] = len(chain)  # rules of every kind may read it
    derived, obligations = _derive_all(content, model, deployment, chain, as_of, artifact)
    return Facts(model, chain, derived, obligations, as_of, artifact)


def license_refs(content: Content, chain: list[dict]) -> list[dict]:
    """Each distinct licence in the lineage, with the members it applies through.

    A licence of the knowledge base is named by id (its facts are content, joined for reading);
    one outside it is described by its name alone.
    """
    out, seen = [], set()
    for entry in chain:
        lic = content.license(entry["license"])
        key = lic.id if lic else entry["license"]
        if key in seen or key is None:
            continue
        seen.add(key)
        ref = {"id": key, "known": True} if lic else {"id": key, "name": key, "known": False}
        ref["applies_via"] = [e["name"] for e in chain if e["license"] == key]
        out.append(ref)
    return out
