//! Changes made by `rampart fix --apply`: each applied step kept with the resource as it was
//! before (what `rampart undo` restores) and as re-read after the write, its status (applied,
//! failed with the error, undone), the scan that planned it and the rescan that verified it.
//! Changes are never pruned with the scans: they are the record of what rampart did.

use crate::db::{Conn, Row, Val};
use crate::record::{account_lock, parse_ts, ts};
use crate::StoreError;
use chrono::{DateTime, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// How many hexadecimal digits a change id has.
pub const CHANGE_ID_LEN: usize = 10;

/// The id of a change: [`CHANGE_ID_LEN`] lowercase hexadecimal digits, stable once recorded
/// and unique in the store (`rampart undo 3f9a2c71d0`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChangeId(String);

impl ChangeId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ChangeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for ChangeId {
    type Err = StoreError;

    /// An id as a user typed it: surrounding spaces ignored, upper case accepted.
    fn from_str(s: &str) -> Result<ChangeId, StoreError> {
        let id = s.trim().to_ascii_lowercase();
        if id.len() == CHANGE_ID_LEN && id.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(ChangeId(id))
        } else {
            Err(StoreError::Invalid(format!(
                "`{s}` is not a change id ({CHANGE_ID_LEN} hexadecimal digits, as `rampart fix` \
                 prints them)"
            )))
        }
    }
}

/// Where a change stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeStatus {
    /// The step was applied and its result re-read.
    Applied,
    /// The step failed; [`Change::error`] says how.
    Failed,
    /// `rampart undo` restored the before state.
    Undone,
}

impl ChangeStatus {
    /// The status as stored and shown: `applied`, `failed`, `undone`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeStatus::Applied => "applied",
            ChangeStatus::Failed => "failed",
            ChangeStatus::Undone => "undone",
        }
    }

    fn parse(s: &str) -> Result<ChangeStatus, StoreError> {
        match s {
            "applied" => Ok(ChangeStatus::Applied),
            "failed" => Ok(ChangeStatus::Failed),
            "undone" => Ok(ChangeStatus::Undone),
            other => Err(StoreError::Invalid(format!(
                "a stored change has the unknown status `{other}`"
            ))),
        }
    }
}

impl fmt::Display for ChangeStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How applying a step ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeOutcome {
    /// Written, and re-read as [`NewChange::after`].
    Applied,
    /// Refused or cut short; the error as the AWS API or the CLI gave it.
    Failed {
        /// What went wrong.
        error: String,
    },
}

/// A change to record, as `rampart fix --apply` made it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewChange {
    /// The account changed.
    pub account_id: String,
    /// The region of the resource (`global` for a global service).
    pub region: String,
    /// The check whose finding the step fixes.
    pub check_id: String,
    /// The resource changed: its ARN, or its key in the store.
    pub resource: String,
    /// The plan's step: its calls, risk and CLI equivalent.
    pub step: Value,
    /// The resource before the step, as read just before the write.
    pub before: Value,
    /// The resource as re-read after the write; required when the step was applied.
    pub after: Option<Value>,
    /// Applied, or failed with its error.
    pub outcome: ChangeOutcome,
    /// When the step was applied (or failed).
    pub applied_at: DateTime<Utc>,
    /// The stored scan whose findings the plan was made from, when there is one.
    pub planned_scan_id: Option<i64>,
}

/// A recorded change.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Its id.
    pub id: ChangeId,
    /// The account changed.
    pub account_id: String,
    /// The region of the resource.
    pub region: String,
    /// The check whose finding the step fixes.
    pub check_id: String,
    /// The resource changed.
    pub resource: String,
    /// The plan's step: its calls, risk and CLI equivalent.
    pub step: Value,
    /// The resource before the step.
    pub before: Value,
    /// The resource as re-read after the write (none when a failed step left nothing to read).
    pub after: Option<Value>,
    /// Applied, failed or undone.
    pub status: ChangeStatus,
    /// Why the step failed (only when it did).
    pub error: Option<String>,
    /// When the step was applied.
    pub applied_at: DateTime<Utc>,
    /// When it was undone.
    pub undone_at: Option<DateTime<Utc>>,
    /// The scan the plan was made from.
    pub planned_scan_id: Option<i64>,
    /// The rescan that verified the change.
    pub verified_scan_id: Option<i64>,
}

