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
field is simply a new key. Verdict model v2 added `as_of`, `rating_reasons`, `obligations`, a
`due` and `severity` on conditions and a `basis` (and a publisher fact's `source`) on derived
answers; a result stored before lacks them and is explained without them, never with invented
ones.
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
VERDICT_KEYS = (
    "as_of",
    "overall",
    "decision",
    "rating_reasons",
    "domains",
    "blockers",
    "conditions",
    "obligations",
)
UNKNOWN_LABEL = "Unknown"
UNANSWERED_LABEL = "Not answered"
UNVERIFIED = {
    "license": "; the licence fact behind it is unverified",
    "publisher": "; the publisher fact behind it is unverified",
    "deployment": "",
}

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
            "frameworks": {k: _framework(f) for k, f in content.frameworks.items()},
        }
    return _SNAPSHOTS[content.hash]


def _framework(framework) -> dict:
    """A framework's name and, where its provisions are dated, when each applies."""
    out: dict = {"name": framework.name}
    if framework.provisions:
        out["provisions"] = {
            ref: {
                "applies_from": p.applies_from,
                "pending": None
                if p.pending is None
                else {
                    "applies_from": p.pending.applies_from,
                    "note": p.pending.note,
                    "source": p.pending.source,
                },
            }
            for ref, p in framework.provisions.items()
        }
    return out


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
        "remediations": {o.value: o.remediation for o in item.options if o.remediation},
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
    as_of = lean.get("as_of")
    out["findings"] = [_explained(f, snap, as_of) for f in lean["findings"]]
    out["licenses"] = [_license(ref, snap) for ref in lean["licenses"]]
    if "obligations" in lean:
        out["obligations"] = [obligation(o, snap, as_of) for o in lean["obligations"]]
    return out


def verdict(lean: dict, snap: dict) -> dict:
    """What a submission answers: decision, ratings and their reasons, scores, blockers,
    conditions, obligations."""
    titled = {d: {"title": snap["domains"][d], **v} for d, v in lean["domains"].items()}
    out = {k: lean[k] for k in VERDICT_KEYS if k in lean}
    if "obligations" in lean:
        out["obligations"] = [obligation(o, snap, lean.get("as_of")) for o in lean["obligations"]]
    return {**out, "domains": titled}


def obligation(o: dict, snap: dict, as_of: str | None) -> dict:
    """An obligation for reading: a licence's with the licence's name and source, a law's with
    the provision it cites and when that applies."""
    if o.get("license"):
        lic = snap["licenses"][o["license"]]
        return {
            "item": o.get("item"),
            "license": o["license"],
            "license_name": lic["name"],
            "kind": o["kind"],
            "text": o["text"],
            "source": lic["source"],
            "verified": o["verified"],
            "origin": o["origin"],
        }
    ref = o["reference"]
    dated = dated_reference(ref, snap, as_of)
    framework = (snap.get("frameworks") or {}).get(ref["framework"], {}).get("name")
    return {
        "item": o.get("item"),
        "license": None,
        "license_name": None,
        "kind": o["kind"],
        "text": o["text"],
        "source": f"{framework or ref['framework']} {ref['id']}",
        "verified": o["verified"],
        "origin": None,
        "reference": dated,
    }


def dated_reference(ref: dict, snap: dict, as_of: str | None) -> dict:
    """A reference, with when the provision it cites applies and whether it does on `as_of`
    (null when the result has no assessment date), where the content dates it."""
    framework = (snap.get("frameworks") or {}).get(ref["framework"]) or {}
    provision = (framework.get("provisions") or {}).get(ref["id"])
    if provision is None:
        return dict(ref)
    return {
        **ref,
        "applies_from": provision["applies_from"],
        "applies": None if as_of is None else as_of >= provision["applies_from"],
        "pending": provision["pending"],
    }


def _license(ref: dict, snap: dict) -> dict:
    if not ref["known"]:
        return dict(ref)
    return {**snap["licenses"][ref["id"]], "known": True, "applies_via": ref["applies_via"]}


def _explained(f: dict, snap: dict, as_of: str | None) -> dict:
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
        "remediation": (item.get("remediations") or {}).get(f["answer"]) or item["remediation"],
        "references": [dated_reference(r, snap, as_of) for r in item["references"]],
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
    basis = d.get("basis", "license")  # stored before v2: always a licence
    lic = snap["licenses"][d["license"]] if basis == "license" else None
    return {
        "answer": d["answer"],
        "fact": d["fact"],
        "license": d["license"],
        "license_name": lic["name"] if lic else None,
        "origin": d["origin"],
        "source": lic["source"] if lic else d.get("source"),
        "verified": d["verified"],
        "unverified_facts": list(d["unverified_facts"]),
        "basis": basis,
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
    answer the fact it rests on."""
    if f["risky"]:
        weight = f"{round(f['risk'] * 100)}% risk, {f['severity']} severity"
    else:
        weight = "no risk"
    note = f" ({' '.join(reasons)})" if reasons and f["risky"] else ""
    if f["source"] == "unanswered":
        return f"Not answered; the policy counts that as {weight}{note}."
    if f["source"] == "unknown":
        return f"Answered unknown; the policy counts that as {weight}{note}."
    if f["source"] == "derived":
        unverified = "" if derived["verified"] else UNVERIFIED[derived["basis"]]
        answer = f"Answer '{label}', {weight}{unverified}{note}."
        return f"{_derived_from(derived)}: {derived['fact']} {answer}"
    return f"Answered '{label}', {weight}{note}."


def _derived_from(derived: dict) -> str:
    if derived["basis"] == "license":
        return f"Derived from {derived['license_name']} via {derived['origin']}"
    if derived["basis"] == "publisher":
        return f"Derived from the catalogue's facts about {derived['origin']} ({derived['source']})"
    return "Derived from the deployment described"
