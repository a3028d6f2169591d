use crate::fixture::report;
use crate::{load_json, schema_errors};
use rampart_report::render_ocsf;
use serde_json::Value;

fn events(report: &rampart_report::ScanReport) -> Vec<Value> {
    let v: Value = serde_json::from_str(&render_ocsf(report)).unwrap();
    v.as_array().unwrap().clone()
}

// Issue 4, OCSF: every event validates against the OCSF 1.3.0 Detection Finding schema
// (tests/data/ocsf-1.3.0-detection_finding.schema.json, built from the OCSF schema; see
// tests/data/README.md).
#[test]
fn ocsf_events_validate_against_detection_finding_1_3_0() {
    let schema = load_json("tests/data/ocsf-1.3.0-detection_finding.schema.json");
    for event in events(&report()) {
        let errors = schema_errors(&schema, &event);
        assert!(errors.is_empty(), "{errors:#?}\n{event:#}");
    }
}

#[test]
fn the_ocsf_schema_rejects_broken_events() {
    let schema = load_json("tests/data/ocsf-1.3.0-detection_finding.schema.json");
    let good = events(&report()).remove(0);
    for (pointer, bad) in [
        ("/class_uid", Value::from(2003)),
        ("/status_id", Value::from(7)),
        ("/severity_id", Value::from("high")),
        ("/time", Value::from("2026-06-01")),
        ("/finding_info/uid", Value::from(5)),
    ] {
        let mut v = good.clone();
        *v.pointer_mut(pointer).unwrap() = bad;
        assert!(!schema_errors(&schema, &v).is_empty(), "{pointer} accepted");
    }
    let mut v = good.clone();
    v["metadata"].as_object_mut().unwrap().remove("product");
    assert!(!schema_errors(&schema, &v).is_empty());
}

// A muted finding is OCSF status 3 Suppressed (finding status enum of OCSF 1.3.0), with
// the mute rule's reason in status_detail, whatever rampart's status.
#[test]
fn muted_findings_are_suppressed() {
    let report = report();
    let events = events(&report);
    let mut seen = 0;
    for (event, f) in events.iter().zip(&report.findings) {
        if let Some(m) = &f.muted {
            seen += 1;
            assert_eq!(event["status_id"], 3);
            assert_eq!(event["status"], "Suppressed");
            assert_eq!(event["status_detail"], m.reason.as_str());
            assert_eq!(event["status_code"], f.status.as_str());
        } else {
            assert_ne!(event["status_id"], 3);
        }
    }
    assert_eq!(seen, 1);
}
