"""Cross-checks that no single-file schema can make: ids, references between files, ordering."""

from __future__ import annotations

import re

from . import schemas, sourced
from .model import (
    ARTIFACT_FACTS,
    DECISIONS,
    DUES,
    EVIDENCE,
    POLICY_CONDITIONS,
    SEVERITIES,
    UNKNOWN,
    Checklist,
    Condition,
    ContentError,
    Context,
    Item,
    Policy,
    leaves,
)

# Facts of the assessed model a rule may name: the catalogue fields plus those the engine adds.
# Sourced facts (alignment, maintenance, publisher facts) are read as `sourced.*` by derive_from
# rules only, so that every answer they give names its source.
MODEL_FACTS = (frozenset(schemas.ModelSchema().fields) - frozenset(sourced.SOURCED_FACTS)) | {
    "multimodal",
    "weights_format",
    "in_catalogue",
    "described",  # the model fields the assessment states itself
    "lineage_length",  # how many models the lineage holds (1: an original release)
}
LICENSE_FACTS = frozenset(schemas.LicenseSchema().fields)
NUMERIC_OPS = ("gt", "gte", "lt", "lte")
# A {scope.key} placeholder in a fact template (the engine fills these; nothing else is read).
# {scope.key.part} names one part of a fact that is a mapping (see engine/rules.py).
PLACEHOLDER = re.compile(r"\{([a-z]+)\.([A-Za-z0-9_\-]+)(?:\.([A-Za-z0-9_\-]+))?\}")


def _fail(message: str):
    # Values quoted from a broken file may hold line breaks; the message stays on one line.
    raise ContentError(message.replace("\r", "\\r").replace("\n", "\\n"))


def context(fname: str, ctx: Context) -> None:
    for name, field in ctx.fields.items():
        where = f"{fname}: field {name}"
        if field.type == "enum":
            values = [o.value for o in field.options]
            if len(values) < 2 or not all(values):
                _fail(f"{where}: options: an enum needs at least two options with a value")
            if len(set(values)) != len(values):
                _fail(f"{where}: options: values must be unique")
        elif field.options:
            _fail(f"{where}: options: only enum fields have options")


def countries(fname: str, entries: list[dict], ctx: Context) -> None:
    """Country codes and names are unique (names case-insensitively), and every country a
    country set lists is named, when names are given at all."""
    if not entries:
        return
    if len(ctx.countries) != len(entries):
        code = next(c["code"] for n, c in enumerate(entries) if c["code"] in _codes(entries[:n]))
        _fail(f"{fname}: country {code}: field code: listed twice")
    spellings = [s.casefold() for c in entries for s in (c["name"], *c["aliases"])]
    if len(set(spellings)) != len(spellings):
        twice = next(s for n, s in enumerate(spellings) if s in spellings[:n])
        _fail(f"{fname}: field countries: the name '{twice}' is given to two countries")
    for name, members in sorted(ctx.country_sets.items()):
        unnamed = sorted(members - set(ctx.countries))
        if unnamed:
            _fail(f"{fname}: field country_sets.{name}: {', '.join(unnamed)} not in countries")


def _codes(entries: list[dict]) -> set[str]:
    return {c["code"] for c in entries}


def checklist(fname, stem, cl: Checklist, ctx: Context, frameworks) -> None:
    if cl.domain != stem:
        _fail(f"{fname}: field domain: '{cl.domain}' must match the file name '{stem}'")
    for item in cl.items:
        where = f"{fname}: item {item.id}:"
        if not item.id.startswith(cl.prefix + "-"):
            _fail(f"{where} field id: must start with the prefix '{cl.prefix}-'")
        values = [o.value for o in item.options]
        if len(set(values)) != len(values):
            _fail(f"{where} field options: option values must be unique")
        if UNKNOWN in values:
            _fail(f"{where} field options: '{UNKNOWN}' is implicit; do not list it")
        for i, option in enumerate(item.options):
            if set(option.resolves) - set(values):
                _fail(
                    f"{where} field options[{i}].resolves: names a value that is not an "
                    f"option of {item.id}"
                )
        if max(o.risk for o in item.options) == 0:
            _fail(f"{where} field options: at least one option must carry risk")
        for i, ref in enumerate(item.references):
            if ref.framework not in frameworks:
                _fail(
                    f"{where} field references[{i}].framework: unknown framework "
                    f"'{ref.framework}' (see checklists/frameworks.yaml)"
                )
        sourced.references_dated(fname, item, frameworks)
        for i, rule in enumerate(item.obligations):
            _obligation_reference(f"{where} field obligations[{i}].reference", rule, frameworks)
        _item_rules(where, item, ctx)


