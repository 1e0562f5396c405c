"""The real content, assessment bodies and answer presets, for every test."""

from __future__ import annotations

import copy
from datetime import date
from functools import cache
from pathlib import Path

from service import engine
from service.content import load_content
from service.content.model import UNKNOWN, Content
from service.engine import rules

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
LLAMA_8B = "meta-llama/Llama-3.1-8B-Instruct"

# The keys of a stored assessment (docs/architecture.md), as the store and the API return it.
STORED_KEYS = {
    "id",
    "revision",
    "previous_id",
    "title",
    "status",
    "created_at",
    "updated_at",
    "expires_at",
    "submitted_by",
    "model_id",
    "model_name",
    "rating",
    "decision",
    "score",
    "policy_id",
    "policy_version",
    "input",
    "result",
    "reviews",
    "audit_head",
}

BASE_DEPLOYMENT = {
    "use_case": "Internal helpdesk that drafts answers to employee IT questions",
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
    "trains_models_on_outputs": False,
    "minors": False,
}


@cache
def real_content() -> Content:
    """The content shipped in checklists/ and policies/, loaded once per test session."""
    return load_content(ROOT / "checklists", ROOT / "policies")


def body(
    model: dict | str,
    deployment: dict | None = None,
    answers: dict | None = None,
    policy: str = "default",
    title: str = "Test assessment",
) -> dict:
    """An assessment body in the API's shape, with a complete default deployment."""
    model = {"id": model} if isinstance(model, str) else dict(model)
    return {
        "title": title,
        "requester": {
            "name": "Ada Assessor",
            "email": "ada@example.com",
            "organisation": "Example Corp",
        },
        "model": model,
        "deployment": {**BASE_DEPLOYMENT, **(deployment or {})},
        "answers": dict(answers or {}),
        "policy": policy,
    }


def preset_answers(content: Content, b: dict, preset: str) -> dict:
    """Answers for every item: `good` (least risky, honouring derived answers), `unknown`, `worst`.

    For `good`, an item with a derived answer (licence, publisher or deployment facts, as of
    today as a submission is) keeps it unless an option reports how it was met (it `resolves`
    the derived answer); then the least risky such option.
    """
    if preset == "none":
        return {}
    if preset == "unknown":
        return {i: UNKNOWN for i in content.items}
    derived = engine.facts(content, b["model"], b["deployment"], date.today().isoformat()).derived
    out = {}
    for item in content.items.values():
        pick = min if preset == "good" else max
        if item.id in derived:
            options = [o for o in item.options if derived[item.id].answer in o.resolves]
            if options and preset == "good":
                out[item.id] = pick(options, key=lambda o: o.risk).value
            continue
        out[item.id] = pick(item.options, key=lambda o: o.risk).value
    return out


def scenario_body(content: Content, spec: dict) -> dict:
    """Build the body a scenario describes: model, deployment changes, preset, then answers.

    `legal_review: pending` keeps legal's review of the licence open: LIC-18 answered not
    reviewed and LIC-26 left to its derived answer (the good preset would have legal accept the
    terms, which closes the policy's review and confirms the licence facts).
    """
    b = body(spec["model"], spec.get("deployment"), policy=spec.get("policy", "default"))
    b["answers"] = preset_answers(content, b, spec.get("preset", "good"))
    if spec.get("legal_review") == "pending":
        b["answers"].pop("LIC-26", None)
        b["answers"]["LIC-18"] = "not_reviewed"
    b["answers"].update(copy.deepcopy(spec.get("answers") or {}))
    return b


def sample_body(**changes) -> dict:
    """A valid assessment body for a catalogue model; keyword arguments replace top-level keys."""
    return {**body(LLAMA_8B, answers={"SEC-01": "official"}), **changes}


def approvable_body(**changes) -> dict:
    """A valid body for a catalogue model that the engine does not reject (every item answered
    with its least risky option), so a reviewer approves it without accepting a risk."""
    b = scenario_body(real_content(), {"model": LLAMA_8B, "preset": "good"})
    return {**b, **changes}


def expert_body(content: Content, row: dict) -> dict:
    """The body an expert-table row describes (tests/data/scenarios/expert.yaml): its input, with
    every applicable item it leaves open filled by its preset. A preset never answers an item
    that does not apply, nor one whose answer is derived (from licence, publisher or deployment
    facts): those keep the derived answer."""
    b = copy.deepcopy(row["input"])
    b["policy"] = row.get("policy", "default")
    answers = b.setdefault("answers", {})
    preset = row.get("preset", "none")
    if preset == "none":
        return b
    facts = engine.facts(content, b["model"], b["deployment"], EXPERT_AS_OF)
    ctx = {"model": facts.model, "deployment": b["deployment"]}
    sets = content.context.country_sets
    for item in content.items.values():
        if item.id in answers or item.id in facts.derived:
            continue
        if not rules.holds(item.applies_when, ctx, sets):
            continue
        if preset == "unknown":
            answers[item.id] = UNKNOWN
        else:
            pick = min if preset == "good" else max
            answers[item.id] = pick(item.options, key=lambda o: o.risk).value
    return b


# The date the expert rated the table's deployments on (its header: "as of November 2026").
EXPERT_AS_OF = "2026-11-15"


def verdict_from(result: dict) -> dict:
    """The verdict a 201 gives for a stored result: its verdict keys, the conditions due before
    go-live or at follow-up with a count of those to track, and the overall and decision
    reasons (docs/architecture.md, "The verdict")."""
    keys = ("as_of", "overall", "decision", "domains", "blockers", "obligations")
    out = {k: result[k] for k in keys if k in result}
    out["conditions"] = [c for c in result["conditions"] if c["due"] != "track"]
    out["tracked"] = len(result["conditions"]) - len(out["conditions"])
    reasons = result["rating_reasons"]
    out["rating_reasons"] = {k: reasons[k] for k in ("overall", "decision")}
    return out


def applicable_only(body: dict) -> dict:
    """The body without its answers to items that do not apply to its deployment: what the web
    form submits, since it never sends answers to questions it does not show."""
    facts = engine.facts(real_content(), body["model"], body["deployment"])
    shown = engine.applicability(real_content(), facts, body["deployment"])
    answers = {k: v for k, v in body["answers"].items() if shown[k].applies}
    return {**body, "answers": answers}
