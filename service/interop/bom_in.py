"""Read a CycloneDX ML-BOM (JSON) into the facts a draft is built from.

The document is checked against the official schema of its version (bundled with
cyclonedx-python-lib) and read through the library's model; `modelCard`, which the library does
not model, is read from the validated document itself.
"""

from __future__ import annotations

import json
from itertools import islice

from cyclonedx.model import HashAlgorithm
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.license import LicenseExpression
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonValidator
from packageurl import PackageURL

from ..content.model import Content
from . import files, licences
from .errors import InteropError, fail
from .found import Found
from .modelcard import HUB_ID, MAX_BASE_MODELS, _text

MAX_BOM_BYTES = 4 << 20
MAX_COMPONENTS = 2_000
SPEC_VERSIONS = {"1.5": SchemaVersion.V1_5, "1.6": SchemaVersion.V1_6, "1.7": SchemaVersion.V1_7}
SHOWN_ERRORS = 5
HUB_PURL = "huggingface"
SOURCE_REFS = ("distribution", "vcs", "website")
DIGESTS = {HashAlgorithm.SHA_256, HashAlgorithm.SHA_384, HashAlgorithm.SHA_512}


def read(content: Content, document) -> Found:
    """Facts from an ML-BOM given as JSON text or bytes."""
    raw = _parse(_text(document, "bom", MAX_BOM_BYTES))
    _validate(raw)
    try:
        bom = Bom.from_json(raw)
    except Exception as exc:  # the library raises many kinds on documents it cannot model
        raise fail("bom", f"could not be read as a CycloneDX BOM: {exc}") from None
    component = _model_component(bom)
    found = Found(source="cyclonedx", bom=True)
    found.origin("bom", "CycloneDX ML-BOM")
    _identity(found, component)
    _licence(content, found, component)
    _lineage(found, component)
    _files(found, component)
    found.bom_digests = any(h.alg in DIGESTS for h in component.hashes)
    found.origin("bom_digests", "ML-BOM component hashes")
    card = _raw_component(raw, component).get("modelCard")
    found.model_card = isinstance(card, dict) and bool(card) or _has_ref(component, "model-card")
    found.origin("model_card", "ML-BOM modelCard or model-card reference")
    if isinstance(card, dict):
        task = (card.get("modelParameters") or {}).get("task")
        found.task = task.strip() if isinstance(task, str) and task.strip() else None
    return found


def _parse(text: str) -> dict:
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError):
        raise fail("bom", "is not JSON") from None
    if not isinstance(raw, dict) or raw.get("bomFormat") != "CycloneDX":
        raise fail("bom", "is not a CycloneDX BOM (bomFormat must be 'CycloneDX')")
    return raw


def _validate(raw: dict) -> None:
    """Bound the component count, then check the document against its version's schema."""
    version = SPEC_VERSIONS.get(raw.get("specVersion"))
    if version is None:
        raise fail("bom.specVersion", f"give one of {', '.join(SPEC_VERSIONS)}")
    if _count(raw, 0) > MAX_COMPONENTS:
        raise fail("bom", f"at most {MAX_COMPONENTS:,} components")
    errors = JsonValidator(version).validate_str(json.dumps(raw), all_errors=True)
    if errors:
        found = [
            {
                "field": "bom" + "".join(f"[{p!r}]" for p in e.data.absolute_path),
                "message": e.data.message[:300],
            }
            for e in islice(errors, SHOWN_ERRORS)
        ]
        raise InteropError(found)


def _path(parts) -> str:
    """A schema error's location in the document, as bom['metadata']['component']..."""
    return "bom" + "".join(f"[{p!r}]" for p in parts)


NESTED = ("components", "ancestors", "descendants", "variants")


def _count(node, total: int) -> int:
    """Components anywhere in the document (nested, ancestors...), stopping past the bound."""
    stack = [node]
    while stack and total <= MAX_COMPONENTS:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in ("components", "ancestors", "descendants", "variants") and isinstance(
                    value, list
                ):
                    total += len(value)
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return total


