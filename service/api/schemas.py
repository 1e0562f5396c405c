"""The documented shape of every API response (request schemas live in inputs.py).

Responses are returned as stored and are not dumped through these schemas (nothing a future
engine field adds may be dropped); tests check that every field a real response carries is
documented here.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..application.reviews import REVIEW_DECISIONS, STATUSES
from ..content.model import BASES, DECISIONS, DUES, RATINGS, SEVERITIES
from .base import ComponentRef
from .gate_schemas import (
    ArtifactRecordSchema,
    CitedEvidenceSchema,
    EvidenceConditionSchema,
    ReassessmentSchema,
)

Str = fields.String
Nullable = {"allow_none": True}


def _d(text: str) -> dict:
    return {"metadata": {"description": text}}


class FieldErrorSchema(Schema):
    field = Str(required=True, **_d("Dotted path of the field, e.g. answers.SEC-01."))
    pointer = Str(required=True, **_d("RFC 6901 JSON Pointer into the request body."))
    message = Str(required=True, **_d("What is wrong and how to fix it."))
    location = Str(data_key="in", **_d("Where the field is: json, query, path or header."))


class ProblemSchema(Schema):
    """RFC 9457 problem details (application/problem+json)."""

    type = Str(required=True, **_d("URI naming the problem type; about:blank for plain HTTP."))
    title = Str(required=True)
    status = fields.Integer(required=True)
    detail = Str(required=True)
    instance = Str()
    errors = fields.List(
        fields.Nested(FieldErrorSchema),
        **_d("Validation errors, one a field; at most the first 50."),
    )
    error_count = fields.Integer(**_d("How many field errors there were in all."))


class OverallSchema(Schema):
    score = fields.Float(**_d("0 (no risk) to 100."))
    rating = Str(validate=validate.OneOf(RATINGS))


class DomainResultSchema(Schema):
    title = Str()
    score = fields.Float()
    rating = Str(validate=validate.OneOf(RATINGS))
    answered = fields.Integer()
    applicable = fields.Integer()
    unknown = fields.Integer()
    weight = fields.Float()


class BlockerSchema(Schema):
    item = Str(**_d("Item id, or `policy` for a licence stance."))
    kind = Str(validate=validate.OneOf(("item", "license_stance")))
    title = Str()
    reason = Str()
    answer = Str(**Nullable)
    source = Str()
    fact = Str()
    license = Str(**Nullable)
    license_source = Str()
    origin = Str()
    verified = fields.Boolean()


class ReferenceSchema(Schema):
    framework = Str()
    id = Str()


class PendingDateSchema(Schema):
    """A proposed change to when a provision applies: shown, never assumed."""

    applies_from = Str(**_d("YYYY-MM-DD the proposal would move the date to."))
    note = Str()
    source = Str()


class DatedReferenceSchema(ReferenceSchema):
    """A reference a finding cites; a provision the content dates says when it applies."""

    applies_from = Str(**_d("YYYY-MM-DD the cited provision applies from (dated ones only)."))
    applies = fields.Boolean(
        **Nullable,
        **_d("Whether it applies on the result's as_of date; null for a result without one."),
    )
    pending = fields.Nested(PendingDateSchema, **Nullable)


class DerivedSchema(Schema):
    answer = Str()
    fact = Str()
    license = Str(**Nullable, **_d("The licence read; null for a publisher or deployment fact."))
    license_name = Str(**Nullable)
    origin = Str()
    source = Str(**Nullable, **_d("Where the fact was read; null for the deployment's."))
    verified = fields.Boolean()
    unverified_facts = fields.List(Str())
    basis = Str(
        validate=validate.OneOf(BASES),
        **_d("What the answer was read from: license, publisher (catalogue facts), deployment."),
    )


class OverrideSchema(Schema):
    derived_answer = Str()
    fact = Str()
    justification = Str()


class FindingSchema(Schema):
    item = Str()
    domain = Str()
    title = Str()
    question = Str()
    answer = Str(**Nullable)
    answer_label = Str()
    source = Str(validate=validate.OneOf(("assessor", "derived", "unknown", "unanswered")))
    risk = fields.Float()
    risky = fields.Boolean(**_d("True when the answer carries risk (risk above 0)."))
    weight = fields.Float()
    points = fields.Float(**_d("Points within the domain score."))
    overall_points = fields.Float(**_d("Points within the overall score."))
    severity = Str(
        validate=validate.OneOf(SEVERITIES),
        **_d(
            "For a risky finding, the severity of the answer given, moved by the deployment's "
            "severity rules; otherwise the item's severity here, which its weight is read from."
        ),
    )
    base_severity = Str(validate=validate.OneOf(SEVERITIES))
    severity_reasons = fields.List(Str(), **_d("Why the severity rules moved it."))
    reason = Str()
    remediation = Str(**_d("Written for the answer given where the content has such a text."))
    references = fields.List(fields.Nested(DatedReferenceSchema))
    derived = fields.Nested(DerivedSchema, **Nullable)
    override = fields.Nested(OverrideSchema, **Nullable)
    note = Str(**Nullable)
    evidence_url = Str(**Nullable)


class ConditionSchema(Schema):
    item = Str(**_d("Item id, or `policy` for a review the policy asks for."))
    kind = Str(
        validate=validate.OneOf(
            (
                "remediation",
                "verify_fact",
                "license_review",
                "publisher_review",
                "unknowns",
                "catalogue_departure",
                "override",
            )
        )
    )
    text = Str()
    due = Str(
        validate=validate.OneOf(DUES),
        **_d(
            "When it must be met, by its severity as the policy says: before_go_live, "
            "follow_up (an owner and a date) or track. Absent in results stored before v2."
        ),
    )
    severity = Str(validate=validate.OneOf(SEVERITIES))


class ReasonSchema(Schema):
    """One reason of a rating or of the decision, in a sentence."""

    kind = Str(validate=validate.OneOf(("finding", "blocker", "policy", "score", "none")))
    item = Str(**Nullable, **_d("The finding or blocker it names; null for other kinds."))
    severity = Str(
        **Nullable, validate=validate.OneOf(SEVERITIES), metadata={"title": "RatingReasonSeverity"}
    )
    text = Str()


class RatingReasonsSchema(Schema):
    overall = fields.List(fields.Nested(ReasonSchema))
    domains = fields.Dict(keys=Str(), values=fields.List(fields.Nested(ReasonSchema)))
    decision = fields.List(fields.Nested(ReasonSchema))


class ObligationSchema(Schema):
    """A duty that holds whatever the answers (a licence's or a law's); not a condition."""

    item = Str(**_d("The item whose rule names the duty."))
    license = Str(**Nullable, **_d("The licence imposing it; null for a law's duty."))
    license_name = Str(**Nullable)
    kind = Str(**_d("attribution, naming, user_cap, acceptable_use, ai_disclosure, ..."))
    text = Str()
    source = Str(**_d("The licence's source, or the provision of law cited."))
    verified = fields.Boolean()
    origin = Str(**Nullable, **_d("The lineage member the licence applies through."))
    reference = fields.Nested(DatedReferenceSchema, **_d("A law's duty: the provision cited."))


class DepartureSchema(Schema):
    """A catalogue fact of the model the assessment states otherwise."""

    field = Str(**_d("license, base_models, publisher, publisher_country or modality."))
    catalogue = fields.Raw(**_d("What the catalogue holds: text, or a list for lists."))
    given = fields.Raw(**_d("What the assessment states instead."))


class ResolvedModelSchema(Schema):
    id = Str(**Nullable)
    name = Str(**Nullable)
    version = Str(**Nullable)
    publisher = Str(**Nullable)
    publisher_country = Str(**Nullable)
    license = Str(**Nullable)
    modality = fields.List(Str())
    multimodal = fields.Boolean()
    weights_format = Str(**Nullable)
    base_models = fields.List(Str())
    relation = Str(**Nullable)
    release_date = Str(**Nullable)
    parameters_b = fields.Float(**Nullable)
    gated = fields.Boolean(**Nullable)
    source_url = Str(**Nullable)
    in_catalogue = fields.Boolean()
    overridden = fields.List(Str())
    family = Str(**Nullable)
    departures = fields.List(
        fields.Nested(DepartureSchema),
        **_d(
            "The catalogue facts the assessment states otherwise, accepted with the "
            "justification; absent when it states none (and in results stored before)."
        ),
    )
    justification = Str(**_d("Why the assessment departs from the catalogue's facts."))


class LineageEntrySchema(Schema):
    model = Str(**Nullable)
    name = Str()
    publisher = Str(**Nullable)
    publisher_country = Str(**Nullable)
    relation = Str(**Nullable)
    depth = fields.Integer()
    in_catalogue = fields.Boolean()
    license = Str(**Nullable)
    license_known = fields.Boolean()
    multimodal = fields.Boolean()
    modality = fields.List(Str())
    verified = fields.Boolean(
        **Nullable,
        **_d("Whether the catalogue entry was checked at its source; null outside the catalogue."),
    )


class AcceptableUseSchema(Schema):
    """A licence's acceptable-use policy: where it is published and what it prohibits."""

    url = Str(**Nullable, **_d("Where the policy is published; null when it is in the licence."))
    prohibited = fields.List(Str())


