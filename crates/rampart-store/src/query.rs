//! Reading the store back: the list of scans, what changed between two scans of an account,
//! a resource's revisions, and retention. A row holds for the scans from its `first_seq` up
//! to (not including) its `end_seq`; a scan with no row for an item did not read it.

use crate::change::{describe_added, describe_changed, describe_removed};
use crate::db::{Conn, Row, Val};
use crate::model::*;
use crate::record::{parse_severity, parse_status, parse_ts, ts, GONE};
use crate::StoreError;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap};

const SCAN_COLUMNS: &str = "id, seq, account_id, kind, state, collected_at, stored_at, \
    rampart_version, source, resources, total, pass, fail, error, muted, fail_critical, \
    fail_high, fail_medium, fail_low, fail_info, gaps, eval_seq";

fn scan_row(r: &Row) -> ScanRow {
    ScanRow {
        id: r.int(0),
        seq: r.opt_int(1),
        account_id: r.text(2).to_owned(),
        kind: if r.text(3) == "collect" {
            ScanKind::Collect
        } else {
            ScanKind::Scan
        },
        state: if r.text(4) == "complete" {
            ScanState::Complete
        } else {
            ScanState::Incomplete
        },
        collected_at: parse_ts(r.text(5)),
        stored_at: parse_ts(r.text(6)),
        rampart_version: r.text(7).to_owned(),
        source: r.text(8).to_owned(),
        resources: r.int(9) as u64,
        counts: ScanCounts {
            total: r.int(10) as u64,
            pass: r.int(11) as u64,
            fail: r.int(12) as u64,
            error: r.int(13) as u64,
            muted: r.int(14) as u64,
            fail_by_severity: [
                r.int(15) as u64,
                r.int(16) as u64,
                r.int(17) as u64,
                r.int(18) as u64,
                r.int(19) as u64,
            ],
        },
        gaps: r.int(20) as u64,
    }
}

/// One scan by id.
pub(crate) fn scan_by_id(conn: &mut Conn, id: i64) -> Result<ScanRow, StoreError> {
    Ok(scan_and_eval(conn, id)?.0)
}

/// One scan and its evaluation sequence (none for a collect).
fn scan_and_eval(conn: &mut Conn, id: i64) -> Result<(ScanRow, Option<i64>), StoreError> {
    let row = conn
        .query_one(
            &format!("SELECT {SCAN_COLUMNS} FROM scans WHERE id = ?"),
            &[id.into()],
        )?
        .ok_or_else(|| StoreError::Invalid(format!("no scan {id} in the store")))?;
    Ok((scan_row(&row), row.opt_int(21)))
}

/// Scans, oldest first: of one account or of all, the last `limit` of them.
pub(crate) fn scans(
    conn: &mut Conn,
    account: Option<&str>,
    limit: Option<usize>,
) -> Result<Vec<ScanRow>, StoreError> {
    let limit = limit.map_or(i64::MAX, |l| l as i64);
    let rows = match account {
        Some(a) => conn.query(
            &format!(
                "SELECT {SCAN_COLUMNS} FROM scans WHERE account_id = ? ORDER BY id DESC LIMIT ?"
            ),
            &[a.into(), limit.into()],
        )?,
        None => conn.query(
            &format!("SELECT {SCAN_COLUMNS} FROM scans ORDER BY id DESC LIMIT ?"),
            &[limit.into()],
        )?,
    };
    let mut out: Vec<ScanRow> = rows.iter().map(scan_row).collect();
    out.reverse();
    Ok(out)
}

