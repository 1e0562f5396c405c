"""The report's evidence appendix: the artefact the approval is bound to (its manifest digest,
revision and signature) and each cited evidence file with its SHA-256. Self-contained: the
model reads what the stored assessment carries; the flowables render it."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from .layout import FRAME_WIDTH, LABEL_WIDTH


def section(stored: dict) -> dict | None:
    """The appendix's data, or None when the assessment names no artefact and cites no file."""
    artifact, files = stored.get("artifact"), stored.get("evidence") or []
    if not artifact and not files:
        return None
    out: dict = {"artifact": None, "files": []}
    if artifact:
        signature = artifact.get("signature") or {}
        out["artifact"] = {
            "manifest_digest": artifact["manifest_digest"],
            "file_count": artifact["file_count"],
            "repo_id": artifact.get("repo_id"),
            "revision": artifact.get("revision"),
            "signature": _signature(signature) if signature else "none",
        }
    out["files"] = [
        {
            "id": f["id"],
            "filename": f["filename"],
            "sha256": f["sha256"],
            "media_type": f["media_type"],
            "items": list(f["items"]),
            "expires_on": f.get("expires_on"),
        }
        for f in files
    ]
    return out


def _signature(signature: dict) -> str:
    state = "verified" if signature.get("verified") else "not verified"
    text = f"{signature.get('method')} signature by {signature.get('signer')}, {state}"
    if signature.get("issuer"):
        text += f" (issuer {signature['issuer']})"
    if signature.get("reason"):
        text += f": {signature['reason']}"
    return text


def appendix(report: dict, w) -> tuple[str, list]:
    """The appendix's title and flowables; no flowables when nothing is cited."""
    return "Evidence and artefact", flowables(report.get("evidence"), w)


def flowables(data: dict | None, w) -> list:
    """The appendix section's flowables (none without data)."""
    if not data:
        return []
    flow = []
    artifact = data["artifact"]
    if artifact:
        rows = [
            ["Manifest digest", artifact["manifest_digest"]],
            ["Files", str(artifact["file_count"])],
            ["Repository", artifact["repo_id"] or "not given"],
            ["Revision", artifact["revision"] or "not given"],
            ["Signature", artifact["signature"]],
        ]
        flow.append(w.p("The approval covers exactly the files of this manifest.", "small"))
        flow.append(
            w.table(None, rows, [LABEL_WIDTH, FRAME_WIDTH - LABEL_WIDTH], label_column=True)
        )
    for record in data["files"]:
        flow.append(Spacer(1, 2 * mm))
        rows = [
            ["Evidence", f"{record['filename']} ({record['id']})"],
            ["SHA-256", record["sha256"]],
            ["Backs", ", ".join(record["items"])],
            ["Expires", record["expires_on"] or "no expiry given"],
        ]
        flow.append(
            w.table(None, rows, [LABEL_WIDTH, FRAME_WIDTH - LABEL_WIDTH], label_column=True)
        )
    return flow
