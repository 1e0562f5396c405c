"""Model-signing bundles verified with the model-signing library over the listed digests: key-based
(signed here with a fresh key) and keyless (a real Sigstore bundle, verified offline); tampered
bundles, other keys, other identities and other files are refused with the reason."""

from __future__ import annotations

import pytest

from service.application import InputError, signing
from service.interop import manifest
from tests.support.signing import (
    KEYLESS_FILES,
    KEYLESS_IDENTITY,
    KEYLESS_ISSUER,
    keyless_bundle,
    offline_trust_config,
    signed_model,
    with_payload,
)


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return signed_model(tmp_path_factory.mktemp("signed"))


def _files(listed):
    return manifest.files_map(listed)


def _refusal(signature, files, trust=None) -> str:
    with pytest.raises(InputError) as caught:
        signing.verify(signature, _files(files), trust)
    (error,) = caught.value.errors
    assert error["field"].startswith("model.artifact.signature.")
    return error["message"]


def test_a_key_signed_bundle_verifies_over_the_listed_files(model):
    outcome = signing.verify(
        {"bundle": model["bundle"], "public_key": model["public_key"]}, _files(model["files"]), None
    )
    assert outcome["verified"] is True and outcome["method"] == "key"
    assert outcome["signer"] == f"key sha256:{signing.fingerprint(model['public_key'])}"


def test_a_listed_file_that_differs_from_the_signed_one_is_named(model):
    files = [dict(f) for f in model["files"]]
    files[1]["sha256"] = "f" * 64
    message = _refusal({"bundle": model["bundle"], "public_key": model["public_key"]}, files)
    assert f"other digest: {files[1]['path']}" in message
    extra = [*model["files"], {"path": "extra.bin", "sha256": "0" * 64}]
    message = _refusal({"bundle": model["bundle"], "public_key": model["public_key"]}, extra)
    assert "not signed: extra.bin" in message


def test_a_tampered_statement_does_not_verify(model):
    def swap(statement):
        statement["predicate"]["resources"][0]["digest"] = "0" * 64

    tampered = with_payload(model["bundle"], swap)
    files = [dict(f) for f in model["files"]]
    files[0]["sha256"] = "0" * 64  # even when the listing matches the altered statement
    message = _refusal({"bundle": tampered, "public_key": model["public_key"]}, files)
    assert "does not verify" in message


def test_another_key_and_a_broken_signature_are_refused(tmp_path, model):
    other = signed_model(tmp_path)["public_key"]
    assert "does not verify" in _refusal(
        {"bundle": model["bundle"], "public_key": other}, model["files"]
    )
    broken = {**model["bundle"], "dsseEnvelope": dict(model["bundle"]["dsseEnvelope"])}
    sig = broken["dsseEnvelope"]["signatures"][0]["sig"]
    broken["dsseEnvelope"]["signatures"] = [{"sig": "A" * 8 + sig[8:], "keyid": ""}]
    assert "does not verify" in _refusal(
        {"bundle": broken, "public_key": model["public_key"]}, model["files"]
    )
    assert "not a PEM public key" in _refusal(
        {"bundle": model["bundle"], "public_key": "not a key"}, model["files"]
    )


def test_shard_digests_and_non_bundles_are_refused(model):
    def shards(statement):
        statement["predicate"]["serialization"]["method"] = "shards"

    message = _refusal(
        {"bundle": with_payload(model["bundle"], shards), "public_key": model["public_key"]},
        model["files"],
    )
    assert "sign per file with SHA-256" in message
    assert "not an OpenSSF model-signing bundle" in _refusal(
        {"bundle": {"hello": "world"}, "public_key": model["public_key"]}, model["files"]
    )


def test_a_keyless_bundle_verifies_offline_against_the_trust_configuration(tmp_path, monkeypatch):
    trust = str(offline_trust_config(tmp_path, monkeypatch))
    signature = {"bundle": keyless_bundle(), "identity": KEYLESS_IDENTITY, "issuer": KEYLESS_ISSUER}
    outcome = signing.verify(signature, _files(KEYLESS_FILES), trust)
    assert outcome == {
        "method": "sigstore",
        "verified": True,
        "signer": KEYLESS_IDENTITY,
        "issuer": KEYLESS_ISSUER,
        "reason": None,
    }
    wrong = {**signature, "identity": "someone.else@example.com"}
    assert "does not verify" in _refusal(wrong, KEYLESS_FILES, trust)
    wrong_issuer = {**signature, "issuer": "https://accounts.example.com"}
    assert "does not verify" in _refusal(wrong_issuer, KEYLESS_FILES, trust)


def test_a_keyless_bundle_without_a_trust_configuration_is_recorded_unverified():
    signature = {"bundle": keyless_bundle(), "identity": KEYLESS_IDENTITY, "issuer": KEYLESS_ISSUER}
    outcome = signing.verify(signature, _files(KEYLESS_FILES), None)
    assert outcome["verified"] is False
    assert "MODELRISK_SIGSTORE_TRUST_CONFIG" in outcome["reason"]
    # It still must list the files given.
    other = [KEYLESS_FILES[0]]
    assert "signed but not listed: signme-2" in _refusal(signature, other, None)


def test_a_tampered_keyless_bundle_does_not_verify(tmp_path, monkeypatch):
    trust = str(offline_trust_config(tmp_path, monkeypatch))

    def swap(statement):
        statement["predicate"]["resources"][0]["digest"] = "0" * 64

    bundle = with_payload(keyless_bundle(), swap)
    files = [{**KEYLESS_FILES[0], "sha256": "0" * 64}, KEYLESS_FILES[1]]
    signature = {"bundle": bundle, "identity": KEYLESS_IDENTITY, "issuer": KEYLESS_ISSUER}
    assert "does not verify" in _refusal(signature, files, trust)