/// The two scans `diff` compares when not told: the last two complete scans of the account
/// (of the only account in the store when none is given); with `a` alone, `a` and the
/// account's latest.
pub(crate) fn pick_pair(
    conn: &mut Conn,
    a: Option<i64>,
    b: Option<i64>,
    account: Option<&str>,
) -> Result<(i64, i64), StoreError> {
    if let (Some(a), Some(b)) = (a, b) {
        return Ok((a, b));
    }
    let account = match (a, account) {
        (Some(a), _) => scan_by_id(conn, a)?.account_id,
        (None, Some(acc)) => acc.to_owned(),
        (None, None) => {
            let accounts: Vec<String> = conn
                .query(
                    "SELECT DISTINCT account_id FROM scans WHERE state = 'complete' \
                     ORDER BY account_id",
                    &[],
                )?
                .iter()
                .map(|r| r.text(0).to_owned())
                .collect();
            match accounts.as_slice() {
                [one] => one.clone(),
                [] => {
                    return Err(StoreError::Invalid(
                        "the store holds no complete scan".into(),
                    ))
                }
                many => {
                    return Err(StoreError::Invalid(format!(
                        "the store holds scans of {} accounts ({}): say which with --account",
                        many.len(),
                        many.join(", ")
                    )))
                }
            }
        }
    };
    let ids: Vec<i64> = conn
        .query(
            "SELECT id FROM scans WHERE account_id = ? AND state = 'complete' \
             ORDER BY seq DESC LIMIT 2",
            &[account.as_str().into()],
        )?
        .iter()
        .map(|r| r.int(0))
        .collect();
    match (a, ids.as_slice()) {
        (Some(a), [latest, ..]) if *latest != a => Ok((a, *latest)),
        (Some(_), [latest, previous]) => Ok((*previous, *latest)),
        (None, [latest, previous]) => Ok((*previous, *latest)),
        _ => Err(StoreError::Invalid(format!(
            "account {account} has fewer than two complete scans in the store: nothing to compare"
        ))),
    }
}

/// Whether a row `[first, end)` holds at `seq`.
fn covers(first: i64, end: Option<i64>, seq: i64) -> bool {
    first <= seq && end.is_none_or(|e| e > seq)
}

/// What changed from scan `a` to scan `b` (same account; `a` before `b`).
pub(crate) fn diff(conn: &mut Conn, a: i64, b: i64) -> Result<ScanDiff, StoreError> {
    let (mut from, mut from_eval) = scan_and_eval(conn, a)?;
    let (mut to, mut to_eval) = scan_and_eval(conn, b)?;
    for s in [&from, &to] {
        if s.state != ScanState::Complete {
            return Err(StoreError::Invalid(format!(
                "scan {} is incomplete (its process stopped while it was being stored): it \
                 cannot be compared",
                s.id
            )));
        }
    }
    if from.account_id != to.account_id {
        return Err(StoreError::Invalid(format!(
            "scans {} and {} are of different accounts ({} and {})",
            from.id, to.id, from.account_id, to.account_id
        )));
    }
    if from.seq > to.seq {
        std::mem::swap(&mut from, &mut to);
        std::mem::swap(&mut from_eval, &mut to_eval);
    }
    let account = from.account_id.clone();
    let (sa, sb) = (from.seq.unwrap_or(0), to.seq.unwrap_or(0));
    let resources = diff_resources(conn, &account, sa, sb)?;
    let coverage = diff_coverage(conn, &account, sa, sb)?;
    let findings = match (from_eval, to_eval) {
        (Some(ea), Some(eb)) => diff_findings(conn, &account, ea, eb)?,
        _ => Vec::new(),
    };
    Ok(ScanDiff {
        from,
        to,
        findings,
        resources,
        coverage,
    })
}

struct RevRow {
    id: i64,
    first: i64,
    end: Option<i64>,
    present: bool,
    hash: Option<String>,
}