class LicenseFactsSchema(Schema):
    """The recorded facts of one licence (checklists/licenses.yaml)."""

    id = Str()
    name = Str()
    aliases = fields.List(Str())
    kind = Str()
    version_date = Str(**Nullable)
    url = Str(**Nullable)
    commercial = Str(**Nullable)
    mau_cap = fields.Integer(**Nullable)
    mau_measured = Str(**Nullable)
    revenue_cap_usd = fields.Integer(**Nullable)
    attribution = Str(**Nullable)
    attribution_trigger = Str(
        **Nullable,
        **_d(
            "What makes the attribution duty bite: copies (only copies passed on), "
            "distribution (as the licence defines it) or any_product (every product or service)."
        ),
    )
    naming = Str(**Nullable)
    acceptable_use = fields.Nested(AcceptableUseSchema, **Nullable)
    use_policy_by_reference = fields.Boolean(
        **Nullable,
        **_d(
            "True when the licence binds the licensee to the use policy at acceptable_use.url "
            "by reference, so the licensor can change it; null when nothing is recorded."
        ),
    )
    remote_restriction = fields.Boolean(
        **Nullable,
        **_d(
            "True when the licensor reserves a right to restrict use remotely; null when "
            "nothing is recorded."
        ),
    )
    output_training = Str(**Nullable)
    pass_through = Str(**Nullable)
    territorial = Str(**Nullable)
    field_of_use = fields.List(Str())
    hosting_is_distribution = fields.Boolean(**Nullable)
    patent = Str(**Nullable)
    governing_law = Str(**Nullable)
    notes = Str(**Nullable)
    source = Str(**Nullable)
    verified = fields.Boolean()
    unverified_facts = fields.List(Str())


