"""How a stored result was scored, in words: the one text the report and the result page show.

The text follows the rule the result was scored with, not the rule of today's engine: a result
that records its rating reasons (verdict model 2) was rated by its worst risky finding; one
stored before was rated by score bands, floors and the worst domain, and keeps that text.
"""

from __future__ import annotations

METHOD = (
    "Each applicable checklist item contributes the risk of its answer (0 for no risk to 1 for "
    "full risk; an unknown or missing answer counts as the policy says) times the weight of its "
    "effective severity, which is the item's base severity adjusted for this deployment. A "
    "domain's score is that weighted risk as a share of the most it could be, on a scale of 0 to "
    "100. Each finding's points are its part of the domain score, rounded so that the points of a "
    "domain add up to its score exactly.",
    "The overall score is the policy-weighted average of the domain scores, again split into "
    "per-finding points that add up exactly. The rating is the highest of three: the band the "
    "overall score falls in (see the policy thresholds), the floor set by any risky item of a "
    "severity the policy floors, and the worst domain's rating less the policy's margin. Any "
    "blocker makes the decision reject; otherwise the policy maps the rating to a decision, and "
    "an approval becomes conditional while conditions remain.",
)
# How results scored by verdict model v2 (those with rating reasons) were rated.
METHOD_V2 = (
    METHOD[0],
    "The overall score is the policy-weighted average of the domain scores, again split into "
    "per-finding points that add up exactly; it ranks and explains. The rating is the worst "
    "risk: a domain takes the worst severity among its findings whose answer carries risk (the "
    "answer's severity adjusted for this deployment), the deployment its worst domain, and a "
    "policy's score thresholds may raise a rating, never lower it. Any blocker makes the "
    "decision reject; otherwise the policy maps the rating to a decision, and an approval "
    "becomes conditional while a condition is due before go-live or at a follow-up.",
)


def method_for(result: dict) -> list[str]:
    """The paragraphs that say how this result was scored and rated."""
    return list(METHOD_V2 if "rating_reasons" in result else METHOD)