fn diff_resources(
    conn: &mut Conn,
    account: &str,
    a: i64,
    b: i64,
) -> Result<Vec<ResourceChange>, StoreError> {
    // Only rows that hold at one of the two scans and not at both: a resource unchanged from
    // a to b has one row holding at both and is never read here.
    let rows = conn.query(
        "SELECT v.resource_id, v.id, v.first_seq, v.end_seq, v.present, v.hash, \
         r.kind, r.region, r.key, r.name \
         FROM revisions v JOIN resources r ON r.id = v.resource_id \
         WHERE r.account_id = ? AND v.first_seq <= ? AND (v.end_seq IS NULL OR v.end_seq > ?) \
         AND NOT (v.first_seq <= ? AND (v.end_seq IS NULL OR v.end_seq > ?))",
        &[account.into(), b.into(), a.into(), a.into(), b.into()],
    )?;
    type Meta = (String, String, String, Option<String>);
    let mut per: BTreeMap<i64, (Meta, Option<RevRow>, Option<RevRow>)> = BTreeMap::new();
    for r in &rows {
        let rev = RevRow {
            id: r.int(1),
            first: r.int(2),
            end: r.opt_int(3),
            present: r.int(4) != 0,
            hash: r.opt_text(5).map(str::to_owned),
        };
        let entry = per.entry(r.int(0)).or_insert_with(|| {
            (
                (
                    r.text(6).to_owned(),
                    r.text(7).to_owned(),
                    r.text(8).to_owned(),
                    r.opt_text(9).map(str::to_owned),
                ),
                None,
                None,
            )
        });
        if covers(rev.first, rev.end, a) {
            entry.1 = Some(rev);
        } else if covers(rev.first, rev.end, b) {
            entry.2 = Some(rev);
        }
    }
    // Resources not read at `a` but read at `b`: what was known of them before `a`.
    let unknown_at_a: Vec<i64> = per
        .iter()
        .filter(|(_, (_, at_a, at_b))| at_a.is_none() && at_b.is_some())
        .map(|(id, _)| *id)
        .collect();
    let earlier = rows_before(conn, &unknown_at_a, a)?;
    let coverage_b = coverage_at(conn, account, b)?;

    let mut wanted_bodies = Vec::new();
    enum Verdict {
        Changed(i64, i64),
        Added(i64),
        Removed(i64),
        Unknown,
    }
    let mut verdicts: Vec<(i64, Verdict)> = Vec::new();
    for (id, (_, at_a, at_b)) in &per {
        let at_a = at_a.as_ref().or(earlier.get(id));
        let v = match (at_a, at_b) {
            (Some(x), Some(y)) if x.present && y.present => {
                if x.hash == y.hash {
                    continue;
                }
                Verdict::Changed(x.id, y.id)
            }
            (Some(x), Some(y)) if x.present && !y.present => Verdict::Removed(x.id),
            (_, Some(y)) if y.present => Verdict::Added(y.id),
            (Some(x), None) if x.present => Verdict::Unknown,
            _ => continue,
        };
        match &v {
            Verdict::Changed(x, y) => wanted_bodies.extend([*x, *y]),
            Verdict::Added(y) => wanted_bodies.push(*y),
            Verdict::Removed(x) => wanted_bodies.push(*x),
            Verdict::Unknown => {}
        }
        verdicts.push((*id, v));
    }
    let bodies = crate::record::revision_bodies(conn, &wanted_bodies)?;
    let body = |id: &i64| bodies.get(id).cloned().unwrap_or(serde_json::Value::Null);
    let mut out = Vec::new();
    for (id, v) in verdicts {
        let (kind, region, key, name) = per[&id].0.clone();
        let (change, lines) = match v {
            Verdict::Changed(x, y) => (
                ResourceChangeKind::Changed,
                describe_changed(&kind, &body(&x), &body(&y)),
            ),
            Verdict::Added(y) => (ResourceChangeKind::Added, describe_added(&kind, &body(&y))),
            Verdict::Removed(x) => (
                ResourceChangeKind::Removed,
                describe_removed(&kind, &body(&x)),
            ),
            Verdict::Unknown => {
                let reason = coverage_b
                    .get(&(region.clone(), kind.clone()))
                    .cloned()
                    .flatten()
                    .unwrap_or_else(|| format!("{region} was not read in scan {b}"));
                (
                    ResourceChangeKind::Unknown,
                    vec![ChangeLine {
                        text: format!("not read in the later scan: {reason}"),
                        risk: None,
                        unread: true,
                    }],
                )
            }
        };
        out.push(ResourceChange {
            change,
            kind,
            key,
            region,
            name,
            lines,
        });
    }
    out.sort_by(|x, y| (&x.kind, &x.region, &x.key).cmp(&(&y.kind, &y.region, &y.key)));
    Ok(out)
}