/// Which changes [`crate::Store::changes`] lists; the default lists all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeFilter {
    /// Only changes with this status.
    pub status: Option<ChangeStatus>,
    /// Only changes made for this check.
    pub check_id: Option<String>,
    /// Only changes of this resource.
    pub resource: Option<String>,
    /// Only changes applied at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only the latest `limit` of them.
    pub limit: Option<usize>,
}

const COLUMNS: &str = "change_id, account_id, region, check_id, resource, step, before_state, \
     after_state, status, error, applied_at, undone_at, planned_scan_id, verified_scan_id";

fn json(text: Option<&str>) -> Result<Option<Value>, StoreError> {
    Ok(match text {
        Some(t) => Some(serde_json::from_str(t)?),
        None => None,
    })
}

fn change_row(r: &Row) -> Result<Change, StoreError> {
    Ok(Change {
        id: ChangeId(r.text(0).to_owned()),
        account_id: r.text(1).to_owned(),
        region: r.text(2).to_owned(),
        check_id: r.text(3).to_owned(),
        resource: r.text(4).to_owned(),
        step: serde_json::from_str(r.text(5))?,
        before: serde_json::from_str(r.text(6))?,
        after: json(r.opt_text(7))?,
        status: ChangeStatus::parse(r.text(8))?,
        error: r.opt_text(9).map(str::to_owned),
        applied_at: parse_ts(r.text(10)),
        undone_at: r.opt_text(11).map(parse_ts),
        planned_scan_id: r.opt_int(12),
        verified_scan_id: r.opt_int(13),
    })
}

/// The id of the `attempt`-th try for `change`: the first digits of a SHA-256 of what the
/// change is and when it was made.
fn candidate_id(change: &NewChange, step: &str, before: &str, attempt: u32) -> ChangeId {
    let mut h = Sha256::new();
    for part in [
        change.account_id.as_str(),
        change.region.as_str(),
        change.check_id.as_str(),
        change.resource.as_str(),
        &ts(change.applied_at),
        step,
        before,
        &attempt.to_string(),
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    let mut hex = hex::encode(&h.finalize()[..CHANGE_ID_LEN.div_ceil(2)]);
    hex.truncate(CHANGE_ID_LEN);
    ChangeId(hex)
}

/// The scan `id` of `account`, collected when; an error naming what does not fit.
fn scan_of_account(conn: &mut Conn, id: i64, account: &str) -> Result<DateTime<Utc>, StoreError> {
    let row = conn
        .query_one(
            "SELECT account_id, collected_at FROM scans WHERE id = ?",
            &[id.into()],
        )?
        .ok_or_else(|| StoreError::Invalid(format!("no scan {id} in the store")))?;
    if row.text(0) != account {
        return Err(StoreError::Invalid(format!(
            "scan {id} is of account {}, not of account {account}",
            row.text(0)
        )));
    }
    Ok(parse_ts(row.text(1)))
}

/// Record a change in one transaction; its new id.
pub(crate) fn record(conn: &mut Conn, change: &NewChange) -> Result<ChangeId, StoreError> {
    let (status, error) = match &change.outcome {
        ChangeOutcome::Applied => ("applied", None),
        ChangeOutcome::Failed { error } => ("failed", Some(error.as_str())),
    };
    if change.account_id.is_empty() || change.resource.is_empty() || change.check_id.is_empty() {
        return Err(StoreError::Invalid(
            "a change needs its account, check and resource".into(),
        ));
    }
    if status == "applied" && change.after.is_none() {
        return Err(StoreError::Invalid(format!(
            "the applied change of {} has no after state (the resource is re-read after the \
             write)",
            change.resource
        )));
    }
    let step = serde_json::to_string(&change.step)?;
    let before = serde_json::to_string(&change.before)?;
    let after = change
        .after
        .as_ref()
        .map(serde_json::to_string)
        .transpose()?;
    let account = change.account_id.as_str();
    conn.transaction(|conn| {
        if conn.is_postgres() {
            conn.execute(
                "SELECT pg_advisory_xact_lock(?)",
                &[Val::Int(account_lock(account))],
            )?;
        }
        if let Some(scan) = change.planned_scan_id {
            scan_of_account(conn, scan, account)?;
        }
        let mut attempt = 0;
        let id = loop {
            let id = candidate_id(change, &step, &before, attempt);
            let taken = conn
                .query_one(
                    "SELECT 1 FROM changes WHERE change_id = ?",
                    &[id.as_str().into()],
                )?
                .is_some();
            if !taken {
                break id;
            }
            attempt += 1;
        };
        conn.execute(
            "INSERT INTO changes (change_id, account_id, region, check_id, resource, step, \
             before_state, after_state, status, error, applied_at, planned_scan_id) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            &[
                id.as_str().into(),
                account.into(),
                change.region.as_str().into(),
                change.check_id.as_str().into(),
                change.resource.as_str().into(),
                step.as_str().into(),
                before.as_str().into(),
                after.clone().into(),
                Val::Static(status),
                error.into(),
                ts(change.applied_at).into(),
                change.planned_scan_id.into(),
            ],
        )?;
        Ok(id)
    })
}