def _obligation_reference(where, rule, frameworks) -> None:
    framework = frameworks.get(rule.reference.framework)
    if framework is None:
        _fail(f"{where}.framework: unknown framework '{rule.reference.framework}'")
    if framework.provisions and framework.provision(rule.reference.id) is None:
        _fail(
            f"{where}.id: '{rule.reference.id}' has no application date in "
            f"checklists/frameworks.yaml ({framework.key})"
        )


def _item_rules(where, item: Item, ctx: Context) -> None:
    scopes = {
        "applies_when": ("deployment", "model"),
        "severity_rules": ("deployment", "model"),
        "blocker_when": ("deployment", "model", "answers"),
        "derive": ("deployment", "model", "license", "origin"),
        "prefill": ("evidence",),
        "derive_from": ("deployment", "model", "sourced", "artifact"),
        "obligations": ("deployment", "model"),
    }
    _conditions(where, "applies_when", item.applies_when, scopes["applies_when"], ctx)
    for i, rule in enumerate(item.severity_rules):
        _conditions(where, f"severity_rules[{i}].when", rule.when, scopes["severity_rules"], ctx)
    for i, rule in enumerate(item.blocker_when):
        _conditions(where, f"blocker_when[{i}].when", rule.when, scopes["blocker_when"], ctx)
    values = {o.value for o in item.options}
    for i, rule in enumerate(item.derive):
        _conditions(where, f"derive[{i}].when", rule.when, scopes["derive"], ctx)
        if rule.answer not in values:
            _fail(f"{where} field derive[{i}].answer: '{rule.answer}' is not an option value")
        _placeholders(where, f"derive[{i}].fact", rule.fact, scopes["derive"])
        for fact in rule.uses:
            if fact not in LICENSE_FACTS:
                _fail(f"{where} field derive[{i}].uses: unknown licence fact '{fact}'")
        if rule.obligation:
            # Filled when the result is read, from the licence and the lineage member's name.
            _placeholders(
                where,
                f"derive[{i}].obligation.text",
                rule.obligation.text.replace("{origin.name}", ""),
                ("license",),
            )
    if item.derive and item.derive_from:
        _fail(f"{where} field derive_from: an item is derived from licences or from other facts")
    for i, rule in enumerate(item.derive_from):
        _conditions(where, f"derive_from[{i}].when", rule.when, scopes["derive_from"], ctx)
        if rule.answer not in values:
            _fail(f"{where} field derive_from[{i}].answer: '{rule.answer}' is not an option value")
        for fact in rule.uses:
            if fact not in sourced.SOURCED_FACTS:
                _fail(f"{where} field derive_from[{i}].uses: unknown sourced fact '{fact}'")
        _placeholders(where, f"derive_from[{i}].fact", rule.fact, scopes["derive_from"])
        _basis_read(f"{where} field derive_from[{i}]", rule)
    for i, rule in enumerate(item.obligations):
        _conditions(where, f"obligations[{i}].when", rule.when, scopes["obligations"], ctx)
        _placeholders(where, f"obligations[{i}].text", rule.text, ())  # plain text
    for i, rule in enumerate(item.prefill):
        _conditions(where, f"prefill[{i}].when", rule.when, scopes["prefill"], ctx)
        if rule.answer is not None and rule.answer not in values:
            _fail(f"{where} field prefill[{i}].answer: '{rule.answer}' is not an option value")
        for scope, key, _ in PLACEHOLDER.findall(rule.fact):
            if scope != "evidence" or key not in EVIDENCE:
                _fail(f"{where} field prefill[{i}].fact: unknown placeholder '{{{scope}.{key}}}'")


def _basis_read(where, rule) -> None:
    """An artifact-basis rule reads the artefact, and only it reads it: the basis a finding
    names is what its answer rests on."""
    reads = any(c.field.startswith("artifact.") for c in leaves(rule.when))
    if rule.basis == "artifact" and not reads:
        _fail(f"{where}.when: an artifact-basis rule reads at least one artifact.* fact")
    if rule.basis != "artifact" and reads:
        _fail(f"{where}.when: artifact.* facts are read by artifact-basis rules only")


def _placeholders(where, path, template: str, scopes) -> None:
    for scope, key, _ in PLACEHOLDER.findall(template):
        if scope not in scopes or (scope == "license" and key not in LICENSE_FACTS):
            _fail(f"{where} field {path}: unknown placeholder '{{{scope}.{key}}}'")