/// The last row of each resource that began at or before `seq`.
fn rows_before(
    conn: &mut Conn,
    resources: &[i64],
    seq: i64,
) -> Result<HashMap<i64, RevRow>, StoreError> {
    let mut out = HashMap::new();
    for r in conn.query_ids(
        "SELECT resource_id, id, first_seq, end_seq, present, hash FROM revisions \
         WHERE id IN (SELECT MAX(id) FROM revisions WHERE first_seq <= ? AND resource_id IN ({}) \
         GROUP BY resource_id)",
        &[Val::Int(seq)],
        resources,
    )? {
        out.insert(
            r.int(0),
            RevRow {
                id: r.int(1),
                first: r.int(2),
                end: r.opt_int(3),
                present: r.int(4) != 0,
                hash: r.opt_text(5).map(str::to_owned),
            },
        );
    }
    Ok(out)
}

/// Coverage at one scan: `(region, section)` → none when read, else why not.
fn coverage_at(
    conn: &mut Conn,
    account: &str,
    seq: i64,
) -> Result<HashMap<(String, String), Option<String>>, StoreError> {
    Ok(conn
        .query(
            "SELECT region, section, read, reason FROM coverage WHERE account_id = ? \
             AND first_seq <= ? AND (end_seq IS NULL OR end_seq > ?)",
            &[account.into(), seq.into(), seq.into()],
        )?
        .into_iter()
        .map(|r| {
            let reason = if r.int(2) != 0 {
                None
            } else {
                Some(r.opt_text(3).unwrap_or("not read").to_owned())
            };
            ((r.text(0).to_owned(), r.text(1).to_owned()), reason)
        })
        .collect())
}