/// One change by id.
pub(crate) fn get(conn: &mut Conn, id: &ChangeId) -> Result<Change, StoreError> {
    let row = conn
        .query_one(
            &format!("SELECT {COLUMNS} FROM changes WHERE change_id = ?"),
            &[id.as_str().into()],
        )?
        .ok_or_else(|| StoreError::UnknownChange(id.to_string()))?;
    change_row(&row)
}

/// Changes of one account or of all, oldest first, as `filter` picks them.
pub(crate) fn list(
    conn: &mut Conn,
    account: Option<&str>,
    filter: &ChangeFilter,
) -> Result<Vec<Change>, StoreError> {
    let mut conditions = Vec::new();
    let mut params: Vec<Val> = Vec::new();
    if let Some(a) = account {
        conditions.push("account_id = ?");
        params.push(a.into());
    }
    if let Some(s) = filter.status {
        conditions.push("status = ?");
        params.push(Val::Static(s.as_str()));
    }
    if let Some(c) = &filter.check_id {
        conditions.push("check_id = ?");
        params.push(c.as_str().into());
    }
    if let Some(r) = &filter.resource {
        conditions.push("resource = ?");
        params.push(r.as_str().into());
    }
    if let Some(t) = filter.since {
        conditions.push("applied_at >= ?");
        params.push(ts(t).into());
    }
    let filter_sql = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    params.push(filter.limit.map_or(i64::MAX, |l| l as i64).into());
    let rows = conn.query(
        &format!(
            "SELECT {COLUMNS} FROM changes {filter_sql} ORDER BY applied_at DESC, id DESC LIMIT ?"
        ),
        &params,
    )?;
    let mut out = rows.iter().map(change_row).collect::<Result<Vec<_>, _>>()?;
    out.reverse();
    Ok(out)
}

/// Lock the change's account and read the change again under the lock, in the open
/// transaction: what another writer committed meanwhile is seen.
fn locked(conn: &mut Conn, id: &ChangeId) -> Result<Change, StoreError> {
    if conn.is_postgres() {
        let account = get(conn, id)?.account_id;
        conn.execute(
            "SELECT pg_advisory_xact_lock(?)",
            &[Val::Int(account_lock(&account))],
        )?;
    }
    get(conn, id)
}

