"""The decision read for people: its reasons, the actions due, what would change it.

One reading of a stored result, shared by the report's decision page and the web result page
(through application.assessments). It reads what the engine recorded and never re-decides:
`rating_reasons`, and conditions with their `due`, exist only in results stored since the
engine gives them; an older result is read from its blockers and risky findings, and says so.
"""

from __future__ import annotations

from ..content.model import SEVERITIES
from ..labels import label

FIRST = 5  # actions listed on the decision page before "and N more"
REASONS = 6  # reasons listed before "and N more"
WORST = 3  # risky findings named when a result recorded no reasons
DUE_ORDER = ("before_go_live", "follow_up", "track")


def rank(severity) -> int:
    """A severity's place from low (0) to critical (3); -1 for none."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else -1


def worst_first(findings: list[dict], blocking: set[str] = frozenset()) -> list[dict]:
    """Findings with blockers first, then by severity of the answer, then by points."""
    return sorted(
        findings,
        key=lambda f: (f["item"] not in blocking, -rank(f["severity"]), -f["points"], f["item"]),
    )


def reasons(result: dict, blockers: bool = True) -> dict:
    """Why the decision and rating are what they are: {recorded, items, more}.

    `recorded` is False for a result stored before the engine recorded its reasons: its
    blockers and worst risky findings stand in, and the reader is told that. Without
    `blockers`, reasons that name a blocker are left out (for a page that lists the blockers
    beside them).
    """
    recorded = result.get("rating_reasons")
    if recorded:
        seen, items = set(), []
        for reason in [*recorded.get("decision", []), *recorded.get("overall", [])]:
            if reason.get("text") and reason["text"] not in seen:
                seen.add(reason["text"])
                items.append(_reason(reason))
    else:
        items = [_blocker_reason(b) for b in result["blockers"]]
        blocking = {b["item"] for b in result["blockers"]}
        risky = [f for f in result["findings"] if f["risky"] and f["item"] not in blocking]
        items += [_finding_reason(f) for f in worst_first(risky)[:WORST]]
    if not blockers:
        items = [r for r in items if r["kind"] != "blocker"]
    return {
        "recorded": bool(recorded),
        "items": items[:REASONS],
        "more": max(0, len(items) - REASONS),
    }


def domain_reasons(result: dict, domain: str) -> list[dict]:
    """What set one domain's rating: the engine's reasons, or its worst risky finding."""
    recorded = result.get("rating_reasons")
    if recorded:
        return [_reason(r) for r in (recorded.get("domains") or {}).get(domain, [])]
    risky = [f for f in result["findings"] if f["domain"] == domain and f["risky"]]
    # Shown under a heading that says what it is: no "Risky finding" before it.
    return [_finding_reason(f, kind="") for f in worst_first(risky)[:1]]


def _reason(r: dict) -> dict:
    return {
        "kind": r.get("kind"),
        "item": r.get("item"),
        "severity": r.get("severity"),
        "text": r["text"],
    }


def _blocker_reason(b: dict) -> dict:
    text = f"Blocker {b['item']} {b['title']}: {b['reason']}"
    return {"kind": "blocker", "item": b["item"], "severity": None, "text": text}


def _finding_reason(f: dict, kind: str = "Risky finding ") -> dict:
    text = (
        f"{kind}{f['item']} {f['title']}: answered \u2018{f['answer_label']}\u2019, "
        f"{f['severity']} severity"
    )
    return {"kind": "finding", "item": f["item"], "severity": f["severity"], "text": text}


def conditions(result: dict) -> list[dict]:
    """Every condition with its labels; blockers' items first, then the engine's order."""
    blocking = {b["item"] for b in result["blockers"]}
    out = [
        {
            "item": c["item"],
            "kind": c["kind"],
            "kind_label": label("condition", c["kind"]),
            "text": c["text"],
            "due": c.get("due"),
            "severity": c.get("severity"),
            "blocker": c["item"] in blocking,
        }
        for c in result["conditions"]
    ]
    return sorted(out, key=lambda c: not c["blocker"])


def due_groups(result: dict) -> list[dict]:
    """Conditions grouped by when they are due, in that order: {due, title, conditions}.

    A result stored before conditions had a due date gives one group, due None.
    """
    listed = conditions(result)
    groups = []
    for due in (*DUE_ORDER, None):
        members = [c for c in listed if c["due"] == due]
        if members:
            title = label("due", due) if due else "Conditions (no due date recorded)"
            groups.append({"due": due, "title": title, "conditions": members})
    known = set(DUE_ORDER) | {None}
    odd = [c for c in listed if c["due"] not in known]  # a due this reader does not know yet
    if odd:
        groups.append({"due": "other", "title": "Other", "conditions": odd})
    return groups


def dated(result: dict) -> bool:
    """True when the result's conditions carry a due date (results since verdict model 2)."""
    return any("due" in c for c in result["conditions"]) or "rating_reasons" in result


