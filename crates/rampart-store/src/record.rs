//! Storing one scan: its resources as revisions (a row only when a resource's content
//! changes), its findings as states with a lifecycle (new, changed, resolved, reopened,
//! muted, unknown), and its coverage, each an interval of the account's scans. Rows that
//! stay the same are not written again.
//!
//! What the scan did not read is unknown for it: an interval that the scan cannot confirm is
//! closed, and nothing is marked removed or resolved unless the part of the account it
//! belongs to was read.

use crate::change::{describe_added, describe_changed, describe_removed};
use crate::db::{Conn, Row, Val};
use crate::extract::{extract, ExtractedResource, Section};
use crate::model::*;
use crate::StoreError;
use chrono::{DateTime, Utc};
use rampart_checks::{CheckMeta, Finding, Severity, Status};
use rampart_inventory::{Inventory, Service};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

/// One scan to store.
pub struct ScanInput<'a> {
    /// Scan or collect.
    pub kind: ScanKind,
    /// The inventory read.
    pub inventory: &'a Inventory,
    /// Its findings (none for a collect).
    pub findings: &'a [Finding],
    /// The checks that were evaluated (none for a collect): a finding of any other check is
    /// unknown for this scan.
    pub checks: &'a [&'a CheckMeta],
    /// `live`, or `snapshot:<file name>`.
    pub source: String,
    /// Check renames, `(old id, new id)`: a finding keeps its identity across them.
    pub renamed: &'a [(&'a str, &'a str)],
}

fn sha_hex(parts: &[&str], bytes: usize) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    hex::encode(&h.finalize()[..bytes])
}

/// The current id of a check, following renames (`a → b → c`).
pub(crate) fn canonical_check<'a>(id: &'a str, renamed: &[(&'a str, &'a str)]) -> &'a str {
    let mut id = id;
    for _ in 0..=renamed.len() {
        match renamed.iter().find(|(old, _)| *old == id) {
            Some((_, new)) => id = new,
            None => break,
        }
    }
    id
}

/// 64 bits of the SHA-256 of the parts, as a number (a compact key for an index).
fn sha_i64(parts: &[&str]) -> i64 {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    i64::from_be_bytes(h.finalize()[..8].try_into().unwrap_or([0; 8]))
}

/// A finding's identity: its check (as named now), account, region and resource.
pub(crate) fn identity(check: &str, account: &str, region: &str, resource: &str) -> i64 {
    sha_i64(&[check, account, region, resource])
}

pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

pub(crate) fn parse_ts(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

pub(crate) fn parse_status(s: &str) -> Option<Status> {
    Status::ALL.into_iter().find(|v| v.as_str() == s)
}

pub(crate) fn parse_severity(s: &str) -> Severity {
    s.parse().unwrap_or(Severity::Info)
}

/// Status of a finding state row: a status, or `GONE` (the check ran, its data was read,
/// and the finding was not there).
pub(crate) const GONE: &str = "GONE";

/// One finding as this scan saw it.
struct Observed<'a> {
    identity: i64,
    finding: &'a Finding,
    check_id: &'a str,
    hash: i64,
}

/// A finding's state, for telling a change: status, severity, mutelist rule and reason,
/// the reason without its ages (`expired 5290 days ago` is the same state as `5291 days
/// ago` a day later: a finding does not change by getting older).
///
/// A passing finding's reason is not part of its state: PASS is PASS, whatever it says.
fn state_hash(f: &Finding) -> i64 {
    let muted = f.muted.as_ref().map(|m| m.rule.as_str()).unwrap_or("");
    let reason = match f.status {
        Status::Pass => String::new(),
        _ => without_ages(&f.reason),
    };
    sha_i64(&[f.status.as_str(), f.severity.as_str(), &reason, muted])
}

/// The state hash of a `GONE` row.
const GONE_HASH: i64 = 0;

