"""Typed, immutable views of the validated content files."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("low", "medium", "high", "critical")
RATINGS = SEVERITIES
DECISIONS = ("approve", "approve_with_conditions", "reject")
# When a condition must be met: before the deployment goes live, by a follow-up date with an
# owner, or tracked as hygiene. The policy maps each severity to one.
DUES = ("before_go_live", "follow_up", "track")
# The rules a policy may rate by: `worst` rates a domain by its worst risky finding and the
# deployment by its worst domain.
RATING_RULES = ("worst",)
# Conditions the policy itself asks for (not an answer's remediation); the policy gives each a
# severity, from which its due follows.
POLICY_CONDITIONS = (
    "license_review",
    "publisher_review",
    "unknowns",
    "verify_fact",
    "catalogue_departure",  # the body states a catalogue model's facts otherwise, justified
    "override",  # an answer overridden below the risk of the fact it was derived from
)
# What a derived answer rests on: a licence in the lineage, a sourced publisher or release fact
# of the catalogue, a field of the deployment (or model) section of the assessment, or what the
# service verified about the artefact the assessment describes (its manifest and signature).
BASES = ("license", "publisher", "deployment", "artifact")
# What the service establishes about `model.artifact` (application/artifacts.py) that the
# `derive_from` rules of basis artifact read as `artifact.<name>`.
ARTIFACT_FACTS = (
    "described",  # the assessment lists the files to deploy with their SHA-256
    "file_count",
    "manifest_digest",  # SHA-256 over the sorted file list: what an approval is bound to
    "repo_id",
    "revision",  # the hub commit id, when given
    "signed",  # a model-signing bundle was given
    "signature_verified",  # and it verified against exactly the files listed
    "signature_method",  # key | sigstore
    "signer",  # the key's fingerprint or the keyless identity
)
MODALITIES = ("text", "image", "audio", "video", "code")
# A model reading or producing any of these is multimodal (the Llama 3.2 / 4 EU clause asks).
MEDIA = ("image", "audio", "video")
UNKNOWN = "unknown"
# What an import (model card, ML-BOM, repository file listing) can observe about a model; the
# `prefill` rules of checklist items read these as `evidence.<name>` (service/interop fills them).
EVIDENCE = (
    "source",
    "bom",
    "model_card",
    "files_listed",
    "weight_formats",
    "pickle",
    "pickle_files",
    "code",
    "code_files",
    "opaque",
    "opaque_files",
    "hub_digests",
    "bom_digests",
    "signature",
    "signature_files",
    "gated",
    "license",
    "license_declared",
    "license_spdx",
    "license_custom",
    "license_text",
    "license_file",
    "repo_id",
    "repo_in_catalogue",
    "relation",
    "base_models",
    "same_namespace_as_base",
)


class ContentError(Exception):
    """A content file is invalid; the message names the file, the entry and the field."""


@dataclass(frozen=True)
class Condition:
    """One rule condition: `field op value` (or `field op ref`), or `any` of condition lists."""

    field: str | None = None
    op: str | None = None
    value: Any = None
    ref: str | None = None
    any: tuple[tuple[Condition, ...], ...] = ()


def leaves(conds) -> Iterator[Condition]:
    """Every plain condition of a condition list, those inside `any` groups included."""
    for cond in conds:
        if cond.any:
            for group in cond.any:
                yield from leaves(group)
        else:
            yield cond


@dataclass(frozen=True)
class Option:
    """One answer of an item, or one value of an enum context field (risk 0 there).

    `severity` is the severity this answer represents (None: the item's base severity; an answer
    without risk has none). `remediation` is written for this answer when the item's own text
    assumes the worst one. `absent` marks an answer that means "not done, not measured, none":
    it must block wherever `unknown` does. `in_place` marks an answer that says the control is
    in place: what is left is residual, and severity rules that raise the item leave it at its
    own severity. `counts_as` (context values only) names the value this one counts as at least,
    wherever rules compare values of its field.
    """

    value: str
    label: str
    risk: float
    resolves: tuple[str, ...] = ()
    severity: str | None = None
    remediation: str | None = None
    absent: bool = False
    counts_as: str | None = None
    in_place: bool = False


@dataclass(frozen=True)
class Reference:
    framework: str
    id: str


@dataclass(frozen=True)
class SeverityRule:
    when: tuple[Condition, ...]
    change: int
    reason: str


@dataclass(frozen=True)
class BlockerRule:
    when: tuple[Condition, ...]
    min_risk: float
    reason: str


@dataclass(frozen=True)
class Obligation:
    """A duty a derive rule's licence imposes whatever the answers: its kind and text template."""

    kind: str
    text: str


@dataclass(frozen=True)
class DeriveRule:
    answer: str
    when: tuple[Condition, ...]
    fact: str
    uses: tuple[str, ...]
    obligation: Obligation | None = None


@dataclass(frozen=True)
class DeriveFromRule:
    """An answer read once for the assessed model: from its sourced publisher or release facts
    (`sourced.*`, basis publisher), from the deployment and model fields (basis deployment), or
    from what was verified about the artefact (`artifact.*`, basis artifact)."""

    basis: str
    answer: str
    when: tuple[Condition, ...]
    fact: str
    uses: tuple[str, ...] = ()


@dataclass(frozen=True)
class ObligationRule:
    """A duty the deployment carries whatever the answers (a law's, not a licence's)."""

    kind: str
    when: tuple[Condition, ...]
    text: str
    reference: Reference


@dataclass(frozen=True)
class PrefillRule:
    """An answer (or, without one, a hint) that imported evidence supports, with its fact."""

    when: tuple[Condition, ...]
    fact: str
    answer: str | None = None


