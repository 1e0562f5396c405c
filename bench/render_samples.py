"""Render the sample reports to out/samples/*.pdf and their pages to PNG (pdftoppm) for people."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.application import assessments  # noqa: E402
from service.content import load_content  # noqa: E402
from service.engine import lineage  # noqa: E402
from service.report import filename_for, pdf_for, unstored  # noqa: E402

INPUTS = ROOT / "tests" / "data" / "report"
SAMPLES = ("llama-vision-eu", "qwen-cjk", "sarvam-hindi", "hostile")
FULL_DEPLOYMENT = {
    "use_case": "Internal helpdesk that drafts answers to employee IT questions from the "
    "knowledge base; an agent reviews every draft before it is sent.",
    "sector": "technology",
    "exposure": "internal",
    "environment": "production",
    "commercial_use": True,
    "monthly_active_users": 2000,
    "organisation_monthly_active_users": 5000,
    "deployer_country": "US",
    "user_regions": ["US"],
    "data_sensitivity": "internal",
    "hosting": "on_premises",
    "autonomy": "advisory",
    "tool_access": "read_only",
    "distribution": "internal_only",
}


def content():
    """The shipped checklists and policies."""
    return load_content(ROOT / "checklists", ROOT / "policies")


def stored(content, body: dict, assessment_id: str) -> dict:
    """A stored assessment (the store's shape) for a body, with one review, fixed times."""
    clean, result = assessments.evaluate(content, body)
    return unstored(
        clean,
        result,
        "2026-11-30T09:15:00.000000Z",
        id=assessment_id,
        status="changes_requested",
        updated_at="2026-12-01T10:00:00.000000Z",
        submitted_by={"kind": "user", "id": "1", "name": clean["requester"]["name"]},
        reviews=[
            {
                "id": 1,
                "reviewer": {"kind": "user", "id": "2", "name": "Rita Reviewer"},
                "decision": "request_changes",
                "comment": "Attach the red-team report and the DPIA, then resubmit.",
                "created_at": "2026-12-01T10:00:00.000000Z",
            }
        ],
        audit_head="9f2c4e1a" * 8,
    )


def full_body(content, model_id: str = "meta-llama/Llama-3.1-8B-Instruct") -> dict:
    """Every item answered (mixed risks, notes on every third item), licence answers derived."""
    body = {
        "title": "Helpdesk drafting assistant (every item answered)",
        "requester": {
            "name": "Ada Assessor",
            "email": "ada@example.com",
            "organisation": "Example Corp",
        },
        "model": {"id": model_id},
        "deployment": dict(FULL_DEPLOYMENT),
        "policy": "default",
    }
    model = lineage.resolve_model(content, body["model"])
    derived = lineage.derive_answers(
        content, model, body["deployment"], lineage.lineage(content, model)
    )
    answers = {}
    for n, item in enumerate(content.items.values()):
        if item.id in derived:
            continue
        answer = {"value": item.options[n % len(item.options)].value}
        if n % 3 == 0:
            answer["note"] = (
                f"Checked on 2026-11-28 with the platform team; the evidence for "
                f"{item.id} is kept in the assessment folder. "
            ) * 3
            answer["evidence_url"] = f"https://wiki.example.com/ai/assessments/{item.id}"
        answers[item.id] = answer
    body["answers"] = answers
    return body


def sample_stored(content) -> dict[str, dict]:
    """The sample reports by name: the report test inputs, one full assessment, the typical
    support-bot sample and the all-unknown assessment of every item."""
    out = {
        name: stored(
            content, json.loads((INPUTS / f"{name}.json").read_text("utf-8")), f"sample-{name}"
        )
        for name in SAMPLES
    }
    out["full"] = stored(content, full_body(content), "sample-full")
    for name in ("llama-support-bot", "all-unknown"):
        body = json.loads((ROOT / "tests" / "data" / "inputs" / f"{name}.json").read_text("utf-8"))
        out[name] = stored(content, body, f"sample-{name}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "samples")
    parser.add_argument("--dpi", type=int, default=60)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    pdftoppm = shutil.which("pdftoppm")
    for name, record in sample_stored(content()).items():
        path = args.out / f"{name}.pdf"
        path.write_bytes(pdf_for(record))
        print(f"{path}  ({filename_for(record)})")
        if pdftoppm:
            subprocess.run(
                [pdftoppm, "-r", str(args.dpi), "-png", str(path), str(args.out / name)], check=True
            )
    if not pdftoppm:
        print("pdftoppm not found (Debian: poppler-utils): wrote the PDFs only", file=sys.stderr)
        return 1
    print(f"PNG pages in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
