"""OpenSSF model-signing bundles checked with the `model-signing` library against listed digests.

What is verified, and where (docs/api.md, "Signed artefacts", says the same for integrators):

- key-based (`public_key`, an EC P-256/384/521 PEM): the DSSE signature over the in-toto
  statement under that key, entirely offline. The signer is recorded as the key's SHA-256
  fingerprint (of its PEM SubjectPublicKeyInfo, as model_signing hints it in the bundle).
- keyless (`identity` and `issuer`): the Fulcio certificate chains to the Sigstore trust root,
  its identity and OIDC issuer are the ones given, the Rekor transparency-log entry and the
  DSSE signature verify; against the trust configuration file named by
  MODELRISK_SIGSTORE_TRUST_CONFIG, offline. The service never fetches a trust root: without
  that file a keyless bundle is recorded as signed but not verified, with the reason.
- in both: the statement must list exactly the files given, with the same SHA-256 digests
  (model_signing compares the two manifests); a difference names each file.

Not verified: whether the signer is the publisher (the assessor judges the identity shown),
revocation, or how current the trust configuration is.
"""

from __future__ import annotations

import hashlib
import json
import pathlib
import tempfile

from cryptography.hazmat.primitives import serialization
from model_signing import hashing, manifest, verifying

# model_signing has no public constructor for a digest read from a listing rather than a file.
from model_signing._hashing.hashing import Digest

from ..interop import InteropError
from ..interop import manifest as manifests
from .errors import InputError
from .inputs import field_error

FIELD = ("model", "artifact", "signature")
WORDS = {"changed": "other digest", "missing": "signed but not listed", "extra": "not signed"}
_SERIALIZATION = {"method": "files", "hash_type": "sha256", "allow_symlinks": False}


class _Listed(hashing.Config):
    """A hashing configuration that 'hashes' the model into the listed digests: the service
    never holds the weights, so the signed manifest is compared with the listing instead."""

    def __init__(self, files: dict[str, str]):
        super().__init__()
        self.files = files

    def hash(self, model_path, *, files_to_hash=None) -> manifest.Manifest:
        kind = manifest.SerializationType.from_args(_SERIALIZATION)
        items = [
            kind.new_item(path, Digest("sha256", bytes.fromhex(sha256)))
            for path, sha256 in self.files.items()
        ]
        return manifest.Manifest("listed", items, kind)


def fingerprint(public_key_pem: str) -> str:
    """The SHA-256 of a PEM public key's SubjectPublicKeyInfo (the key model_signing hints)."""
    key = serialization.load_pem_public_key(public_key_pem.encode())
    pem = key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(pem).hexdigest()


def verify(signature: dict, files: dict[str, str], trust_config: str | None) -> dict:
    """The outcome of checking a signature block {bundle, public_key | identity and issuer}
    against the listed files: {method, verified, signer, issuer, reason}.

    InputError (naming model.artifact.signature...) when the bundle is not a model-signing
    bundle of per-file SHA-256 digests, signs other files than those listed, or does not
    verify; a keyless bundle without a trust configuration is returned unverified.
    """
    bundle = signature["bundle"]
    try:
        signed = manifests.signed_files(bundle, "bundle")
    except InteropError as exc:
        raise _refused("bundle", exc.errors[0]["message"]) from None
    # The signature is checked over the statement's own list first, so that a bundle that does
    # not verify says so, whatever it lists; the listing is compared after.
    outcome = _by_key(signature, signed) if signature.get("public_key") else None
    if outcome is None:
        outcome = _keyless(signature, signed, trust_config)
    if signed != files:
        diff = manifests.difference(signed, files)
        raise _refused(
            "bundle",
            "the signed statement lists other files than model.artifact.files: "
            + manifests.described(diff, WORDS),
        )
    return outcome


def _keyless(signature: dict, signed: dict[str, str], trust_config: str | None) -> dict:
    outcome = {
        "method": "sigstore",
        "verified": False,
        "signer": signature["identity"],
        "issuer": signature["issuer"],
        "reason": None,
    }
    if not trust_config:
        outcome["reason"] = (
            "no Sigstore trust configuration is set (MODELRISK_SIGSTORE_TRUST_CONFIG); the "
            "service does not fetch one, so this keyless signature was not verified"
        )
        return outcome
    config = verifying.Config().use_sigstore_verifier(
        identity=signature["identity"],
        oidc_issuer=signature["issuer"],
        trust_config=pathlib.Path(trust_config),
    )
    _check(config, signature["bundle"], signed, "bundle")
    return {**outcome, "verified": True}


def _by_key(signature: dict, files: dict[str, str]) -> dict:
    pem = signature["public_key"]
    try:
        signer = fingerprint(pem)
    except (ValueError, TypeError):
        raise _refused("public_key", "not a PEM public key") from None
    with tempfile.TemporaryDirectory(prefix="modelrisk-key-") as folder:
        key = pathlib.Path(folder) / "key.pub"
        key.write_text(pem, encoding="utf-8")
        try:
            config = verifying.Config().use_elliptic_key_verifier(public_key=key)
        except ValueError as exc:
            raise _refused("public_key", f"unsupported key: {exc}") from None
        _check(config, signature["bundle"], files, "bundle")
    return {
        "method": "key",
        "verified": True,
        "signer": f"key sha256:{signer}",
        "issuer": None,
        "reason": None,
    }


def _check(config: verifying.Config, bundle: dict, files: dict[str, str], field: str) -> None:
    """model_signing's verify over the listed digests; any failure refuses the bundle."""
    config.set_hashing_config(_Listed(files))
    with tempfile.TemporaryDirectory(prefix="modelrisk-sig-") as folder:
        path = pathlib.Path(folder) / "model.sig"
        path.write_text(json.dumps(bundle), encoding="utf-8")
        try:
            config.verify(pathlib.Path(folder) / "model", path)
        except Exception as exc:  # noqa: BLE001 - the library raises many kinds; all refuse
            raise _refused(field, f"the signature does not verify: {_reason(exc)}") from None


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]


def _refused(name: str, message: str) -> InputError:
    return InputError([field_error((*FIELD, name), message)])
