"""Re-anchor a trail recorded under the old unkeyed chain: one keyed event, then the rows adopted.

Before migration 4 each event carried a plain SHA-256 of the one before, which anyone able to
write the database could recompute. The upgrade leaves those events as they are and appends:

- `audit.chain_upgraded`, signed with the key, naming how many unkeyed events there are, the
  hash of the last one (which it also links to) and whether their links held at the upgrade;
- `audit.rows_adopted` events recording the digest of every audited row as it was found.

From then on the unkeyed events cannot change without breaking the keyed event's link, and every
row is bound to an event. What was changed before the upgrade cannot be told from the rows.
"""

from __future__ import annotations

from sqlite_utils import Database

from . import digests
from .audit import GENESIS, KEYED, LEGACY, append_audit_event, event_body, legacy_digest
from .audit import iter_audit_events as events

UPGRADED = "audit.chain_upgraded"
ADOPTED = "audit.rows_adopted"
ROWS_PER_EVENT = 200
ACTOR = {"kind": "system", "id": "migrate", "name": "db migrate"}


def legacy_problem(db: Database) -> tuple[int, str, str | None]:
    """(unkeyed events, hash of the last, the first broken link or None) of the old chain."""
    prev, count, problem = GENESIS, 0, None
    for row in events(db):
        if row["scheme"] != LEGACY:
            break
        if problem is None and row["prev_hash"] != prev:
            problem = f"event {row['seq']}: does not link to the event before it"
        elif problem is None and legacy_digest(prev, event_body(row)) != row["hash"]:
            problem = f"event {row['seq']}: its content does not match its hash"
        prev, count = row["hash"], count + 1
    return count, prev, problem


def needs_upgrade(db: Database) -> bool:
    """True when unkeyed events exist and no keyed event anchors them yet."""
    legacy = db.execute("SELECT COUNT(*) FROM audit_events WHERE scheme = ?", [LEGACY]).fetchone()
    keyed = db.execute("SELECT COUNT(*) FROM audit_events WHERE scheme = ?", [KEYED]).fetchone()
    return legacy[0] > 0 and keyed[0] == 0


def upgrade_legacy_chain(db: Database) -> bool:
    """Anchor the unkeyed events and adopt every audited row, in the caller's transaction.

    Returns False when there was nothing to upgrade.
    """
    if not needs_upgrade(db):
        return False
    count, head, problem = legacy_problem(db)
    details = {"legacy_events": count, "legacy_head": head, "legacy_problem": problem}
    append_audit_event(db, ACTOR, UPGRADED, details)
    for kind in digests.ENTITIES:
        batch: dict[str, list] = {}
        for name, digest in digests.all_digests(db, kind):
            batch[name] = [None, digest]
            if len(batch) == ROWS_PER_EVENT:
                append_audit_event(db, ACTOR, ADOPTED, {"rows": len(batch)}, state=batch)
                batch = {}
        if batch:
            append_audit_event(db, ACTOR, ADOPTED, {"rows": len(batch)}, state=batch)
    return True
