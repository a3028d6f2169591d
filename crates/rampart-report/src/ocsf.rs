//! OCSF output: one Detection Finding event (class 2004) per finding, PASS included, for
//! security data lakes and SIEMs that read the Open Cybersecurity Schema Framework.
//!
//! The events follow OCSF 1.3.0 with the `cloud` profile. A check's CIS ids go under
//! `unmapped.compliance`: the `compliance` object is an attribute of the Compliance
//! Finding class (2003), not of Detection Finding, so putting it at the top level would
//! make the events invalid for class 2004.

use crate::check_docs::CIS_STANDARD;
use crate::json::JsonArray;
use crate::report::ScanReport;
use rampart_checks::{Finding, Severity, Status};
use serde::Serialize;

/// The OCSF schema version the events follow (`metadata.version`).
pub const OCSF_SCHEMA_VERSION: &str = "1.3.0";

/// The report's findings as a pretty-printed JSON array of OCSF Detection Finding events,
/// one per finding in report order, ending with a newline.
pub fn render_ocsf(report: &ScanReport) -> String {
    let events: Vec<DetectionFinding> = report.findings.iter().map(|f| event(report, f)).collect();
    // Plain data with string keys: serialization cannot fail.
    let mut json = serde_json::to_string_pretty(&events).expect("OCSF events serialize");
    json.push('\n');
    json
}

/// The report's OCSF events, each pushed onto `array`: an organization's OCSF array is
/// every account's.
pub(crate) fn push_events(
    report: &ScanReport,
    array: &mut JsonArray,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    for f in &report.findings {
        array.push(out, &event(report, f))?;
    }
    Ok(())
}

/// Finding category (`category_uid` 2).
const CATEGORY_UID: u32 = 2;
/// Detection Finding (`class_uid` 2004).
const CLASS_UID: u32 = 2004;
/// Activity "Create": a finding was created.
const ACTIVITY_CREATE: u32 = 1;

/// An OCSF 1.3.0 Detection Finding event, with the attributes rampart fills in.
#[derive(Serialize)]
struct DetectionFinding<'a> {
    activity_id: u32,
    activity_name: &'static str,
    category_uid: u32,
    category_name: &'static str,
    class_uid: u32,
    class_name: &'static str,
    type_uid: u32,
    type_name: &'static str,
    /// Event time: when the finding was evaluated, in milliseconds since the epoch.
    time: i64,
    severity_id: u32,
    severity: &'static str,
    /// Finding lifecycle status.
    status_id: u32,
    status: &'static str,
    /// rampart's own status: PASS, FAIL or ERROR.
    status_code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_detail: Option<&'a str>,
    message: &'a str,
    metadata: Metadata<'a>,
    finding_info: FindingInfo<'a>,
    cloud: Cloud<'a>,
    resources: Vec<Resource<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remediation: Option<Remediation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unmapped: Option<Unmapped>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    event_code: &'a str,
    product: Product<'a>,
    profiles: [&'static str; 1],
    version: &'static str,
}

#[derive(Serialize)]
struct Product<'a> {
    name: &'a str,
    vendor_name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct FindingInfo<'a> {
    uid: &'a str,
    title: &'a str,
    desc: &'a str,
    types: Vec<&'static str>,
    analytic: Analytic<'a>,
}

/// The rule that produced the finding: the check.
#[derive(Serialize)]
struct Analytic<'a> {
    uid: &'a str,
    name: &'a str,
    /// 1: Rule.
    type_id: u32,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct Cloud<'a> {
    provider: &'static str,
    account: Account<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
}

#[derive(Serialize)]
struct Account<'a> {
    uid: &'a str,
    /// 10: AWS Account.
    type_id: u32,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct Resource<'a> {
    uid: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    cloud_partition: &'a str,
}

#[derive(Serialize)]
struct Remediation {
    desc: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<&'static str>,
}

