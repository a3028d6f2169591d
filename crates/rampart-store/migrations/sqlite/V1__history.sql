-- rampart store, schema 1 (SQLite). The same tables and columns as postgres/V1__history.sql.
-- Intervals: a row holds from scan `first_seq` of its account up to, not including,
-- `end_seq`; NULL means it still holds in the account's latest scan.

CREATE TABLE scans (
    id INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL,
    seq INTEGER,
    eval_seq INTEGER,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    collected_at TEXT NOT NULL,
    stored_at TEXT NOT NULL,
    rampart_version TEXT NOT NULL,
    source TEXT NOT NULL,
    resources INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    pass INTEGER NOT NULL DEFAULT 0,
    fail INTEGER NOT NULL DEFAULT 0,
    error INTEGER NOT NULL DEFAULT 0,
    muted INTEGER NOT NULL DEFAULT 0,
    fail_critical INTEGER NOT NULL DEFAULT 0,
    fail_high INTEGER NOT NULL DEFAULT 0,
    fail_medium INTEGER NOT NULL DEFAULT 0,
    fail_low INTEGER NOT NULL DEFAULT 0,
    fail_info INTEGER NOT NULL DEFAULT 0,
    gaps INTEGER NOT NULL DEFAULT 0,
    checks TEXT,
    details TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE UNIQUE INDEX scans_account_seq ON scans (account_id, seq);
CREATE INDEX scans_collected_at ON scans (collected_at);

CREATE TABLE check_sets (
    hash TEXT PRIMARY KEY,
    checks TEXT NOT NULL
) STRICT;

CREATE TABLE resources (
    id INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    region TEXT NOT NULL,
    key TEXT NOT NULL,
    name TEXT
) STRICT;
CREATE UNIQUE INDEX resources_identity ON resources (account_id, kind, region, key);

CREATE TABLE revisions (
    id INTEGER PRIMARY KEY,
    resource_id INTEGER NOT NULL REFERENCES resources (id),
    first_seq INTEGER NOT NULL,
    end_seq INTEGER,
    present INTEGER NOT NULL,
    hash TEXT,
    body TEXT
) STRICT;
CREATE INDEX revisions_resource ON revisions (resource_id, first_seq);
CREATE INDEX revisions_open ON revisions (resource_id) WHERE end_seq IS NULL;

CREATE TABLE findings (
    id INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL,
    identity INTEGER NOT NULL,
    check_id TEXT NOT NULL,
    region TEXT NOT NULL,
    resource TEXT NOT NULL,
    failing_since TEXT,
    ever_resolved INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE UNIQUE INDEX findings_identity ON findings (account_id, identity);

CREATE TABLE finding_states (
    id INTEGER PRIMARY KEY,
    finding_id INTEGER NOT NULL REFERENCES findings (id),
    first_seq INTEGER NOT NULL,
    end_seq INTEGER,
    status TEXT NOT NULL,
    severity TEXT NOT NULL,
    reason TEXT NOT NULL,
    muted_by TEXT,
    hash INTEGER NOT NULL,
    lifecycle TEXT NOT NULL,
    first_seen TEXT,
    time_to_fix INTEGER
) STRICT;
CREATE INDEX finding_states_finding ON finding_states (finding_id, first_seq);
CREATE INDEX finding_states_open ON finding_states (finding_id) WHERE end_seq IS NULL;

CREATE TABLE coverage (
    id INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    section TEXT NOT NULL,
    first_seq INTEGER NOT NULL,
    end_seq INTEGER,
    read INTEGER NOT NULL,
    reason TEXT
) STRICT;
CREATE INDEX coverage_account ON coverage (account_id, first_seq);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    delivery_id TEXT NOT NULL,
    scan_id INTEGER,
    target TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    delivered_at TEXT,
    last_error TEXT
) STRICT;
CREATE UNIQUE INDEX outbox_delivery ON outbox (delivery_id);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
