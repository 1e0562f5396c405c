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
ones. A derived answer whose origin is the assessed model is stored without it; unpack puts the
model's name back.
"""

from __future__ import annotations

from ..content.model import UNKNOWN, Content
from . import rules

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
DERIVED = FINDING_FIELDS.index("derived")
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
    "artifact": "; no verified signature vouches for the files",
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
            "models": {m.id: m.sourced for m in content.models.values() if m.sourced},
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
        # Duty texts: a licence's (derive rule index -> template) and a law's (in rule order).
        "obligations": {
            str(n): r.obligation.text for n, r in enumerate(item.derive) if r.obligation
        },
        "duties": [r.text for r in item.obligations],
    }


def pack(lean: dict) -> dict:
    """The lean result as stored: findings as a table of rows without trailing nulls, and a
    derived answer's `origin` left out where it is the assessed model (most are)."""
    rows = []
    name = (lean.get("model") or {}).get("name")
    for f in lean["findings"]:
        row = [f[k] for k in FINDING_FIELDS]
        if f["derived"] and f["derived"].get("origin") == name:
            row[DERIVED] = {k: v for k, v in f["derived"].items() if k != "origin"}
        while row and row[-1] is None:
            row.pop()
        rows.append(row)
    return {**lean, "findings": {"fields": list(FINDING_FIELDS), "rows": rows}}


def unpack(stored: dict) -> dict:
    """A stored result as a lean one (findings as dicts); format 1 is returned as it is."""
    if stored.get("format") != FORMAT:
        return stored
    fields = stored["findings"]["fields"]
    name = (stored.get("model") or {}).get("name")
    findings = []
    for row in stored["findings"]["rows"]:
        finding = dict.fromkeys(FINDING_FIELDS)
        finding.update(zip(fields, row, strict=False))
        if finding["derived"] and "origin" not in finding["derived"]:
            finding["derived"] = {**finding["derived"], "origin": name}
        findings.append(finding)
    return {**stored, "findings": findings}


def explain(lean: dict, snap: dict) -> dict:
    """The explained result: the lean one with the content it cites joined in (format 1)."""
    if lean.get("format") != FORMAT:
        return lean
    out = {k: v for k, v in lean.items() if k != "format"}
    out["domains"] = {d: {"title": snap["domains"][d], **v} for d, v in lean["domains"].items()}
    as_of = lean.get("as_of")
    model_id = (lean.get("model") or {}).get("id")
    out["findings"] = [_explained(f, snap, as_of, model_id) for f in lean["findings"]]
    out["licenses"] = [_license(ref, snap) for ref in lean["licenses"]]
    out.update(_joined(lean, snap, lean["findings"]))
    return out


def verdict(lean: dict, snap: dict) -> dict:
    """What a submission answers: decision, ratings and what set them, blockers, the conditions
    due before go-live or at follow-up (hygiene findings to track are counted in `tracked` and
    listed with the whole result), and obligations."""
    titled = {d: {"title": snap["domains"][d], **v} for d, v in lean["domains"].items()}
    out = {k: lean[k] for k in VERDICT_KEYS if k in lean}
    findings = lean["findings"]
    out.update(_joined(lean, snap, findings))
    if "rating_reasons" in out:  # each domain's reasons are with the whole result
        out["rating_reasons"] = {k: out["rating_reasons"][k] for k in ("overall", "decision")}
    if any("due" in c for c in out["conditions"]):
        out["tracked"] = sum(1 for c in out["conditions"] if c.get("due") == "track")
        out["conditions"] = [c for c in out["conditions"] if c.get("due") != "track"]
    return {**out, "domains": titled}


def _joined(lean: dict, snap: dict, findings: list[dict]) -> dict:
    """Reasons, conditions and obligations with the content they cite; what a result stored
    before they existed lacks stays absent."""
    by_id = {f["item"]: f for f in findings}
    out = {"conditions": [_condition(c, by_id, snap) for c in lean["conditions"]]}
    if "rating_reasons" in lean:
        why = lean["rating_reasons"]
        out["rating_reasons"] = {
            "overall": [_reason(r, by_id, snap) for r in why["overall"]],
            "domains": {
                d: [_reason(r, by_id, snap) for r in rs] for d, rs in why["domains"].items()
            },
            "decision": [_reason(r, by_id, snap) for r in why["decision"]],
        }
    if "obligations" in lean:
        out["obligations"] = [obligation(o, snap, lean.get("as_of")) for o in lean["obligations"]]
    return out


