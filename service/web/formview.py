"""What the assessment form template needs: field labels, the error summary, catalogue options."""

from __future__ import annotations

from ..application.inputs import WEIGHT_FORMATS
from ..content.model import MODALITIES, Content
from . import forms

FIXED_LABELS = {
    "title": "Assessment title",
    "policy": "Policy",
    "requester.name": "Requester name",
    "requester.email": "Requester e-mail",
    "requester.organisation": "Team or organisation",
    "model.id": "Catalogue model",
    "model.name": "Model name",
    "model.version": "Version",
    "model.publisher": "Publisher",
    "model.publisher_country": "Publisher country",
    "model.license": "Licence",
    "model.source_url": "Where the weights come from",
    "model.weights_format": "Weights format loaded",
    "model.base_models": "Base models",
    "model.modality": "Modalities",
}
PARTS = {
    "value": "answer",
    "note": "note",
    "evidence_url": "evidence link",
    "justification": "justification",
}


def field_labels(content: Content, domains=None) -> dict[str, str]:
    """Every field the form renders, by name, with the label the user sees, in the order the
    form shows them (checklists in the order `domains` gives, else the content's)."""
    labels = dict(FIXED_LABELS)
    for name, spec in content.context.fields.items():
        labels[f"deployment.{name}"] = spec.label
    for domain in domains or content.checklists:
        for item in content.checklists[domain].items:
            for part, word in PARTS.items():
                labels[f"answers.{item.id}.{part}"] = f"{item.id} {item.title}: {word}"
    return labels


def error_summary(placed: dict[str, list[str]], labels: dict[str, str]) -> list[dict]:
    """The summary at the top: one link per message, in form order, to the field's id."""
    order = list(labels)
    entries = []
    for name in sorted(placed, key=lambda n: order.index(n) if n in order else -1):
        for message in placed[name]:
            href = f"#{forms.field_id(name)}" if name else "#form-top"
            text = f"{labels[name]}: {message}" if name in labels else message
            entries.append({"href": href, "text": text})
    return entries


def catalogue(content: Content) -> list[dict]:
    """Catalogue models grouped by publisher, each with the facts the picker pre-fills."""
    groups: dict[str, list[dict]] = {}
    for model in sorted(content.models.values(), key=lambda m: (m.publisher.lower(), m.name)):
        values = forms.catalogue_values(content, model.id)
        groups.setdefault(model.publisher, []).append(
            {
                "id": model.id,
                "name": model.name,
                "prefill": {
                    k.split(".", 1)[1]: ", ".join(v) for k, v in values.items() if k != "model.id"
                },
            }
        )
    return [{"publisher": p, "models": m} for p, m in groups.items()]


def model_card(content: Content, model_id: str) -> dict | None:
    """The catalogue facts shown beside a chosen model."""
    entry = content.model(model_id)
    if entry is None:
        return None
    lic = content.license(entry.license)
    facts = entry.facts
    return {
        "id": entry.id,
        "name": entry.name,
        "publisher": entry.publisher,
        "license": lic.name if lic else entry.license,
        "formats": ", ".join(facts.get("weight_formats") or []) or "—",
        "base_models": ", ".join(entry.base_models) or "none (an original release)",
        "gated": facts.get("gated"),
        "release_date": facts.get("release_date"),
        "parameters_b": facts.get("parameters_b"),
        "notes": facts.get("notes"),
        "verified": facts.get("verified"),
    }


def choices(content: Content) -> dict:
    """Option lists for the fixed selects: licences, weight formats, modalities, policies."""
    return {
        "licenses": sorted(
            ((lic.id, lic.name) for lic in content.licenses.values()), key=lambda p: p[1].lower()
        ),
        "weight_formats": WEIGHT_FORMATS,
        "modalities": MODALITIES,
        "policies": sorted((p.id, p.name) for p in content.policies.values()),
    }
