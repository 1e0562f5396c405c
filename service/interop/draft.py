"""Turn what an importer found into an assessment-body draft: model fields, lineage, licence,
answers the evidence settles (each with its fact and source) and warnings for the rest."""

from __future__ import annotations

from ..content.model import Content
from . import evidence as observed
from .found import Found

# The Hub's task vocabulary (pipeline_tag; a BOM's modelCard task) read as the media a model
# takes or gives. A task not listed here is reported, not guessed.
TASK_MODALITIES = {
    **dict.fromkeys(
        (
            "text-generation",
            "text2text-generation",
            "summarization",
            "translation",
            "fill-mask",
            "feature-extraction",
            "sentence-similarity",
            "text-classification",
            "token-classification",
            "question-answering",
            "zero-shot-classification",
            "table-question-answering",
        ),
        ("text",),
    ),
    **dict.fromkeys(
        (
            "image-text-to-text",
            "visual-question-answering",
            "image-to-text",
            "document-question-answering",
            "text-to-image",
        ),
        ("text", "image"),
    ),
    **dict.fromkeys(
        ("automatic-speech-recognition", "text-to-speech", "text-to-audio", "audio-text-to-text"),
        ("text", "audio"),
    ),
    **dict.fromkeys(("video-text-to-text", "text-to-video"), ("text", "video")),
}
HUB = "https://huggingface.co/"


def build(content: Content, found: Found) -> dict:
    """The draft: {format, body, derived, license, lineage, weight_formats, evidence, warnings}."""
    warnings = list(found.warnings)
    entry = content.model(found.repo_id)
    model = _catalogued(content, found, entry, warnings) if entry else _described(found, warnings)
    evidence = observed.observed(found, entry is not None)
    derived, hints = observed.prefill(content, evidence, found.origins)
    warnings += found.licence.warnings if not entry else []
    warnings += hints
    return {
        "format": found.source,
        "body": {
            "model": model,
            "answers": {
                d["item"]: {"value": d["answer"], "note": f"From the {d['source']}: {d['fact']}"}
                for d in derived
            },
        },
        "derived": derived,
        "license": {
            "declared": found.licence.declared,
            "spdx": found.licence.spdx,
            "mapped": found.licence.mapped,
        },
        "lineage": [
            {"model": b, "relation": found.relation, "in_catalogue": content.model(b) is not None}
            for b in found.base_models
        ],
        "weight_formats": list(found.listing.weight_formats) if found.listing else [],
        "evidence": {k: list(v) if isinstance(v, tuple) else v for k, v in evidence.items()},
        "warnings": warnings,
    }


def _catalogued(content: Content, found: Found, entry, warnings: list[dict]) -> dict:
    """A catalogue model: its id, plus what the evidence adds; conflicts become warnings."""
    model = {"id": entry.id}
    if found.version:
        model["version"] = found.version
    fmt = _one_format(found, warnings)
    if fmt:
        model["weights_format"] = fmt
    mapped = found.licence.mapped
    if found.licence.declared and mapped != entry.license:
        warnings.append(
            {
                "field": "model.license",
                "message": f"the document declares '{found.licence.declared}' but the catalogue "
                f"records {entry.license} for {entry.id}; the catalogue's licence applies unless "
                "you state another",
            }
        )
    for base in found.base_models:
        known = content.model(base)
        if base in entry.base_models or (known and known.license == entry.license):
            continue  # the catalogue's lineage already binds it, or it adds no other licence
        warnings.append(
            {
                "field": "model.base_models",
                "message": f"the document names base model '{base}', which the catalogue does "
                f"not list for {entry.id}; add it if its licence also binds this model",
            }
        )
    return model


def _described(found: Found, warnings: list[dict]) -> dict:
    """A model outside the catalogue, described field by field from the evidence."""
    model = {}
    name = found.repo_id or found.name
    if name:
        model["name"] = name
    else:
        warnings.append({"field": "model.name", "message": "the document names no model"})
    if found.repo_id and not found.publisher:
        found.publisher = found.repo_id.split("/", 1)[0]
    for key in ("version", "publisher"):
        if getattr(found, key):
            model[key] = getattr(found, key)
    if found.source_url or found.repo_id:
        model["source_url"] = found.source_url or HUB + found.repo_id
    if found.licence.mapped:
        model["license"] = found.licence.mapped
    elif not found.licence.declared:
        warnings.append({"field": "model.license", "message": "the document declares no licence"})
    if found.base_models:
        model["base_models"] = list(found.base_models)
        if not found.relation:
            warnings.append(
                {
                    "field": "model.base_models",
                    "message": "base models are named without base_model_relation; say whether "
                    "this is a fine-tune, adapter, merge or quantized variant",
                }
            )
    modality = _modality(found, warnings)
    if modality:
        model["modality"] = modality
    fmt = _one_format(found, warnings)
    if fmt:
        model["weights_format"] = fmt
    return model


def _modality(found: Found, warnings: list[dict]) -> list[str] | None:
    if found.task is None:
        warnings.append(
            {
                "field": "model.modality",
                "message": "the document gives no task; the engine assumes text only unless "
                "you state the modalities",
            }
        )
        return None
    modality = TASK_MODALITIES.get(found.task)
    if modality is None:
        warnings.append(
            {
                "field": "model.modality",
                "message": f"task '{found.task}' does not say which media the model takes or "
                "gives; state the modalities",
            }
        )
        return None
    return list(modality)


def _one_format(found: Found, warnings: list[dict]) -> str | None:
    """The published weight format when the listing shows exactly one."""
    formats = found.listing.weight_formats if found.listing else ()
    if len(formats) == 1:
        return formats[0]
    if len(formats) > 1:
        warnings.append(
            {
                "field": "model.weights_format",
                "message": f"the repository publishes weights as {', '.join(formats)}; state "
                "the format that is deployed",
            }
        )
    return None
