//! AWS Security Finding Format (ASFF): the findings as a JSON array that AWS Security Hub
//! imports with `BatchImportFindings`, one finding per rampart finding, PASS included (a
//! PASS resolves the Security Hub finding of the same id that an earlier scan created).
//!
//! Security Hub takes at most 100 findings per `BatchImportFindings` call, and a finding
//! is imported in the region its `ProductArn` names: a caller splits the array by
//! `ProductArn` and in batches of 100.

use crate::check_docs::{self, cis_requirements, truncate};
use crate::json::JsonArray;
use crate::report::ScanReport;
use chrono::SecondsFormat;
use rampart_checks::{Finding, Severity, Status};
use serde_json::{json, Map, Value};

/// The ASFF schema version, the only one Security Hub accepts.
pub const ASFF_SCHEMA_VERSION: &str = "2018-10-08";

/// Limits that Security Hub sets on ASFF fields (AWS Security Hub API reference,
/// `AwsSecurityFinding` and the partner guide's mapping guidelines).
const TITLE_MAX: usize = 256;
const DESCRIPTION_MAX: usize = 1024;
const RECOMMENDATION_MAX: usize = 512;
const NOTE_MAX: usize = 512;

/// Finding type for every check (`namespace/category/classifier`).
const TYPE_BEST_PRACTICES: &str = "Software and Configuration Checks/AWS Security Best Practices";
/// Finding type added for checks that answer a CIS control.
const TYPE_CIS: &str = "Software and Configuration Checks/Industry and Regulatory Standards/\
                        CIS AWS Foundations Benchmark";

/// The report's findings as a pretty-printed JSON array of ASFF findings, in report
/// order, ending with a newline. Ready for `aws securityhub batch-import-findings
/// --findings file://...` once split as the module documentation says.
pub fn render_asff(report: &ScanReport) -> String {
    let findings: Vec<Value> = report.findings.iter().map(|f| finding(report, f)).collect();
    // Plain data with string keys: serialization cannot fail.
    let mut json = serde_json::to_string_pretty(&findings).expect("ASFF findings serialize");
    json.push('\n');
    json
}

/// The report's ASFF findings, each pushed onto `array`: an organization's ASFF array is
/// every account's.
pub(crate) fn push_findings(
    report: &ScanReport,
    array: &mut JsonArray,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    for f in &report.findings {
        array.push(out, &finding(report, f))?;
    }
    Ok(())
}

fn finding(report: &ScanReport, f: &Finding) -> Value {
    let meta = check_docs::meta(&f.check_id);
    let region = region_of(report, f);
    let at = report
        .evaluated_at
        .to_rfc3339_opts(SecondsFormat::Millis, true);
    let cis = cis_requirements(meta);
    let mut types = vec![TYPE_BEST_PRACTICES];
    if !cis.is_empty() {
        types.push(TYPE_CIS);
    }
    let title = meta.map_or(f.check_id.as_str(), |m| m.title);

    let mut compliance = Map::new();
    compliance.insert("Status".into(), compliance_status(f.status).into());
    if !cis.is_empty() {
        compliance.insert("RelatedRequirements".into(), cis.into());
    }

    let mut product_fields = Map::new();
    product_fields.insert("rampart/CheckId".into(), f.check_id.clone().into());
    product_fields.insert("rampart/Status".into(), f.status.as_str().into());
    if let Some(state) = f.baseline {
        let state = serde_json::to_value(state).expect("a baseline state serializes");
        product_fields.insert("rampart/Baseline".into(), state);
    }
    if let Some(m) = &f.muted {
        product_fields.insert("rampart/MuteRule".into(), m.rule.clone().into());
    }

    let mut out = json!({
        "SchemaVersion": ASFF_SCHEMA_VERSION,
        "Id": f.id,
        "ProductArn": format!(
            "arn:{}:securityhub:{region}:{}:product/{}/default",
            report.partition, f.account_id, f.account_id
        ),
        "ProductName": "rampart",
        "CompanyName": "rampart",
        "GeneratorId": format!("rampart/{}", f.check_id),
        "AwsAccountId": f.account_id,
        "Types": types,
        "CreatedAt": at,
        "UpdatedAt": at,
        "Severity": { "Label": severity_label(f.severity), "Original": f.severity.as_str() },
        "Title": truncate(title, TITLE_MAX),
        "Description": truncate(&description(f), DESCRIPTION_MAX),
        "ProductFields": product_fields,
        "Resources": [{
            "Type": resource_type(&f.resource),
            "Id": f.resource,
            "Partition": report.partition,
            "Region": region,
        }],
        "Compliance": compliance,
        "Workflow": { "Status": workflow_status(f) },
        "RecordState": "ACTIVE",
    });
    if let Some(meta) = meta {
        let mut recommendation = json!({ "Text": truncate(meta.fix, RECOMMENDATION_MAX) });
        if let Some(url) = check_docs::urls(meta).next() {
            recommendation["Url"] = url.into();
        }
        out["Remediation"] = json!({ "Recommendation": recommendation });
    }
    if let Some(m) = &f.muted {
        out["Note"] = json!({
            "Text": truncate(&format!("muted: {}", m.reason), NOTE_MAX),
            "UpdatedBy": format!("rampart mutelist rule {}", m.rule),
            "UpdatedAt": at,
        });
    }
    out
}

