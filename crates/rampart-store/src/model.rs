//! What the store gives back: scans, their differences, a resource's revisions and the
//! outbox's messages. Every type here is plain data (serde), so the command layer renders
//! it in any format and the JSON forms are stable.

use chrono::{DateTime, Utc};
use rampart_checks::{Severity, Status};
use serde::{Deserialize, Serialize};

/// How a scan came to the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScanKind {
    /// `rampart scan`: inventory and findings.
    Scan,
    /// `rampart collect`: inventory only (no findings; finding lifecycles are untouched).
    Collect,
}

/// Whether a stored scan is whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScanState {
    /// Every row of the scan was written.
    Complete,
    /// The process stopped while the scan was being written: none of its rows are in the
    /// store, only this mark.
    Incomplete,
}

/// One stored scan, as `rampart history` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanRow {
    /// Store-wide scan id (`rampart diff 12 14`).
    pub id: i64,
    /// Position among the account's complete scans (1, 2, ...); none when incomplete.
    pub seq: Option<i64>,
    /// Account id.
    pub account_id: String,
    /// Scan or collect.
    pub kind: ScanKind,
    /// Complete or incomplete.
    pub state: ScanState,
    /// When the inventory was collected.
    pub collected_at: DateTime<Utc>,
    /// When it was written to the store.
    pub stored_at: DateTime<Utc>,
    /// rampart version that wrote it.
    pub rampart_version: String,
    /// Where it came from: `live`, or `snapshot:<file name>`.
    pub source: String,
    /// Resources in the inventory.
    pub resources: u64,
    /// Finding counts (zero for a collect).
    pub counts: ScanCounts,
    /// Calls that failed during collection (coverage gaps).
    pub gaps: u64,
}

/// Finding counts of one scan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanCounts {
    /// Findings.
    pub total: u64,
    /// PASS.
    pub pass: u64,
    /// FAIL, muted ones included.
    pub fail: u64,
    /// ERROR.
    pub error: u64,
    /// Muted FAILs.
    pub muted: u64,
    /// Active (unmuted) FAILs per severity: critical, high, medium, low, info.
    pub fail_by_severity: [u64; 5],
}

/// What happened to a finding between two scans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lifecycle {
    /// Failing now; never failing before.
    New,
    /// Failing again after it had been resolved.
    Reopened,
    /// Still failing, with another severity or reason.
    Changed,
    /// Still failing, the same way.
    Unchanged,
    /// Failing before; passing now, or its resource is gone (read and not found).
    Resolved,
    /// Failing, and a mutelist rule now matches it.
    Muted,
    /// The later scan could not tell: the data its check needs was not read, or the check
    /// did not run. Never counted as resolved.
    Unknown,
}

impl Lifecycle {
    /// Lower-case name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::New => "new",
            Lifecycle::Reopened => "reopened",
            Lifecycle::Changed => "changed",
            Lifecycle::Unchanged => "unchanged",
            Lifecycle::Resolved => "resolved",
            Lifecycle::Muted => "muted",
            Lifecycle::Unknown => "unknown",
        }
    }
}

/// A finding as one scan saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingState {
    /// PASS, FAIL or ERROR.
    pub status: Status,
    /// Severity.
    pub severity: Severity,
    /// The finding's one-line reason.
    pub reason: String,
    /// The mutelist rule that matched, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub muted_by: Option<String>,
}

/// One finding's change between two scans.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingChange {
    /// What happened.
    pub lifecycle: Lifecycle,
    /// Check id (its current name).
    pub check_id: String,
    /// Region or `global`.
    pub region: String,
    /// Resource ARN or id.
    pub resource: String,
    /// Severity (the later state's, else the earlier's).
    pub severity: Severity,
    /// The state in the earlier scan (none: no such finding, or unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<FindingState>,
    /// The state in the later scan (none: resolved because gone, or unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<FindingState>,
    /// For unknown: why the later scan could not tell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown_reason: Option<String>,
    /// When this failure was first seen (the start of its current, or just ended, failing
    /// streak).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<DateTime<Utc>>,
    /// When it was last seen failing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<DateTime<Utc>>,
    /// For resolved: seconds from first seen to the scan that saw it fixed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_to_fix_secs: Option<i64>,
}

/// A risky kind of change that `watch` reports by default (docs/store.md lists them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskKind {
    /// A security group (or NACL) rule now admits 0.0.0.0/0 or ::/0.
    WorldOpen,
    /// An MFA device was removed from a user (or the root account).
    MfaRemoved,
    /// An access key was created or activated.
    AccessKeyCreated,
    /// An administrator policy was attached to a user, group or role, or a policy now
    /// allows `*` on `*`.
    AdminAttached,
    /// A trail stopped logging, was deleted, or lost multi-region or validation.
    TrailStopped,
    /// A GuardDuty detector was disabled or deleted.
    GuardDutyDisabled,
    /// A bucket lost Block Public Access, or its policy or ACL now grants the public.
    BucketPublic,
    /// AWS Config recording stopped.
    RecorderStopped,
    /// A resource (instance, database) became publicly reachable.
    MadePublic,
    /// A role's trust policy now trusts another account or everyone.
    TrustWidened,
    /// The account's password policy got weaker or was deleted.
    PasswordPolicyWeakened,
}

