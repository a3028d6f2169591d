//! The shipped scenario account (`tests/scenario.json`), which the end-to-end test also
//! creates on the emulator: the engine finds every escalation path it describes, with the
//! methods it lists, and none for the blocked twins (issue 12).

use rampart_policy::scenario::Scenario;
use rampart_policy::{paths_to_admin, Authorizer};
use std::collections::BTreeMap;

const ACCOUNT: &str = "123456789012";

#[test]
fn the_engine_finds_every_path_and_no_blocked_one() {
    let scenario = Scenario::escalation(ACCOUNT);
    let at = chrono::DateTime::parse_from_rfc3339("2026-06-01T12:00:00Z")
        .unwrap()
        .into();
    let inv = scenario.inventory(ACCOUNT, at);
    let auth = Authorizer::new(&inv).expect("the scenario's policies parse");
    let found: BTreeMap<String, Vec<String>> = paths_to_admin(&auth, None)
        .into_iter()
        .map(|p| {
            assert!(!p.conditional, "{p}");
            let methods = p.hops.iter().map(|h| h.method.to_owned()).collect();
            (p.from.label, methods)
        })
        .collect();
    assert_eq!(found, scenario.escalates);
    for b in &scenario.blocked {
        // Each blocked twin is a principal of the account (so the check is not vacuous).
        assert!(
            auth.find_principal(b).is_some(),
            "{b} is not in the scenario"
        );
        assert!(!found.contains_key(b), "{b} escalates");
    }
    assert!(scenario.escalates.len() >= 10 && scenario.blocked.len() >= 10);
}

#[test]
fn a_scenario_naming_an_undefined_policy_is_refused() {
    let text = r#"{"description": "x", "policies": {}, "users": [{"name": "a",
        "attached": ["missing"]}], "escalates": {}, "blocked": []}"#;
    let e = Scenario::parse(text, ACCOUNT).unwrap_err();
    assert_eq!(
        e.to_string(),
        "scenario: a uses policy missing, which `policies` does not define"
    );
    let e = Scenario::parse("{\n  \"description\": 3}", ACCOUNT).unwrap_err();
    assert!(e.to_string().starts_with("scenario: line 2, column"), "{e}");
}