/// `reason` with every number that counts time units (`5290 days`, `748 day(s)`, `3
/// hours`) replaced by `#`.
pub(crate) fn without_ages(reason: &str) -> String {
    const UNITS: [&str; 7] = ["day", "hour", "minute", "second", "week", "month", "year"];
    let mut out = String::with_capacity(reason.len());
    let mut rest = reason;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        out.push_str(&rest[..start]);
        let digits = rest[start..]
            .find(|c: char| !(c.is_ascii_digit() || c == ','))
            .map_or(rest.len(), |n| start + n);
        let after = rest[digits..].trim_start_matches(' ');
        if UNITS.iter().any(|u| after.starts_with(u)) {
            out.push('#');
        } else {
            out.push_str(&rest[start..digits]);
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

/// What the scan could not read, by service and region (`global` for account-wide data).
struct Gaps {
    by_service: HashMap<(String, String), String>,
    sections: HashMap<(String, String), Option<String>>,
}

impl Gaps {
    fn new(inv: &Inventory, sections: &[Section]) -> Gaps {
        let mut by_service = HashMap::new();
        let mut by_section = HashMap::new();
        for s in sections {
            let reason = s.gap.as_ref().map(|g| g.describe());
            if let Some(r) = &reason {
                by_service
                    .entry((s.service.clone(), s.region.clone()))
                    .or_insert_with(|| r.clone());
            }
            by_section.insert((s.region.clone(), s.kind.clone()), reason);
        }
        for e in &inv.errors {
            by_service
                .entry((e.service.clone(), e.region.clone()))
                .or_insert_with(|| e.gap.describe());
        }
        Gaps {
            by_service,
            sections: by_section,
        }
    }

    /// Why a finding of a check needing `needs` in `region` cannot be confirmed gone, if
    /// anything was not read.
    fn unread(&self, needs: &[Service], region: &str) -> Option<String> {
        for ((service, r), reason) in &self.by_service {
            let wanted = needs.iter().any(|n| {
                let name: &'static str = n.into();
                name == service
            });
            if wanted && (r == region || r == "global" || region == "global") {
                return Some(reason.clone());
            }
        }
        None
    }

    /// Whether a section was read in this scan (false: not read, or absent).
    fn section_read(&self, region: &str, kind: &str) -> Result<(), String> {
        match self.sections.get(&(region.to_owned(), kind.to_owned())) {
            Some(None) => Ok(()),
            Some(Some(reason)) => Err(reason.clone()),
            None => Err(format!("{region} was not scanned")),
        }
    }
}

/// Counts of a scan's findings.
pub(crate) fn counts(findings: &[Finding]) -> ScanCounts {
    let mut c = ScanCounts::default();
    for f in findings {
        c.total += 1;
        match f.status {
            Status::Pass => c.pass += 1,
            Status::Error => c.error += 1,
            Status::Fail => {
                c.fail += 1;
                if f.muted.is_some() {
                    c.muted += 1;
                } else {
                    c.fail_by_severity[severity_index(f.severity)] += 1;
                }
            }
        }
    }
    c
}

pub(crate) fn severity_index(s: Severity) -> usize {
    match s {
        Severity::Critical => 0,
        Severity::High => 1,
        Severity::Medium => 2,
        Severity::Low => 3,
        Severity::Info => 4,
    }
}

/// Advisory lock key of an account's writes (PostgreSQL).
pub(crate) fn account_lock(account: &str) -> i64 {
    let h = Sha256::digest(account.as_bytes());
    i64::from_be_bytes(h[..8].try_into().unwrap_or([0; 8]))
}

/// Store a scan; `messages` turns what changed into outbox messages, written in the same
/// transaction.
pub(crate) fn record(
    conn: &mut Conn,
    input: &ScanInput<'_>,
    now: DateTime<Utc>,
    messages: &mut dyn FnMut(&ScanRow, &Recorded) -> Vec<NewMessage>,
) -> Result<Recorded, StoreError> {
    let inv = input.inventory;
    let account = inv.account.id.as_str();
    // Work that needs no lock first.
    let extracted = extract(inv);
    let gaps = Gaps::new(inv, &extracted.sections);
    let counts = counts(input.findings);
    let observed: Vec<Observed<'_>> = input
        .findings
        .iter()
        .map(|f| {
            let check_id = canonical_check(f.check_id.as_str(), input.renamed);
            Observed {
                identity: identity(check_id, &f.account_id, &f.region, &f.resource),
                finding: f,
                check_id,
                hash: state_hash(f),
            }
        })
        .collect();
    let gap_count = inv.errors.len() as u64;

    // The mark: committed before the data, so a scan cut short is seen as incomplete.
    let scan_id = conn
        .query_one(
            "INSERT INTO scans (account_id, kind, state, collected_at, stored_at, \
             rampart_version, source) VALUES (?, ?, 'storing', ?, ?, ?, ?) RETURNING id",
            &[
                account.into(),
                kind_str(input.kind).into(),
                ts(inv.collected_at).into(),
                ts(now).into(),
                inv.rampart_version.as_str().into(),
                input.source.as_str().into(),
            ],
        )?
        .map(|r| r.int(0))
        .ok_or_else(|| StoreError::Invalid("the store gave no id for the new scan".into()))?;

    let result = conn.transaction(|conn| {
        if conn.is_postgres() {
            conn.execute(
                "SELECT pg_advisory_xact_lock(?)",
                &[Val::Int(account_lock(account))],
            )?;
        }
        let prev = conn.query_one(
            "SELECT seq, collected_at FROM scans WHERE account_id = ? AND state = 'complete' \
             ORDER BY seq DESC LIMIT 1",
            &[account.into()],
        )?;
        if let Some(p) = &prev {
            let prev_at = parse_ts(p.text(1));
            // Compared as stored (to the microsecond).
            if prev_at >= parse_ts(&ts(inv.collected_at)) {
                conn.execute("DELETE FROM scans WHERE id = ?", &[scan_id.into()])?;
                return Ok(Recorded {
                    scan_id: None,
                    skipped: Some(format!(
                        "the store already holds a scan of account {account} collected at \
                         {prev_at} (this one was collected at {}); not stored again",
                        inv.collected_at
                    )),
                    ..Recorded::default()
                });
            }
        }
        let seq = prev.as_ref().map_or(0, |p| p.int(0)) + 1;
        let eval_seq = match input.kind {
            ScanKind::Scan => Some(
                conn.query_one(
                    "SELECT MAX(eval_seq) FROM scans WHERE account_id = ? AND state = 'complete'",
                    &[account.into()],
                )?
                .and_then(|r| r.opt_int(0))
                .unwrap_or(0)
                    + 1,
            ),
            ScanKind::Collect => None,
        };
        let mut recorded = Recorded {
            scan_id: Some(scan_id),
            ..Recorded::default()
        };
        recorded.resources = record_resources(conn, account, seq, &extracted.resources, &gaps)?;
        record_coverage(conn, account, seq, &extracted.sections)?;
        if let Some(eval_seq) = eval_seq {
            recorded.findings = record_findings(
                conn,
                account,
                eval_seq,
                inv.collected_at,
                &observed,
                input.checks,
                input.renamed,
                &gaps,
            )?;
        }
        let checks = match input.kind {
            ScanKind::Scan => Some(check_set(conn, input.checks)?),
            ScanKind::Collect => None,
        };
        conn.execute(
            "UPDATE scans SET state = 'complete', seq = ?, eval_seq = ?, resources = ?, \
             total = ?, pass = ?, fail = ?, error = ?, muted = ?, fail_critical = ?, \
             fail_high = ?, fail_medium = ?, fail_low = ?, fail_info = ?, gaps = ?, checks = ?, \
             details = ? WHERE id = ?",
            &[
                seq.into(),
                eval_seq.into(),
                (extracted.resources.len() as i64).into(),
                (counts.total as i64).into(),
                (counts.pass as i64).into(),
                (counts.fail as i64).into(),
                (counts.error as i64).into(),
                (counts.muted as i64).into(),
                (counts.fail_by_severity[0] as i64).into(),
                (counts.fail_by_severity[1] as i64).into(),
                (counts.fail_by_severity[2] as i64).into(),
                (counts.fail_by_severity[3] as i64).into(),
                (counts.fail_by_severity[4] as i64).into(),
                (gap_count as i64).into(),
                checks.into(),
                serde_json::to_string(&serde_json::json!({
                    "regions": inv.regions,
                    "errors": inv.errors,
                    "stats": inv.stats,
                }))?
                .into(),
                scan_id.into(),
            ],
        )?;
        let row = crate::query::scan_by_id(conn, scan_id)?;
        let msgs = messages(&row, &recorded);
        for m in msgs {
            conn.execute(
                "INSERT INTO outbox (delivery_id, scan_id, target, payload, status, attempts, \
                 created_at, next_attempt_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?) \
                 ON CONFLICT (delivery_id) DO NOTHING",
                &[
                    m.delivery_id.into(),
                    scan_id.into(),
                    m.target.into(),
                    m.payload.into(),
                    ts(now).into(),
                    ts(now).into(),
                ],
            )?;
        }
        Ok(recorded)
    });
    match result {
        Ok(r) => {
            if let Conn::Sqlite(_) = conn {
                // Keep the write-ahead log small once the scan is in the database file.
                let _ignored = conn.batch("PRAGMA wal_checkpoint(TRUNCATE)");
            }
            Ok(r)
        }
        Err(e) => {
            // The mark stays: the scan is listed as incomplete, with none of its rows.
            Err(e)
        }
    }
}

pub(crate) fn kind_str(k: ScanKind) -> &'static str {
    match k {
        ScanKind::Scan => "scan",
        ScanKind::Collect => "collect",
    }
}

/// The set of checks evaluated, stored once per distinct set; its hash.
fn check_set(conn: &mut Conn, checks: &[&CheckMeta]) -> Result<String, StoreError> {
    let mut ids: Vec<&str> = checks.iter().map(|c| c.id).collect();
    ids.sort_unstable();
    let json = serde_json::to_string(&ids)?;
    let hash = sha_hex(&[&json], 16);
    conn.execute(
        "INSERT INTO check_sets (hash, checks) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING",
        &[hash.as_str().into(), json.into()],
    )?;
    Ok(hash)
}

type ResKey = (String, String, String);

/// Resources: new rows for added, changed and removed ones; open rows of the unread parts
/// of the account closed (unknown from this scan on).
fn record_resources(
    conn: &mut Conn,
    account: &str,
    seq: i64,
    resources: &[ExtractedResource],
    gaps: &Gaps,
) -> Result<Vec<ResourceChange>, StoreError> {
    let known: Vec<Row> = conn.query(
        "SELECT id, kind, region, key, name FROM resources WHERE account_id = ?",
        &[account.into()],
    )?;
    let mut ids: HashMap<ResKey, i64> = HashMap::with_capacity(known.len());
    let mut info: HashMap<i64, (String, String, String, Option<String>)> = HashMap::new();
    for r in &known {
        let key = (
            r.text(1).to_owned(),
            r.text(2).to_owned(),
            r.text(3).to_owned(),
        );
        ids.insert(key.clone(), r.int(0));
        info.insert(
            r.int(0),
            (key.0, key.1, key.2, r.opt_text(4).map(str::to_owned)),
        );
    }
    // Open revisions: (revision id, present, hash) by resource.
    let open: HashMap<i64, (i64, bool, Option<String>)> = conn
        .query(
            "SELECT v.resource_id, v.id, v.present, v.hash FROM revisions v \
             JOIN resources r ON r.id = v.resource_id \
             WHERE r.account_id = ? AND v.end_seq IS NULL",
            &[account.into()],
        )?
        .into_iter()
        .map(|r| {
            (
                r.int(0),
                (r.int(1), r.int(2) != 0, r.opt_text(3).map(str::to_owned)),
            )
        })
        .collect();

    // New resources first, so that every resource has an id.
    let mut seen_keys: HashSet<ResKey> = HashSet::with_capacity(resources.len());
    let mut fresh: Vec<Vec<Val>> = Vec::new();
    let mut fresh_keys: Vec<ResKey> = Vec::new();
    for r in resources {
        let key = (r.kind.clone(), r.region.clone(), r.key.clone());
        if !seen_keys.insert(key.clone()) {
            continue;
        }
        if !ids.contains_key(&key) {
            fresh.push(vec![
                account.into(),
                r.kind.as_str().into(),
                r.region.as_str().into(),
                r.key.as_str().into(),
                r.name.clone().into(),
            ]);
            fresh_keys.push(key);
        }
    }
    drop(seen_keys);
    let new_ids = conn.insert_rows_ids(
        "resources",
        &["account_id", "kind", "region", "key", "name"],
        fresh,
    )?;
    ids.extend(fresh_keys.into_iter().zip(new_ids));

    let mut changes = Vec::new();
    let mut close: Vec<i64> = Vec::new();
    let mut rows: Vec<Vec<Val>> = Vec::new();
    let mut observed: HashSet<i64> = HashSet::with_capacity(resources.len());
    // Changed resources whose earlier body is needed to say what changed.
    let mut before_needed: Vec<(i64, usize)> = Vec::new();
    // Resources seen again after an unknown stretch: compared with their last revision.
    let mut after_unknown: Vec<(i64, usize)> = Vec::new();
    let mut seen_once: HashSet<i64> = HashSet::with_capacity(resources.len());
    for (i, r) in resources.iter().enumerate() {
        let id = ids[&(r.kind.clone(), r.region.clone(), r.key.clone())];
        if !seen_once.insert(id) {
            continue;
        }
        observed.insert(id);
        let new_row = |rows: &mut Vec<Vec<Val>>| {
            rows.push(vec![
                id.into(),
                seq.into(),
                Val::Int(1),
                r.hash.as_str().into(),
                r.body.to_string().into(),
            ])
        };
        match open.get(&id) {
            Some((_, true, Some(h))) if *h == r.hash => {}
            Some((rev, present, _)) => {
                close.push(*rev);
                new_row(&mut rows);
                if *present {
                    before_needed.push((*rev, i));
                } else {
                    changes.push(added(r));
                }
            }
            None => {
                new_row(&mut rows);
                if info.contains_key(&id) {
                    after_unknown.push((id, i));
                } else if seq > 1 {
                    // The account's first scan is where its history starts: its resources
                    // are not "added" to anything.
                    changes.push(added(r));
                }
            }
        }
    }
    // Open rows of resources not seen: removed when their part of the account was read,
    // unknown otherwise.
    let mut removed_bodies: Vec<(i64, i64)> = Vec::new();
    for (&id, &(rev, present, _)) in &open {
        if observed.contains(&id) {
            continue;
        }
        let Some((kind, region, key, name)) = info.get(&id) else {
            continue;
        };
        match gaps.section_read(region, kind) {
            Ok(()) if present => {
                close.push(rev);
                rows.push(vec![
                    id.into(),
                    seq.into(),
                    Val::Int(0),
                    Val::Null,
                    Val::Null,
                ]);
                removed_bodies.push((rev, id));
            }
            Ok(()) => {}
            Err(reason) => {
                close.push(rev);
                if present {
                    changes.push(ResourceChange {
                        change: ResourceChangeKind::Unknown,
                        kind: kind.clone(),
                        key: key.clone(),
                        region: region.clone(),
                        name: name.clone(),
                        lines: vec![ChangeLine {
                            text: format!("not read in this scan: {reason}"),
                            risk: None,
                            unread: true,
                        }],
                    });
                }
            }
        }
    }
    // Earlier bodies, for what changed.
    let wanted: Vec<i64> = before_needed
        .iter()
        .map(|(rev, _)| *rev)
        .chain(removed_bodies.iter().map(|(rev, _)| *rev))
        .collect();
    let bodies = revision_bodies(conn, &wanted)?;
    for (rev, i) in before_needed {
        let r = &resources[i];
        let before = bodies.get(&rev).cloned().unwrap_or(serde_json::Value::Null);
        changes.push(ResourceChange {
            change: ResourceChangeKind::Changed,
            kind: r.kind.clone(),
            key: r.key.clone(),
            region: r.region.clone(),
            name: r.name.clone(),
            lines: describe_changed(&r.kind, &before, &r.body),
        });
    }
    for (rev, id) in removed_bodies {
        let (kind, region, key, name) = &info[&id];
        let before = bodies.get(&rev).cloned().unwrap_or(serde_json::Value::Null);
        changes.push(ResourceChange {
            change: ResourceChangeKind::Removed,
            kind: kind.clone(),
            key: key.clone(),
            region: region.clone(),
            name: name.clone(),
            lines: describe_removed(kind, &before),
        });
    }
    if !after_unknown.is_empty() {
        let last = last_revisions(
            conn,
            &after_unknown.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
        )?;
        for (id, i) in after_unknown {
            let r = &resources[i];
            match last.get(&id) {
                Some((true, Some(h), _)) if *h == r.hash => {}
                Some((true, _, body)) => changes.push(ResourceChange {
                    change: ResourceChangeKind::Changed,
                    kind: r.kind.clone(),
                    key: r.key.clone(),
                    region: r.region.clone(),
                    name: r.name.clone(),
                    lines: describe_changed(&r.kind, body, &r.body),
                }),
                _ => changes.push(added(r)),
            }
        }
    }
    conn.update_ids("revisions", "end_seq", seq.into(), &close)?;
    conn.insert_rows(
        "revisions",
        &["resource_id", "first_seq", "present", "hash", "body"],
        rows,
    )?;
    changes.sort_by(|a, b| (&a.kind, &a.region, &a.key).cmp(&(&b.kind, &b.region, &b.key)));
    Ok(changes)
}

fn added(r: &ExtractedResource) -> ResourceChange {
    ResourceChange {
        change: ResourceChangeKind::Added,
        kind: r.kind.clone(),
        key: r.key.clone(),
        region: r.region.clone(),
        name: r.name.clone(),
        lines: describe_added(&r.kind, &r.body),
    }
}

/// Bodies of the given revisions.
pub(crate) fn revision_bodies(
    conn: &mut Conn,
    revs: &[i64],
) -> Result<HashMap<i64, serde_json::Value>, StoreError> {
    let mut out = HashMap::new();
    for r in conn.query_ids("SELECT id, body FROM revisions WHERE id IN ({})", &[], revs)? {
        out.insert(r.int(0), body_of(&r, 1)?);
    }
    Ok(out)
}

/// The JSON body in column `i` (null for the mark of a removal).
fn body_of(r: &Row, i: usize) -> Result<serde_json::Value, StoreError> {
    Ok(match r.opt_text(i) {
        Some(b) => serde_json::from_str(b)?,
        None => serde_json::Value::Null,
    })
}

/// A resource's last revision: present, hash, body.
type LastRevision = (bool, Option<String>, serde_json::Value);

/// The last revision of each of the given resources.
fn last_revisions(
    conn: &mut Conn,
    resources: &[i64],
) -> Result<HashMap<i64, LastRevision>, StoreError> {
    let mut out = HashMap::new();
    for r in conn.query_ids(
        "SELECT v.resource_id, v.present, v.hash, v.body FROM revisions v \
         WHERE v.id IN (SELECT MAX(id) FROM revisions WHERE resource_id IN ({}) \
         GROUP BY resource_id)",
        &[],
        resources,
    )? {
        let last = (
            r.int(1) != 0,
            r.opt_text(2).map(str::to_owned),
            body_of(&r, 3)?,
        );
        out.insert(r.int(0), last);
    }
    Ok(out)
}

/// Coverage: one open row per (region, section) with whether it was read.
fn record_coverage(
    conn: &mut Conn,
    account: &str,
    seq: i64,
    sections: &[Section],
) -> Result<(), StoreError> {
    let open: HashMap<(String, String), (i64, bool, Option<String>)> = conn
        .query(
            "SELECT id, region, section, read, reason FROM coverage \
             WHERE account_id = ? AND end_seq IS NULL",
            &[account.into()],
        )?
        .into_iter()
        .map(|r| {
            (
                (r.text(1).to_owned(), r.text(2).to_owned()),
                (r.int(0), r.int(3) != 0, r.opt_text(4).map(str::to_owned)),
            )
        })
        .collect();
    let mut close = Vec::new();
    let mut rows = Vec::new();
    let mut seen = HashSet::new();
    for s in sections {
        let key = (s.region.clone(), s.kind.clone());
        if !seen.insert(key.clone()) {
            continue;
        }
        let read = s.gap.is_none();
        let reason = s.gap.as_ref().map(|g| g.describe());
        match open.get(&key) {
            Some((_, r, why)) if *r == read && *why == reason => continue,
            Some((id, ..)) => close.push(*id),
            None => {}
        }
        rows.push(vec![
            account.into(),
            s.region.as_str().into(),
            s.kind.as_str().into(),
            seq.into(),
            read.into(),
            reason.into(),
        ]);
    }
    for (key, (id, ..)) in &open {
        if !seen.contains(key) {
            close.push(*id);
        }
    }
    conn.update_ids("coverage", "end_seq", seq.into(), &close)?;
    conn.insert_rows(
        "coverage",
        &[
            "account_id",
            "region",
            "section",
            "first_seq",
            "read",
            "reason",
        ],
        rows,
    )?;
    Ok(())
}

/// A finding's stored identity and current state.
struct KnownFinding {
    id: i64,
    failing_since: Option<DateTime<Utc>>,
    ever_resolved: bool,
    check_id: String,
    region: String,
    resource: String,
}

struct OpenState {
    id: i64,
    status: String,
    hash: i64,
    severity: Severity,
    reason: String,
    muted_by: Option<String>,
}

impl OpenState {
    fn as_state(&self) -> Option<FindingState> {
        Some(FindingState {
            status: parse_status(&self.status)?,
            severity: self.severity,
            reason: self.reason.clone(),
            muted_by: self.muted_by.clone(),
        })
    }
    fn active_fail(&self) -> bool {
        self.status == "FAIL" && self.muted_by.is_none()
    }
}

fn finding_state(f: &Finding) -> FindingState {
    FindingState {
        status: f.status,
        severity: f.severity,
        reason: f.reason.clone(),
        muted_by: f.muted.as_ref().map(|m| m.rule.clone()),
    }
}

/// Findings: a new state row when a finding's state changes, with its lifecycle; open rows
/// that this scan cannot confirm closed (unknown), or followed by a `GONE` row when the
/// check ran over data that was read.
#[allow(clippy::too_many_arguments)]
fn record_findings(
    conn: &mut Conn,
    account: &str,
    eval_seq: i64,
    at: DateTime<Utc>,
    observed: &[Observed<'_>],
    checks: &[&CheckMeta],
    renamed: &[(&str, &str)],
    gaps: &Gaps,
) -> Result<Vec<FindingChange>, StoreError> {
    // Known findings by identity, recomputed with today's renames: a renamed check keeps
    // its findings.
    let mut known: HashMap<i64, KnownFinding> = HashMap::new();
    let mut renames: Vec<(i64, String, i64)> = Vec::new();
    for r in conn.query(
        "SELECT id, identity, check_id, region, resource, failing_since, ever_resolved \
         FROM findings WHERE account_id = ?",
        &[account.into()],
    )? {
        let check = canonical_check(r.text(2), renamed).to_owned();
        let ident = identity(&check, account, r.text(3), r.text(4));
        if check != r.text(2) || ident != r.int(1) {
            renames.push((r.int(0), check.clone(), ident));
        }
        known.insert(
            ident,
            KnownFinding {
                id: r.int(0),
                failing_since: r.opt_text(5).map(parse_ts),
                ever_resolved: r.int(6) != 0,
                check_id: check,
                region: r.text(3).to_owned(),
                resource: r.text(4).to_owned(),
            },
        );
    }
    for (id, check, ident) in renames {
        conn.execute(
            "UPDATE findings SET check_id = ?, identity = ? WHERE id = ?",
            &[check.into(), ident.into(), id.into()],
        )?;
    }
    let open: HashMap<i64, OpenState> = conn
        .query(
            "SELECT s.finding_id, s.id, s.status, s.hash, s.severity, s.muted_by \
             FROM finding_states s JOIN findings f ON f.id = s.finding_id \
             WHERE f.account_id = ? AND s.end_seq IS NULL",
            &[account.into()],
        )?
        .into_iter()
        .map(|r| {
            // Reasons are read later, for the states that changed only.
            let reason = String::new();
            (
                r.int(0),
                OpenState {
                    id: r.int(1),
                    status: r.text(2).to_owned(),
                    hash: r.int(3),
                    severity: parse_severity(r.text(4)),
                    reason,
                    muted_by: r.opt_text(5).map(str::to_owned),
                },
            )
        })
        .collect();

    // New findings get their rows first.
    let mut fresh = Vec::new();
    let mut fresh_of: Vec<&Observed<'_>> = Vec::new();
    let mut fresh_seen = HashSet::new();
    for o in observed {
        if !known.contains_key(&o.identity) && fresh_seen.insert(o.identity) {
            fresh.push(vec![
                account.into(),
                o.identity.into(),
                o.check_id.into(),
                o.finding.region.as_str().into(),
                o.finding.resource.as_str().into(),
            ]);
            fresh_of.push(o);
        }
    }
    let ids = conn.insert_rows_ids(
        "findings",
        &["account_id", "identity", "check_id", "region", "resource"],
        fresh,
    )?;
    for (id, o) in ids.into_iter().zip(fresh_of) {
        // Seen in this scan, so never among the findings it did not give: the names that
        // only those need stay empty.
        known.insert(
            o.identity,
            KnownFinding {
                id,
                failing_since: None,
                ever_resolved: false,
                check_id: String::new(),
                region: String::new(),
                resource: String::new(),
            },
        );
    }

    let at_text = ts(at);
    let mut changes = Vec::new();
    // (index in `changes`, state id): the earlier states whose reason is read afterwards.
    let mut reasons_for: Vec<(usize, i64)> = Vec::new();
    let mut close = Vec::new();
    let mut rows: Vec<Vec<Val>> = Vec::new();
    // (finding id, failing_since, ever_resolved) to write back.
    let mut finding_updates: Vec<(i64, Option<DateTime<Utc>>, bool)> = Vec::new();
    let mut seen: HashSet<i64> = HashSet::with_capacity(observed.len());
    for o in observed {
        let k = &known[&o.identity];
        if !seen.insert(k.id) {
            continue;
        }
        let prev = open.get(&k.id);
        if let Some(p) = prev {
            if p.hash == o.hash {
                continue;
            }
            close.push(p.id);
        }
        let f = o.finding;
        let was_failing = k.failing_since.is_some();
        let mut failing_since = k.failing_since;
        let mut ever_resolved = k.ever_resolved;
        let mut time_to_fix = None;
        let lifecycle = match f.status {
            Status::Fail if f.muted.is_some() => {
                if failing_since.is_none() {
                    failing_since = Some(at);
                }
                match prev {
                    Some(p) if p.status == "FAIL" && p.muted_by.is_some() => Lifecycle::Changed,
                    _ => Lifecycle::Muted,
                }
            }
            Status::Fail => {
                if was_failing {
                    match prev {
                        Some(p) if p.active_fail() => Lifecycle::Changed,
                        Some(p) if p.status == "FAIL" => Lifecycle::Changed,
                        _ => Lifecycle::Unchanged,
                    }
                } else {
                    failing_since = Some(at);
                    if ever_resolved {
                        Lifecycle::Reopened
                    } else {
                        Lifecycle::New
                    }
                }
            }
            Status::Pass => {
                if let Some(since) = failing_since.take() {
                    ever_resolved = true;
                    time_to_fix = Some((at - since).num_seconds());
                    Lifecycle::Resolved
                } else {
                    Lifecycle::Unchanged
                }
            }
            Status::Error => Lifecycle::Unknown,
        };
        let first_seen = match f.status {
            Status::Fail => failing_since,
            _ => k.failing_since,
        };
        rows.push(vec![
            k.id.into(),
            eval_seq.into(),
            Val::Static(f.status.as_str()),
            Val::Static(f.severity.as_str()),
            // A pass keeps its reason only when it resolves a failure: the rest are most of
            // the findings, and their reasons are in the scan's own report.
            if f.status == Status::Pass && lifecycle != Lifecycle::Resolved {
                Val::Text(String::new())
            } else {
                f.reason.as_str().into()
            },
            f.muted.as_ref().map(|m| m.rule.clone()).into(),
            o.hash.into(),
            Val::Static(lifecycle_stored(lifecycle, f.status)),
            match first_seen {
                Some(t) if t == at => at_text.clone().into(),
                other => other.map(ts).into(),
            },
            time_to_fix.into(),
        ]);
        if failing_since != k.failing_since || ever_resolved != k.ever_resolved {
            finding_updates.push((k.id, failing_since, ever_resolved));
        }
        let reportable = match lifecycle {
            Lifecycle::Unchanged => false,
            Lifecycle::Unknown => was_failing,
            Lifecycle::Changed => true,
            _ => true,
        };
        if reportable {
            if let Some(p) = prev {
                reasons_for.push((changes.len(), p.id));
            }
            changes.push(FindingChange {
                lifecycle,
                check_id: o.check_id.to_owned(),
                region: f.region.clone(),
                resource: f.resource.clone(),
                severity: f.severity,
                before: prev.and_then(OpenState::as_state),
                after: Some(finding_state(f)),
                unknown_reason: (lifecycle == Lifecycle::Unknown)
                    .then(|| format!("the check could not read its data: {}", f.reason)),
                first_seen,
                last_seen: (f.status == Status::Fail).then_some(at),
                time_to_fix_secs: time_to_fix,
            });
        }
    }

    // Findings of the previous scan that this one did not give.
    let ran: HashMap<&str, &CheckMeta> = checks.iter().map(|c| (c.id, *c)).collect();
    let by_id: HashMap<i64, &KnownFinding> = known.values().map(|k| (k.id, k)).collect();
    for (&fid, p) in &open {
        if seen.contains(&fid) || p.status == GONE {
            continue;
        }
        let Some(k) = by_id.get(&fid) else { continue };
        let unread = match ran.get(k.check_id.as_str()) {
            None => Some(format!("check {} did not run in this scan", k.check_id)),
            Some(meta) => gaps.unread(meta.needs, &k.region),
        };
        close.push(p.id);
        match unread {
            Some(reason) => {
                if k.failing_since.is_some() {
                    reasons_for.push((changes.len(), p.id));
                    changes.push(FindingChange {
                        lifecycle: Lifecycle::Unknown,
                        check_id: k.check_id.clone(),
                        region: k.region.clone(),
                        resource: k.resource.clone(),
                        severity: p.severity,
                        before: p.as_state(),
                        after: None,
                        unknown_reason: Some(reason),
                        first_seen: k.failing_since,
                        last_seen: None,
                        time_to_fix_secs: None,
                    });
                }
            }
            None => {
                // Read, and not there: the resource is gone or no longer applies.
                let resolved = k.failing_since.map(|since| (at - since).num_seconds());
                rows.push(vec![
                    fid.into(),
                    eval_seq.into(),
                    GONE.into(),
                    p.severity.as_str().into(),
                    "no longer found: the check ran over data that was read".into(),
                    Val::Null,
                    GONE_HASH.into(),
                    if resolved.is_some() {
                        "resolved"
                    } else {
                        "gone"
                    }
                    .into(),
                    k.failing_since.map(ts).into(),
                    resolved.into(),
                ]);
                if let Some(secs) = resolved {
                    finding_updates.push((fid, None, true));
                    reasons_for.push((changes.len(), p.id));
                    changes.push(FindingChange {
                        lifecycle: Lifecycle::Resolved,
                        check_id: k.check_id.clone(),
                        region: k.region.clone(),
                        resource: k.resource.clone(),
                        severity: p.severity,
                        before: p.as_state(),
                        after: None,
                        unknown_reason: None,
                        first_seen: k.failing_since,
                        last_seen: None,
                        time_to_fix_secs: Some(secs),
                    });
                }
            }
        }
    }
    let ids: Vec<i64> = reasons_for.iter().map(|(_, id)| *id).collect();
    let reasons = state_reasons(conn, &ids)?;
    for (i, id) in reasons_for {
        if let (Some(before), Some(r)) = (changes[i].before.as_mut(), reasons.get(&id)) {
            before.reason.clone_from(r);
        }
    }
    conn.update_ids("finding_states", "end_seq", eval_seq.into(), &close)?;
    conn.insert_rows(
        "finding_states",
        &[
            "finding_id",
            "first_seq",
            "status",
            "severity",
            "reason",
            "muted_by",
            "hash",
            "lifecycle",
            "first_seen",
            "time_to_fix",
        ],
        rows,
    )?;
    for (id, since, resolved) in finding_updates {
        conn.execute(
            "UPDATE findings SET failing_since = ?, ever_resolved = ? WHERE id = ?",
            &[since.map(ts).into(), resolved.into(), id.into()],
        )?;
    }
    changes.sort_by(|a, b| {
        (
            a.lifecycle,
            std::cmp::Reverse(a.severity),
            &a.check_id,
            &a.resource,
        )
            .cmp(&(
                b.lifecycle,
                std::cmp::Reverse(b.severity),
                &b.check_id,
                &b.resource,
            ))
    });
    Ok(changes)
}

/// The reasons of the given finding states.
fn state_reasons(conn: &mut Conn, ids: &[i64]) -> Result<HashMap<i64, String>, StoreError> {
    let mut out = HashMap::new();
    for mut r in conn.query_ids(
        "SELECT id, reason FROM finding_states WHERE id IN ({})",
        &[],
        ids,
    )? {
        out.insert(r.int(0), r.take_text(1).unwrap_or_default());
    }
    Ok(out)
}

/// The lifecycle as stored on a state row (`pass` for a passing finding that never failed).
fn lifecycle_stored(l: Lifecycle, status: Status) -> &'static str {
    match (l, status) {
        (Lifecycle::Unchanged, Status::Pass) => "pass",
        _ => l.as_str(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A finding does not change by getting a day older.
    #[test]
    fn ages_are_not_changes() {
        assert_eq!(
            without_ages("server certificate legacy-tls expired on 2012-05-08 (5290 days ago)"),
            "server certificate legacy-tls expired on 2012-05-08 (# days ago)"
        );
        assert_eq!(
            without_ages("deprecated since 2024-10-14 (748 day(s) before collection)"),
            without_ages("deprecated since 2024-10-14 (749 day(s) before collection)")
        );
        assert_ne!(without_ages("port 22 open"), without_ages("port 23 open"));
        assert_eq!(without_ages("key 1,200 days old"), "key # days old");
    }

    // Issue 11: a finding keeps its identity when its check is renamed, through a chain of
    // renames too.
    #[test]
    fn renamed_checks_keep_their_identity() {
        let renamed = [("old_a", "mid_a"), ("mid_a", "new_a")];
        assert_eq!(canonical_check("old_a", &renamed), "new_a");
        assert_eq!(canonical_check("new_a", &renamed), "new_a");
        assert_eq!(
            identity(canonical_check("old_a", &renamed), "1", "r", "x"),
            identity("new_a", "1", "r", "x")
        );
        // A loop in the table ends.
        let looped = [("a", "b"), ("b", "a")];
        let _ = canonical_check("a", &looped);
    }
}