/// The finding's reason, and the mute rule's reason when it is muted.
fn description(f: &Finding) -> String {
    match &f.muted {
        Some(m) => format!("{} (MUTED: {})", f.reason, m.reason),
        None => f.reason.clone(),
    }
}

/// The region a finding is imported in: its own, or for account-wide (`global`) findings
/// the first region scanned, or the partition's main region when none was.
fn region_of<'a>(report: &'a ScanReport, f: &'a Finding) -> &'a str {
    if f.region != "global" {
        return &f.region;
    }
    if let Some(first) = report.regions_scanned.first() {
        return first;
    }
    match report.partition.as_str() {
        "aws-cn" => "cn-north-1",
        "aws-us-gov" => "us-gov-west-1",
        _ => "us-east-1",
    }
}

/// ASFF `Severity.Label`.
fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "INFORMATIONAL",
        Severity::Low => "LOW",
        Severity::Medium => "MEDIUM",
        Severity::High => "HIGH",
        Severity::Critical => "CRITICAL",
    }
}

/// ASFF `Compliance.Status`. An ERROR is NOT_AVAILABLE: "the check could not be
/// performed", which is what it means.
fn compliance_status(status: Status) -> &'static str {
    match status {
        Status::Pass => "PASSED",
        Status::Fail => "FAILED",
        Status::Error => "NOT_AVAILABLE",
    }
}

/// ASFF `Workflow.Status`: SUPPRESSED for a muted finding, RESOLVED for a PASS (it closes
/// an earlier FAIL of the same id), NEW otherwise.
fn workflow_status(f: &Finding) -> &'static str {
    match (&f.muted, f.status) {
        (Some(_), _) => "SUPPRESSED",
        (None, Status::Pass) => "RESOLVED",
        (None, _) => "NEW",
    }
}

/// The ASFF resource type of an ARN (`AwsEc2SecurityGroup`, ...), or `Other`.
fn resource_type(arn: &str) -> &'static str {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), _, Some(service), _, _, Some(rest)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return "Other";
    };
    let kind = rest.split(['/', ':']).next().unwrap_or_default();
    match (service, kind) {
        ("iam", "root") => "AwsAccount",
        ("iam", "user") => "AwsIamUser",
        ("iam", "role") => "AwsIamRole",
        ("iam", "group") => "AwsIamGroup",
        ("iam", "policy") => "AwsIamPolicy",
        ("iam", "access-key") => "AwsIamAccessKey",
        ("ec2", "instance") => "AwsEc2Instance",
        ("ec2", "security-group") => "AwsEc2SecurityGroup",
        ("ec2", "vpc") => "AwsEc2Vpc",
        ("ec2", "subnet") => "AwsEc2Subnet",
        ("ec2", "network-acl") => "AwsEc2NetworkAcl",
        ("ec2", "volume") => "AwsEc2Volume",
        ("s3", _) => "AwsS3Bucket",
        ("cloudtrail", "trail") => "AwsCloudTrailTrail",
        ("kms", "key") => "AwsKmsKey",
        ("rds", "db") => "AwsRdsDbInstance",
        ("guardduty", "detector") => "AwsGuardDutyDetector",
        ("lambda", "function") => "AwsLambdaFunction",
        _ => "Other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_types_come_from_the_arn() {
        assert_eq!(
            resource_type("arn:aws:ec2:us-east-1:111122223333:security-group/sg-1"),
            "AwsEc2SecurityGroup"
        );
        assert_eq!(
            resource_type("arn:aws:iam::111122223333:root"),
            "AwsAccount"
        );
        assert_eq!(
            resource_type("arn:aws:iam::111122223333:user/a/b"),
            "AwsIamUser"
        );
        assert_eq!(resource_type("arn:aws:s3:::bucket"), "AwsS3Bucket");
        assert_eq!(
            resource_type("arn:aws:ec2:us-east-1:111122223333:*"),
            "Other"
        );
        assert_eq!(resource_type("not an arn"), "Other");
    }
}
