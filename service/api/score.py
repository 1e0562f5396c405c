"""What-if scoring: the same result as a submission, with nothing stored."""

from __future__ import annotations

from ..application import assessments
from .assessments import INPUT, content
from .auth import require
from .base import ApiBlueprint, documents_json_body, json_body, json_response
from .schemas import ScoreSchema

PATH = "/score"
blp = ApiBlueprint(
    "score", __name__, tag="score", description="Score a body without storing it (what-if)."
)


@blp.route("", methods=["POST"], operation_id="scoreAssessment")
@require("assessments:read")
@blp.doc(requestBody=INPUT)
@blp.response(200, ScoreSchema)
@documents_json_body
def score():
    """Score an assessment body without storing it

    Takes the same body as POST /api/v1/assessments and returns the same `result`. Nothing is
    stored, so no Idempotency-Key is needed.
    """
    _, result = assessments.evaluate(content(), json_body())
    return json_response(
        {
            "policy": {"id": result["policy"]["id"], "version": result["policy"]["version"]},
            "result": result,
        }
    )
