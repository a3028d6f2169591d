-- rampart store, schema 2 (PostgreSQL). The same tables and columns as sqlite/V2__changes.sql.
-- Changes made by `rampart fix --apply`: one row per applied step, with the resource as it
-- was before (what `rampart undo` restores) and as re-read after the write. The scan ids are
-- plain numbers, not references: pruning old scans keeps the record of what rampart changed.

CREATE TABLE changes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    change_id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    check_id TEXT NOT NULL,
    resource TEXT NOT NULL,
    step TEXT NOT NULL,
    before_state TEXT NOT NULL,
    after_state TEXT,
    status TEXT NOT NULL CHECK (status IN ('applied', 'failed', 'undone')),
    error TEXT,
    applied_at TEXT NOT NULL,
    undone_at TEXT,
    planned_scan_id BIGINT,
    verified_scan_id BIGINT,
    CHECK ((status = 'failed') = (error IS NOT NULL)),
    CHECK ((status = 'undone') = (undone_at IS NOT NULL))
);
CREATE UNIQUE INDEX changes_change_id ON changes (change_id);
CREATE INDEX changes_account ON changes (account_id, applied_at);
CREATE INDEX changes_resource ON changes (account_id, resource, applied_at);
