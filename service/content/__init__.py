"""Load and validate checklists/ and policies/: one bad file stops start-up with one message."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import yaml
from marshmallow import ValidationError

from . import checks, consistency, schemas, sourced
from .model import (
    MEDIA,
    CatalogueModel,
    Checklist,
    Content,
    ContentError,
    Context,
    ContextField,
    Framework,
    Item,
    License,
    Option,
    Policy,
)

SPECIAL_FILES = ("context.yaml", "frameworks.yaml", "licenses.yaml", "models.yaml")
# libyaml's safe loader when PyYAML was built with it: the same safety, several times faster.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_content(checklist_dir: Path | str, policy_dir: Path | str) -> Content:
    """Read, validate and cross-check every content file; raise ContentError on the first fault."""
    checklist_dir, policy_dir = Path(checklist_dir), Path(policy_dir)
    raw: dict[str, object] = {}
    context = _context(_load(checklist_dir / "context.yaml", schemas.ContextSchema, raw))
    frameworks = _frameworks(
        _load(checklist_dir / "frameworks.yaml", schemas.FrameworksSchema, raw)
    )
    domain_files = sorted(p for p in checklist_dir.glob("*.yaml") if p.name not in SPECIAL_FILES)
    if not domain_files:
        raise ContentError(f"{_name(checklist_dir)}: no checklist files found")
    checklists = {}
    for path in domain_files:
        checklist = _checklist(_load(path, schemas.ChecklistSchema, raw, "items"))
        checklists[checklist.domain] = checklist
        checks.checklist(_name(path), path.stem, checklist, context, frameworks)
    items = checks.unique_items(checklists)
    licenses_path = checklist_dir / "licenses.yaml"
    licenses = _licenses(_load(licenses_path, schemas.LicensesSchema, raw, "licenses"))
    aliases = checks.licenses(_name(licenses_path), licenses)
    models_path = checklist_dir / "models.yaml"
    models_data = _load(models_path, schemas.ModelsSchema, raw, "models")
    models = _models(models_data)
    checks.models(_name(models_path), models, aliases)
    sourced.publishers_known(_name(models_path), models_data["publishers"], models)
    checks.rule_values(checklists, context, items)
    consistency.items(checklists, context, items)
    policies = {}
    for path in sorted(Path(policy_dir).glob("*.yaml")):
        data = _load(path, schemas.PolicySchema, {})
        policy = _policy(data, _hash(data))
        checks.policy(_name(path), path.stem, policy, checklists, licenses, items)
        consistency.unknown_is_riskiest(_name(path), policy, items)
        policies[policy.id] = policy
    if not policies:
        raise ContentError(f"{_name(policy_dir)}: no policy files found")
    versions = {f"checklist:{d}": c.version for d, c in checklists.items()}
    versions.update(
        context=context.version,
        licenses=raw["licenses.yaml"]["version"],
        models=raw["models.yaml"]["version"],
    )
    return Content(
        context=context,
        frameworks=frameworks,
        checklists=checklists,
        licenses=licenses,
        license_aliases=aliases,
        models=models,
        policies=policies,
        versions=versions,
        hash=_hash(raw),
        items=items,
    )


def _load(path: Path, schema_cls, raw: dict, list_key: str | None = None) -> dict:
    """safe_load one file and validate it with its schema."""
    try:
        with path.open(encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader, never eval
    except FileNotFoundError:
        raise ContentError(f"{_name(path)}: file is missing") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ContentError(f"{_name(path)}: not valid YAML{where}: {_printable(problem)}") from None
    if not isinstance(data, dict):
        raise ContentError(f"{_name(path)}: expected a mapping at the top of the file")
    try:
        loaded = schema_cls().load(data)
    except ValidationError as exc:
        raise ContentError(_describe(path, exc.messages, data, list_key)) from None
    raw[path.name] = data
    return loaded


def _describe(path: Path, messages, data: dict, list_key: str | None) -> str:
    """Turn marshmallow's nested messages into one line: file, entry id, field path, message."""
    keys, message = _first_leaf(messages)
    entry = ""
    if list_key and len(keys) >= 2 and keys[0] == list_key and isinstance(keys[1], int):
        entries = data.get(list_key) or []
        ident = (
            entries[keys[1]].get("id")
            if keys[1] < len(entries) and isinstance(entries[keys[1]], dict)
            else None
        )
        entry = f" {list_key[:-1]} {ident or f'#{keys[1] + 1}'}:"
        keys = keys[2:]
    return f"{_name(path)}:{entry} field {_path(keys) or '(top level)'}: {message}"