@dataclass(frozen=True)
class Item:
    id: str
    domain: str
    title: str
    question: str
    why: str
    answer_type: str
    options: tuple[Option, ...]
    severity: str
    remediation: str
    references: tuple[Reference, ...]
    applies_when: tuple[Condition, ...] = ()
    severity_rules: tuple[SeverityRule, ...] = ()
    blocker_when: tuple[BlockerRule, ...] = ()
    derive: tuple[DeriveRule, ...] = ()
    prefill: tuple[PrefillRule, ...] = ()
    derive_from: tuple[DeriveFromRule, ...] = ()
    obligations: tuple[ObligationRule, ...] = ()

    def rule_groups(self) -> Iterator[tuple[str, tuple[Condition, ...]]]:
        """(the field's path, its conditions) for every condition list of the item."""
        yield "applies_when", self.applies_when
        for name in ("severity_rules", "blocker_when", "derive", "derive_from", "obligations"):
            for i, rule in enumerate(getattr(self, name)):
                yield f"{name}[{i}].when", rule.when

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    def answer_severity(self, value: str | None) -> str | None:
        """The severity an answer represents before context rules: the option's own, the base
        severity for `unknown`, no answer or an option that names none, and None for an answer
        that carries no risk."""
        option = self.option(value) if value not in (None, UNKNOWN) else None
        if option is None:
            return self.severity
        if option.risk == 0:
            return None
        return option.severity or self.severity

    def answer_remediation(self, value: str | None) -> str:
        """The remediation written for this answer, else the item's own."""
        option = self.option(value) if value not in (None, UNKNOWN) else None
        return (option.remediation if option else None) or self.remediation


@dataclass(frozen=True)
class Checklist:
    domain: str
    title: str
    version: str
    prefix: str
    items: tuple[Item, ...]
    answered_by: str = ""  # who usually answers it: the form labels its section with it


@dataclass(frozen=True)
class ContextField:
    name: str
    label: str
    help: str
    type: str
    required: bool
    options: tuple[Option, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class Context:
    version: str
    fields: dict[str, ContextField]
    country_sets: dict[str, frozenset[str]]
    countries: dict[str, str] = field(default_factory=dict)  # ISO code -> name
    country_names: dict[str, str] = field(default_factory=dict)  # casefolded name/alias -> code


@dataclass(frozen=True)
class Pending:
    """A change to an application date that is proposed but not law: shown, never assumed."""

    applies_from: str
    note: str
    source: str


@dataclass(frozen=True)
class Provision:
    """When one provision a reference cites applies (ISO dates), and any pending change."""

    id: str
    applies_from: str
    note: str | None = None
    pending: Pending | None = None


@dataclass(frozen=True)
class Framework:
    key: str
    name: str
    url: str | None
    # Per reference id, when the provision applies; empty for frameworks without dates.
    provisions: dict[str, Provision] = field(default_factory=dict, compare=False)
    dates_source: str | None = None

    def provision(self, ref_id: str) -> Provision | None:
        """The application date of the provision a reference cites, if the framework has dates."""
        return self.provisions.get(ref_id)


@dataclass(frozen=True)
class License:
    """Facts of one licence; `facts` holds every field by name for rules and templates."""

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    verified: bool
    unverified_facts: tuple[str, ...]
    source: str
    facts: dict[str, Any] = field(compare=False)


@dataclass(frozen=True)
class CatalogueModel:
    id: str
    name: str
    publisher: str
    license: str
    base_models: tuple[str, ...]
    facts: dict[str, Any] = field(compare=False)
    # Sourced publisher and release facts by name: {value, source, verified, as_of}.
    sourced: dict[str, dict] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Policy:
    id: str
    name: str
    version: str
    description: str
    domain_weights: dict[str, float]
    severity_weights: dict[str, float]
    rating: str  # RATING_RULES
    ratings: dict[str, float]  # score thresholds that may raise a rating; empty: none
    unknown_risk: float
    unanswered_risk: float
    decisions: dict[str, str]
    due: dict[str, str]  # severity -> DUES
    policy_conditions: dict[str, str]  # POLICY_CONDITIONS -> severity
    max_unknown_share: float
    review_interval_days: int
    risk_acceptance_days: int
    reminder_days: int
    grace_days: int
    license_stance: dict[str, dict[str, str]]
    unknown_license_stance: str
    # Answers that show a licence under review was reviewed: {item id: (answer, ...)}.
    review_met_by: dict[str, tuple[str, ...]]
    publisher_countries_review: tuple[str, ...]
    hash: str = ""

    def rating_for(self, score: float) -> str:
        """The rating whose score threshold the score reaches; low below every threshold or
        without thresholds."""
        rating = RATINGS[0]
        for level in RATINGS[1:]:
            if level in self.ratings and score >= self.ratings[level]:
                rating = level
        return rating


@dataclass(frozen=True)
class Content:
    """Everything loaded from checklists/ and policies/, validated and cross-checked."""

    context: Context
    frameworks: dict[str, Framework]
    checklists: dict[str, Checklist]
    licenses: dict[str, License]
    license_aliases: dict[str, str]
    models: dict[str, CatalogueModel]
    policies: dict[str, Policy]
    versions: dict[str, str]
    hash: str
    items: dict[str, Item] = field(default_factory=dict, compare=False)

    def license(self, key: str | None) -> License | None:
        """Look a licence up by id or alias, case-insensitively."""
        if not key:
            return None
        lid = self.license_aliases.get(key.lower())
        return self.licenses.get(lid) if lid else None

    def model(self, key: str | None) -> CatalogueModel | None:
        """Look a catalogue model up by hub id, case-insensitively."""
        if not key:
            return None
        return self.models.get(key) or next(
            (m for k, m in self.models.items() if k.lower() == key.lower()), None
        )
