use crate::fixture::report;
use crate::{load_json, schema_errors};
use rampart_checks::{BaselineState, Status};
use rampart_report::render_sarif;
use serde_json::Value;

fn log() -> Value {
    serde_json::from_str(&render_sarif(&report())).unwrap()
}

// Issue 4, SARIF: the log validates against the official OASIS SARIF 2.1.0 schema
// (errata 01; tests/data/sarif-schema-2.1.0.json, see tests/data/README.md).
#[test]
fn sarif_validates_against_the_official_schema() {
    let schema = load_json("tests/data/sarif-schema-2.1.0.json");
    let errors = schema_errors(&schema, &log());
    assert!(errors.is_empty(), "{errors:#?}");
}

// The schema catches what it should (so the test above can fail).
#[test]
fn the_sarif_schema_rejects_a_broken_log() {
    let schema = load_json("tests/data/sarif-schema-2.1.0.json");
    let mut bad = log();
    bad["runs"][0]["results"][0]["level"] = "severe".into();
    assert!(!schema_errors(&schema, &bad).is_empty());
    let mut bad = log();
    bad["runs"][0]["results"][0]["suppressions"] = serde_json::json!([{ "kind": "muted" }]);
    assert!(!schema_errors(&schema, &bad).is_empty());
}

#[test]
fn one_rule_per_check_with_help_from_the_registry() {
    let report = report();
    let log = log();
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let mut ids: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.status != Status::Pass)
        .chain(&report.resolved)
        .map(|f| f.check_id.as_str())
        .collect();
    ids.sort();
    ids.dedup();
    let rule_ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(rule_ids, ids);
    for rule in rules {
        if let Some(check) = rampart_checks::find(rule["id"].as_str().unwrap()) {
            let help = rule["help"]["text"].as_str().unwrap();
            assert!(help.contains(check.meta.what));
            assert!(help.contains(check.meta.why));
            assert!(help.contains(check.meta.fix));
            assert_eq!(rule["shortDescription"]["text"], check.meta.title);
        }
    }
}

// Results: FAIL and ERROR findings, then the resolved ones; the resource ARN as a logical
// location, the finding id as fingerprint, the level from severity, and muted findings
// suppressed (kind external) with the mute rule's reason.
#[test]
fn results_carry_the_findings() {
    let report = report();
    let log = log();
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    let listed: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.status != Status::Pass)
        .chain(&report.resolved)
        .collect();
    assert_eq!(results.len(), listed.len());
    for (r, f) in results.iter().zip(listed) {
        assert_eq!(r["ruleId"], f.check_id.as_str());
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], f.check_id.as_str());
        assert_eq!(r["message"]["text"], f.reason.as_str());
        assert_eq!(
            r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
            f.resource.as_str()
        );
        assert_eq!(r["partialFingerprints"]["rampartFinding/v1"], f.id.as_str());
        let resolved = f.baseline == Some(BaselineState::Resolved);
        let (kind, level) = match f.status {
            _ if resolved => ("pass", "none"),
            Status::Fail => (
                "fail",
                match f.severity.as_str() {
                    "critical" | "high" => "error",
                    "medium" => "warning",
                    _ => "note",
                },
            ),
            Status::Error => ("open", "none"),
            Status::Pass => unreachable!("PASS findings are not listed"),
        };
        assert_eq!(
            (r["kind"].as_str(), r["level"].as_str()),
            (Some(kind), Some(level))
        );
        let state = match f.baseline {
            Some(BaselineState::New) => Some("new"),
            Some(BaselineState::Unchanged) => Some("unchanged"),
            Some(BaselineState::Resolved) => Some("absent"),
            None => None,
        };
        assert_eq!(r["baselineState"].as_str(), state);
        match &f.muted {
            Some(m) => {
                assert_eq!(r["suppressions"][0]["kind"], "external");
                assert_eq!(r["suppressions"][0]["justification"], m.reason.as_str());
            }
            None => assert!(r.get("suppressions").is_none()),
        }
    }
    // Collection errors and warnings are notifications.
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(
        notes.len(),
        report.collection_errors.len() + report.warnings.len()
    );
}