/// Mark an applied change undone at `at`.
pub(crate) fn mark_undone(
    conn: &mut Conn,
    id: &ChangeId,
    at: DateTime<Utc>,
) -> Result<Change, StoreError> {
    conn.transaction(|conn| {
        let change = locked(conn, id)?;
        if change.status != ChangeStatus::Applied {
            return Err(StoreError::ChangeState {
                id: id.to_string(),
                status: change.status,
                refused: "only an applied change can be undone",
            });
        }
        if at < change.applied_at {
            return Err(StoreError::Invalid(format!(
                "change {id} was applied at {}: it cannot be undone before, at {at}",
                change.applied_at
            )));
        }
        // Conditional as well: an undo committed since the read is never overwritten.
        let updated = conn.execute(
            "UPDATE changes SET status = 'undone', undone_at = ? \
             WHERE change_id = ? AND status = 'applied'",
            &[ts(at).into(), id.as_str().into()],
        )?;
        if updated == 0 {
            return Err(StoreError::ChangeState {
                id: id.to_string(),
                status: get(conn, id)?.status,
                refused: "only an applied change can be undone",
            });
        }
        get(conn, id)
    })
}

/// Record that scan `scan_id` (of the change's account, collected after the change) verified
/// the change.
pub(crate) fn mark_verified(
    conn: &mut Conn,
    id: &ChangeId,
    scan_id: i64,
) -> Result<Change, StoreError> {
    conn.transaction(|conn| {
        let change = locked(conn, id)?;
        if change.status == ChangeStatus::Undone {
            return Err(StoreError::ChangeState {
                id: id.to_string(),
                status: change.status,
                refused: "an undone change is not verified again",
            });
        }
        let collected = scan_of_account(conn, scan_id, &change.account_id)?;
        if collected < change.applied_at {
            return Err(StoreError::Invalid(format!(
                "scan {scan_id} was collected at {collected}, before change {id} was applied \
                 (at {}): it cannot verify it",
                change.applied_at
            )));
        }
        conn.execute(
            "UPDATE changes SET verified_scan_id = ? WHERE change_id = ?",
            &[scan_id.into(), id.as_str().into()],
        )?;
        get(conn, id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn change() -> NewChange {
        NewChange {
            account_id: "123456789012".into(),
            region: "us-east-1".into(),
            check_id: "guardduty_enabled".into(),
            resource: "arn:aws:guardduty:us-east-1:123456789012:detector/abc".into(),
            step: serde_json::json!({"cli": "aws guardduty create-detector --enable"}),
            before: Value::Null,
            after: Some(serde_json::json!({"status": "ENABLED"})),
            outcome: ChangeOutcome::Applied,
            applied_at: Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap(),
            planned_scan_id: None,
        }
    }

    // A change id is short, stable for the same change and try, and different for another
    // change or the next try (what makes a collision resolvable).
    #[test]
    fn change_ids_are_short_stable_and_distinct() {
        let c = change();
        let id = candidate_id(&c, "s", "b", 0);
        assert_eq!(id.as_str().len(), CHANGE_ID_LEN);
        assert!(id.as_str().bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(id, candidate_id(&c, "s", "b", 0));
        assert_ne!(id, candidate_id(&c, "s", "b", 1));
        let mut later = c.clone();
        later.applied_at += chrono::Duration::microseconds(1);
        assert_ne!(id, candidate_id(&later, "s", "b", 0));
        assert_eq!(id.as_str().parse::<ChangeId>().unwrap(), id);
    }

    #[test]
    fn statuses_read_back_as_written() {
        for s in [
            ChangeStatus::Applied,
            ChangeStatus::Failed,
            ChangeStatus::Undone,
        ] {
            assert_eq!(ChangeStatus::parse(s.as_str()).unwrap(), s);
        }
        assert!(ChangeStatus::parse("pending").is_err());
    }
}
