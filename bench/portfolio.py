"""Portfolio impact over a large store: N stored assessments, all scored under "older" content
so that every one is scored again (the worst case), timed in process.

The store is filled by submitting the generated batch inputs through the application (each one
a real submission with its result and audit event) and copying those rows under new ids until
there are N; then every row is marked as scored by other content.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from pathlib import Path

from service import store
from service.application import assessments, portfolio

GOAL_SECONDS = 20  # issue 15: 10,000 stored assessments in at most 20 s on 2 cores
ACTOR = {"kind": "user", "id": "bench", "name": "Bench"}
AUDIT_KEY = os.urandom(16).hex()  # submissions sign their audit events; a throwaway store


def fill(c, inputs: Path, database: Path, count: int) -> int:
    """A store of `count` current assessments built from the generated inputs."""
    store.migrate(database, AUDIT_KEY)
    db = store.connect(database, AUDIT_KEY)
    try:
        for path in sorted(inputs.glob("*.json"))[:count]:
            assessments.submit(c, db, json.loads(path.read_text(encoding="utf-8")), ACTOR)
        columns = [r[1] for r in db.execute("PRAGMA table_info(assessments)").fetchall()]
        fresh = {"id": "lower(hex(randomblob(16)))", "previous_id": "NULL"}
        picked = ", ".join(fresh.get(col, col) for col in columns)
        with store.write(db):
            while (have := db.execute("SELECT COUNT(*) FROM assessments").fetchone()[0]) < count:
                db.execute(
                    f"INSERT INTO assessments ({', '.join(columns)}) SELECT {picked} "
                    "FROM assessments LIMIT ?",
                    [count - have],
                )
            db.execute("UPDATE assessments SET root_id = id, content_hash = 'older content'")
        return db.execute("SELECT COUNT(*) FROM assessments").fetchone()[0]
    finally:
        db.close()


def bench_portfolio(table, c, inputs: Path, tmp: Path, count: int, runs: int) -> None:
    """Time `portfolio.impact_report` over `count` stored assessments, every one re-scored, in
    as many processes as there are CPUs (as `flask --app wsgi portfolio impact` does)."""
    database = tmp / "portfolio.sqlite3"
    stored = fill(c, inputs, database, count)
    db = store.connect(database)
    seconds, report = [], None
    try:
        for _ in range(runs):
            wall = time.perf_counter()
            report = portfolio.impact_report(c, db, jobs=os.cpu_count() or 1)
            seconds.append(time.perf_counter() - wall)
    finally:
        db.close()
    median = statistics.median(seconds)
    summary = report["summary"]
    table.add(
        "portfolio impact, s for the store",
        f"{median:.1f} s",
        f"{stored:,} current assessments, all re-scored; {summary['changed']} changed, "
        f"{summary['unscorable']} unscorable; {os.cpu_count()} processes; min "
        f"{min(seconds):.1f}",
        f"<= {GOAL_SECONDS} s",
        median <= GOAL_SECONDS,
    )