/// One line of a resource's change, as a person reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeLine {
    /// `ingress + tcp/22 from 0.0.0.0/0`, `MFA device removed`, `logging: true → false`.
    pub text: String,
    /// The risky kind this line is, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<RiskKind>,
    /// The field could not be read in one of the two scans: not a change, an unknown.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unread: bool,
}

/// How a resource differs between two scans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ResourceChangeKind {
    /// Present in the later scan only.
    Added,
    /// Present in the earlier scan; its part of the account was read in the later scan and
    /// it was not there.
    Removed,
    /// Present in both, with other content.
    Changed,
    /// Present in the earlier scan; its part of the account was not read in the later one.
    Unknown,
}

/// One resource's change between two scans.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceChange {
    /// Added, removed, changed or unknown.
    pub change: ResourceChangeKind,
    /// Resource kind: `<service>:<collection>`, such as `ec2:security_groups`.
    pub kind: String,
    /// Its key: the ARN, else the id.
    pub key: String,
    /// Region, or `global`.
    pub region: String,
    /// A name a person knows it by (a tag `Name`, a group name), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What changed, line by line (for added and removed, what is notable about it).
    pub lines: Vec<ChangeLine>,
}

impl ResourceChange {
    /// The risky kinds among its lines.
    pub fn risks(&self) -> impl Iterator<Item = RiskKind> + '_ {
        self.lines.iter().filter_map(|l| l.risk)
    }
}

/// A part of the account read in one scan and not in the other.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoverageChange {
    /// Region or `global`.
    pub region: String,
    /// The collection (`iam:users`, `ec2:security_groups`).
    pub section: String,
    /// Read in the earlier scan.
    pub before_read: bool,
    /// Read in the later scan.
    pub after_read: bool,
    /// Why it was not read (`AccessDenied on ec2:DescribeSecurityGroups: ...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What changed between two scans of one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanDiff {
    /// The earlier scan.
    pub from: ScanRow,
    /// The later scan.
    pub to: ScanRow,
    /// Findings whose lifecycle is anything but unchanged (and unchanged PASS), sorted by
    /// lifecycle, severity, check and resource.
    pub findings: Vec<FindingChange>,
    /// Resources added, removed, changed or unknown, sorted by kind and key.
    pub resources: Vec<ResourceChange>,
    /// Parts of the account read in one scan and not in the other.
    pub coverage: Vec<CoverageChange>,
}

/// One revision of a resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Revision {
    /// First scan (id) that saw this content.
    pub first_scan: i64,
    /// When that scan collected.
    pub first_seen: DateTime<Utc>,
    /// Last scan (id) that saw it.
    pub last_scan: i64,
    /// When that scan collected.
    pub last_seen: DateTime<Utc>,
    /// False for the mark that says the resource was read as gone.
    pub present: bool,
    /// SHA-256 of the content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// The content as the inventory holds it (secrets only redacted, as in the snapshot).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
    /// What changed from the revision before, line by line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<ChangeLine>,
}

/// A resource and its revisions, as `rampart show` prints it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceHistory {
    /// Account id.
    pub account_id: String,
    /// Resource kind.
    pub kind: String,
    /// Key (ARN or id).
    pub key: String,
    /// Region or `global`.
    pub region: String,
    /// Name, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Every revision, oldest first.
    pub revisions: Vec<Revision>,
    /// With `--at`: the index in `revisions` of the one in force then (none: the resource
    /// did not exist then, or that scan did not read it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<usize>,
}

/// A message to deliver, put in the outbox in the same transaction as its scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewMessage {
    /// Stable id: the same event to the same target always has the same id, so a receiver
    /// can drop a repeat.
    pub delivery_id: String,
    /// Target name (from the settings file).
    pub target: String,
    /// The body to send (JSON).
    pub payload: String,
}

/// Where a message is in its delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    /// Not delivered yet; tried again at `next_attempt_at`.
    Pending,
    /// The receiver accepted it.
    Delivered,
    /// Given up: the receiver refused it (4xx), or too many attempts.
    Failed,
}

/// A message in the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxMessage {
    /// Row id.
    pub id: i64,
    /// Stable delivery id.
    pub delivery_id: String,
    /// Target name.
    pub target: String,
    /// The body.
    pub payload: String,
    /// Pending, delivered or failed.
    pub status: DeliveryStatus,
    /// Attempts made.
    pub attempts: u32,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// When to try next (pending only).
    pub next_attempt_at: DateTime<Utc>,
    /// The last failure, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

/// The result of one delivery attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum DeliveryOutcome {
    /// Delivered.
    Delivered,
    /// Not delivered; try again at the given time.
    Retry {
        /// What went wrong.
        error: String,
        /// When to try again.
        next_attempt_at: DateTime<Utc>,
    },
    /// Not delivered, and not to be tried again.
    Failed {
        /// Why.
        error: String,
    },
}

/// What storing a scan changed, for `watch` to notify about.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Recorded {
    /// The stored scan's id (none when not stored: see `skipped`).
    pub scan_id: Option<i64>,
    /// Why the scan was not stored (the store already holds a scan of that account at or
    /// after its collection time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// Findings whose lifecycle is new, reopened, changed, resolved, muted or unknown
    /// against the account's previous scan.
    pub findings: Vec<FindingChange>,
    /// Resources added, removed, changed or unknown against the previous scan.
    pub resources: Vec<ResourceChange>,
}
