//! The JSON outputs have the documented shape (docs/history.md): field names are stable.

use crate::fixture;
use crate::{diff, history, show};
use rampart_report::history::{HistoryFormat, ViewOptions};
use rampart_store::model::{ResourceHistory, ScanDiff};
use serde_json::Value;
use std::collections::BTreeSet;

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect()
}

fn set<'a>(names: &[&'a str]) -> BTreeSet<&'a str> {
    names.iter().copied().collect()
}

// Issue 11: the diff's JSON is the ScanDiff as it serializes, read back as it was, plus
// a `summary` object whose field names docs/history.md documents.
#[test]
fn diff_json_shape() {
    let d = fixture::diff();
    let json = diff(&d, HistoryFormat::Json, &ViewOptions::default());
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        keys(&v),
        set(&["from", "to", "findings", "resources", "coverage", "summary"])
    );
    let s = &v["summary"];
    assert_eq!(
        keys(s),
        set(&[
            "findings",
            "resources",
            "risky_changes",
            "risks",
            "coverage"
        ])
    );
    assert_eq!(
        keys(&s["findings"]),
        set(&[
            "new",
            "reopened",
            "changed",
            "unchanged",
            "resolved",
            "muted",
            "unknown"
        ])
    );
    assert_eq!(
        keys(&s["resources"]),
        set(&["added", "removed", "changed", "unknown"])
    );
    assert_eq!(keys(&s["coverage"]), set(&["no_longer_read", "newly_read"]));
    assert_eq!(
        s["risks"],
        serde_json::json!({"world_open": 1, "mfa_removed": 1})
    );
    assert_eq!(s["findings"]["resolved"], 2);
    assert_eq!(s["resources"]["unknown"], 1);
    assert_eq!(v["findings"][0]["lifecycle"], "new");
    let back: ScanDiff = serde_json::from_value(v).unwrap();
    assert_eq!(back, d);
}

// Issue 11: the history's JSON is the scans as they serialize and the trend per account.
#[test]
fn history_json_shape() {
    let json = history(
        &fixture::scans(),
        HistoryFormat::Json,
        &ViewOptions::default(),
    );
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(keys(&v), set(&["scans", "trend"]));
    assert_eq!(v["scans"].as_array().unwrap().len(), 5);
    assert_eq!(v["scans"][1]["state"], "incomplete");
    let t = &v["trend"][0];
    assert_eq!(
        keys(t),
        set(&["account_id", "scans", "from", "to", "severities"])
    );
    assert_eq!(t["scans"], serde_json::json!([10, 12, 14]));
    let critical = &t["severities"][0];
    assert_eq!(
        keys(critical),
        set(&["severity", "values", "first", "last", "change"])
    );
    assert_eq!(critical["severity"], "critical");
    assert_eq!(critical["change"], -2);
}

// Issue 11: show's JSON is the ResourceHistory as it serializes, plus `at_time` when
// --at was given.
#[test]
fn show_json_shape() {
    let h = fixture::alice();
    let json = show(
        &h,
        Some(fixture::day(5)),
        HistoryFormat::Json,
        &ViewOptions::default(),
    );
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        keys(&v),
        set(&[
            "account_id",
            "kind",
            "key",
            "region",
            "name",
            "revisions",
            "at",
            "at_time"
        ])
    );
    assert_eq!(v["at_time"], "2026-06-05T12:00:00Z");
    assert_eq!(v["at"], 1);
    let back: ResourceHistory = serde_json::from_value(v).unwrap();
    assert_eq!(back, h);
    let json = show(&h, None, HistoryFormat::Json, &ViewOptions::default());
    assert!(!json.contains("at_time"));
}
