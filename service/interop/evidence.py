"""The evidence an import observed, by the names prefill rules read, and the answers and hints
those rules give; every answer carries its fact and where the facts were read."""

from __future__ import annotations

from ..content.model import Content, leaves
from ..engine import rules
from .files import shown
from .found import Found


def observed(found: Found, in_catalogue: bool) -> dict:
    """Each name of the content model's EVIDENCE with its value; None where nothing is known."""
    listing, complete = found.listing, found.listing_complete

    def seen(names: list[str]) -> bool | None:
        # A name seen is evidence; an absence only counts in a complete listing.
        return True if names else (False if complete else None)

    lic = found.licence
    licence_files = bool(listing and listing.licence_files)
    evidence = {
        "source": found.source,
        "bom": found.bom,
        "model_card": found.model_card,
        "files_listed": complete,
        "weight_formats": listing.weight_formats if listing else None,
        "pickle": seen(listing.pickle_files) if listing else None,
        "pickle_files": shown(listing.pickle_files) if listing else None,
        "code": True if found.auto_map else seen(listing.code_files) if listing else None,
        "code_files": _code_files(found),
        "opaque": seen(listing.opaque_files) if listing else None,
        "opaque_files": shown(listing.opaque_files) if listing else None,
        "hub_digests": bool(listing and listing.digests) if complete else None,
        "bom_digests": found.bom_digests,
        "signature": seen(listing.signature_files) if listing else None,
        "signature_files": shown(listing.signature_files) if listing else None,
        "gated": found.gated,
        "license": lic.declared,
        "license_declared": lic.declared is not None,
        "license_spdx": lic.spdx,
        "license_custom": lic.custom,
        "license_text": lic.text,
        "license_file": licence_files if complete or licence_files else None,
        "repo_id": found.repo_id,
        "repo_in_catalogue": in_catalogue if found.repo_id else None,
        "relation": found.relation,
        "base_models": tuple(found.base_models) or None,
        "same_namespace_as_base": _same_namespace(found),
    }
    return evidence


def _code_files(found: Found) -> tuple[str, ...] | None:
    names = list(found.listing.code_files) if found.listing else []
    if found.auto_map:
        names.append("auto_map in config.json")
    return shown(names) if names else None


def _same_namespace(found: Found) -> bool | None:
    if not found.repo_id or not found.base_models:
        return None
    mine = found.repo_id.split("/", 1)[0].lower()
    return all(b.split("/", 1)[0].lower() == mine for b in found.base_models)


# Which kind of fact each evidence name is, for the source of a derived answer.
ORIGIN_OF = {
    **dict.fromkeys(
        (
            "files_listed",
            "weight_formats",
            "pickle",
            "pickle_files",
            "opaque",
            "opaque_files",
            "hub_digests",
            "signature",
            "signature_files",
            "license_file",
        ),
        "files",
    ),
    **dict.fromkeys(("code", "code_files"), "code"),
    **dict.fromkeys(
        ("license", "license_declared", "license_spdx", "license_custom", "license_text"), "license"
    ),
    **dict.fromkeys(("repo_id", "repo_in_catalogue"), "repo_id"),
    **dict.fromkeys(("relation", "base_models", "same_namespace_as_base"), "lineage"),
}


def prefill(content: Content, evidence: dict, origins: dict) -> tuple[list[dict], list[dict]]:
    """Answers the evidence settles (first rule that holds) and hints for the items it touches."""
    ctx, sets = {"evidence": evidence}, content.context.country_sets
    derived, hints = [], []
    for item in content.items.values():
        answered = False
        for rule in item.prefill:
            if not rules.holds(rule.when, ctx, sets):
                continue
            fact = " ".join(rules.fill(rule.fact, ctx).split())
            source = _source(rule.when, origins)
            if rule.answer is None:
                hints.append({"field": f"answers.{item.id}", "message": fact, "source": source})
            elif not answered:
                answered = True
                label = item.option(rule.answer).label
                derived.append(
                    {
                        "item": item.id,
                        "title": item.title,
                        "answer": rule.answer,
                        "answer_label": label,
                        "fact": fact,
                        "source": source,
                    }
                )
    return derived, hints


def _source(conds, origins: dict) -> str:
    """Where the facts a rule read came from, in the order the rule reads them."""
    out: list[str] = []
    for cond in leaves(conds):
        name = cond.field.split(".", 1)[1]
        where = origins.get(ORIGIN_OF.get(name, name))
        if where and where not in out:
            out.append(where)
    return "; ".join(out) or "imported document"
