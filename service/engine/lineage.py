"""Resolve the assessed model against the catalogue, walk its lineage, derive licence answers.

Pure: content in, plain data out; no Flask, no store, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..content.model import MEDIA, Content, DeriveRule, Item, License
from . import rules

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
    lic = content.license(facts.get("license"))
    if lic:
        facts["license"] = lic.id
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
    """A licensing answer read from the facts of one licence in the lineage."""

    item: str
    answer: str
    risk: float
    fact: str
    license: str
    license_name: str
    origin: str
    source: str
    verified: bool
    unverified: tuple[str, ...]


def derive_answers(
    content: Content, model: dict, deployment: dict, chain: list[dict]
) -> dict[str, Derived]:
    """For each item with derive rules, the riskiest answer any licence in the lineage gives."""
    found: dict[str, Derived] = {}
    sets = content.context.country_sets
    deriving = [item for item in content.items.values() if item.derive]
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
            derived = _derive_item(item, lic, entry, ctx, sets)
            if derived and (item.id not in found or derived.risk > found[item.id].risk):
                found[item.id] = derived
    return found


def _origin(content: Content, model: dict, entry: dict) -> dict:
    """Every fact of the lineage member whose licence is read: catalogue facts, then the entry."""
    if entry["depth"] == 0:
        return {**model, **entry}
    found = content.model(entry["model"])
    return {**(found.facts if found else {}), **entry}


def _derive_item(item: Item, lic: License, entry: dict, ctx, sets) -> Derived | None:
    """The answer of the item's first derive rule that holds for this licence, or None."""
    rule = next((r for r in item.derive if rules.holds(r.when, ctx, sets)), None)
    if rule is None:
        return None
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
    """What the engine reads about a model: its resolved facts, lineage and derived answers."""

    model: dict
    chain: list[dict]
    derived: dict[str, Derived]


def facts(content: Content, given: dict, deployment: dict) -> Facts:
    """Resolve the model, walk its lineage and derive the licence answers, in one go."""
    model = resolve_model(content, given or {})
    chain = lineage(content, model)
    return Facts(model, chain, derive_answers(content, model, deployment, chain))


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
