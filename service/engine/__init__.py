"""The pure engine: an assessment body, the content and a policy in; a lean result out.

No Flask, no store, no I/O, no clock: the same input always gives the same result. It imports
nothing of the service but service.content (a test reads every import of this package).

    rules.py     evaluate declarative conditions and fill fact templates
    departures.py   a catalogue model's facts stated otherwise, and what of them counts
    lineage.py   resolve the model, walk its lineage, derive answers from licence, publisher,
                 deployment and artefact facts
    artifact.py  the artefact facts rules read, from what the application verified
    plan.py      the content arranged once for scoring: distinct condition lists, item order
    applicable.py  which items apply to a deployment, at what severity, before any answer
    findings.py  one applicable item's finding: answer, source, risk, severity
    scoring.py   score(): findings and their points, domain and overall scores, ratings,
                 blockers; the lean result
    conditions.py   conditions (due by severity), obligations, the licence stance's blockers
    reasons.py   rating reasons and the decision with its reasons
    document.py  the result document: lean and stored, explained for reading, the verdict
"""

from .applicable import Applicable, applicability
from .document import FORMAT, explain, pack, snapshot, unpack, verdict
from .findings import resolves, stands
from .lineage import Derived, Facts, facts
from .scoring import ENGINE_VERSION, canonical, input_hash, score

__all__ = [
    "ENGINE_VERSION",
    "Applicable",
    "FORMAT",
    "Derived",
    "Facts",
    "applicability",
    "canonical",
    "explain",
    "facts",
    "input_hash",
    "pack",
    "resolves",
    "score",
    "snapshot",
    "stands",
    "unpack",
    "verdict",
]