fn diff_coverage(
    conn: &mut Conn,
    account: &str,
    a: i64,
    b: i64,
) -> Result<Vec<CoverageChange>, StoreError> {
    let at_a = coverage_at(conn, account, a)?;
    let at_b = coverage_at(conn, account, b)?;
    let mut keys: Vec<&(String, String)> = at_a.keys().chain(at_b.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = Vec::new();
    for k in keys {
        let before = matches!(at_a.get(k), Some(None));
        let after = matches!(at_b.get(k), Some(None));
        if before != after {
            out.push(CoverageChange {
                region: k.0.clone(),
                section: k.1.clone(),
                before_read: before,
                after_read: after,
                reason: at_b
                    .get(k)
                    .cloned()
                    .flatten()
                    .or_else(|| (!after).then(|| "not read".to_owned())),
            });
        }
    }
    Ok(out)
}

struct StateRow {
    first: i64,
    end: Option<i64>,
    status: String,
    severity: String,
    reason: String,
    muted_by: Option<String>,
    hash: i64,
    lifecycle: String,
    first_seen: Option<String>,
    time_to_fix: Option<i64>,
}

impl StateRow {
    fn state(&self) -> Option<FindingState> {
        Some(FindingState {
            status: parse_status(&self.status)?,
            severity: parse_severity(&self.severity),
            reason: self.reason.clone(),
            muted_by: self.muted_by.clone(),
        })
    }
    fn failing(&self) -> bool {
        self.status == "FAIL"
    }
}

fn diff_findings(
    conn: &mut Conn,
    account: &str,
    a: i64,
    b: i64,
) -> Result<Vec<FindingChange>, StoreError> {
    let rows = conn.query(
        "SELECT s.finding_id, s.first_seq, s.end_seq, s.status, s.severity, s.reason, \
         s.muted_by, s.hash, s.lifecycle, s.first_seen, s.time_to_fix, f.check_id, f.region, \
         f.resource FROM finding_states s JOIN findings f ON f.id = s.finding_id \
         WHERE f.account_id = ? AND s.first_seq <= ? AND (s.end_seq IS NULL OR s.end_seq > ?) \
         AND NOT (s.first_seq <= ? AND (s.end_seq IS NULL OR s.end_seq > ?))",
        &[account.into(), b.into(), a.into(), a.into(), b.into()],
    )?;
    type Meta = (String, String, String);
    let mut per: BTreeMap<i64, (Meta, Option<StateRow>, Option<StateRow>)> = BTreeMap::new();
    let times = eval_times(conn, account)?;
    for mut r in rows {
        let reason = r.take_text(5).unwrap_or_default();
        let s = StateRow {
            first: r.int(1),
            end: r.opt_int(2),
            status: r.text(3).to_owned(),
            severity: r.text(4).to_owned(),
            reason,
            muted_by: r.opt_text(6).map(str::to_owned),
            hash: r.int(7),
            lifecycle: r.text(8).to_owned(),
            first_seen: r.opt_text(9).map(str::to_owned),
            time_to_fix: r.opt_int(10),
        };
        let entry = per.entry(r.int(0)).or_insert_with(|| {
            (
                (
                    r.text(11).to_owned(),
                    r.text(12).to_owned(),
                    r.text(13).to_owned(),
                ),
                None,
                None,
            )
        });
        if covers(s.first, s.end, a) {
            entry.1 = Some(s);
        } else if covers(s.first, s.end, b) {
            entry.2 = Some(s);
        }
    }
    let at_b_time = times.get(&b).copied();
    let mut out = Vec::new();
    for ((check_id, region, resource), x, y) in per.into_values() {
        let x_fail = x.as_ref().is_some_and(StateRow::failing);
        let y_fail = y.as_ref().is_some_and(StateRow::failing);
        let lifecycle = match (&x, &y) {
            (Some(x), Some(y)) if x.failing() && y.failing() => {
                if x.hash == y.hash {
                    continue;
                }
                if y.muted_by.is_some() && x.muted_by.is_none() {
                    Lifecycle::Muted
                } else {
                    Lifecycle::Changed
                }
            }
            (_, Some(y)) if y.failing() => {
                if y.muted_by.is_some() {
                    Lifecycle::Muted
                } else if y.lifecycle == "reopened" {
                    Lifecycle::Reopened
                } else if y.lifecycle == "new" || x.is_some() {
                    Lifecycle::New
                } else {
                    // Not read at `a`, failing at `b` since before: unknown at `a`.
                    Lifecycle::Unknown
                }
            }
            (Some(_), Some(y)) if x_fail && (y.status == "PASS" || y.status == GONE) => {
                Lifecycle::Resolved
            }
            (Some(_), _) if x_fail => Lifecycle::Unknown,
            _ => continue,
        };
        let _ = y_fail;
        let severity = y
            .as_ref()
            .or(x.as_ref())
            .map_or(rampart_checks::Severity::Info, |s| {
                parse_severity(&s.severity)
            });
        let first_seen = x
            .as_ref()
            .filter(|s| s.failing())
            .or(y.as_ref().filter(|s| s.failing()))
            .and_then(|s| s.first_seen.as_deref())
            .map(parse_ts);
        let time_to_fix = (lifecycle == Lifecycle::Resolved)
            .then(|| {
                y.as_ref()
                    .and_then(|s| s.time_to_fix)
                    .or_else(|| Some((at_b_time? - first_seen?).num_seconds()))
            })
            .flatten();
        let unknown_reason = (lifecycle == Lifecycle::Unknown).then(|| match &y {
            Some(s) if s.status == "ERROR" => {
                format!("the check could not read its data: {}", s.reason)
            }
            Some(_) => "the earlier scan did not read it".to_owned(),
            None => "the later scan did not read its data, or its check did not run".to_owned(),
        });
        let last_seen = match &y {
            Some(s) if s.failing() => at_b_time,
            _ => x
                .as_ref()
                .filter(|s| s.failing())
                .and_then(|s| last_seq_time(&times, s)),
        };
        out.push(FindingChange {
            lifecycle,
            check_id,
            region,
            resource,
            severity,
            before: x.as_ref().and_then(StateRow::state),
            after: y.as_ref().and_then(StateRow::state),
            unknown_reason,
            first_seen,
            last_seen,
            time_to_fix_secs: time_to_fix,
        });
    }
    out.sort_by(|p, q| {
        (
            p.lifecycle,
            std::cmp::Reverse(p.severity),
            &p.check_id,
            &p.resource,
        )
            .cmp(&(
                q.lifecycle,
                std::cmp::Reverse(q.severity),
                &q.check_id,
                &q.resource,
            ))
    });
    Ok(out)
}

/// When a state row was last seen: the scan before its end, or the latest scan if open.
fn last_seq_time(times: &BTreeMap<i64, DateTime<Utc>>, s: &StateRow) -> Option<DateTime<Utc>> {
    match s.end {
        Some(e) => times.range(..e).next_back().map(|(_, t)| *t),
        None => times.values().next_back().copied(),
    }
}

/// Collection time of each evaluated scan of the account, by evaluation sequence.
fn eval_times(conn: &mut Conn, account: &str) -> Result<BTreeMap<i64, DateTime<Utc>>, StoreError> {
    Ok(conn
        .query(
            "SELECT eval_seq, collected_at FROM scans WHERE account_id = ? \
             AND state = 'complete' AND eval_seq IS NOT NULL",
            &[account.into()],
        )?
        .iter()
        .map(|r| (r.int(0), parse_ts(r.text(1))))
        .collect())
}

/// Collection time of each complete scan of the account, by sequence, with the scan id.
fn seq_times(
    conn: &mut Conn,
    account: &str,
) -> Result<BTreeMap<i64, (i64, DateTime<Utc>)>, StoreError> {
    Ok(conn
        .query(
            "SELECT seq, id, collected_at FROM scans WHERE account_id = ? AND state = 'complete'",
            &[account.into()],
        )?
        .iter()
        .map(|r| (r.int(0), (r.int(1), parse_ts(r.text(2)))))
        .collect())
}

/// A resource's revisions; `at` picks the one in force at that time.
pub(crate) fn show(
    conn: &mut Conn,
    resource: &str,
    account: Option<&str>,
    at: Option<DateTime<Utc>>,
) -> Result<ResourceHistory, StoreError> {
    let pattern_slash = format!("%/{resource}");
    let pattern_colon = format!("%:{resource}");
    let mut matches = conn.query(
        "SELECT id, account_id, kind, region, key, name FROM resources \
         WHERE key = ? OR key LIKE ? OR key LIKE ? OR name = ? ORDER BY account_id, kind, key",
        &[
            resource.into(),
            pattern_slash.into(),
            pattern_colon.into(),
            resource.into(),
        ],
    )?;
    if let Some(acc) = account {
        matches.retain(|r| r.text(1) == acc);
    }
    // An exact key wins over a suffix or name.
    if matches.iter().any(|r| r.text(4) == resource) {
        matches.retain(|r| r.text(4) == resource);
    }
    let m = match matches.as_slice() {
        [one] => one.clone(),
        [] => {
            return Err(StoreError::Invalid(format!(
                "no resource `{resource}` in the store (give its ARN, its id or its name)"
            )))
        }
        many => {
            let list: Vec<String> = many
                .iter()
                .take(10)
                .map(|r| {
                    format!(
                        "{} ({}, {}, account {})",
                        r.text(4),
                        r.text(2),
                        r.text(3),
                        r.text(1)
                    )
                })
                .collect();
            return Err(StoreError::Invalid(format!(
                "`{resource}` names {} resources; give one key (or --account):\n  {}",
                many.len(),
                list.join("\n  ")
            )));
        }
    };
    let (id, account_id) = (m.int(0), m.text(1).to_owned());
    let times = seq_times(conn, &account_id)?;
    let latest = times.keys().next_back().copied().unwrap_or(0);
    let rows = conn.query(
        "SELECT first_seq, end_seq, present, hash, body FROM revisions \
         WHERE resource_id = ? ORDER BY first_seq, id",
        &[id.into()],
    )?;
    let mut revisions: Vec<Revision> = Vec::new();
    let mut prev_body: Option<serde_json::Value> = None;
    let mut spans = Vec::new();
    for r in &rows {
        let first = r.int(0);
        let end = r.opt_int(1);
        let last = end.map_or(latest, |e| {
            times.range(..e).next_back().map_or(first, |(s, _)| *s)
        });
        let body: Option<serde_json::Value> =
            r.opt_text(4).map(serde_json::from_str).transpose()?;
        let present = r.int(2) != 0;
        let kind = m.text(2);
        let changes = match (&prev_body, &body, present) {
            (Some(p), Some(b), true) => describe_changed(kind, p, b),
            (None, Some(b), true) => describe_added(kind, b),
            (Some(p), _, false) => describe_removed(kind, p),
            _ => Vec::new(),
        };
        let time = |seq: i64| times.get(&seq).copied();
        let (first_scan, first_seen) = time(first).unwrap_or((0, DateTime::<Utc>::default()));
        let (last_scan, last_seen) = time(last).unwrap_or((first_scan, first_seen));
        spans.push((first, last));
        revisions.push(Revision {
            first_scan,
            first_seen,
            last_scan,
            last_seen,
            present,
            hash: r.opt_text(3).map(str::to_owned),
            body: body.clone(),
            changes,
        });
        if present {
            prev_body = body;
        } else {
            prev_body = None;
        }
    }
    let at_index = match at {
        None => None,
        Some(t) => {
            // The account's last complete scan at or before `t`.
            let seq = times
                .iter()
                .filter(|(_, (_, when))| *when <= t)
                .map(|(s, _)| *s)
                .next_back();
            seq.and_then(|s| {
                rows.iter()
                    .position(|r| covers(r.int(0), r.opt_int(1), s))
                    .filter(|&i| revisions[i].present)
            })
        }
    };
    Ok(ResourceHistory {
        account_id,
        kind: m.text(2).to_owned(),
        key: m.text(4).to_owned(),
        region: m.text(3).to_owned(),
        name: m.opt_text(5).map(str::to_owned),
        revisions,
        at: at_index,
    })
}

/// What `prune` removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PruneStats {
    /// Scans removed.
    pub scans: u64,
    /// Resource revisions removed.
    pub revisions: u64,
    /// Finding states removed.
    pub finding_states: u64,
    /// Delivered or failed outbox messages removed.
    pub messages: u64,
}

