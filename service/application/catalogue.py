"""Content queries for clients: checklists, policies, licences, models and the crosswalk.

Plain data out, so a tool can build its own form: every option shows its value, label and risk.
"""

from __future__ import annotations

import dataclasses

from ..content.model import UNKNOWN, Condition, Content, Item
from .errors import InputError, NotFound
from .inputs import field_error


def checklists(content: Content) -> list[dict]:
    """A summary of each checklist (domain, title, version, item count)."""
    return [
        {
            "domain": c.domain,
            "title": c.title,
            "version": c.version,
            "prefix": c.prefix,
            "items": len(c.items),
        }
        for c in content.checklists.values()
    ]


def checklist(content: Content, domain: str) -> dict:
    """One checklist with every item, its options and their risk fractions."""
    found = content.checklists.get(domain)
    if found is None:
        raise NotFound(
            f"There is no checklist '{domain}'; the domains are {', '.join(content.checklists)}."
        )
    return {
        "domain": found.domain,
        "title": found.title,
        "version": found.version,
        "prefix": found.prefix,
        "items": [item_dict(i) for i in found.items],
    }


def item_dict(item: Item) -> dict:
    """One checklist item as plain data (rules as the data they are)."""
    return {
        "id": item.id,
        "domain": item.domain,
        "title": item.title,
        "question": item.question,
        "why": item.why,
        "answer_type": item.answer_type,
        "options": [_option(item, o) for o in item.options],
        "unknown_value": UNKNOWN,
        "severity": item.severity,
        "remediation": item.remediation,
        "references": [{"framework": r.framework, "id": r.id} for r in item.references],
        "applies_when": [_condition(c) for c in item.applies_when],
        "derived_from_license": bool(item.derive),
        "derived_from": sorted(
            ({"license"} if item.derive else set()) | {r.basis for r in item.derive_from}
        ),
    }


def _option(item: Item, o) -> dict:
    """An answer: its value, label and risk, the severity it represents (none without risk),
    the remediation written for it (none: the item's), and whether it means "not done" or
    "in place"."""
    return {
        "value": o.value,
        "label": o.label,
        "risk": o.risk,
        "severity": item.answer_severity(o.value),
        "remediation": o.remediation,
        "absent": o.absent,
        "in_place": o.in_place,
    }


def _condition(cond: Condition) -> dict:
    if cond.any:
        return {"any": [[_condition(c) for c in group] for group in cond.any]}
    out = {"field": cond.field, "op": cond.op}
    out.update({"ref": cond.ref} if cond.ref else {"value": _plain(cond.value)})
    return out


def _plain(value):
    return list(value) if isinstance(value, tuple | frozenset) else value


def deployment_fields(content: Content) -> dict:
    """The deployment-context fields of the body, with their types and allowed values."""
    out = []
    for f in content.context.fields.values():
        entry = {
            "name": f.name,
            "label": f.label,
            "help": f.help,
            "type": f.type,
            "required": f.required,
        }
        if f.options:
            entry["options"] = [{"value": o.value, "label": o.label} for o in f.options]
        entry.update(
            {
                k: v
                for k, v in (
                    ("minimum", f.minimum),
                    ("maximum", f.maximum),
                    ("max_length", f.max_length),
                )
                if v is not None
            }
        )
        out.append(entry)
    sets = {k: sorted(v) for k, v in sorted(content.context.country_sets.items())}
    return {"version": content.context.version, "fields": out, "country_sets": sets}


def policies(content: Content) -> list[dict]:
    """Every policy with its weights, thresholds and licence stance."""
    out = []
    for p in content.policies.values():
        entry = dataclasses.asdict(p)
        entry["publisher_countries_review"] = list(p.publisher_countries_review)
        out.append(entry)
    return out


def licenses(content: Content) -> list[dict]:
    """The facts of every licence in the knowledge base."""
    return [_jsonable(dict(lic.facts)) for lic in content.licenses.values()]


def models(content: Content) -> list[dict]:
    """The facts of every model in the catalogue, with its sourced publisher and release facts."""
    return [_jsonable({**m.facts, "sourced": m.sourced}) for m in content.models.values()]


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset):
        return [_jsonable(v) for v in value]
    return value


def crosswalk(content: Content, framework: str | None = None) -> list[dict]:
    """Per framework and per identifier in it, the checklist items that cite it."""
    if framework is not None and framework not in content.frameworks:
        raise InputError(
            [
                field_error(
                    ("framework",),
                    f"There is no framework '{framework}'; the frameworks are "
                    f"{', '.join(content.frameworks)}.",
                )
            ]
        )
    out = []
    for key, fw in content.frameworks.items():
        if framework is not None and key != framework:
            continue
        cited: dict[str, list[dict]] = {}
        for item in content.items.values():
            for ref in item.references:
                if ref.framework == key:
                    cited.setdefault(ref.id, []).append(
                        {"item": item.id, "domain": item.domain, "title": item.title}
                    )
        out.append(
            {
                "framework": key,
                "name": fw.name,
                "url": fw.url,
                "references": [{"id": rid, "items": items} for rid, items in sorted(cited.items())],
            }
        )
    return out
