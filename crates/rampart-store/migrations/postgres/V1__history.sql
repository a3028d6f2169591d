-- rampart store, schema 1 (PostgreSQL). The same tables and columns as sqlite/V1__history.sql.
-- Intervals: a row holds from scan `first_seq` of its account up to, not including,
-- `end_seq`; NULL means it still holds in the account's latest scan.

CREATE TABLE scans (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id TEXT NOT NULL,
    seq BIGINT,
    eval_seq BIGINT,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    collected_at TEXT NOT NULL,
    stored_at TEXT NOT NULL,
    rampart_version TEXT NOT NULL,
    source TEXT NOT NULL,
    resources BIGINT NOT NULL DEFAULT 0,
    total BIGINT NOT NULL DEFAULT 0,
    pass BIGINT NOT NULL DEFAULT 0,
    fail BIGINT NOT NULL DEFAULT 0,
    error BIGINT NOT NULL DEFAULT 0,
    muted BIGINT NOT NULL DEFAULT 0,
    fail_critical BIGINT NOT NULL DEFAULT 0,
    fail_high BIGINT NOT NULL DEFAULT 0,
    fail_medium BIGINT NOT NULL DEFAULT 0,
    fail_low BIGINT NOT NULL DEFAULT 0,
    fail_info BIGINT NOT NULL DEFAULT 0,
    gaps BIGINT NOT NULL DEFAULT 0,
    checks TEXT,
    details TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX scans_account_seq ON scans (account_id, seq);
CREATE INDEX scans_collected_at ON scans (collected_at);

CREATE TABLE check_sets (
    hash TEXT PRIMARY KEY,
    checks TEXT NOT NULL
);

CREATE TABLE resources (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    region TEXT NOT NULL,
    key TEXT NOT NULL,
    name TEXT
);
CREATE UNIQUE INDEX resources_identity ON resources (account_id, kind, region, key);

CREATE TABLE revisions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    resource_id BIGINT NOT NULL REFERENCES resources (id),
    first_seq BIGINT NOT NULL,
    end_seq BIGINT,
    present BIGINT NOT NULL,
    hash TEXT,
    body TEXT
);
CREATE INDEX revisions_resource ON revisions (resource_id, first_seq);
CREATE INDEX revisions_open ON revisions (resource_id) WHERE end_seq IS NULL;

CREATE TABLE findings (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id TEXT NOT NULL,
    identity BIGINT NOT NULL,
    check_id TEXT NOT NULL,
    region TEXT NOT NULL,
    resource TEXT NOT NULL,
    failing_since TEXT,
    ever_resolved BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX findings_identity ON findings (account_id, identity);

CREATE TABLE finding_states (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    finding_id BIGINT NOT NULL REFERENCES findings (id),
    first_seq BIGINT NOT NULL,
    end_seq BIGINT,
    status TEXT NOT NULL,
    severity TEXT NOT NULL,
    reason TEXT NOT NULL,
    muted_by TEXT,
    hash BIGINT NOT NULL,
    lifecycle TEXT NOT NULL,
    first_seen TEXT,
    time_to_fix BIGINT
);
CREATE INDEX finding_states_finding ON finding_states (finding_id, first_seq);
CREATE INDEX finding_states_open ON finding_states (finding_id) WHERE end_seq IS NULL;

CREATE TABLE coverage (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    section TEXT NOT NULL,
    first_seq BIGINT NOT NULL,
    end_seq BIGINT,
    read BIGINT NOT NULL,
    reason TEXT
);
CREATE INDEX coverage_account ON coverage (account_id, first_seq);

CREATE TABLE outbox (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id TEXT NOT NULL,
    scan_id BIGINT,
    target TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    delivered_at TEXT,
    last_error TEXT
);
CREATE UNIQUE INDEX outbox_delivery ON outbox (delivery_id);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