/// Remove scans collected before `cutoff`, keeping each account's latest complete scan, and
/// every row that ended before the oldest scan kept.
pub(crate) fn prune(conn: &mut Conn, cutoff: DateTime<Utc>) -> Result<PruneStats, StoreError> {
    let cutoff_s = ts(cutoff);
    conn.transaction(|conn| {
        let mut stats = PruneStats::default();
        let accounts: Vec<String> = conn
            .query("SELECT DISTINCT account_id FROM scans", &[])?
            .iter()
            .map(|r| r.text(0).to_owned())
            .collect();
        for account in accounts {
            let latest = conn
                .query_one(
                    "SELECT MAX(seq) FROM scans WHERE account_id = ? AND state = 'complete'",
                    &[account.as_str().into()],
                )?
                .and_then(|r| r.opt_int(0));
            // An incomplete mark goes only when it was written before the cutoff too: a
            // recent one may be a scan (of an old snapshot) being stored right now.
            let removed = conn.execute(
                "DELETE FROM scans WHERE account_id = ? AND collected_at < ? \
                 AND (seq IS NULL OR seq <> ?) AND (state = 'complete' OR stored_at < ?)",
                &[
                    account.as_str().into(),
                    cutoff_s.as_str().into(),
                    latest.unwrap_or(-1).into(),
                    cutoff_s.as_str().into(),
                ],
            )?;
            stats.scans += removed;
            let Some(min_seq) = conn
                .query_one(
                    "SELECT MIN(seq) FROM scans WHERE account_id = ? AND state = 'complete'",
                    &[account.as_str().into()],
                )?
                .and_then(|r| r.opt_int(0))
            else {
                continue;
            };
            let min_eval = conn
                .query_one(
                    "SELECT MIN(eval_seq) FROM scans WHERE account_id = ? AND state = 'complete'",
                    &[account.as_str().into()],
                )?
                .and_then(|r| r.opt_int(0))
                .unwrap_or(i64::MAX);
            stats.revisions += conn.execute(
                "DELETE FROM revisions WHERE end_seq IS NOT NULL AND end_seq <= ? AND \
                 resource_id IN (SELECT id FROM resources WHERE account_id = ?)",
                &[min_seq.into(), account.as_str().into()],
            )?;
            stats.finding_states += conn.execute(
                "DELETE FROM finding_states WHERE end_seq IS NOT NULL AND end_seq <= ? AND \
                 finding_id IN (SELECT id FROM findings WHERE account_id = ?)",
                &[min_eval.into(), account.as_str().into()],
            )?;
            conn.execute(
                "DELETE FROM coverage WHERE account_id = ? AND end_seq IS NOT NULL AND end_seq <= ?",
                &[account.as_str().into(), min_seq.into()],
            )?;
            conn.execute(
                "DELETE FROM resources WHERE account_id = ? AND NOT EXISTS \
                 (SELECT 1 FROM revisions v WHERE v.resource_id = resources.id)",
                &[account.as_str().into()],
            )?;
            conn.execute(
                "DELETE FROM findings WHERE account_id = ? AND NOT EXISTS \
                 (SELECT 1 FROM finding_states s WHERE s.finding_id = findings.id)",
                &[account.as_str().into()],
            )?;
        }
        stats.messages = conn.execute(
            "DELETE FROM outbox WHERE status <> 'pending' AND created_at < ?",
            &[cutoff_s.as_str().into()],
        )?;
        Ok(stats)
    })
}

