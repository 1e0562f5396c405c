"""Licence obligations for the report: one table of terms per licence in the model's lineage."""

from __future__ import annotations

from .words import human

COMMERCIAL = {
    "yes": "Commercial use is permitted.",
    "no": "Commercial use is not permitted.",
    "conditional": "Commercial use is permitted on conditions.",
}
OUTPUTS = {
    "allowed": "Outputs may be used freely, including to train other models.",
    "allowed_with_naming": "Outputs may train other models if the new model is named as the "
    "licence requires.",
    "family_only": "Outputs may train only models of the same family.",
    "derivative_passthrough": "A model trained on outputs to perform like this one is a "
    "derivative and inherits this licence.",
    "research_only": "Outputs may train other models for research only.",
    "forbidden": "Outputs may not be used to train other models.",
}
TERRITORIAL = {
    "none": "No territorial limit.",
    "eu_multimodal_excluded": "Rights to the multimodal models are withheld from individuals and "
    "companies established in the EU.",
}
PASS_THROUGH = {
    "none": "No terms need to be passed on to users or recipients.",
    "share_alike": "Adaptations must be shared under the same licence.",
    "use_restrictions": "The use restrictions must be passed on as enforceable terms to users "
    "and recipients.",
}
PATENT = {
    "express_grant": "Express patent grant.",
    "ip_suit_termination": "Rights end for a licensee who sues over the model's IP.",
    "none": "No express patent grant.",
    "not_licensed": "Patents are not licensed.",
}
UNKNOWN_LICENCE = (
    "This licence is not in the licence knowledge base: read every obligation from "
    "the licence text before approval."
)


def licenses(result: dict, body: dict) -> list[dict]:
    """For each licence in the lineage: its terms as rows, each marked if the fact is unverified."""
    deployment = body.get("deployment") or {}
    return [_license(lic, deployment) for lic in result.get("licenses") or []]


def _license(lic: dict, deployment: dict) -> dict:
    head = {
        "id": lic.get("id"),
        "name": lic.get("name") or lic.get("id"),
        "known": bool(lic.get("known")),
        "kind": lic.get("kind"),
        "verified": bool(lic.get("verified")),
        "applies_via": list(lic.get("applies_via") or []),
        "url": lic.get("url"),
        "source": lic.get("source"),
    }
    if not head["known"]:
        return {**head, "note": UNKNOWN_LICENCE, "rows": []}
    unverified = set(lic.get("unverified_facts") or [])
    rows = [
        ("Commercial terms", _commercial(lic), ("commercial", "revenue_cap_usd")),
        ("User cap", _cap(lic, deployment), ("mau_cap", "mau_measured")),
        (
            "Attribution",
            lic.get("attribution") or "No attribution duty recorded.",
            ("attribution",),
        ),
        ("Naming", lic.get("naming") or "No naming duty recorded.", ("naming",)),
        ("Acceptable-use policy", _aup(lic), ("acceptable_use", "field_of_use")),
        (
            "Use of outputs",
            OUTPUTS.get(lic.get("output_training"), human(lic.get("output_training"))),
            ("output_training",),
        ),
        ("Territorial limits", _territorial(lic, deployment), ("territorial",)),
        ("Passing terms on", _pass_through(lic), ("pass_through", "hosting_is_distribution")),
        ("Patents", PATENT.get(lic.get("patent"), human(lic.get("patent"))), ("patent",)),
    ]
    if lic.get("governing_law"):
        rows.append(("Governing law", lic["governing_law"], ("governing_law",)))
    if lic.get("notes"):
        rows.append(("Notes", lic["notes"], ("notes",)))
    return {
        **head,
        "note": None,
        "rows": [
            {
                "label": label,
                "text": text,
                "unverified": not head["verified"] or bool(unverified.intersection(facts)),
            }
            for label, text, facts in rows
        ],
    }


def _commercial(lic: dict) -> str:
    text = COMMERCIAL.get(lic.get("commercial"), human(lic.get("commercial")))
    if lic.get("revenue_cap_usd"):
        text += f" Revenue cap: USD {lic['revenue_cap_usd']:,}."
    return text


def _cap(lic: dict, deployment: dict) -> str:
    cap = lic.get("mau_cap")
    if not cap:
        return "No cap on users."
    text = f"Cap of {cap:,} monthly active users"
    if lic.get("mau_measured"):
        text += f". Counted as: {lic['mau_measured'].strip().rstrip('.')}"
    expected = [
        (deployment.get("monthly_active_users"), "this deployment"),
        (deployment.get("organisation_monthly_active_users"), "the organisation"),
    ]
    stated = [(n, who) for n, who in expected if n is not None]
    if not stated:
        return text + ". Expected users: not stated."
    parts = [
        f"{n:,} for {who} ({'ABOVE the cap' if n > cap else 'within the cap'})" for n, who in stated
    ]
    return text + ". Expected: " + "; ".join(parts) + "."


def _aup(lic: dict) -> str:
    aup = lic.get("acceptable_use") or {}
    fields_of_use = lic.get("field_of_use") or []
    if not aup and not fields_of_use:
        return "No acceptable-use policy recorded."
    parts = []
    if aup:
        parts.append(f"Applies{': ' + aup['url'] if aup.get('url') else ''}.")
        if aup.get("prohibited"):
            parts.append("Prohibits: " + "; ".join(human(p) for p in aup["prohibited"]) + ".")
    if fields_of_use:
        parts.append(
            "Restricted fields of use: " + ", ".join(human(f) for f in fields_of_use) + "."
        )
    return " ".join(parts)


def _territorial(lic: dict, deployment: dict) -> str:
    text = TERRITORIAL.get(lic.get("territorial"), human(lic.get("territorial")))
    if lic.get("territorial") not in (None, "none"):
        where = (
            [f"deployer established in {deployment['deployer_country']}"]
            if deployment.get("deployer_country")
            else []
        )
        if deployment.get("user_regions"):
            where.append("users in " + ", ".join(deployment["user_regions"]))
        if where:
            text += " This deployment: " + "; ".join(where) + "."
    return text


def _pass_through(lic: dict) -> str:
    text = PASS_THROUGH.get(lic.get("pass_through"), human(lic.get("pass_through")))
    if lic.get("hosting_is_distribution"):
        text += " Offering the model as a hosted service counts as distribution."
    return text
