"""The result document: lean as scored and stored, explained when read, a verdict when created.

Format 2 (`"format": 2`) holds only what is particular to the assessment; the content its
findings cite (item title, question, remediation, references, option labels, the reasons of
severity rules, domain titles, licence facts) is a snapshot taken once per content hash.
`explain(lean, snapshot)` joins the two into the explained result of format 1, the shape every
reader knows (API GET, web page, report, `assess --format json`); a result stored without a
format marker is format 1 already and is read as it is.

Stored, the findings are a table (`findings: {fields, rows}`), each row trimmed of trailing
nulls: the sample support-bot assessment then stores in about 14 KiB instead of 118 KiB. A new
field is a new column at the end (readers fill it with null for older rows); a new top-level
field (issue 11's `rating_reasons`, say) is simply a new key.
"""

from __future__ import annotations

from ..content.model import UNKNOWN, Content

FORMAT = 2
FINDING_FIELDS = (
    "item",
    "answer",
    "source",
    "risk",
    "risky",
    "weight",
    "points",
    "overall_points",
    "severity",
    "severity_rules",
    "derived",
    "override",
    "note",
    "evidence_url",
)
# What POST /assessments answers with: the verdict, never the findings.
VERDICT_KEYS = ("overall", "decision", "domains", "blockers", "conditions", "rating_reasons")
UNKNOWN_LABEL = "Unknown"
UNANSWERED_LABEL = "Not answered"
UNVERIFIED = "; the licence fact behind it is unverified"

_SNAPSHOTS: dict[str, dict] = {}  # one per content hash loaded


def snapshot(content: Content) -> dict:
    """The content a result cites, as plain data; the same for every result of this content."""
    if content.hash not in _SNAPSHOTS:
        _SNAPSHOTS[content.hash] = {
            "format": FORMAT,
            "hash": content.hash,
            "domains": {d: c.title for d, c in content.checklists.items()},
            "items": {item.id: _item(item) for item in content.items.values()},
            "licenses": {lic.id: dict(lic.facts) for lic in content.licenses.values()},
        }
    return _SNAPSHOTS[content.hash]


def _item(item) -> dict:
    return {
        "domain": item.domain,
        "title": item.title,
        "question": item.question,
        "base_severity": item.severity,
        "remediation": item.remediation,
        "references": [{"framework": r.framework, "id": r.id} for r in item.references],
        "options": {o.value: o.label for o in item.options},
        "severity_reasons": [r.reason for r in item.severity_rules],
    }


def pack(lean: dict) -> dict:
    """The lean result as stored: findings as a table of rows without trailing nulls."""
    rows = []
    for f in lean["findings"]:
        row = [f[k] for k in FINDING_FIELDS]
        while row and row[-1] is None:
            row.pop()
        rows.append(row)
    return {**lean, "findings": {"fields": list(FINDING_FIELDS), "rows": rows}}


def unpack(stored: dict) -> dict:
    """A stored result as a lean one (findings as dicts); format 1 is returned as it is."""
    if stored.get("format") != FORMAT:
        return stored
    fields = stored["findings"]["fields"]
    findings = []
    for row in stored["findings"]["rows"]:
        finding = dict.fromkeys(FINDING_FIELDS)
        finding.update(zip(fields, row, strict=False))
        findings.append(finding)
    return {**stored, "findings": findings}


def explain(lean: dict, snap: dict) -> dict:
    """The explained result: the lean one with the content it cites joined in (format 1)."""
    if lean.get("format") != FORMAT:
        return lean
    out = {k: v for k, v in lean.items() if k != "format"}
    out["domains"] = {d: {"title": snap["domains"][d], **v} for d, v in lean["domains"].items()}
    out["findings"] = [_explained(f, snap) for f in lean["findings"]]
    out["licenses"] = [_license(ref, snap) for ref in lean["licenses"]]
    return out


def verdict(lean: dict, snap: dict) -> dict:
    """What a submission answers: decision, ratings, scores, blockers, conditions, reasons."""
    titled = {d: {"title": snap["domains"][d], **v} for d, v in lean["domains"].items()}
    out = {k: lean[k] for k in VERDICT_KEYS if k in lean}
    return {**out, "domains": titled}


def _license(ref: dict, snap: dict) -> dict:
    if not ref["known"]:
        return dict(ref)
    return {**snap["licenses"][ref["id"]], "known": True, "applies_via": ref["applies_via"]}


def _explained(f: dict, snap: dict) -> dict:
    item = snap["items"][f["item"]]
    reasons = [item["severity_reasons"][n] for n in f["severity_rules"]]
    label = answer_label(item, f["answer"])
    derived = _derived(f["derived"], snap) if f["derived"] else None
    return {
        "item": f["item"],
        "domain": item["domain"],
        "title": item["title"],
        "question": item["question"],
        "base_severity": item["base_severity"],
        "remediation": item["remediation"],
        "references": [dict(r) for r in item["references"]],
        "answer": f["answer"],
        "answer_label": label,
        "source": f["source"],
        "risk": f["risk"],
        "risky": f["risky"],
        "weight": f["weight"],
        "points": f["points"],
        "overall_points": f["overall_points"],
        "severity": f["severity"],
        "severity_reasons": reasons,
        "reason": reason(f, item, label, reasons, derived),
        "derived": derived,
        "override": f["override"],
        "note": f["note"],
        "evidence_url": f["evidence_url"],
    }


def _derived(d: dict, snap: dict) -> dict:
    lic = snap["licenses"][d["license"]]
    return {
        "answer": d["answer"],
        "fact": d["fact"],
        "license": d["license"],
        "license_name": lic["name"],
        "origin": d["origin"],
        "source": lic["source"],
        "verified": d["verified"],
        "unverified_facts": list(d["unverified_facts"]),
    }


def answer_label(item: dict, answer) -> str:
    """How an answer reads: its option's label, Unknown, or Not answered."""
    if answer is None:
        return UNANSWERED_LABEL
    if answer == UNKNOWN:
        return UNKNOWN_LABEL
    return item["options"][answer]


def reason(f: dict, item: dict, label: str, reasons: list[str], derived: dict | None) -> str:
    """Why a finding counts, in one sentence: its answer, risk and severity, and for a derived
    answer the licence fact it rests on."""
    weight = f"{round(f['risk'] * 100)}% risk on a {f['severity']}-severity item"
    note = f" (base severity {item['base_severity']}; {' '.join(reasons)})" if reasons else ""
    if f["source"] == "unanswered":
        return f"Not answered; the policy counts that as {weight}{note}."
    if f["source"] == "unknown":
        return f"Answered unknown; the policy counts that as {weight}{note}."
    if f["source"] == "derived":
        unverified = "" if derived["verified"] else UNVERIFIED
        return (
            f"Derived from {derived['license_name']} via {derived['origin']}: "
            f"{derived['fact']} Answer '{label}', {weight}{unverified}{note}."
        )
    return f"Answered '{label}', {weight}{note}."
