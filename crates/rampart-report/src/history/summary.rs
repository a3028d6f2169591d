//! The numbers every format of a view shows: a diff's counts ([`DiffSummary`], the
//! `summary` object of the diff's JSON) and the trend per severity over an account's scans
//! ([`Trend`], the `trend` array of the history's JSON); with the sparkline, the risk names
//! and the spans of time the text formats write.

use chrono::{DateTime, Utc};
use rampart_checks::Severity;
use rampart_store::model::{
    Lifecycle, ResourceChange, ResourceChangeKind, RiskKind, ScanDiff, ScanKind, ScanRow, ScanState,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A diff in numbers. Its field names are stable (docs/history.md).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffSummary {
    /// Findings by lifecycle.
    pub findings: FindingCounts,
    /// Resources by change.
    pub resources: ResourceCounts,
    /// Change lines that are a risky kind of change (lines that could not be read in one
    /// of the scans are unknowns and never count).
    pub risky_changes: u64,
    /// Those lines by risky kind (`world_open`, `mfa_removed`, ...); kinds with none are
    /// left out.
    pub risks: BTreeMap<RiskKind, u64>,
    /// Parts of the account read in one scan and not the other.
    pub coverage: CoverageCounts,
}

/// Findings by lifecycle (docs/history.md says what each means).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingCounts {
    /// Failing now; never failing before.
    pub new: u64,
    /// Failing again after being resolved.
    pub reopened: u64,
    /// Still failing, with another severity or reason.
    pub changed: u64,
    /// Still failing the same way (the store lists few or none of these).
    pub unchanged: u64,
    /// Failing before; passing now, or the resource is gone.
    pub resolved: u64,
    /// Failing, now matched by a mutelist rule.
    pub muted: u64,
    /// The later scan could not tell. Never counted as resolved.
    pub unknown: u64,
}

/// Resources by change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceCounts {
    /// Present in the later scan only.
    pub added: u64,
    /// Read as gone in the later scan.
    pub removed: u64,
    /// Present in both, with other content.
    pub changed: u64,
    /// Present in the earlier scan; its part of the account was not read in the later
    /// one. Never counted as removed.
    pub unknown: u64,
}

/// Coverage changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageCounts {
    /// Parts read in the earlier scan and not in the later one.
    pub no_longer_read: u64,
    /// Parts read in the later scan and not in the earlier one.
    pub newly_read: u64,
}

impl DiffSummary {
    /// The counts of `diff`.
    pub fn of(diff: &ScanDiff) -> DiffSummary {
        let mut s = DiffSummary::default();
        for f in &diff.findings {
            let c = &mut s.findings;
            *match f.lifecycle {
                Lifecycle::New => &mut c.new,
                Lifecycle::Reopened => &mut c.reopened,
                Lifecycle::Changed => &mut c.changed,
                Lifecycle::Unchanged => &mut c.unchanged,
                Lifecycle::Resolved => &mut c.resolved,
                Lifecycle::Muted => &mut c.muted,
                Lifecycle::Unknown => &mut c.unknown,
            } += 1;
        }
        for r in &diff.resources {
            let c = &mut s.resources;
            *match r.change {
                ResourceChangeKind::Added => &mut c.added,
                ResourceChangeKind::Removed => &mut c.removed,
                ResourceChangeKind::Changed => &mut c.changed,
                ResourceChangeKind::Unknown => &mut c.unknown,
            } += 1;
            for risk in r.lines.iter().filter(|l| !l.unread).filter_map(|l| l.risk) {
                s.risky_changes += 1;
                *s.risks.entry(risk).or_default() += 1;
            }
        }
        for c in &diff.coverage {
            match (c.before_read, c.after_read) {
                (true, false) => s.coverage.no_longer_read += 1,
                (false, true) => s.coverage.newly_read += 1,
                _ => {}
            }
        }
        s
    }
}

/// The failing findings per severity over one account's complete scans (collects have no
/// findings and are left out), oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trend {
    /// Account id.
    pub account_id: String,
    /// The scans it is drawn over (ids), oldest first.
    pub scans: Vec<i64>,
    /// When the first of them collected.
    pub from: DateTime<Utc>,
    /// When the last of them collected.
    pub to: DateTime<Utc>,
    /// One entry per severity, most severe first.
    pub severities: Vec<SeverityTrend>,
}

