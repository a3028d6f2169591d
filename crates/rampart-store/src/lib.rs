//! The store: every scan kept, in an embedded SQLite file or a PostgreSQL database.
//!
//! A resource revision is written only when the resource's content changes; a finding's
//! states and the coverage of each part of the account are intervals of scans (first seen,
//! last seen), so thirty scans of a quiet account cost little more than one. What a scan did
//! not read is unknown for that scan: never removed, never resolved.
//!
//! It also keeps every change `rampart fix --apply` made, with the resource's state before
//! and after, so that `rampart undo` can restore it ([`Store::record_change`]).

pub mod change;
mod db;
mod error;
pub mod extract;
mod fixes;
pub mod model;
mod open;
mod outbox;
mod query;
mod record;

pub use error::StoreError;
pub use fixes::{
    Change, ChangeFilter, ChangeId, ChangeOutcome, ChangeStatus, NewChange, CHANGE_ID_LEN,
};
pub use model::*;
pub use open::StoreLocation;
pub use query::{PruneStats, StoreStats};

/// A finding's identity across scans: (check id, region, resource).
pub type FindingKey = (String, String, String);
pub use record::ScanInput;

use chrono::{DateTime, Utc};

/// An open store.
pub struct Store {
    conn: db::Conn,
    location: StoreLocation,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("location", &self.location.to_string())
            .finish()
    }
}

impl Store {
    /// Open the store, creating it (and migrating its schema) when needed.
    pub fn open(location: &StoreLocation) -> Result<Store, StoreError> {
        Ok(Store {
            conn: open::open(location, true)?,
            location: location.clone(),
        })
    }

    /// Open a store that must already exist (for commands that only read).
    pub fn open_existing(location: &StoreLocation) -> Result<Store, StoreError> {
        Ok(Store {
            conn: open::open(location, false)?,
            location: location.clone(),
        })
    }

    /// Where this store is.
    pub fn location(&self) -> &StoreLocation {
        &self.location
    }

    /// The newest schema version this build writes.
    pub fn schema_version() -> i64 {
        open::known_version()
    }

    /// Store a scan. A scan of an account collected at or before the account's latest
    /// stored scan is not stored (`Recorded::skipped` says so).
    pub fn record(
        &mut self,
        input: &ScanInput<'_>,
        now: DateTime<Utc>,
    ) -> Result<Recorded, StoreError> {
        record::record(&mut self.conn, input, now, &mut |_, _| Vec::new())
    }

    /// Store a scan, and the outbox messages `messages` makes of what changed, in one
    /// transaction: either both are stored or neither.
    pub fn record_with(
        &mut self,
        input: &ScanInput<'_>,
        now: DateTime<Utc>,
        messages: &mut dyn FnMut(&ScanRow, &Recorded) -> Vec<NewMessage>,
    ) -> Result<Recorded, StoreError> {
        record::record(&mut self.conn, input, now, messages)
    }

    /// One scan by id.
    pub fn scan(&mut self, id: i64) -> Result<ScanRow, StoreError> {
        query::scan_by_id(&mut self.conn, id)
    }

    /// Scans, oldest first: of one account or all, the last `limit`.
    pub fn scans(
        &mut self,
        account: Option<&str>,
        limit: Option<usize>,
    ) -> Result<Vec<ScanRow>, StoreError> {
        query::scans(&mut self.conn, account, limit)
    }

    /// The scans `diff` compares: both given; `a` and the account's latest; or the last two
    /// of the account (the only account when none is given).
    pub fn diff_pair(
        &mut self,
        a: Option<i64>,
        b: Option<i64>,
        account: Option<&str>,
    ) -> Result<(i64, i64), StoreError> {
        query::pick_pair(&mut self.conn, a, b, account)
    }

    /// What changed between two scans of one account.
    pub fn diff(&mut self, a: i64, b: i64) -> Result<ScanDiff, StoreError> {
        query::diff(&mut self.conn, a, b)
    }

    /// A resource (ARN, id or name) and its revisions; `at` picks the one in force then.
    pub fn show(
        &mut self,
        resource: &str,
        account: Option<&str>,
        at: Option<DateTime<Utc>>,
    ) -> Result<ResourceHistory, StoreError> {
        query::show(&mut self.conn, resource, account, at)
    }

    /// Remove scans collected before `cutoff` (each account's latest scan stays) and what
    /// only they held; SQLite gives the space back.
    pub fn prune(&mut self, cutoff: DateTime<Utc>) -> Result<PruneStats, StoreError> {
        let stats = query::prune(&mut self.conn, cutoff)?;
        if let db::Conn::Sqlite(_) = self.conn {
            self.conn
                .batch("PRAGMA incremental_vacuum; PRAGMA wal_checkpoint(TRUNCATE);")?;
        }
        Ok(stats)
    }

    /// How many rows each table holds.
    pub fn stats(&mut self) -> Result<StoreStats, StoreError> {
        query::stats(&mut self.conn)
    }

    /// Record a change made by `rampart fix --apply`, in one transaction; its new id,
    /// unique in the store. An applied change needs its after state; the scan it was planned
    /// from, when given, must be a stored scan of the same account.
    pub fn record_change(&mut self, change: &NewChange) -> Result<ChangeId, StoreError> {
        fixes::record(&mut self.conn, change)
    }

    /// One change by id ([`StoreError::UnknownChange`] when the store has none).
    pub fn change(&mut self, id: &ChangeId) -> Result<Change, StoreError> {
        fixes::get(&mut self.conn, id)
    }

    /// The findings that failed, not muted, in the account's latest complete scan, as
    /// (check, region, resource); none when the account has no complete scan.
    pub fn failing_findings(
        &mut self,
        account: &str,
    ) -> Result<Option<Vec<FindingKey>>, StoreError> {
        query::failing_findings(&mut self.conn, account)
    }

    /// Changes of one account or of all, oldest first, as `filter` picks them (its `limit`
    /// keeps the latest).
    pub fn changes(
        &mut self,
        account: Option<&str>,
        filter: &ChangeFilter,
    ) -> Result<Vec<Change>, StoreError> {
        fixes::list(&mut self.conn, account, filter)
    }

    /// Mark an applied change undone at `at`; the change as it now is. A change that is not
    /// applied (failed, or undone already, perhaps by another process) is refused with
    /// [`StoreError::ChangeState`].
    pub fn mark_undone(&mut self, id: &ChangeId, at: DateTime<Utc>) -> Result<Change, StoreError> {
        fixes::mark_undone(&mut self.conn, id, at)
    }

    /// Record that the rescan `scan_id` verified the change: a stored scan of the change's
    /// account, collected at or after the change. An undone change is refused.
    pub fn mark_verified(&mut self, id: &ChangeId, scan_id: i64) -> Result<Change, StoreError> {
        fixes::mark_verified(&mut self.conn, id, scan_id)
    }

    /// Outbox messages due for delivery at `now`.
    pub fn outbox_due(
        &mut self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        outbox::due(&mut self.conn, now, limit)
    }

    /// The latest outbox messages, newest first.
    pub fn outbox_list(&mut self, limit: usize) -> Result<Vec<OutboxMessage>, StoreError> {
        outbox::list(&mut self.conn, limit)
    }

    /// Record a delivery attempt.
    pub fn outbox_record(
        &mut self,
        id: i64,
        outcome: &DeliveryOutcome,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        outbox::record(&mut self.conn, id, outcome, now)
    }
}