def _conditions(where, path, conds, scopes, ctx: Context) -> None:
    for i, cond in enumerate(conds):
        here = f"{path}[{i}]"
        if cond.any:
            for j, group in enumerate(cond.any):
                _conditions(where, f"{here}.any[{j}]", group, scopes, ctx)
            continue
        for attr in ("field", "ref"):
            name = getattr(cond, attr)
            if name:
                _field_known(f"{where} field {here}.{attr}", name, scopes, ctx)
        if (
            cond.op in ("in_set", "not_in_set", "intersects_set")
            and cond.value not in ctx.country_sets
        ):
            _fail(f"{where} field {here}.value: unknown country set '{cond.value}'")
        if cond.op in NUMERIC_OPS and cond.ref is None and not isinstance(cond.value, int | float):
            _fail(f"{where} field {here}.value: operator '{cond.op}' needs a number")


def _field_known(where, name, scopes, ctx: Context) -> None:
    scope, key = name.split(".", 1)
    if scope not in scopes:
        _fail(f"{where}: '{scope}.' fields are not allowed here (allowed: {', '.join(scopes)})")
    known = {
        "deployment": ctx.fields,
        "model": MODEL_FACTS,
        "origin": MODEL_FACTS,
        "license": LICENSE_FACTS,
        "evidence": EVIDENCE,
        "sourced": sourced.RULE_FACTS,
        "artifact": ARTIFACT_FACTS,
    }.get(scope)
    if known is not None and key not in known:
        _fail(f"{where}: unknown field '{name}'")


def unique_items(checklists: dict[str, Checklist]) -> dict[str, Item]:
    items: dict[str, Item] = {}
    for cl in checklists.values():
        for item in cl.items:
            if item.id in items:
                _fail(
                    f"checklists/{cl.domain}.yaml: item {item.id}: field id: duplicate id "
                    f"(also in {items[item.id].domain})"
                )
            items[item.id] = item
    return items


def rule_values(checklists, ctx: Context, items: dict[str, Item]) -> None:
    """Enum comparisons must name real values; answers.* must name real items and options."""
    for cl in checklists.values():
        for item in cl.items:
            where = f"checklists/{cl.domain}.yaml: item {item.id}:"
            for i, rule in enumerate(item.blocker_when):
                for cond in leaves(rule.when):
                    _answer_ref(f"{where} field blocker_when[{i}]", cond, items)
            for path, conds in item.rule_groups():
                for cond in leaves(conds):
                    _enum_value(f"{where} field {path}", cond, ctx)


def _answer_ref(where, cond: Condition, items) -> None:
    if not cond.field.startswith("answers."):
        return
    target = items.get(cond.field.split(".", 1)[1])
    if target is None:
        _fail(f"{where}: unknown item '{cond.field}'")
    allowed = {o.value for o in target.options} | {UNKNOWN}
    values = cond.value if isinstance(cond.value, tuple) else (cond.value,)
    bad = [v for v in values if v is not None and (not isinstance(v, str) or v not in allowed)]
    if bad:
        _fail(f"{where}: '{bad[0]}' is not an option of {target.id}")


def _enum_value(where, cond: Condition, ctx: Context) -> None:
    if not cond.field.startswith("deployment.") or cond.ref is not None:
        return
    field = ctx.fields.get(cond.field.split(".", 1)[1])
    if field is None or field.type != "enum" or cond.op not in ("eq", "ne", "in", "not_in"):
        return
    allowed = {o.value for o in field.options}
    values = cond.value if isinstance(cond.value, tuple) else (cond.value,)
    bad = [v for v in values if not isinstance(v, str) or v not in allowed]
    if bad:
        _fail(f"{where}: '{bad[0]}' is not a value of {cond.field}")


def licenses(fname, licenses) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for lic in licenses.values():
        for i, fact in enumerate(lic.unverified_facts):
            if fact not in LICENSE_FACTS:
                _fail(
                    f"{fname}: license {lic.id}: field unverified_facts[{i}]: unknown fact '{fact}'"
                )
        policy_url = (lic.facts["acceptable_use"] or {}).get("url")
        if lic.facts["use_policy_by_reference"] and not policy_url:
            _fail(
                f"{fname}: license {lic.id}: field use_policy_by_reference: a policy incorporated "
                "by reference needs its page in acceptable_use.url"
            )
        for key in (lic.id, *lic.aliases):
            owner = aliases.setdefault(key.lower(), lic.id)
            if owner != lic.id:
                _fail(f"{fname}: license {lic.id}: field aliases: '{key}' already names {owner}")
    return aliases


