"""Schemas of the import and export operations: the pre-fill request and the draft it returns."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..application.inputs import AnswerObjectSchema, ModelInputSchema

MAX_CARD = 1 << 20


class PrefillInputSchema(Schema):
    """A model card (with the Hub's model information) or a CycloneDX ML-BOM, as JSON."""

    model_card = fields.String(
        validate=validate.Length(1, MAX_CARD),
        metadata={"description": "The text of the model's README.md, front matter included."},
    )
    files = fields.Raw(
        metadata={
            "description": "The Hub's model information (an object with `id`, `siblings`, "
            "`config`, `gated`) or its `siblings` list; model cards only.",
        }
    )
    repo_id = fields.String(
        validate=validate.Length(1, 200),
        metadata={"description": "The card's repository (org/name) when `files` has no `id`."},
    )
    bom = fields.Raw(metadata={"description": "A CycloneDX 1.5-1.7 ML-BOM (a JSON object)."})

    @validates_schema
    def one_document(self, data, **kwargs):
        if ("model_card" in data) == ("bom" in data):
            raise ValidationError("give exactly one of model_card or bom", "model_card")
        if "bom" in data and not isinstance(data["bom"], dict):
            raise ValidationError("must be a CycloneDX BOM object", "bom")
        if "files" in data and not isinstance(data["files"], dict | list):
            raise ValidationError("must be the model information object or its siblings", "files")


class DraftDerivedSchema(Schema):
    item = fields.String(required=True)
    title = fields.String(required=True)
    answer = fields.String(required=True)
    answer_label = fields.String(required=True)
    fact = fields.String(required=True)
    source = fields.String(required=True)


class DraftLicenseSchema(Schema):
    declared = fields.String(allow_none=True, required=True)
    spdx = fields.Boolean(required=True)
    mapped = fields.String(allow_none=True, required=True)


class DraftLineageSchema(Schema):
    model = fields.String(required=True)
    relation = fields.String(allow_none=True, required=True)
    in_catalogue = fields.Boolean(required=True)


class DraftWarningSchema(Schema):
    field = fields.String(required=True)
    message = fields.String(required=True)
    source = fields.String()


class DraftBodySchema(Schema):
    """A partial AssessmentInput: the model as found and the answers the documents settle."""

    model = fields.Nested(ModelInputSchema, required=True)
    answers = fields.Dict(
        keys=fields.String(), values=fields.Nested(AnswerObjectSchema), required=True
    )


def _flag(text: str):
    return fields.Boolean(allow_none=True, required=True, metadata={"description": text})


def _names(text: str):
    return fields.List(
        fields.String(), allow_none=True, required=True, metadata={"description": text}
    )


class DraftEvidenceSchema(Schema):
    """What the documents show, by the names the content's prefill rules read; null where they
    say nothing. A listing's absences count only when `files_listed` (a complete listing)."""

    source = fields.String(required=True)
    bom = _flag("A CycloneDX ML-BOM was read.")
    model_card = _flag("A model card (text or modelCard) came with the document.")
    files_listed = _flag("The repository's complete file listing was given.")
    weight_formats = _names("Formats of the weight files.")
    pickle = _flag("A pickle-format file is present.")
    pickle_files = _names("Some of them, by name.")
    code = _flag("Python files or auto_map are present.")
    code_files = _names("Some of them.")
    opaque = _flag("Executable or opaque files are present.")
    opaque_files = _names("Some of them.")
    hub_digests = _flag("The listing carries the hub's SHA-256 digests.")
    bom_digests = _flag("The BOM records digests of the model.")
    signature = _flag("A signature file is present.")
    signature_files = _names("Some of them.")
    gated = _flag("Download asks for terms to be accepted.")
    license = fields.String(allow_none=True, required=True)
    license_declared = _flag("A licence is declared.")
    license_spdx = _flag("It is SPDX.")
    license_custom = _flag("It is a custom licence.")
    license_text = _flag("Its text or a link came with it.")
    license_file = _flag("The repository holds a licence file.")
    repo_id = fields.String(allow_none=True, required=True)
    repo_in_catalogue = _flag("The repository is a catalogue entry.")
    relation = fields.String(allow_none=True, required=True)
    base_models = _names("Base models named.")
    same_namespace_as_base = _flag("The base models are the same organisation's.")


class DraftSchema(Schema):
    """What an import found: a partial assessment body and how each part was read."""

    format = fields.String(required=True, validate=validate.OneOf(("model_card", "cyclonedx")))
    body = fields.Nested(DraftBodySchema, required=True)
    derived = fields.List(fields.Nested(DraftDerivedSchema), required=True)
    license = fields.Nested(DraftLicenseSchema, required=True)
    lineage = fields.List(fields.Nested(DraftLineageSchema), required=True)
    weight_formats = fields.List(fields.String(), required=True)
    evidence = fields.Nested(DraftEvidenceSchema, required=True)
    warnings = fields.List(fields.Nested(DraftWarningSchema), required=True)