def first_actions(result: dict) -> dict:
    """The actions the decision page lists: {title, items (at most FIRST), more, dated}.

    Those due before go-live; for a result without due dates, its conditions as recorded.
    """
    listed = conditions(result)
    if dated(result):
        listed = [c for c in listed if c["due"] == "before_go_live"]
    reject = result["decision"] == "reject"
    title = "What must change for approval" if reject else "Due before go-live"
    if not dated(result):
        title = "What must change for approval" if reject else "Conditions of approval"
    return {
        "title": title,
        "items": listed[:FIRST],
        "more": max(0, len(listed) - FIRST),
        "dated": dated(result),
    }


def what_changes(result: dict) -> list[str]:
    """What would change the decision, as short sentences, most decisive first."""
    out = []
    blockers = list(dict.fromkeys(b["item"] for b in result["blockers"]))
    if blockers:
        out.append(
            f"Resolve {_named(blockers)}: each blocker stops approval on its own, whatever the "
            "rating."
        )
    setters = _setters(result)
    rating = result["overall"]["rating"]
    if setters and not blockers and result["decision"] == "reject" and recorded(result):
        # Rated by the worst risk: only a lower rating can change a reject.
        out.append(
            f"A different decision needs a rating below {rating}: bring the risk of "
            f"{_named(setters)} lower, then re-assess."
        )
    elif setters and rating != "low":
        # Only a result with recorded reasons says what set its rating; an older one was rated
        # by another rule, so its worst risky findings are named as just that.
        why = (
            f"which set the {rating} rating"
            if result.get("rating_reasons")
            else "the worst risky findings"
        )
        out.append(
            f"Lower the risk of {_named(setters)}, {why}; a lower rating may change the "
            "decision under the policy."
        )
    due = [c for c in conditions(result) if c["due"] == "before_go_live"]
    if due and result["decision"] != "reject":
        n = len(due)
        out.append(
            f"Meet the {n} condition{'s' if n != 1 else ''} due before go-live; the approval "
            "holds only with them."
        )
    out.append("A change of model, licence or deployment needs a new assessment.")
    return out


def recorded(result: dict) -> bool:
    """True when the engine recorded the reasons for its rating (verdict model 2)."""
    return bool(result.get("rating_reasons"))


def pending(result: dict) -> int:
    """The conditions an approval waits on: all but the low risks only tracked."""
    return sum(1 for c in result["conditions"] if c.get("due") != "track")


def _setters(result: dict) -> list[str]:
    """Items that set the overall rating: from the reasons, else the worst risky findings."""
    recorded = result.get("rating_reasons")
    if recorded:
        items = [r.get("item") for r in recorded.get("overall", [])]
        return list(dict.fromkeys(i for i in items if i))
    risky = [f for f in result["findings"] if f["risky"]]
    if not risky:
        return []
    top = max(rank(f["severity"]) for f in risky)
    return [f["item"] for f in worst_first(risky) if rank(f["severity"]) == top][:REASONS]


def _named(items: list[str]) -> str:
    shown = ", ".join(items[:REASONS])
    return shown + (f" and {len(items) - REASONS} more" if len(items) > REASONS else "")
