"""`audit verify`: the chain's links and HMACs, and every audited row against its latest event.

What a clean result proves, given that the key was not in the wrong hands:
- no event was changed, inserted, reordered or removed, except events cut off the end of the
  chain, which an anchored head (`--head SEQ:HASH`, from `audit head`) catches up to its seq;
- every assessment, review, account, API key, webhook endpoint, evidence and re-assessment row
  is as its latest event recorded it; each recorded change started from the state the event
  before recorded; no such row lacks an event, and none that an event recorded is gone;
- the bytes of every evidence file still hash to the SHA-256 they are stored under (which the
  evidence rows, bound to their events, name).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from sqlite_utils import Database

from . import digests
from .audit import GENESIS, KEYED, LEGACY, event_body, iter_audit_events, keyed_digest
from .audit import legacy_digest as unkeyed
from .audit_upgrade import UPGRADED

MAX_SHOWN = 20  # problems listed; the total is always given


@dataclass
class Verification:
    """The outcome: events walked, rows checked, problems in chain order, the chain's head."""

    events: int = 0
    rows: int = 0
    problems: list[str] = field(default_factory=list)
    total: int = 0
    head: tuple[int, str] | None = None

    @property
    def ok(self) -> bool:
        return self.total == 0

    def problem(self, text: str) -> None:
        self.total += 1
        if len(self.problems) < MAX_SHOWN:
            self.problems.append(text)

    def message(self) -> str:
        """One line when intact; otherwise one line per problem shown, and how many in all."""
        if self.ok:
            head = f"; head {self.head[0]}:{self.head[1]}" if self.head else ""
            return (
                f"audit chain intact: {self.events} events; {self.rows} rows match their "
                f"latest events{head}"
            )
        more = f"\n... and {self.total - len(self.problems)} more" if self.total > MAX_SHOWN else ""
        return f"{self.total} problem(s):\n" + "\n".join(self.problems) + more


class _Walk:
    """The state of one walk along the chain."""

    def __init__(self, key: bytes | None, result: Verification):
        self.key, self.result = key, result
        self.prev, self.legacy, self.keyed = GENESIS, 0, False
        self.latest: dict[str, tuple[str | None, int]] = {}

    def event(self, row: dict) -> None:
        seq, body = row["seq"], event_body(row)
        if row["prev_hash"] != self.prev:
            self.result.problem(f"event {seq}: does not link to the event before it")
        if row["scheme"] == LEGACY:
            self._legacy(row, body)
        elif row["scheme"] == KEYED:
            self._keyed(row, body)
        else:
            self.result.problem(f"event {seq}: unknown chain scheme {row['scheme']!r}")
        self.prev = row["hash"]

    def _legacy(self, row: dict, body: dict) -> None:
        if self.keyed:
            self.result.problem(f"event {row['seq']}: an unkeyed event among keyed ones")
        elif unkeyed(self.prev, body) != row["hash"]:
            self.result.problem(f"event {row['seq']}: its content does not match its hash")
        self.legacy += 1

    def _keyed(self, row: dict, body: dict) -> None:
        seq = row["seq"]
        if self.legacy and not self.keyed:
            self._anchor(row)
        self.keyed = True
        expected = keyed_digest(self.key, self.prev, body) if self.key else ""
        if not hmac.compare_digest(expected, row["hash"]):
            self.result.problem(
                f"event {seq}: its HMAC does not match (changed or written without the audit "
                "key, or verified with another key)"
            )
        for name, (before, after) in row["state"].items():
            known = self.latest.get(name)
            if before != (known[0] if known else None):
                since = f"event {known[1]} recorded another state" if known else "no event before"
                self.result.problem(
                    f"{digests.shown(name)}: changed outside the service before event {seq} "
                    f"({since})"
                )
            self.latest[name] = (after, seq)

    def _anchor(self, row: dict) -> None:
        """The first keyed event after unkeyed ones must be the upgrade that anchors them."""
        details = row["details"]
        if (
            row["action"] != UPGRADED
            or details.get("legacy_events") != self.legacy
            or details.get("legacy_head") != self.prev
        ):
            self.result.problem(
                f"event {row['seq']}: the unkeyed events before it are not anchored by an "
                "upgrade event"
            )
        elif details.get("legacy_problem"):
            self.result.problem(f"before the chain was keyed: {details['legacy_problem']}")


def verify(db: Database, head: tuple[int, str] | None = None) -> Verification:
    """Walk the chain and check every audited row; `head` is an anchored (seq, hash)."""
    result = Verification()
    walk = _Walk(getattr(db, "audit_key", None), result)
    anchored = False
    for row in iter_audit_events(db):
        walk.event(row)
        result.events += 1
        result.head = (row["seq"], row["hash"])
        if head and row["seq"] == head[0]:
            anchored = hmac.compare_digest(row["hash"], head[1])
    if walk.legacy and not walk.keyed:
        result.problem(
            f"the {walk.legacy} events use the old unkeyed chain and no keyed event anchors "
            "them: run `flask --app wsgi db migrate`"
        )
    if head and not anchored:
        ends = f"event {result.head[0]}" if result.head else "no event"
        result.problem(
            f"head {head[0]}:{head[1]}: not in the chain, which now ends at {ends} (events "
            "were cut off the end, or the chain was rewritten)"
        )
    _rows(db, walk.latest, result)
    _blobs(db, result)
    return result


def _blobs(db: Database, result: Verification) -> None:
    """Each evidence file's bytes against the SHA-256 it is stored (and cited) under."""
    for sha256, data in db.execute("SELECT sha256, data FROM evidence_blobs ORDER BY sha256"):
        if hashlib.sha256(data).hexdigest() != sha256:
            result.problem(f"evidence file {sha256}: its bytes no longer hash to this SHA-256")


def _rows(db: Database, latest: dict[str, tuple[str | None, int]], result: Verification) -> None:
    """Each audited row against the latest state the chain recorded for it."""
    for kind in digests.ENTITIES:
        for name, digest in digests.all_digests(db, kind):
            result.rows += 1
            known = latest.pop(name, None)
            if known is None:
                result.problem(f"{digests.shown(name)}: the row has no audit event")
            elif known[0] != digest:
                result.problem(
                    f"{digests.shown(name)}: the row does not match its latest audit event "
                    f"(event {known[1]})"
                )
    for name, (after, seq) in latest.items():
        if after is not None:
            result.problem(f"{digests.shown(name)}: the row is gone, but event {seq} recorded it")