/// One severity's active (unmuted) FAIL counts over the scans of a [`Trend`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityTrend {
    /// The severity.
    pub severity: Severity,
    /// The count in each scan, oldest first.
    pub values: Vec<u64>,
    /// The count in the first scan.
    pub first: u64,
    /// The count in the last scan.
    pub last: u64,
    /// `last - first`: negative when failures went down.
    pub change: i64,
}

impl Trend {
    /// One trend per account among `scans` (by account id), over its complete scans of
    /// kind `scan` in the order they collected; none for an account without such a scan.
    pub fn of(scans: &[ScanRow]) -> Vec<Trend> {
        let mut by_account: BTreeMap<&str, Vec<&ScanRow>> = BTreeMap::new();
        for s in scans
            .iter()
            .filter(|s| s.kind == ScanKind::Scan && s.state == ScanState::Complete)
        {
            by_account.entry(&s.account_id).or_default().push(s);
        }
        by_account
            .into_iter()
            .map(|(account, mut rows)| {
                rows.sort_by_key(|s| (s.collected_at, s.id));
                let severities = Severity::ALL
                    .iter()
                    .enumerate()
                    .map(|(i, &severity)| {
                        let values: Vec<u64> =
                            rows.iter().map(|s| s.counts.fail_by_severity[i]).collect();
                        let (first, last) = (values[0], values[values.len() - 1]);
                        SeverityTrend {
                            severity,
                            first,
                            last,
                            change: last as i64 - first as i64,
                            values,
                        }
                    })
                    .collect();
                Trend {
                    account_id: account.to_owned(),
                    scans: rows.iter().map(|s| s.id).collect(),
                    from: rows[0].collected_at,
                    to: rows[rows.len() - 1].collected_at,
                    severities,
                }
            })
            .collect()
    }
}

/// The last `max` values as a sparkline of `▁▂▃▄▅▆▇█`, scaled from zero to their largest
/// (all `▁` when every value is zero).
pub(crate) fn sparkline(values: &[u64], max: usize) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let shown = &values[values.len().saturating_sub(max)..];
    let top = shown.iter().copied().max().unwrap_or(0);
    shown
        .iter()
        .map(|&v| {
            let level = if top == 0 {
                0
            } else {
                ((v * 7 * 2 + top) / (top * 2)) as usize
            };
            BARS[level.min(7)]
        })
        .collect()
}

/// `+2`, `-1`, `0`.
pub(crate) fn signed(n: i64) -> String {
    if n > 0 {
        format!("+{n}")
    } else {
        n.to_string()
    }
}

/// `scan` or `collect`, as in JSON.
pub(crate) fn kind_name(kind: ScanKind) -> &'static str {
    match kind {
        ScanKind::Scan => "scan",
        ScanKind::Collect => "collect",
    }
}

/// `added`, `removed`, `changed` or `unknown`, as in JSON.
pub(crate) fn change_name(kind: ResourceChangeKind) -> &'static str {
    match kind {
        ResourceChangeKind::Added => "added",
        ResourceChangeKind::Removed => "removed",
        ResourceChangeKind::Changed => "changed",
        ResourceChangeKind::Unknown => "unknown",
    }
}

/// A risky kind as words: `world open`, `mfa removed`.
pub(crate) fn risk_name(kind: RiskKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
        .unwrap_or_default()
}

/// Seconds as `45 s`, `12 min`, `5 h 10 min` or `3 d 4 h`.
pub(crate) fn time_span(secs: i64) -> String {
    let secs = secs.max(0);
    let (d, h, m) = (secs / 86_400, secs % 86_400 / 3_600, secs % 3_600 / 60);
    match secs {
        0..=59 => format!("{secs} s"),
        60..=3_599 => format!("{m} min"),
        3_600..=86_399 if m == 0 => format!("{h} h"),
        3_600..=86_399 => format!("{h} h {m} min"),
        _ if h == 0 => format!("{d} d"),
        _ => format!("{d} d {h} h"),
    }
}

/// A time as the views print it: `2026-06-01 12:00`.
pub(crate) fn minute(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// Why the later scan did not read a resource: the coverage change of its region and
/// collection, if the store gave one.
pub(crate) fn unread_reason<'a>(d: &'a ScanDiff, r: &ResourceChange) -> Option<&'a str> {
    d.coverage
        .iter()
        .find(|c| !c.after_read && c.region == r.region && c.section == r.kind)
        .and_then(|c| c.reason.as_deref())
}