def _reason(r: dict, by_id: dict, snap: dict) -> dict:
    if r["kind"] != "finding":
        return dict(r)
    f = by_id[r["item"]]
    item = snap["items"][r["item"]]
    return {
        "kind": "finding",
        "item": r["item"],
        "severity": f["severity"],
        "text": reason_text(f, item),
    }


def reason_text(f: dict, item: dict) -> str:
    """A finding that set a rating, in one line: "SEC-13 <title>: '<answer>', high (<why>)"."""
    if f["source"] == "unanswered":
        answer = "not answered"
    elif f["answer"] == UNKNOWN:
        answer = "answered unknown"
    else:
        answer = f"'{item['options'][f['answer']]}'"
    moved = " ".join(item["severity_reasons"][n] for n in f["severity_rules"])
    return f"{f['item']} {item['title']}: {answer}, {f['severity']}" + (
        f" ({moved})" if moved else ""
    )


def _condition(c: dict, by_id: dict, snap: dict) -> dict:
    """A condition with its text: a remediation's is the one written for the answer given."""
    if "text" in c:
        text = c["text"]
    else:
        item = snap["items"][c["item"]]
        answer = by_id[c["item"]]["answer"]
        text = (item.get("remediations") or {}).get(answer) or item["remediation"]
    out = {"item": c["item"], "kind": c["kind"], "text": text}
    out.update({k: c[k] for k in ("due", "severity") if k in c})
    return out


def obligation(o: dict, snap: dict, as_of: str | None) -> dict:
    """An obligation for reading: a licence's with the licence's name and source and its text
    filled from the licence, a law's with the provision it cites and when that applies."""
    item = snap["items"][o["item"]]
    if o.get("license"):
        lic = snap["licenses"][o["license"]]
        template = item["obligations"][str(o["rule"])]
        return {
            "item": o["item"],
            "license": o["license"],
            "license_name": lic["name"],
            "kind": o["kind"],
            "text": rules.fill(template, {"license": lic, "origin": {"name": o["origin"]}}),
            "source": lic["source"],
            "verified": o["verified"],
            "origin": o["origin"],
        }
    ref = o["reference"]
    framework = (snap.get("frameworks") or {}).get(ref["framework"], {}).get("name")
    return {
        "item": o["item"],
        "license": None,
        "license_name": None,
        "kind": o["kind"],
        "text": item["duties"][o["rule"]],
        "source": f"{framework or ref['framework']} {ref['id']}",
        "verified": True,
        "origin": None,
        "reference": dated_reference(ref, snap, as_of),
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


def _explained(f: dict, snap: dict, as_of: str | None, model_id: str | None) -> dict:
    item = snap["items"][f["item"]]
    reasons = [item["severity_reasons"][n] for n in f["severity_rules"]]
    label = answer_label(item, f["answer"])
    derived = _derived(f["derived"], snap, model_id) if f["derived"] else None
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


def _derived(d: dict, snap: dict, model_id: str | None) -> dict:
    basis = d.get("basis", "license")  # a licence unless named (and always before v2)
    lic = snap["licenses"][d["license"]] if basis == "license" else None
    source = lic["source"] if lic else None
    if basis == "publisher":
        facts = (snap.get("models") or {}).get(model_id) or {}
        source = "; ".join(dict.fromkeys(facts[u]["source"] for u in d["uses"] if u in facts))
    if basis == "artifact":
        source = d.get("source")
    unverified = list(d.get("unverified_facts") or ())
    return {
        "answer": d["answer"],
        "fact": d["fact"],
        "license": d.get("license"),
        "license_name": lic["name"] if lic else None,
        "origin": d["origin"],
        "source": source or None,
        "verified": d.get("verified", not unverified),
        "unverified_facts": unverified,
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
    if derived["basis"] == "artifact":
        return f"Derived from the artefact described ({derived['source']})"
    return "Derived from the deployment described"
