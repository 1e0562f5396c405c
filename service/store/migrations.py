"""The database schema, as sqlite-utils migrations applied in order at start-up."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("modelrisk")


@migrations()
def m001_core(db: Database) -> None:
    """Assessments (immutable revisions), reviews, the audit chain, API keys, users."""
    db.execute("""
        CREATE TABLE assessments (
            id TEXT PRIMARY KEY,
            revision INTEGER NOT NULL,
            previous_id TEXT REFERENCES assessments(id),
            root_id TEXT NOT NULL,
            title TEXT NOT NULL,
            status TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            expires_at TEXT,
            submitted_by_kind TEXT NOT NULL,
            submitted_by_id TEXT NOT NULL,
            submitted_by_name TEXT NOT NULL,
            model_id TEXT,
            model_name TEXT NOT NULL,
            rating TEXT NOT NULL,
            decision TEXT NOT NULL,
            score REAL NOT NULL,
            policy_id TEXT NOT NULL,
            policy_version TEXT NOT NULL,
            policy_hash TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            engine_version TEXT NOT NULL,
            input_hash TEXT NOT NULL,
            input_json TEXT NOT NULL,
            result_json TEXT NOT NULL
        )""")
    db.execute("CREATE INDEX idx_assessments_created ON assessments(created_at)")
    db.execute("CREATE INDEX idx_assessments_root ON assessments(root_id, revision)")
    db.execute("""
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            assessment_id TEXT NOT NULL REFERENCES assessments(id),
            reviewer_kind TEXT NOT NULL,
            reviewer_id TEXT NOT NULL,
            reviewer_name TEXT NOT NULL,
            decision TEXT NOT NULL,
            comment TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""")
    db.execute("CREATE INDEX idx_reviews_assessment ON reviews(assessment_id)")
    db.execute("""
        CREATE TABLE audit_events (
            seq INTEGER PRIMARY KEY,
            assessment_id TEXT,
            actor_kind TEXT NOT NULL,
            actor_id TEXT NOT NULL,
            actor_name TEXT NOT NULL,
            action TEXT NOT NULL,
            details_json TEXT NOT NULL,
            created_at TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE
        )""")
    db.execute("CREATE INDEX idx_audit_assessment ON audit_events(assessment_id, seq)")
    db.execute("""
        CREATE TABLE api_keys (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            prefix TEXT NOT NULL UNIQUE,
            key_hash TEXT NOT NULL,
            scopes TEXT NOT NULL,
            created_at TEXT NOT NULL,
            revoked_at TEXT,
            last_used_at TEXT
        )""")
    db.execute("""
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            name TEXT NOT NULL,
            role TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            must_change_password INTEGER NOT NULL DEFAULT 0,
            disabled INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        )""")
    db.execute("""
        CREATE TABLE idempotency_keys (
            owner TEXT NOT NULL,
            key TEXT NOT NULL,
            request_hash TEXT NOT NULL,
            state TEXT NOT NULL,
            status_code INTEGER,
            headers_json TEXT,
            body BLOB,
            created_at TEXT NOT NULL,
            PRIMARY KEY (owner, key)
        )""")
    db.execute("""
        CREATE TABLE drafts (
            id TEXT PRIMARY KEY,
            owner_user_id INTEGER NOT NULL REFERENCES users(id),
            title TEXT NOT NULL,
            form_json TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""")
    db.execute("""
        CREATE TABLE login_attempts (
            id INTEGER PRIMARY KEY,
            subject TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""")
    db.execute("CREATE INDEX idx_login_attempts ON login_attempts(subject, created_at)")


@migrations()
def m002_api_rate_limits(db: Database) -> None:
    """Per-key request counters for the API rate limit; indexes for the API's list filters."""
    db.execute("""
        CREATE TABLE rate_limits (
            subject TEXT NOT NULL,
            window_start INTEGER NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (subject, window_start)
        )""")
    db.execute("CREATE INDEX idx_assessments_status ON assessments(status, expires_at)")
    db.execute("CREATE INDEX idx_assessments_model ON assessments(model_id)")
    db.execute("CREATE INDEX idx_idempotency_created ON idempotency_keys(created_at)")


@migrations()
def m003_webhooks(db: Database) -> None:
    """Webhook endpoints, the outbox written in the same transaction as each event's change,
    and the log of every delivery attempt."""
    db.execute("""
        CREATE TABLE webhook_endpoints (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL,
            events TEXT NOT NULL,
            secret TEXT NOT NULL,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            removed_at TEXT
        )""")
    db.execute("""
        CREATE TABLE webhook_outbox (
            id TEXT PRIMARY KEY,
            endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints(id),
            event_type TEXT NOT NULL,
            assessment_id TEXT,
            body TEXT NOT NULL,
            created_at TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            lease_until TEXT,
            delivered_at TEXT,
            last_error TEXT
        )""")
    db.execute("CREATE INDEX idx_outbox_due ON webhook_outbox(status, next_attempt_at)")
    db.execute("""
        CREATE TABLE webhook_deliveries (
            id INTEGER PRIMARY KEY,
            event_id TEXT NOT NULL REFERENCES webhook_outbox(id),
            attempt INTEGER NOT NULL,
            attempted_at TEXT NOT NULL,
            status_code INTEGER,
            error TEXT,
            duration_ms INTEGER NOT NULL
        )""")
    db.execute("CREATE INDEX idx_deliveries_event ON webhook_deliveries(event_id, attempt)")


@migrations()
def m004_governance(db: Database) -> None:
    """Persons behind keys and submissions, revision links, risk acceptance, the keyed audit
    chain with row digests, server-side sessions, login throttling, one-time password expiry."""
    for sql in (
        # A key acts for its owner's account; a key without one is a service key.
        "ALTER TABLE api_keys ADD COLUMN owner_user_id INTEGER REFERENCES users(id)",
        # The account a submission or review is attributed to (a user, or a key's owner).
        "ALTER TABLE assessments ADD COLUMN submitted_by_person TEXT",
        "UPDATE assessments SET submitted_by_person = submitted_by_id "
        "WHERE submitted_by_kind = 'user'",
        "ALTER TABLE reviews ADD COLUMN reviewer_person TEXT",
        "UPDATE reviews SET reviewer_person = reviewer_id WHERE reviewer_kind = 'user'",
        # The revision that follows this one (NULL for the latest of its chain).
        "ALTER TABLE assessments ADD COLUMN next_id TEXT REFERENCES assessments(id)",
        "UPDATE assessments SET next_id = (SELECT n.id FROM assessments AS n "
        "WHERE n.previous_id = assessments.id)",
        "ALTER TABLE assessments ADD COLUMN risk_accepted INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE reviews ADD COLUMN accept_risk INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX idx_assessments_person ON assessments(root_id, submitted_by_person)",
        # Events already written keep their unkeyed links and are marked so.
        "ALTER TABLE audit_events ADD COLUMN scheme TEXT NOT NULL DEFAULT 'sha256'",
        "ALTER TABLE audit_events ADD COLUMN state_json TEXT",
        "ALTER TABLE users ADD COLUMN password_expires_at TEXT",
        """CREATE TABLE sessions (
            id_hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            client TEXT NOT NULL,
            created_at TEXT NOT NULL,
            seen_at TEXT NOT NULL
        )""",
        "CREATE INDEX idx_sessions_user ON sessions(user_id)",
        """CREATE TABLE login_throttle (
            subject TEXT PRIMARY KEY,
            failures INTEGER NOT NULL,
            last_at TEXT NOT NULL,
            next_at TEXT NOT NULL
        )""",
        "DROP TABLE login_attempts",
    ):
        db.execute(sql)


@migrations()
def m005_content_snapshots(db: Database) -> None:
    """The content a lean result cites, stored once per content hash (format 2 results)."""
    db.execute("""
        CREATE TABLE content_snapshots (
            hash TEXT PRIMARY KEY,
            format INTEGER NOT NULL,
            snapshot_json TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""")


@migrations()
def m006_draft_progress(db: Database) -> None:
    """Each draft's progress per section as it was saved, for the dashboard."""
    db.execute("ALTER TABLE drafts ADD COLUMN progress_json TEXT")


@migrations()
def m007_report_archive(db: Database) -> None:
    """The PDF report of each approved revision, as it was rendered at the approval: its bytes,
    their SHA-256 (also in the approval's audit event) and the renderer that made them."""
    db.execute("""
        CREATE TABLE report_archive (
            assessment_id TEXT PRIMARY KEY REFERENCES assessments(id),
            review_id INTEGER NOT NULL REFERENCES reviews(id),
            sha256 TEXT NOT NULL,
            renderer TEXT NOT NULL,
            filename TEXT NOT NULL,
            pdf BLOB NOT NULL,
            created_at TEXT NOT NULL
        )""")


@migrations()
def m008_evidence_and_gate(db: Database) -> None:
    """Evidence files (content-addressed bytes, their uploads and references), the artefact an
    assessment describes (its manifest digest, for the gate) and the re-assessment watch."""
    for sql in (
        # The bytes, once per SHA-256: two uploads of one file share them. In the database, so
        # `db backup` copies them in the same snapshot as the rows that cite them.
        """CREATE TABLE evidence_blobs (
            sha256 TEXT PRIMARY KEY,
            data BLOB NOT NULL,
            size INTEGER NOT NULL
        )""",
        """CREATE TABLE evidence (
            id TEXT PRIMARY KEY,
            sha256 TEXT NOT NULL REFERENCES evidence_blobs(sha256),
            media_type TEXT NOT NULL,
            filename TEXT NOT NULL,
            size INTEGER NOT NULL,
            description TEXT NOT NULL,
            expires_on TEXT,
            uploaded_by_kind TEXT NOT NULL,
            uploaded_by_id TEXT NOT NULL,
            uploaded_by_name TEXT NOT NULL,
            uploaded_by_person TEXT,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX idx_evidence_created ON evidence(created_at)",
        "CREATE INDEX idx_evidence_sha256 ON evidence(sha256)",
        # Which submitted assessment cites which evidence for which item; a cited upload is
        # never purged.
        """CREATE TABLE evidence_refs (
            evidence_id TEXT NOT NULL REFERENCES evidence(id),
            assessment_id TEXT NOT NULL REFERENCES assessments(id),
            item TEXT NOT NULL,
            PRIMARY KEY (evidence_id, assessment_id, item)
        )""",
        "CREATE INDEX idx_evidence_refs_assessment ON evidence_refs(assessment_id)",
        # The artefact a submitted assessment describes; its approval is bound to manifest_digest.
        """CREATE TABLE artifacts (
            assessment_id TEXT PRIMARY KEY REFERENCES assessments(id),
            manifest_digest TEXT NOT NULL,
            file_count INTEGER NOT NULL,
            files_json TEXT NOT NULL,
            repo_id TEXT,
            revision TEXT,
            signature_json TEXT
        )""",
        "CREATE INDEX idx_artifacts_manifest ON artifacts(manifest_digest)",
        "CREATE INDEX idx_assessments_title ON assessments(title COLLATE NOCASE, status)",
        # When an approval falls due for re-assessment, and when the gate stops honouring it.
        """CREATE TABLE reassessments (
            assessment_id TEXT PRIMARY KEY REFERENCES assessments(id),
            remind_at TEXT NOT NULL,
            evidence_expires_at TEXT,
            content_changed_at TEXT,
            content_reasons TEXT,
            due_at TEXT NOT NULL,
            grace_days INTEGER NOT NULL,
            refuse_at TEXT NOT NULL,
            notified_at TEXT
        )""",
        "CREATE INDEX idx_reassessments_due ON reassessments(due_at)",
    ):
        db.execute(sql)
