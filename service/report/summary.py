"""Sentences about the proposal: who proposes what, the deployment, how much is answered."""

from __future__ import annotations

from .words import human


def proposal(stored: dict, result: dict, body: dict, licence: str | None) -> str:
    """Who proposes to deploy which model, under which licence (by name), for what use."""
    model = result.get("model") or {}
    name = model.get("name") or stored.get("model_name") or "an unnamed model"
    requester = body.get("requester") or {}
    who = requester.get("name") or "The requester"
    if requester.get("organisation"):
        who += f" ({requester['organisation']})"
    by = f" by {model['publisher']}" if model.get("publisher") else ""
    lic = f", licence {licence}" if licence else ", licence not stated"
    use = ((body.get("deployment") or {}).get("use_case") or "").strip()
    text = f"{who} proposes to deploy {name}{by}{lic}"
    if not use:
        return f"{text}."
    return f"{text} for this use: {use}" + ("" if use[-1] in ".!?\u3002" else ".")


def deployment(body: dict) -> str:
    """The deployment's context in one sentence."""
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


def coverage(result: dict) -> str:
    """How many applicable items are answered, and how many are unknown."""
    domains = result["domains"].values()
    applicable = sum(d["applicable"] for d in domains)
    answered = sum(d["answered"] for d in domains)
    unknown = sum(d["unknown"] for d in domains)
    return (
        f"{answered} of {applicable} applicable items are answered; {unknown} are unknown or "
        f"unanswered and count as the policy says."
    )
