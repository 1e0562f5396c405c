"""Model files signed in the test through model-signing with a fresh local key, and the keyless
bundle of tests/data/signing with an offline Sigstore trust configuration."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from pathlib import Path

import model_signing
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from .bodies import ROOT

KEYLESS = ROOT / "tests" / "data" / "signing" / "sigstore-keyless.sig"
KEYLESS_FILES = [
    {
        "path": "signme-1",
        "sha256": "f6310066c7320497ea554260c32c43660bff648cb2a61194832cc086077085e1",
    },
    {
        "path": "signme-2",
        "sha256": "32dcb1f8e1ae52d5963e56a6ba06ab58b424c15ed2a6b70d2feca1d089370028",
    },
]
KEYLESS_IDENTITY = "stefanb@us.ibm.com"
KEYLESS_ISSUER = "https://sigstore.verify.ibm.com/oauth2"
MODEL_FILES = {
    "config.json": b'{"architectures": ["LlamaForCausalLM"]}\n',
    "model-00001-of-00002.safetensors": b"\x00" * 4096 + b"first shard",
    "model-00002-of-00002.safetensors": b"\x01" * 4096 + b"second shard",
    "tokenizer/tokenizer.json": b'{"version": "1.0"}\n',
}


def signed_model(folder: Path) -> dict:
    """Write MODEL_FILES under `folder`/model, sign them with a new P-256 key through
    model_signing; returns {files: [{path, sha256}], bundle, public_key (PEM)}."""
    model = Path(folder) / "model"
    for name, data in MODEL_FILES.items():
        (model / name).parent.mkdir(parents=True, exist_ok=True)
        (model / name).write_bytes(data)
    key = ec.generate_private_key(ec.SECP256R1())
    private = Path(folder) / "signing-key.pem"
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    signature = Path(folder) / "model.sig"
    model_signing.signing.Config().use_elliptic_key_signer(private_key=private).sign(
        model, signature
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return {
        "files": listing(MODEL_FILES),
        "bundle": json.loads(signature.read_text()),
        "public_key": public.decode(),
    }


def listing(files: dict[str, bytes]) -> list[dict]:
    """[{path, sha256}] of file contents by path."""
    return [{"path": p, "sha256": hashlib.sha256(d).hexdigest()} for p, d in sorted(files.items())]


def with_payload(bundle: dict, change) -> dict:
    """A copy of the bundle whose in-toto statement `change(statement)` altered (the signature
    left as it was: a tampered bundle)."""
    out = copy.deepcopy(bundle)
    statement = json.loads(base64.b64decode(out["dsseEnvelope"]["payload"]))
    change(statement)
    out["dsseEnvelope"]["payload"] = base64.b64encode(json.dumps(statement).encode()).decode()
    return out


def keyless_bundle() -> dict:
    return json.loads(KEYLESS.read_text())


def offline_trust_config(folder: Path, monkeypatch) -> Path:
    """Sigstore's production trust configuration from the metadata the installed sigstore
    package ships (offline: nothing is fetched), written to a file."""
    from sigstore.models import ClientTrustConfig

    monkeypatch.setenv("XDG_CACHE_HOME", str(Path(folder) / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(Path(folder) / "data"))
    config = ClientTrustConfig.production(offline=True)
    path = Path(folder) / "trust-config.json"
    path.write_text(config._inner.to_json())  # sigstore offers no public writer
    return path