def _first_leaf(messages, keys=()):
    if isinstance(messages, dict):
        key = sorted(messages, key=lambda k: (isinstance(k, str), str(k)))[0]
        if key == "_schema":
            return _first_leaf(messages[key], keys)
        return _first_leaf(messages[key], (*keys, key))
    if isinstance(messages, list) and messages:
        return _first_leaf(messages[0], keys)
    return keys, str(messages)


def _path(keys) -> str:
    out = ""
    for key in keys:
        key = key if isinstance(key, int) else _printable(str(key))
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else key)
    return out


def _printable(text: str) -> str:
    """Keys from a broken file are shown escaped, so the message stays on one line."""
    return text if text.isprintable() else text.encode("unicode_escape").decode("ascii")


def _name(path: Path) -> str:
    return f"{path.parent.name}/{path.name}" if path.suffix else path.name


def _hash(data) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _context(data: dict) -> Context:
    fields = {}
    for name, spec in data["field_specs"].items():
        options = tuple(
            Option(value=o["value"], label=o["label"], risk=0.0, counts_as=o["counts_as"])
            for o in spec.get("options", [])
        )
        fields[name] = ContextField(
            name=name,
            label=spec["label"],
            help=spec["help"],
            type=spec["type"],
            required=spec["required"],
            options=options,
            minimum=spec.get("minimum"),
            maximum=spec.get("maximum"),
            max_length=spec.get("max_length"),
        )
    sets = {k: frozenset(v) for k, v in data["country_sets"].items()}
    countries = {c["code"]: c["name"] for c in data["countries"]}
    names = {
        name.casefold(): c["code"] for c in data["countries"] for name in (c["name"], *c["aliases"])
    }
    context = Context(data["version"], fields, sets, countries, names)
    checks.countries("checklists/context.yaml", data["countries"], context)
    checks.context("checklists/context.yaml", context)
    consistency.context("checklists/context.yaml", context)
    return context


def _frameworks(data: dict) -> dict[str, Framework]:
    return {
        k: Framework(
            key=k,
            name=v["name"],
            url=v["url"],
            provisions=sourced.provisions(v["application"]),
            dates_source=(v["application"] or {}).get("source"),
        )
        for k, v in data["frameworks"].items()
    }


def _checklist(data: dict) -> Checklist:
    items = tuple(
        Item(
            domain=data["domain"],
            **{k: tuple(v) if isinstance(v, list) else v for k, v in entry.items()},
        )
        for entry in data["items"]
    )
    return Checklist(
        domain=data["domain"],
        title=data["title"],
        version=data["version"],
        prefix=data["prefix"],
        items=items,
        answered_by=data["answered_by"],
    )


def _licenses(data: dict) -> dict[str, License]:
    out = {}
    for entry in data["licenses"]:
        out[entry["id"]] = License(
            id=entry["id"],
            name=entry["name"],
            kind=entry["kind"],
            aliases=tuple(entry["aliases"]),
            verified=entry["verified"],
            unverified_facts=tuple(entry["unverified_facts"]),
            source=entry["source"],
            facts=entry,
        )
    return out


def _models(data: dict) -> dict[str, CatalogueModel]:
    out = {}
    for entry in data["models"]:
        facts = {k: v for k, v in entry.items() if k not in sourced.MODEL_FACTS}
        facts["multimodal"] = any(m in MEDIA for m in entry["modality"])
        out[entry["id"]] = CatalogueModel(
            id=entry["id"],
            name=entry["name"],
            publisher=entry["publisher"],
            license=entry["license"],
            base_models=tuple(entry["base_models"]),
            facts=facts,
            sourced=sourced.sourced_facts(entry, data["publishers"]),
        )
    return out


def _policy(data: dict, digest: str) -> Policy:
    stance = data["license_stance"]
    return Policy(
        id=data["id"],
        name=data["name"],
        version=data["version"],
        description=data["description"],
        domain_weights=data["domain_weights"],
        severity_weights=data["severity_weights"],
        rating=data["rating"],
        ratings=data["ratings"],
        unknown_risk=data["unknown_risk"],
        unanswered_risk=data["unanswered_risk"],
        decisions=data["decisions"],
        due=data["due"],
        policy_conditions=data["policy_conditions"],
        max_unknown_share=data["max_unknown_share"],
        review_interval_days=data["review_interval_days"],
        risk_acceptance_days=data["risk_acceptance_days"],
        reminder_days=data["reminder_days"],
        grace_days=data["grace_days"],
        license_stance={"kinds": stance["kinds"], "licenses": stance["licenses"]},
        unknown_license_stance=stance["unknown"],
        review_met_by={k: tuple(v) for k, v in stance["review_met_by"].items()},
        publisher_countries_review=tuple(data["publisher_countries_review"]),
        hash=digest,
    )


__all__ = ["ContentError", "load_content", "Content"]