def models(fname, models, aliases) -> None:
    for model in models.values():
        where = f"{fname}: model {model.id}:"
        if model.license.lower() not in aliases:
            _fail(f"{where} field license: unknown licence '{model.license}'")
        for i, base in enumerate(model.base_models):
            if base not in models:
                _fail(f"{where} field base_models[{i}]: '{base}' is not in the catalogue")
        if model.base_models and not model.facts.get("relation"):
            _fail(f"{where} field relation: a model with base models needs a relation")
        _no_cycle(where, model.id, models, ())


def _no_cycle(where, mid, models, seen) -> None:
    if mid in seen:
        _fail(f"{where} field base_models: lineage loops back to '{mid}'")
    for base in models[mid].base_models:
        _no_cycle(where, base, models, (*seen, mid))


def policy(fname, stem, pol: Policy, checklists, licenses, items: dict[str, Item]) -> None:
    if pol.id != stem:
        _fail(f"{fname}: field id: '{pol.id}' must match the file name '{stem}'")
    if set(pol.domain_weights) != set(checklists):
        _fail(
            f"{fname}: field domain_weights: must name exactly the domains "
            f"{', '.join(sorted(checklists))}"
        )
    if abs(sum(pol.domain_weights.values()) - 1) > 1e-6:
        _fail(f"{fname}: field domain_weights: weights must add up to 1")
    if set(pol.severity_weights) != set(SEVERITIES):
        _fail(f"{fname}: field severity_weights: give a weight for each of {', '.join(SEVERITIES)}")
    weights = [pol.severity_weights[s] for s in SEVERITIES]
    if weights != sorted(weights) or len(set(weights)) != len(weights):
        _fail(f"{fname}: field severity_weights: weights must increase from low to critical")
    _thresholds(fname, pol)
    _by_severity(fname, "decisions", pol.decisions, DECISIONS)
    _by_severity(fname, "due", pol.due, tuple(reversed(DUES)))
    missing = [k for k in POLICY_CONDITIONS if k not in pol.policy_conditions]
    if missing:
        _fail(f"{fname}: field policy_conditions: give a severity for '{missing[0]}'")
    for lid in pol.license_stance["licenses"]:
        if lid not in licenses:
            _fail(f"{fname}: field license_stance.licenses.{lid}: unknown licence")
    for item_id, answers in pol.review_met_by.items():
        where = f"{fname}: field license_stance.review_met_by.{item_id}"
        if item_id not in items:
            _fail(f"{where}: unknown item")
        bad = [a for a in answers if items[item_id].option(a) is None]
        if bad:
            _fail(f"{where}: '{bad[0]}' is not an option of {item_id}")
    if pol.risk_acceptance_days > pol.review_interval_days:
        _fail(
            f"{fname}: field risk_acceptance_days: an approval that accepts a reject decision "
            f"cannot outlast an ordinary one (review_interval_days {pol.review_interval_days})"
        )
    if pol.reminder_days >= pol.risk_acceptance_days:
        _fail(
            f"{fname}: field reminder_days: a reminder {pol.reminder_days} days before expiry "
            f"would make an approval that accepts a risk due the day it is made "
            f"(risk_acceptance_days {pol.risk_acceptance_days}); give fewer days"
        )
    # Answered 'unknown' throughout, an assessment rates as the most severe item (worst rule).
    worst = max((SEVERITIES.index(i.severity) for i in items.values()), default=0)
    if pol.decisions[SEVERITIES[worst]] == "approve":
        _fail(
            f"{fname}: field decisions: an assessment answered 'unknown' throughout rates "
            f"{SEVERITIES[worst]} and would be approved"
        )


def _by_severity(fname, key: str, mapping: dict, order: tuple[str, ...]) -> None:
    """A value for every severity, never easing as the severity rises."""
    if set(mapping) != set(SEVERITIES):
        _fail(f"{fname}: field {key}: give a value for each of {', '.join(SEVERITIES)}")
    ranks = [order.index(mapping[s]) for s in SEVERITIES]
    if ranks != sorted(ranks):
        _fail(f"{fname}: field {key}: a more severe rating may not get a more lenient value")


def _thresholds(fname, pol: Policy) -> None:
    if not pol.ratings:
        return  # the score never raises a rating
    if set(pol.ratings) != set(SEVERITIES[1:]):
        _fail(f"{fname}: field ratings: give thresholds for medium, high and critical")
    values = [pol.ratings[s] for s in SEVERITIES[1:]]
    if values != sorted(values) or len(set(values)) != 3 or values[-1] > 100:
        _fail(f"{fname}: field ratings: thresholds must increase (medium < high < critical <= 100)")
