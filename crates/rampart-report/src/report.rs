//! The scan report: everything one evaluation of one account produced, in the shape that
//! every renderer reads and that `--format json` writes (documented in
//! `docs/json-report.md`).

use chrono::{DateTime, Utc};
use rampart_checks::{Finding, Severity, Status};
use rampart_inventory::{CollectionError, CollectionStats, Inventory, SkippedRegion};
use serde::{Deserialize, Serialize};

pub use crate::compliance::{ComplianceSummary, ControlResult, ControlStatus};

/// The version of the JSON report format that this build writes.
///
/// Adding a field is not a format change (readers must ignore fields they do not know);
/// removing, renaming or changing the meaning of a field is, and bumps this number.
pub const FORMAT_VERSION: u32 = 1;

/// The result of one scan: the account, what collection read and missed, and every finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanReport {
    /// Report format version ([`FORMAT_VERSION`] when written by this build).
    pub format_version: u32,
    /// The program that wrote the report.
    pub tool: Tool,
    /// 12-digit id of the account scanned.
    pub account_id: String,
    /// Partition of the account: `aws`, `aws-cn` or `aws-us-gov`.
    pub partition: String,
    /// When collection started (UTC); ages in findings are measured from this moment.
    pub collected_at: DateTime<Utc>,
    /// When the checks were evaluated (UTC). Later than `collected_at` when a saved
    /// snapshot is evaluated again.
    pub evaluated_at: DateTime<Utc>,
    /// Regions read, sorted.
    pub regions_scanned: Vec<String>,
    /// Regions not read, each with the reason.
    pub regions_skipped: Vec<SkippedRegion>,
    /// Every API call that failed during collection: the gaps in what the checks could see.
    pub collection_errors: Vec<CollectionError>,
    /// What collection cost: wall time and API calls per service.
    pub collection: CollectionStats,
    /// Wall time of evaluating the checks, in milliseconds.
    pub evaluation_ms: u64,
    /// Counts over `findings`, computed by [`ScanReport::new`].
    pub summary: Summary,
    /// Every finding: one per check and resource examined.
    pub findings: Vec<Finding>,
    /// Findings that failed in the baseline report and pass or are gone now (only with
    /// `--baseline`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resolved: Vec<Finding>,
    /// The compliance summary (only with `--compliance`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compliance: Option<ComplianceSummary>,
    /// Warnings about the scan's inputs, such as mutelist rules that have expired.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// The program that wrote a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    /// Always `rampart`.
    pub name: String,
    /// Version of rampart.
    pub version: String,
}

impl Tool {
    /// This build of rampart.
    pub fn current() -> Self {
        Tool {
            name: "rampart".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

/// Counts of findings by status, and of failing findings by severity. Muted findings are
/// counted in `muted` only, whatever their status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// All findings, muted ones included.
    pub total: u64,
    /// Unmuted findings with status PASS.
    pub pass: u64,
    /// Unmuted findings with status FAIL.
    pub fail: u64,
    /// Unmuted findings with status ERROR: what could not be evaluated.
    pub error: u64,
    /// Findings a mutelist rule matched.
    #[serde(default)]
    pub muted: u64,
    /// Unmuted FAIL findings by severity.
    pub fail_by_severity: SeverityCounts,
}

impl Summary {
    /// The counts over a list of findings.
    pub fn of(findings: &[Finding]) -> Self {
        let mut s = Summary::default();
        for f in findings {
            s.total += 1;
            if f.muted.is_some() {
                s.muted += 1;
                continue;
            }
            match f.status {
                Status::Pass => s.pass += 1,
                Status::Error => s.error += 1,
                Status::Fail => {
                    s.fail += 1;
                    *s.fail_by_severity.get_mut(f.severity) += 1;
                }
            }
        }
        s
    }

    /// Add `other`'s counts to these: the totals over two sets of findings.
    pub fn add(&mut self, other: &Summary) {
        self.total += other.total;
        self.pass += other.pass;
        self.fail += other.fail;
        self.error += other.error;
        self.muted += other.muted;
        for severity in Severity::ALL {
            *self.fail_by_severity.get_mut(severity) += other.fail_by_severity.get(severity);
        }
    }

    /// The count for one status (unmuted findings).
    pub fn count(&self, status: Status) -> u64 {
        match status {
            Status::Pass => self.pass,
            Status::Fail => self.fail,
            Status::Error => self.error,
        }
    }
}

/// A count per severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityCounts {
    /// Critical.
    pub critical: u64,
    /// High.
    pub high: u64,
    /// Medium.
    pub medium: u64,
    /// Low.
    pub low: u64,
    /// Informational.
    pub info: u64,
}

impl SeverityCounts {
    /// The count for one severity.
    pub fn get(&self, severity: Severity) -> u64 {
        match severity {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }

    fn get_mut(&mut self, severity: Severity) -> &mut u64 {
        match severity {
            Severity::Critical => &mut self.critical,
            Severity::High => &mut self.high,
            Severity::Medium => &mut self.medium,
            Severity::Low => &mut self.low,
            Severity::Info => &mut self.info,
        }
    }
}

impl ScanReport {
    /// The report of evaluating `findings` over `inventory`: account, regions, collection
    /// gaps and cost come from the inventory, the summary is counted from the findings.
    pub fn new(
        inventory: &Inventory,
        findings: Vec<Finding>,
        evaluated_at: DateTime<Utc>,
        evaluation_ms: u64,
    ) -> ScanReport {
        ScanReport {
            format_version: FORMAT_VERSION,
            tool: Tool::current(),
            account_id: inventory.account.id.clone(),
            partition: inventory.account.partition.clone(),
            collected_at: inventory.collected_at,
            evaluated_at,
            regions_scanned: inventory.regions.scanned.clone(),
            regions_skipped: inventory.regions.skipped.clone(),
            collection_errors: inventory.errors.clone(),
            collection: inventory.stats.clone(),
            evaluation_ms,
            summary: Summary::of(&findings),
            findings,
            resolved: Vec::new(),
            compliance: None,
            warnings: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(status: Status, severity: Severity) -> Finding {
        Finding {
            id: "x".into(),
            check_id: "x".into(),
            status,
            severity,
            account_id: "111122223333".into(),
            region: "global".into(),
            resource: "r".into(),
            reason: "r".into(),
            muted: None,
            baseline: None,
        }
    }

    // Severity counts only FAIL findings: a PASS of a critical check is not a critical
    // problem.
    #[test]
    fn summary_counts_fail_severity_only() {
        let s = Summary::of(&[
            finding(Status::Fail, Severity::Critical),
            finding(Status::Fail, Severity::Low),
            finding(Status::Fail, Severity::Low),
            finding(Status::Pass, Severity::Critical),
            finding(Status::Error, Severity::High),
        ]);
        assert_eq!((s.total, s.pass, s.fail, s.error), (5, 1, 3, 1));
        assert_eq!(
            s.fail_by_severity,
            SeverityCounts {
                critical: 1,
                high: 0,
                medium: 0,
                low: 2,
                info: 0
            }
        );
        assert_eq!(s.count(Status::Fail), 3);
        assert_eq!(s.fail_by_severity.get(Severity::Low), 2);
    }
}