class ResultLicenseSchema(LicenseFactsSchema):
    known = fields.Boolean()
    applies_via = fields.List(Str())


class ResultPolicySchema(Schema):
    id = Str()
    name = Str()
    version = Str()
    hash = Str()
    thresholds = fields.Dict(keys=Str(), values=fields.Float())


class ResultContentSchema(Schema):
    hash = Str()
    versions = fields.Dict(keys=Str(), values=Str())


_V2 = " Absent in results stored before verdict model v2."


class ResultSchema(Schema):
    """The result document: verdict, per-domain scores and every finding with its points."""

    as_of = Str(**_d("YYYY-MM-DD the assessment was scored as of." + _V2))
    overall = fields.Nested(OverallSchema)
    decision = Str(validate=validate.OneOf(DECISIONS))
    rating_reasons = fields.Nested(
        RatingReasonsSchema, **_d("What set the overall rating, each domain's, the decision." + _V2)
    )
    obligations = fields.List(fields.Nested(ObligationSchema), **_d("Duties listed." + _V2))
    domains = fields.Dict(
        keys=Str(),
        values=fields.Nested(DomainResultSchema),
        **_d("Keyed by domain: security, maintenance, licensing, misuse."),
    )
    blockers = fields.List(fields.Nested(BlockerSchema))
    findings = fields.List(fields.Nested(FindingSchema), **_d("Largest points first."))
    conditions = fields.List(fields.Nested(ConditionSchema))
    not_applicable = fields.List(Str())
    model = fields.Nested(ResolvedModelSchema)
    lineage = fields.List(fields.Nested(LineageEntrySchema))
    licenses = fields.List(fields.Nested(ResultLicenseSchema))
    policy = fields.Nested(ResultPolicySchema)
    content = fields.Nested(ResultContentSchema)
    engine_version = Str()
    input_hash = Str()


class ActorSchema(Schema):
    kind = Str(validate=validate.OneOf(("user", "key")))
    id = Str()
    name = Str()
    person = Str(
        **Nullable,
        **_d("Id of the account acting (a user, or the key's owner); null for a service key."),
    )
    person_name = Str(
        **Nullable,
        **_d("On reviews: the e-mail address of that account; null for a service key."),
    )


class ReviewSchema(Schema):
    id = fields.Integer()
    reviewer = fields.Nested(ActorSchema)
    decision = Str(validate=validate.OneOf(tuple(REVIEW_DECISIONS)))
    comment = Str()
    accept_risk = fields.Boolean(**_d("This approval accepted the risk of a reject decision."))
    created_at = Str()


