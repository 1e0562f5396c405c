"""The `model.artifact` object of an assessment body: what will be deployed (the hub revision,
each file with its SHA-256) and, optionally, an OpenSSF model-signing bundle over those files."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..interop import manifest

HUB_REPO = validate.Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$",
    error="a hub repository id such as meta-llama/Llama-3.1-8B-Instruct",
)
COMMIT = validate.Regexp(r"^[0-9a-f]{40}$", error="the commit id: 40 lowercase hexadecimal digits")


def _path(value) -> None:
    problem = manifest.path_problem(value)
    if problem:
        raise ValidationError(problem)


class ArtifactFileSchema(Schema):
    path = fields.String(required=True, validate=_path)
    sha256 = fields.String(
        required=True,
        validate=validate.Regexp(manifest.SHA256, error="64 hexadecimal digits (SHA-256)"),
    )


class ArtifactSignatureSchema(Schema):
    """A model-signing bundle with what to verify it against: a public key, or the identity
    and OIDC issuer of a keyless (Sigstore) signature."""

    bundle = fields.Raw(
        required=True,
        metadata={"description": "The Sigstore bundle model_signing wrote (a JSON object)."},
    )
    public_key = fields.String(validate=validate.Length(1, 4096), allow_none=True)
    identity = fields.String(validate=validate.Length(1, 500), allow_none=True)
    issuer = fields.URL(validate=validate.Length(max=500), allow_none=True)

    @validates_schema
    def one_way(self, data, **kwargs):
        if "bundle" in data and not isinstance(data["bundle"], dict):
            raise ValidationError("must be the bundle's JSON object", "bundle")
        keyed = bool(data.get("public_key"))
        keyless = bool(data.get("identity")) and bool(data.get("issuer"))
        if keyed == keyless:
            raise ValidationError(
                "give public_key (a key-based signature) or identity and issuer (keyless)",
                "public_key",
            )


class ArtifactSchema(Schema):
    repo_id = fields.String(validate=HUB_REPO, allow_none=True)
    revision = fields.String(validate=COMMIT, allow_none=True)
    files = fields.List(
        fields.Nested(ArtifactFileSchema),
        required=True,
        validate=validate.Length(1, manifest.MAX_FILES),
    )
    signature = fields.Nested(ArtifactSignatureSchema, allow_none=True)

    @validates_schema
    def distinct_paths(self, data, **kwargs):
        seen = set()
        for entry in data.get("files") or ():
            if entry["path"] in seen:
                raise ValidationError(f"'{entry['path']}' is listed twice", "files")
            seen.add(entry["path"])