def _model_component(bom: Bom) -> Component:
    """The BOM's subject when it is a model, else its one machine-learning-model component."""
    subject = bom.metadata.component
    if subject is not None and subject.type == ComponentType.MACHINE_LEARNING_MODEL:
        return subject
    models = [c for c in bom.components if c.type == ComponentType.MACHINE_LEARNING_MODEL]
    if len(models) == 1:
        return models[0]
    if not models:
        raise fail("bom.components", "no machine-learning-model component")
    raise fail(
        "bom.metadata.component",
        f"{len(models)} machine-learning-model components; name the assessed one as "
        "metadata.component",
    )


def _identity(found: Found, component: Component) -> None:
    """Name, version, publisher, repository id and source URL of the model component."""
    found.repo_id = _hub_id(component.purl)
    if found.repo_id:
        found.origin("repo_id", "ML-BOM purl")
    found.name = component.name
    found.version = component.version
    publisher = component.publisher or _org(component.supplier) or _org(component.manufacturer)
    found.publisher = publisher or component.group
    if found.repo_id:
        found.source_url = f"https://huggingface.co/{found.repo_id}"
    else:
        found.source_url = next(
            (
                str(r.url)
                for kind in SOURCE_REFS
                for r in component.external_references
                if r.type.value == kind and str(r.url).startswith(("https://", "http://"))
            ),
            None,
        )


def _hub_id(purl: PackageURL | None) -> str | None:
    """org/name from a pkg:huggingface purl, when it is one."""
    if purl is None or purl.type != HUB_PURL or not purl.namespace:
        return None
    repo = f"{purl.namespace}/{purl.name}"
    return repo if HUB_ID.match(repo) else None


def _org(entity) -> str | None:
    return entity.name if entity is not None and entity.name else None


def _licence(content: Content, found: Found, component: Component) -> None:
    """The component's licences: an expression, or ids and names (concluded ones first)."""
    entries = list(component.licenses)
    concluded = [e for e in entries if _acknowledged(e) == "concluded"]
    entries = concluded or entries
    declared, text = [], False
    for entry in entries:
        if isinstance(entry, LicenseExpression):
            declared.append(entry.value)
        else:
            declared.append(entry.id or entry.name or "")
            text = text or bool(entry.url or entry.text)
    found.licence = licences.from_declarations(content, declared, text)
    found.origin("license", "ML-BOM component licences")


def _acknowledged(entry) -> str | None:
    ack = getattr(entry, "acknowledgement", None)
    return getattr(ack, "value", None)


def _lineage(found: Found, component: Component) -> None:
    """Base models from pedigree.ancestors: their Hub ids, else their names."""
    ancestors = list(component.pedigree.ancestors) if component.pedigree else []
    if len(ancestors) > MAX_BASE_MODELS:
        raise fail("bom.pedigree.ancestors", f"at most {MAX_BASE_MODELS} base models")
    found.base_models = [
        _hub_id(a.purl) or "/".join(p for p in (a.group, a.name) if p) for a in ancestors
    ]
    found.origin("lineage", "ML-BOM pedigree.ancestors")


def _files(found: Found, component: Component) -> None:
    """File components nested in the model: a listing, though not necessarily a complete one."""
    names = [c.name for c in component.components if c.type == ComponentType.FILE]
    if names:
        found.listing = files.classify(names)
        found.origin("files", "ML-BOM file components")


def _has_ref(component: Component, kind: str) -> bool:
    return any(r.type.value == kind for r in component.external_references)


def _raw_component(raw: dict, component: Component) -> dict:
    """The document's own object for the component (for modelCard, which the library drops)."""
    ref = component.bom_ref.value
    stack = [raw.get("metadata", {}).get("component"), *raw.get("components", [])]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        # The library invents a bom-ref when the document has none, so match by name too.
        if node.get("bom-ref") == ref or (
            node.get("type") == "machine-learning-model" and node.get("name") == component.name
        ):
            return node
        stack.extend(node.get("components") or [])
    return {}