/// How many rows each table holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct StoreStats {
    /// Scans (incomplete ones included).
    pub scans: u64,
    /// Resources ever seen.
    pub resources: u64,
    /// Resource revisions (and marks of removal).
    pub revisions: u64,
    /// Findings ever seen.
    pub findings: u64,
    /// Finding states (intervals).
    pub finding_states: u64,
    /// Coverage intervals.
    pub coverage: u64,
    /// Outbox messages.
    pub messages: u64,
    /// Changes made by `rampart fix`.
    pub changes: u64,
}

pub(crate) fn stats(conn: &mut Conn) -> Result<StoreStats, StoreError> {
    let mut count = |table: &str| -> Result<u64, StoreError> {
        Ok(conn
            .query_one(&format!("SELECT COUNT(*) FROM {table}"), &[])?
            .map_or(0, |r| r.int(0) as u64))
    };
    Ok(StoreStats {
        scans: count("scans")?,
        resources: count("resources")?,
        revisions: count("revisions")?,
        findings: count("findings")?,
        finding_states: count("finding_states")?,
        coverage: count("coverage")?,
        messages: count("outbox")?,
        changes: count("changes")?,
    })
}

/// The findings that failed, not muted, in the account's latest complete scan, as (check,
/// region, resource); none when the account has no complete scan.
pub(crate) fn failing_findings(
    conn: &mut Conn,
    account: &str,
) -> Result<Option<Vec<crate::FindingKey>>, StoreError> {
    let seq = conn
        .query_one(
            "SELECT MAX(eval_seq) FROM scans WHERE account_id = ? AND state = 'complete' \
             AND eval_seq IS NOT NULL",
            &[account.into()],
        )?
        .and_then(|r| r.opt_int(0));
    let Some(seq) = seq else {
        return Ok(None);
    };
    let rows = conn.query(
        "SELECT f.check_id, f.region, f.resource FROM finding_states s \
         JOIN findings f ON f.id = s.finding_id \
         WHERE f.account_id = ? AND s.first_seq <= ? AND (s.end_seq IS NULL OR s.end_seq > ?) \
         AND s.status = 'FAIL' AND s.muted_by IS NULL ORDER BY f.check_id, f.region, f.resource",
        &[account.into(), seq.into(), seq.into()],
    )?;
    Ok(Some(
        rows.iter()
            .map(|r| {
                (
                    r.text(0).to_owned(),
                    r.text(1).to_owned(),
                    r.text(2).to_owned(),
                )
            })
            .collect(),
    ))
}
