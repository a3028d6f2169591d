//! The command line on bad input and on the built-in example snapshot, with no AWS at all
//! (DEVELOPERS.md "Bad input"; issue 2 exit codes).

mod common;

use common::*;
use std::path::PathBuf;

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-snapshot.json")
}

// README's first command: the example snapshot evaluates offline.
#[test]
fn example_snapshot_scans_offline() {
    let ex = example();
    let run = rampart(
        &[
            "scan",
            "--snapshot",
            ex.to_str().unwrap(),
            "--fail-on",
            "none",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("FAIL"), "{}", run.stdout);
    assert!(run.stdout.contains("fix:"), "{}", run.stdout);
    // The same snapshot fails a CI gate on its high findings.
    let gate = rampart(
        &[
            "scan",
            "--snapshot",
            ex.to_str().unwrap(),
            "--fail-on",
            "high",
        ],
        &[],
    );
    assert_eq!(gate.code, 1);
}

// Issue 2: JSON and OCSF from the same snapshot, each parseable, each finding complete.
#[test]
fn json_and_ocsf_formats() {
    let ex = example();
    let ex = ex.to_str().unwrap();
    let json = rampart(
        &[
            "scan",
            "--snapshot",
            ex,
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        &[],
    )
    .json();
    let f = findings(&json);
    assert!(f.len() > 50);
    for x in f {
        for key in [
            "id",
            "check_id",
            "status",
            "severity",
            "account_id",
            "region",
            "resource",
            "reason",
        ] {
            assert!(x[key].is_string(), "{key} missing in {x}");
        }
    }
    let ocsf = rampart(
        &[
            "scan",
            "--snapshot",
            ex,
            "--format",
            "ocsf",
            "--fail-on",
            "none",
        ],
        &[],
    )
    .json();
    let events = ocsf.as_array().unwrap();
    assert_eq!(events.len(), f.len());
    assert!(events
        .iter()
        .all(|e| e["class_uid"] == 2004 && e["metadata"]["event_code"].is_string()));
}

// DEVELOPERS.md: a malformed snapshot is named with the place, exit 2, nothing written.
#[test]
fn malformed_snapshot_exit_2_and_no_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    write(&bad, "{\n  \"schema_version\": 1,\n  \"account\": [\n");
    let out = dir.path().join("report.json");
    let run = rampart(
        &[
            "scan",
            "--snapshot",
            bad.to_str().unwrap(),
            "--output-file",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("bad.json:"), "{}", run.stderr);
    assert!(run.stderr.contains("malformed snapshot"), "{}", run.stderr);
    assert!(!out.exists());
    assert!(
        std::fs::read_dir(dir.path()).unwrap().count() == 1,
        "no stray temp files"
    );

    // A well-formed file with a wrong field names the key path.
    let mut snap: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example()).unwrap()).unwrap();
    snap["account"]["id"] = serde_json::json!(42);
    write(&bad, &serde_json::to_string_pretty(&snap).unwrap());
    let run = rampart(&["scan", "--snapshot", bad.to_str().unwrap()], &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("account.id"), "{}", run.stderr);
}

// Issue 2: a newer snapshot is refused with a clear message.
#[test]
fn newer_snapshot_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut snap: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example()).unwrap()).unwrap();
    snap["schema_version"] = serde_json::json!(999);
    let p = dir.path().join("future.json");
    write(&p, &snap.to_string());
    let run = rampart(&["scan", "--snapshot", p.to_str().unwrap()], &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("newer"), "{}", run.stderr);
}

#[test]
fn missing_snapshot_and_bad_usage_exit_2() {
    let run = rampart(&["scan", "--snapshot", "/nonexistent/snap.json"], &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("/nonexistent/snap.json"),
        "{}",
        run.stderr
    );

    let ex = example();
    let ex = ex.to_str().unwrap();
    for args in [
        vec!["scan", "--snapshot", ex, "--checks", "no_such_check"],
        vec!["scan", "--snapshot", ex, "--services", "nosuch"],
        vec!["scan", "--snapshot", ex, "--severity", "urgent"],
        vec!["scan", "--snapshot", ex, "--fail-on", "sometimes"],
        vec!["scan", "--snapshot", ex, "--format", "xml"],
        vec!["explain", "no_such_check"],
    ] {
        let run = rampart(&args, &[]);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(!run.stderr.is_empty());
    }
}

// Issue 2 options: --checks, --services and --severity narrow the findings.
#[test]
fn selection_narrows_findings() {
    let ex = example();
    let ex = ex.to_str().unwrap();
    let one = rampart(
        &[
            "scan",
            "--snapshot",
            ex,
            "--checks",
            "iam_root_mfa",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        &[],
    )
    .json();
    assert!(findings(&one)
        .iter()
        .all(|f| f["check_id"] == "iam_root_mfa"));
    assert_eq!(findings(&one).len(), 1);
    let high = rampart(
        &[
            "scan",
            "--snapshot",
            ex,
            "--severity",
            "critical",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        &[],
    )
    .json();
    assert!(!findings(&high).is_empty());
    // Severity selects checks by their catalogue severity (a finding may carry a lower one,
    // with its reason saying why).
    let critical = rampart(
        &["checks", "--severity", "critical", "--format", "json"],
        &[],
    )
    .json();
    let ids: Vec<&str> = critical
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(findings(&high)
        .iter()
        .all(|f| ids.contains(&f["check_id"].as_str().unwrap())));
}

// The catalogue: every check listed and explained.
#[test]
fn checks_and_explain() {
    // Issue 3: at least 80 checks, filtered by service, severity and framework; the
    // Markdown catalogue is docs/checks.md.
    let run = rampart(&["checks"], &[]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.lines().count() >= 80, "{}", run.stdout);
    let run = rampart(
        &["checks", "--services", "s3", "--severity", "critical"],
        &[],
    );
    assert!(run.stdout.lines().count() >= 1);
    assert!(run
        .stdout
        .lines()
        .all(|l| l.starts_with("s3_") && l.contains("critical")));
    let all = rampart(&["checks", "--format", "json"], &[]).json();
    let cis = rampart(
        &["checks", "--compliance", "cis-7.0", "--format", "json"],
        &[],
    )
    .json();
    let (all, cis) = (all.as_array().unwrap(), cis.as_array().unwrap());
    assert!(cis.len() < all.len());
    assert!(cis.iter().all(|c| !c["cis"].as_array().unwrap().is_empty()));
    let run = rampart(&["checks", "--compliance", "pci"], &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let md = rampart(&["checks", "--format", "markdown"], &[]);
    let page = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/checks.md"),
    )
    .unwrap();
    assert_eq!(md.stdout, page);
    let run = rampart(&["checks", "--cis", "2.10"], &[]);
    assert!(run.stdout.contains("iam_user_console_mfa"));
    let run = rampart(&["explain", "iam_root_access_keys"], &[]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains("aws iam delete-access-key"),
        "{}",
        run.stdout
    );
}
