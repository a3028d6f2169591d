use crate::fixture::{self, report, ACCOUNT};
use crate::{load_json, schema_errors};
use rampart_checks::Status;
use rampart_report::render_asff;
use serde_json::Value;

fn findings(report: &rampart_report::ScanReport) -> Vec<Value> {
    let v: Value = serde_json::from_str(&render_asff(report)).unwrap();
    v.as_array().expect("a JSON array").clone()
}

// Issue 4, ASFF for Security Hub: every finding validates against the required
// attributes, enumerations and length limits of BatchImportFindings
// (tests/data/asff-finding.schema.json, written from the AWS documentation).
#[test]
fn every_finding_validates_against_the_asff_schema() {
    let schema = load_json("tests/data/asff-finding.schema.json");
    let report = report();
    let out = findings(&report);
    assert_eq!(out.len(), report.findings.len());
    for f in &out {
        let errors = schema_errors(&schema, f);
        assert!(errors.is_empty(), "{errors:#?}\n{f:#}");
    }
}

// The schema is not a formality: it rejects what Security Hub would.
#[test]
fn the_asff_schema_rejects_broken_findings() {
    let schema = load_json("tests/data/asff-finding.schema.json");
    let good = findings(&report()).remove(0);
    for (pointer, value) in [
        ("/Title", Value::from("t".repeat(257))),
        ("/Description", Value::from("d".repeat(1025))),
        ("/Severity/Label", Value::from("SEVERE")),
        ("/Compliance/Status", Value::from("PASS")),
        ("/SchemaVersion", Value::from("2019-01-01")),
        ("/CreatedAt", Value::from("yesterday")),
    ] {
        let mut bad = good.clone();
        *bad.pointer_mut(pointer).unwrap() = value;
        assert!(
            !schema_errors(&schema, &bad).is_empty(),
            "{pointer} accepted"
        );
    }
    let mut bad = good.clone();
    bad.as_object_mut().unwrap().remove("GeneratorId");
    assert!(!schema_errors(&schema, &bad).is_empty());
}

// Titles and descriptions longer than Security Hub's limits are cut, not rejected.
#[test]
fn long_text_is_cut_to_the_limits() {
    let mut report = report();
    report.findings[0].reason = "r".repeat(5000);
    let out = findings(&report);
    let description = out[0]["Description"].as_str().unwrap();
    assert_eq!(description.chars().count(), 1024);
    assert!(description.ends_with('…'));
    for f in &out {
        assert!(f["Title"].as_str().unwrap().chars().count() <= 256);
    }
}

#[test]
fn findings_carry_the_report() {
    let report = report();
    for (a, f) in findings(&report).iter().zip(&report.findings) {
        assert_eq!(a["Id"], f.id.as_str());
        assert_eq!(a["AwsAccountId"], ACCOUNT);
        assert_eq!(a["GeneratorId"], format!("rampart/{}", f.check_id));
        assert_eq!(a["CreatedAt"], "2026-06-01T12:03:00.000Z");
        let region = if f.region == "global" {
            "eu-west-1" // the first region scanned
        } else {
            f.region.as_str()
        };
        assert_eq!(
            a["ProductArn"],
            format!("arn:aws:securityhub:{region}:{ACCOUNT}:product/{ACCOUNT}/default")
        );
        assert_eq!(a["Resources"][0]["Id"], f.resource.as_str());
        assert_eq!(a["Resources"][0]["Partition"], "aws");
        assert_eq!(a["Resources"][0]["Region"], region);
        assert_eq!(
            a["Severity"]["Label"],
            f.severity
                .as_str()
                .to_uppercase()
                .replace("INFO", "INFORMATIONAL")
        );
        let compliance = match f.status {
            Status::Pass => "PASSED",
            Status::Fail => "FAILED",
            Status::Error => "NOT_AVAILABLE",
        };
        assert_eq!(a["Compliance"]["Status"], compliance);
        match rampart_checks::find(&f.check_id) {
            Some(check) => {
                assert_eq!(a["Title"], check.meta.title);
                assert_eq!(a["Remediation"]["Recommendation"]["Text"], check.meta.fix);
                let cis: Vec<String> = check
                    .meta
                    .cis
                    .iter()
                    .map(|c| format!("CIS AWS Foundations Benchmark v7.0/{c}"))
                    .collect();
                if cis.is_empty() {
                    assert!(a["Compliance"].get("RelatedRequirements").is_none());
                } else {
                    assert_eq!(
                        a["Compliance"]["RelatedRequirements"],
                        serde_json::json!(cis)
                    );
                }
            }
            None => {
                assert_eq!(a["Title"], f.check_id.as_str());
                assert!(a.get("Remediation").is_none());
            }
        }
    }
}

// Muted findings are SUPPRESSED in Security Hub's workflow, with the reason, whatever
// their compliance status.
#[test]
fn muted_findings_are_suppressed_with_the_reason() {
    let report = report();
    let out = findings(&report);
    let mut seen = 0;
    for (a, f) in out.iter().zip(&report.findings) {
        match &f.muted {
            Some(m) => {
                seen += 1;
                assert_eq!(a["Workflow"]["Status"], "SUPPRESSED");
                assert_eq!(a["Compliance"]["Status"], "FAILED");
                assert!(a["Note"]["Text"].as_str().unwrap().contains(&m.reason));
                assert!(a["Description"].as_str().unwrap().contains(&m.reason));
            }
            None if f.status == Status::Pass => assert_eq!(a["Workflow"]["Status"], "RESOLVED"),
            None => assert_eq!(a["Workflow"]["Status"], "NEW"),
        }
        assert_eq!(a["RecordState"], "ACTIVE");
    }
    assert_eq!(seen, 1);
    let _ = fixture::TRICKY_ARN;
}
