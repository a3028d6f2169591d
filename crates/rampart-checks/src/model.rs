//! The vocabulary every check speaks: metadata, severity, status and findings.

use rampart_inventory::{variants_array, Service};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use strum::VariantArray;

/// How bad a failing finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, VariantArray,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// All severities, most severe first (the declaration order, least severe first,
    /// reversed).
    pub const ALL: [Severity; <Severity as VariantArray>::VARIANTS.len()] =
        variants_array(<Severity as VariantArray>::VARIANTS, true);

    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown severity `{s}` (critical, high, medium, low, info)"))
    }
}

/// The outcome of examining one resource.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, VariantArray,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    /// The resource meets the check.
    Pass,
    /// The resource fails the check.
    Fail,
    /// The data the check needs could not be read: neither pass nor fail.
    Error,
}

impl Status {
    /// Every status, in declaration order.
    pub const ALL: [Status; <Status as VariantArray>::VARIANTS.len()] =
        variants_array(<Status as VariantArray>::VARIANTS, false);

    /// Upper-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Error => "ERROR",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything a user needs to know about a check, written once in the check's file.
#[derive(Debug, Clone, Serialize)]
pub struct CheckMeta {
    /// Stable id, `service_what` in snake case (never reused for another meaning).
    pub id: &'static str,
    /// One-line title, phrased as the good state ("Root user has MFA enabled").
    pub title: &'static str,
    /// Service the check belongs to (`iam`, `ec2`, `vpc`, `s3`, `cloudwatch`, ...): the name
    /// `--services` selects it by.
    pub service: &'static str,
    /// Severity of a failing finding (a check may lower it for one finding, with the reason).
    pub severity: Severity,
    /// What the check examines.
    pub what: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// How to fix it: a runnable `aws ...` command, with `<PLACEHOLDERS>` for the
    /// resource-specific values.
    pub fix: &'static str,
    /// References: CIS ids and AWS documentation URLs.
    pub references: &'static [&'static str],
    /// CIS AWS Foundations Benchmark v7.0 control ids.
    pub cis: &'static [&'static str],
    /// The services whose data the check reads: a scan that selects the check collects
    /// them, and the check gives ERROR (never PASS) where their data is missing.
    pub needs: &'static [Service],
}

impl CheckMeta {
    /// Whether the check judges the Organization rather than one account (the checks of
    /// service `organizations`): evaluated only in the management account when a whole
    /// Organization is scanned.
    pub fn is_organization_level(&self) -> bool {
        self.service == "organizations"
    }
}

/// One resource examined by one check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable id: the same check, account, region and resource give the same id in every
    /// scan.
    pub id: String,
    /// Check id.
    pub check_id: String,
    /// PASS, FAIL or ERROR.
    pub status: Status,
    /// Severity (the check's, or lowered for this finding with the reason saying why).
    pub severity: Severity,
    /// Account id.
    pub account_id: String,
    /// Region, or `global`.
    pub region: String,
    /// ARN (or id where the resource has no ARN) of the resource examined.
    pub resource: String,
    /// One line naming the resource and the fact that decided the status.
    pub reason: String,
    /// Set when a mutelist rule matched. A muted finding stays in every report (shown as
    /// MUTED with the rule's reason) but never counts toward the exit code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub muted: Option<Muted>,
    /// Set when the scan was compared with a baseline report: whether this finding is new.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineState>,
}

/// Why a finding is muted: the mutelist rule that matched it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Muted {
    /// The rule's required reason.
    pub reason: String,
    /// Which rule matched: its `id`, or its 1-based position in the mutelist.
    pub rule: String,
    /// The rule's expiry date, if it has one (the rule stops muting after it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<chrono::NaiveDate>,
}

/// A finding's state compared with a baseline report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BaselineState {
    /// Failing now and not failing in the baseline.
    New,
    /// Failing now and failing in the baseline too.
    Unchanged,
    /// Failing in the baseline, and passing or gone now.
    Resolved,
}

impl Finding {
    /// Whether the finding counts toward the exit code and the failure counts: a FAIL that
    /// no mutelist rule matched.
    pub fn is_active_failure(&self) -> bool {
        self.status == Status::Fail && self.muted.is_none()
    }
}

impl Finding {
    /// The stable id for a check, account, region and resource.
    pub fn stable_id(check_id: &str, account_id: &str, region: &str, resource: &str) -> String {
        let mut h = Sha256::new();
        for part in [check_id, account_id, region, resource] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        let digest = h.finalize();
        format!("{check_id}-{}", hex::encode(&digest[..8]))
    }
}
