"""The pure engine: an assessment body, the content and a policy in; an explained result out.

No Flask, no store, no I/O, no clock: the same input always gives the same result. It imports
nothing of the service but service.content (a test reads every import of this package).

    rules.py     evaluate declarative conditions and fill fact templates
    lineage.py   resolve the model, walk its lineage, derive licence answers from its facts
    plan.py      the content arranged once for scoring: distinct condition lists, item order
    scoring.py   score(): findings, domain and overall scores, ratings, blockers, conditions
"""

from .lineage import Derived, Facts, facts
from .scoring import ENGINE_VERSION, input_hash, resolves, score

__all__ = ["ENGINE_VERSION", "Derived", "Facts", "facts", "input_hash", "resolves", "score"]
