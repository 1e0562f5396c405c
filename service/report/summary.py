"""The executive summary: plain sentences read from the stored result, in a fixed order."""

from __future__ import annotations

from .words import human, label

TOP = 3
LISTED = 8


def sentences(stored: dict, result: dict, body: dict, thresholds: dict | None) -> list[str]:
    """What is proposed, the verdict, the blockers, the largest contributions, what would change."""
    return [
        _proposal(stored, result, body),
        _deployment(body),
        _verdict(result),
        _coverage(result),
        _blockers(result),
        _contributions(result),
        _change(result, thresholds),
    ]


def _proposal(stored: dict, result: dict, body: dict) -> str:
    model = result.get("model") or {}
    name = model.get("name") or stored.get("model_name") or "an unnamed model"
    requester = body.get("requester") or {}
    who = requester.get("name") or "The requester"
    if requester.get("organisation"):
        who += f" ({requester['organisation']})"
    by = f" by {model['publisher']}" if model.get("publisher") else ""
    lic = f", licence {model['license']}" if model.get("license") else ", licence not stated"
    use = ((body.get("deployment") or {}).get("use_case") or "").strip()
    text = f"{who} proposes to deploy {name}{by}{lic}"
    if not use:
        return f"{text}."
    return f"{text} for this use: {use}" + ("" if use[-1] in ".!?\u3002" else ".")


def _deployment(body: dict) -> str:
    d = body.get("deployment") or {}
    parts = []
    if d.get("environment"):
        parts.append(f"environment {human(d['environment'])}")
    if d.get("exposure"):
        parts.append(f"reachable by {human(d['exposure'])} users")
    if d.get("hosting"):
        parts.append(f"hosted {human(d['hosting'])}")
    if d.get("data_sensitivity"):
        parts.append(f"data up to {human(d['data_sensitivity'])}")
    if d.get("monthly_active_users") is not None:
        parts.append(f"{d['monthly_active_users']:,} expected monthly active users")
    if d.get("deployer_country"):
        parts.append(f"deployer established in {d['deployer_country']}")
    return ("The deployment: " + "; ".join(parts) + ".") if parts else "No deployment described."


def _verdict(result: dict) -> str:
    overall, policy = result["overall"], result["policy"]
    return (
        f"The overall risk score is {overall['score']:.2f} of 100, rated {overall['rating']} "
        f"under policy {policy['id']} {policy['version']}; the decision is: "
        f"{label('decision', result['decision'])}."
    )


def _coverage(result: dict) -> str:
    domains = result["domains"].values()
    applicable = sum(d["applicable"] for d in domains)
    answered = sum(d["answered"] for d in domains)
    unknown = sum(d["unknown"] for d in domains)
    return (
        f"{answered} of {applicable} applicable items are answered; {unknown} are unknown or "
        f"unanswered and count as the policy says."
    )


def _blockers(result: dict) -> str:
    blockers = result["blockers"]
    if not blockers:
        return "No blocker stops approval."
    names = "; ".join(f"{b['item']} ({b['title']})" for b in blockers[:LISTED])
    more = (
        f"; and {len(blockers) - LISTED} more, listed in section 3"
        if len(blockers) > LISTED
        else ""
    )
    verb = "blocker stops" if len(blockers) == 1 else "blockers stop"
    return f"{len(blockers)} {verb} approval: {names}{more}."


def _contributions(result: dict) -> str:
    top = largest(result)
    if not top:
        return "No item adds to the overall score."
    parts = "; ".join(f"{f['item']} {f['title']} ({f['overall_points']:.2f} points)" for f in top)
    total = sum(f["overall_points"] for f in top)
    return (
        f"The largest contributions to the overall score are {parts}: together "
        f"{total:.2f} of {result['overall']['score']:.2f} points."
    )


def largest(result: dict) -> list[dict]:
    """The findings with the most overall points (at most three), largest first."""
    ranked = sorted(
        (f for f in result["findings"] if f["overall_points"] > 0),
        key=lambda f: (-f["overall_points"], f["item"]),
    )
    return ranked[:TOP]


def _change(result: dict, thresholds: dict | None) -> str:
    decision, rating = result["decision"], result["overall"]["rating"]
    if result["blockers"]:
        ids = list(dict.fromkeys(b["item"] for b in result["blockers"]))
        named = ", ".join(ids[:LISTED]) + (
            f" and {len(ids) - LISTED} more" if len(ids) > LISTED else ""
        )
        return (
            f"The decision cannot change while a blocker stands: resolve {named}, then re-assess."
        )
    if decision == "reject" and "rating_reasons" in result:  # rated by the worst risk
        setting = [r["item"] for r in result["rating_reasons"]["overall"] if r.get("item")]
        named = ", ".join(setting[:LISTED]) + (
            f" and {len(setting) - LISTED} more" if len(setting) > LISTED else ""
        )
        return (
            f"A different decision needs a rating below {rating}: bring the risk of "
            f"{named or 'the findings that set it'} lower, then re-assess."
        )
    if decision == "reject":
        bound = (
            f" (an overall score under {thresholds[rating]:g})"
            if thresholds and rating in thresholds
            else ""
        )
        return (
            f"A different decision needs a rating below {rating}{bound}, with no risky item "
            f"of a floored severity and no domain holding the rating up; remediating the "
            f"largest contributions above is the shortest way there."
        )
    if decision == "approve_with_conditions" and not result["conditions"]:
        return (
            f"The policy approves a {rating} rating only with conditions: agree them with the "
            f"reviewers; a lower rating would allow plain approval."
        )
    if decision == "approve_with_conditions":
        # Hygiene findings to track are not conditions of the approval (verdict model v2).
        n = len([c for c in result["conditions"] if c.get("due") != "track"])
        return (
            f"Approval holds only once the {n} condition{'s' if n != 1 else ''} listed "
            f"below {'are' if n != 1 else 'is'} met and signed off; a new answer that is "
            f"riskier, or a change of model, licence or deployment, needs a new assessment."
        )
    return (
        "No condition attaches to the approval; a change of model, licence or deployment "
        "needs a new assessment."
    )