#[derive(Serialize)]
struct Unmapped {
    compliance: Compliance,
}

#[derive(Serialize)]
struct Compliance {
    standards: [&'static str; 1],
    requirements: &'static [&'static str],
}

fn event<'a>(report: &'a ScanReport, f: &'a Finding) -> DetectionFinding<'a> {
    let meta = rampart_checks::find(&f.check_id).map(|c| c.meta);
    let (severity_id, severity) = severity(f.severity);
    let (status_id, status) = status(f);
    // `global` is rampart's word for account-wide resources (IAM), not an AWS region.
    let region = (f.region != "global").then_some(f.region.as_str());
    let mut types = vec!["Software and Configuration Checks/AWS Security Best Practices"];
    let cis = meta.map(|m| m.cis).unwrap_or_default();
    if !cis.is_empty() {
        types.push(
            "Software and Configuration Checks/Industry and Regulatory Standards/\
             CIS AWS Foundations Benchmark",
        );
    }
    DetectionFinding {
        activity_id: ACTIVITY_CREATE,
        activity_name: "Create",
        category_uid: CATEGORY_UID,
        category_name: "Findings",
        class_uid: CLASS_UID,
        class_name: "Detection Finding",
        type_uid: CLASS_UID * 100 + ACTIVITY_CREATE,
        type_name: "Detection Finding: Create",
        time: report.evaluated_at.timestamp_millis(),
        severity_id,
        severity,
        status_id,
        status,
        status_code: f.status.as_str(),
        status_detail: match &f.muted {
            Some(m) => Some(m.reason.as_str()),
            None => (f.status == Status::Error).then_some(f.reason.as_str()),
        },
        message: &f.reason,
        metadata: Metadata {
            event_code: &f.check_id,
            product: Product {
                name: &report.tool.name,
                vendor_name: "rampart",
                version: &report.tool.version,
            },
            profiles: ["cloud"],
            version: OCSF_SCHEMA_VERSION,
        },
        finding_info: FindingInfo {
            uid: &f.id,
            title: meta.map_or(f.check_id.as_str(), |m| m.title),
            desc: &f.reason,
            types,
            analytic: Analytic {
                uid: &f.check_id,
                name: &f.check_id,
                type_id: 1,
                kind: "Rule",
            },
        },
        cloud: Cloud {
            provider: "AWS",
            account: Account {
                uid: &f.account_id,
                type_id: 10,
                kind: "AWS Account",
            },
            region,
        },
        resources: vec![Resource {
            uid: &f.resource,
            region,
            cloud_partition: &report.partition,
        }],
        remediation: meta.map(|m| Remediation {
            desc: m.fix,
            references: m
                .references
                .iter()
                .copied()
                .filter(|r| r.starts_with("https://"))
                .collect(),
        }),
        unmapped: (!cis.is_empty()).then_some(Unmapped {
            compliance: Compliance {
                standards: [CIS_STANDARD],
                requirements: cis,
            },
        }),
    }
}

/// OCSF `severity_id` and its caption.
fn severity(severity: Severity) -> (u32, &'static str) {
    match severity {
        Severity::Info => (1, "Informational"),
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    }
}

/// OCSF finding `status_id` and its caption. A muted finding is 3 Suppressed, whatever
/// its status (`status_detail` then holds the mute rule's reason). A FAIL is a new
/// finding. A PASS is resolved: finding ids are stable across scans, so a resource that
/// failed before and passes now closes the earlier finding (Security Hub resolves PASSED
/// controls the same way). An ERROR is 99 Other with `status` "Error": rampart knows the
/// state (the check could not be evaluated), which OCSF's 0 Unknown would not say.
fn status(f: &Finding) -> (u32, &'static str) {
    if f.muted.is_some() {
        return (3, "Suppressed");
    }
    match f.status {
        Status::Fail => (1, "New"),
        Status::Pass => (4, "Resolved"),
        Status::Error => (99, "Error"),
    }
}