class PolicyRefSchema(Schema):
    id = Str()
    version = Str()


class AssessmentLinksSchema(Schema):
    self = Str()
    report = Str()
    reviews = Str()
    revisions = Str()
    previous = Str(**Nullable)


class AssessmentSummarySchema(Schema):
    """An assessment without its input and result (list pages)."""

    id = Str()
    revision = fields.Integer()
    previous_id = Str(**Nullable)
    root_id = Str()
    title = Str()
    status = Str(
        validate=validate.OneOf(STATUSES),
        **_d(
            "`approved` means the approval is in force until `expires_at`; at most one "
            "revision of an assessment is approved."
        ),
    )
    created_at = Str(**_d("ISO 8601 UTC with a trailing Z."))
    updated_at = Str()
    expires_at = Str(**Nullable, **_d("When an approval lapses."))
    submitted_by = fields.Nested(ActorSchema)
    model_id = Str(**Nullable)
    model_name = Str()
    rating = Str(validate=validate.OneOf(RATINGS))
    decision = Str(validate=validate.OneOf(DECISIONS))
    score = fields.Float()
    policy_id = Str()
    policy_version = Str()
    next_id = Str(
        **Nullable,
        **_d(
            "The revision that follows this one; null for the latest. An approved revision with "
            "a next_id keeps its approval in force until that revision is decided."
        ),
    )
    risk_accepted = fields.Boolean(
        **_d("Approved against the engine's reject decision by a reviewer accepting its risk.")
    )
    reassessment_due = fields.Boolean(
        **_d("An approval in force that is due for re-assessment (see reassessment).")
    )
    reassessment = fields.Nested(ReassessmentSchema, **Nullable)
    policy = fields.Nested(PolicyRefSchema)
    links = fields.Nested(AssessmentLinksSchema)


class AssessmentSchema(AssessmentSummarySchema):
    """A stored assessment: immutable input and result, its reviews and its audit head."""

    input = ComponentRef("AssessmentInput", **_d("The clean assessment body as stored."))
    result = fields.Nested(ResultSchema)
    reviews = fields.List(fields.Nested(ReviewSchema))
    audit_head = Str(**Nullable, **_d("Hash of the newest audit event of this assessment."))
    artifact = fields.Nested(ArtifactRecordSchema, **Nullable)
    evidence = fields.List(fields.Nested(CitedEvidenceSchema))
    evidence_conditions = fields.List(
        fields.Nested(EvidenceConditionSchema),
        **_d("Cited evidence that expires before the approval would end, with its date."),
    )


class AssessmentVerdictSchema(Schema):
    """The verdict of a submission: what a client acts on without reading every finding."""

    overall = fields.Nested(OverallSchema, required=True)
    decision = Str(required=True, validate=validate.OneOf(DECISIONS))
    domains = fields.Dict(
        keys=Str(),
        values=fields.Nested(DomainResultSchema),
        required=True,
        **_d("Keyed by domain: security, maintenance, licensing, misuse."),
    )
    blockers = fields.List(fields.Nested(BlockerSchema), required=True)
    conditions = fields.List(
        fields.Nested(ConditionSchema),
        required=True,
        **_d("Conditions due before go-live or at follow-up (every one before verdict v2)."),
    )
    tracked = fields.Integer(
        **_d("How many hygiene findings are listed to track (GET lists them).")
    )
    as_of = Str(**_d("YYYY-MM-DD the assessment was scored as of."))
    rating_reasons = fields.Nested(
        RatingReasonsSchema, **_d("The overall rating's reasons and the decision's.")
    )
    obligations = fields.List(fields.Nested(ObligationSchema))


class AssessmentCreatedSchema(AssessmentSummarySchema):
    """A new assessment (or revision): its summary, links and verdict. GET its `links.self`
    for the input, every finding with its points and reasons, reviews and audit head."""

    verdict = fields.Nested(AssessmentVerdictSchema, required=True)


class PageLinksSchema(Schema):
    self = Str()
    first = Str()
    last = Str()
    next = Str(**Nullable)
    prev = Str(**Nullable)


class AssessmentPageSchema(Schema):
    items = fields.List(fields.Nested(AssessmentSummarySchema))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    total_pages = fields.Integer()
    links = fields.Nested(PageLinksSchema)


class ScoreSchema(Schema):
    policy = fields.Nested(PolicyRefSchema)
    result = fields.Nested(ResultSchema)
