use crate::fixture::report;
use crate::{load_json, schema_errors};
use rampart_report::render_json;
use serde_json::Value;

fn schema() -> Value {
    load_json("../../docs/report.schema.json")
}

// Issue 4, the JSON report's schema (docs/report.schema.json): the rich report, with
// muted, baseline, resolved, compliance, warnings and collection errors, validates.
#[test]
fn json_report_validates_against_its_schema() {
    let report = report();
    let value: Value = serde_json::from_str(&render_json(&report)).unwrap();
    // The fixture has every optional part, so the schema sees all of them.
    for key in ["resolved", "compliance", "warnings"] {
        assert!(value.get(key).is_some(), "{key}");
    }
    let errors = schema_errors(&schema(), &value);
    assert!(errors.is_empty(), "{errors:#?}");
}

// A report without the optional parts validates too.
#[test]
fn minimal_report_validates() {
    let mut report = report();
    report.resolved.clear();
    report.compliance = None;
    report.warnings.clear();
    report.findings.clear();
    let value: Value = serde_json::from_str(&render_json(&report)).unwrap();
    let errors = schema_errors(&schema(), &value);
    assert!(errors.is_empty(), "{errors:#?}");
}

// The schema is strict where the format is closed: enumerations and required fields.
#[test]
fn schema_rejects_broken_reports() {
    let value: Value = serde_json::from_str(&render_json(&report())).unwrap();
    for (pointer, bad) in [
        ("/findings/0/status", Value::from("MAYBE")),
        ("/findings/0/severity", Value::from("urgent")),
        ("/findings/0/baseline", Value::from("old")),
        ("/summary/fail", Value::from(-1)),
        ("/compliance/controls/0/status", Value::from("OK")),
        ("/format_version", Value::from("1")),
    ] {
        let mut v = value.clone();
        *v.pointer_mut(pointer).unwrap() = bad;
        assert!(
            !schema_errors(&schema(), &v).is_empty(),
            "{pointer} accepted"
        );
    }
    let mut v = value.clone();
    v["findings"][3]["muted"]
        .as_object_mut()
        .unwrap()
        .remove("reason");
    assert!(
        !schema_errors(&schema(), &v).is_empty(),
        "muted without reason"
    );
}
