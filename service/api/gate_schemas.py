"""The documented shapes of evidence, artefacts, the re-assessment watch and the gate's answer."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..application.reviews import STATUSES

Str = fields.String
Nullable = {"allow_none": True}


def _d(text: str) -> dict:
    return {"metadata": {"description": text}}


class ReassessmentReasonSchema(Schema):
    kind = Str(validate=validate.OneOf(("expiry_near", "evidence_expired", "content_changed")))
    since = Str(**_d("When this reason began (ISO 8601 UTC)."))
    text = Str()


class ReassessmentSchema(Schema):
    """The re-assessment watch of an approval in force."""

    due = fields.Boolean(**_d("True once the approval is due for re-assessment."))
    due_since = Str(**Nullable, **_d("When it fell due; null while it is not due."))
    due_at = Str(**_d("When it falls (or fell) due: the earliest of its reasons."))
    grace_until = Str(**_d("From then on the deployment gate refuses it (policy grace_days)."))
    reasons = fields.List(fields.Nested(ReassessmentReasonSchema))


class SignatureOutcomeSchema(Schema):
    method = Str(validate=validate.OneOf(("key", "sigstore")))
    verified = fields.Boolean(**_d("Whether the signature verified over the listed files."))
    signer = Str(**_d("`key sha256:<fingerprint>`, or the keyless signer's identity."))
    issuer = Str(**Nullable, **_d("The OIDC issuer of a keyless signature."))
    reason = Str(**Nullable, **_d("Why a signature was not verified."))


class ArtifactRecordSchema(Schema):
    """The artefact the assessment describes; an approval is bound to its manifest digest."""

    manifest_digest = Str(**_d("SHA-256 of the canonical file list (docs/api.md)."))
    file_count = fields.Integer()
    repo_id = Str(**Nullable)
    revision = Str(**Nullable, **_d("The hub commit id."))
    signature = fields.Nested(SignatureOutcomeSchema, **Nullable)


class EvidenceSchema(Schema):
    """An uploaded evidence file (its bytes at GET /api/v1/evidence/{id})."""

    id = Str(**_d("ev_ and 32 hexadecimal digits; cite it in answers.ITEM.evidence."))
    sha256 = Str(**_d("SHA-256 of the bytes."))
    media_type = Str(
        validate=validate.OneOf(
            (
                "application/pdf",
                "image/png",
                "image/jpeg",
                "application/json",
                "text/csv",
                "text/plain",
            )
        ),
        **_d("The type read from the bytes (never from the name or the declared type)."),
    )
    filename = Str()
    size = fields.Integer()
    description = Str()
    expires_on = Str(**Nullable, **_d("YYYY-MM-DD, when given."))
    uploaded_by_kind = Str()
    uploaded_by_id = Str()
    uploaded_by_name = Str()
    uploaded_by_person = Str(**Nullable)
    created_at = Str()
    cited = fields.Boolean(**_d("True once a submitted assessment cites it (never purged)."))


class CitedEvidenceSchema(EvidenceSchema):
    items = fields.List(Str(), **_d("The items whose answers cite it."))


class EvidenceConditionSchema(Schema):
    item = Str()
    items = fields.List(Str())
    kind = Str(validate=validate.OneOf(("evidence_expires",)))
    evidence_id = Str()
    date = Str(**_d("The day the evidence expires (YYYY-MM-DD)."))
    text = Str()


class DifferenceCountsSchema(Schema):
    changed = fields.Integer()
    missing = fields.Integer()
    extra = fields.Integer()


class GateDifferenceSchema(Schema):
    """The files that differ from the approved manifest (at most 50 named per kind)."""

    changed = fields.List(Str(), **_d("Approved paths presented with another digest."))
    missing = fields.List(Str(), **_d("Approved paths not presented."))
    extra = fields.List(Str(), **_d("Presented paths the approval does not list."))
    counts = fields.Nested(DifferenceCountsSchema)


class GateReasonSchema(Schema):
    code = Str(
        validate=validate.OneOf(
            (
                "no_approval",
                "different_model",
                "expired",
                "risk_acceptance_expired",
                "reassessment_overdue",
                "no_artifact",
                "different_weights",
            )
        )
    )
    message = Str()
    files = fields.Nested(
        GateDifferenceSchema, **_d("For different_weights when files were given.")
    )


class GateAssessmentSchema(Schema):
    id = Str()
    title = Str()
    revision = fields.Integer()
    status = Str(validate=validate.OneOf(STATUSES))
    model_id = Str(**Nullable)
    model_name = Str()
    expires_at = Str(**Nullable)
    risk_accepted = fields.Boolean()
    manifest_digest = Str(**Nullable)


class GateSchema(Schema):
    """The gate's answer: whether these files may be deployed for this use now, and why not."""

    allowed = fields.Boolean(required=True)
    model = Str()
    use = Str()
    manifest_digest = Str(**_d("The digest of the files presented (or the one given)."))
    assessment = fields.Nested(GateAssessmentSchema, **Nullable)
    expires_at = Str(**Nullable)
    reassessment = fields.Nested(ReassessmentSchema, **Nullable)
    reasons = fields.List(fields.Nested(GateReasonSchema), required=True)
    checked_at = Str()
