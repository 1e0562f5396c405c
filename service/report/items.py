"""The findings as the report prints them: risky ones in full, the rest one line each, and the
references the applicable items cite."""

from __future__ import annotations

from .words import label


def finding(f: dict, blocking: set[str]) -> dict:
    """A risky finding, everything the report prints of it."""
    derived = f.get("derived")
    return {
        "item": f["item"],
        "title": f["title"],
        "question": f["question"],
        "answer": f["answer_label"],
        "source": f["source"],
        "source_label": source_label(f),
        "derived": None
        if not derived
        else {"basis": basis(f)}
        | {
            k: derived.get(k)
            for k in ("fact", "license", "license_name", "origin", "source", "verified")
        }
        | {"unverified_facts": list(derived.get("unverified_facts") or [])},
        "override": f.get("override"),
        "note": f.get("note"),
        "evidence_url": f.get("evidence_url"),
        "points": f["points"],
        "overall_points": f["overall_points"],
        "severity": f["severity"],
        "base_severity": f["base_severity"],
        "severity_reasons": list(f.get("severity_reasons") or []),
        "reason": f["reason"],
        "remediation": f["remediation"],
        "blocker": f["item"] in blocking,
    }


def basis(f: dict) -> str:
    """What a derived answer was read from; a result before verdict model 2 read the licence."""
    return (f.get("derived") or {}).get("basis") or "license"


def source_label(f: dict) -> str | None:
    """Where the answer came from; a derived one names its basis, a licence keeping its label."""
    if f["source"] == "derived" and basis(f) != "license":
        return label("basis", basis(f))
    return label("source", f["source"])


def in_order(result: dict, domains: list[str]) -> list[dict]:
    """Findings in checklist order: domains in the given order, items by id within each."""
    order = {d: n for n, d in enumerate(domains)}
    return sorted(result["findings"], key=lambda f: (order.get(f["domain"], len(order)), f["item"]))


def clear(f: dict) -> dict:
    """A finding whose answer carries no risk: one line of the appendix, no severity."""
    return {
        "item": f["item"],
        "title": f["title"],
        "answer": f["answer_label"],
        "source_short": label("basis_short", basis(f))
        if f["source"] == "derived"
        else label("source_short", f["source"]),
        "points": f["points"],
    }


def references(result: dict) -> list[dict]:
    """The references the applicable items cite, by framework: each id with the items citing it."""
    cited: dict[str, dict[str, list[str]]] = {}
    for f in sorted(result["findings"], key=lambda f: f["item"]):
        for r in f.get("references") or []:
            cited.setdefault(r["framework"], {}).setdefault(r["id"], []).append(f["item"])
    return [
        {"framework": name, "refs": [{"id": ref, "items": items} for ref, items in refs.items()]}
        for name, refs in sorted(cited.items())
    ]
