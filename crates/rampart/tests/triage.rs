//! Issue 4 in use: the mutelist, baselines, the exit-code rules, `rampart.toml` and several
//! formats in one run, on the built-in example snapshot (no AWS needed), each with its
//! bad-input case: a clear error naming the file and place, exit code 2, nothing written.

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn example() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/demo-snapshot.json")
        .display()
        .to_string()
}

/// A scan of the example snapshot with extra arguments.
fn scan(extra: &[&str]) -> Run {
    scan_in(Path::new(env!("CARGO_MANIFEST_DIR")), extra)
}

fn scan_in(dir: &Path, extra: &[&str]) -> Run {
    let snap = example();
    let mut args = vec!["scan", "--snapshot", snap.as_str()];
    args.extend_from_slice(extra);
    rampart_in(dir, &args, &[])
}

fn failing(r: &Value, check: &str) -> Vec<Value> {
    findings(r)
        .iter()
        .filter(|f| f["check_id"] == check && f["status"] == "FAIL")
        .cloned()
        .collect()
}

// Issue 4: a mutelist rule mutes what it matches; muted findings stay in the report as
// MUTED with the reason and never count toward the exit code.
#[test]
fn mutelist_mutes_and_never_fails_the_scan() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("mutelist.yaml");
    write(
        &list,
        "version: 1\nrules:\n  - id: open-groups\n    reason: \"lab account, accepted until the move\"\n    checks: [\"ec2_sg_*_open_to_world\"]\n",
    );
    let checks = "ec2_sg_ssh_open_to_world,ec2_sg_rdp_open_to_world";
    let plain = scan(&["--checks", checks, "--format", "json", "--fail-on", "low"]);
    assert_eq!(plain.code, 1, "{}", plain.stderr);
    assert!(!failing(&plain.json(), "ec2_sg_ssh_open_to_world").is_empty());

    let list_arg = list.display().to_string();
    let muted = scan(&[
        "--checks",
        checks,
        "--format",
        "json",
        "--fail-on",
        "low",
        "--mutelist",
        &list_arg,
    ]);
    assert_eq!(muted.code, 0, "muted findings never fail: {}", muted.stderr);
    let r = muted.json();
    let f = &failing(&r, "ec2_sg_ssh_open_to_world")[0];
    assert_eq!(f["muted"]["rule"], "open-groups");
    assert_eq!(f["muted"]["reason"], "lab account, accepted until the move");
    assert_eq!(r["summary"]["fail"], 0);
    assert!(r["summary"]["muted"].as_u64().unwrap() >= 2);

    // The text report shows them as MUTED with the reason.
    let text = scan(&[
        "--checks",
        checks,
        "--mutelist",
        &list_arg,
        "--fail-on",
        "none",
    ]);
    assert!(text.stdout.contains("MUTED"), "{}", text.stdout);
    assert!(text.stdout.contains("lab account"), "{}", text.stdout);
}

// Issue 4: an expired rule stops muting and warns.
#[test]
fn expired_mutelist_rule_warns_and_stops_muting() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("mutelist.yaml");
    write(
        &list,
        "version: 1\nrules:\n  - id: old\n    reason: temporary\n    expires: 2020-01-31\n    checks: [ec2_sg_ssh_open_to_world]\n",
    );
    let run = scan(&[
        "--checks",
        "ec2_sg_ssh_open_to_world",
        "--format",
        "json",
        "--mutelist",
        &list.display().to_string(),
        "--fail-on",
        "low",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("old") && run.stderr.contains("2020-01-31"),
        "{}",
        run.stderr
    );
    let r = run.json();
    assert!(
        r["warnings"][0].as_str().unwrap().contains("expired"),
        "{r}"
    );
    assert!(failing(&r, "ec2_sg_ssh_open_to_world")
        .iter()
        .all(|f| f.get("muted").is_none()));
}

// Issue 4: a malformed mutelist is refused with the file, line and problem; exit 2; the
// report file is not written.
#[test]
fn malformed_mutelist_exit_2_names_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("mutelist.yaml");
    write(
        &list,
        "version: 1\nrules:\n  - checks: [ec2_sg_ssh_open_to_world]\n    resources: [\"re:sg-(0\"]\n    reason: x\n",
    );
    let out = dir.path().join("report.json");
    let run = scan(&[
        "--format",
        "json",
        "--output-file",
        &out.display().to_string(),
        "--mutelist",
        &list.display().to_string(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("mutelist.yaml:4:"), "{}", run.stderr);
    assert!(run.stderr.contains("regular expression"), "{}", run.stderr);
    assert!(!out.exists(), "nothing half-written");

    write(
        &list,
        "version: 1\nrules:\n  - checks: [ec2_sg_ssh_open_to_world]\n",
    );
    let run = scan(&["--mutelist", &list.display().to_string()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("reason"),
        "a rule needs a reason: {}",
        run.stderr
    );
}

// Issue 4: --baseline marks failures new or unchanged and lists the resolved ones;
// --fail-on-new fails only on new ones.
#[test]
fn baseline_new_unchanged_resolved_and_fail_on_new() {
    let dir = tempfile::tempdir().unwrap();
    let first = scan(&["--format", "json", "--fail-on", "none"]);
    let mut base = first.json();
    let fails: Vec<usize> = findings(&base)
        .iter()
        .enumerate()
        .filter(|(_, f)| f["status"] == "FAIL")
        .map(|(i, _)| i)
        .collect();
    assert!(fails.len() > 3);
    // Pretend one of today's failures passed yesterday, and that a resource failing
    // yesterday is gone today.
    let made_new = base["findings"][fails[0]]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    base["findings"][fails[0]]["status"] = "PASS".into();
    let mut gone = base["findings"][fails[1]].clone();
    gone["id"] = "iam_user_console_mfa-00000000deadbeef".into();
    gone["check_id"] = "iam_user_console_mfa".into();
    gone["resource"] = "arn:aws:iam::123456789012:user/departed".into();
    base["findings"].as_array_mut().unwrap().push(gone);
    let path = dir.path().join("baseline.json");
    write(&path, &base.to_string());
    let p = path.display().to_string();

    let run = scan(&["--format", "json", "--baseline", &p, "--fail-on", "none"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = run.json();
    for f in findings(&r).iter().filter(|f| f["status"] == "FAIL") {
        let expected = if f["id"] == made_new.as_str() {
            "new"
        } else {
            "unchanged"
        };
        assert_eq!(f["baseline"], expected, "{f}");
    }
    let resolved = r["resolved"].as_array().unwrap();
    assert_eq!(resolved.len(), 1, "{resolved:?}");
    assert_eq!(
        resolved[0]["resource"],
        "arn:aws:iam::123456789012:user/departed"
    );

    // Only the new failure counts with --fail-on-new: exit 1 at its severity, 0 above it.
    let new_sev = findings(&r)
        .iter()
        .find(|f| f["id"] == made_new.as_str())
        .unwrap()["severity"]
        .as_str()
        .unwrap()
        .to_owned();
    let gate = scan(&["--baseline", &p, "--fail-on-new", "--fail-on", &new_sev]);
    assert_eq!(gate.code, 1, "{}", gate.stderr);
    // Against today's own report nothing is new: the gate passes though failures remain.
    let same = dir.path().join("same.json");
    write(&same, &first.stdout);
    let gate = scan(&[
        "--baseline",
        &same.display().to_string(),
        "--fail-on-new",
        "--fail-on",
        "info",
    ]);
    assert_eq!(gate.code, 0, "{}", gate.stderr);
}

// Issue 4: bad baselines and a --fail-on-new without one are refused with exit 2.
#[test]
fn bad_baseline_and_fail_on_new_without_baseline_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("baseline.json");
    write(
        &path,
        "{\n  \"format_version\": 1,\n  \"findings\": [oops]\n}\n",
    );
    let run = scan(&["--baseline", &path.display().to_string()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("baseline.json:3:"), "{}", run.stderr);

    let run = scan(&["--fail-on-new"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("baseline"), "{}", run.stderr);
}

// Issue 4: rampart.toml in the working directory sets defaults (checks, thresholds, exit
// rule, formats); the command line wins; a malformed file names file, line and key.
#[test]
fn config_file_defaults_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("rampart.toml"),
        "[scan]\nchecks = [\"iam_access_key_rotation\", \"ec2_sg_ssh_open_to_world\"]\nfail_on = \"none\"\n\n[output]\nformats = [\"json\"]\n\n[thresholds]\naccess_key_max_age_days = 100000\n",
    );
    let run = scan_in(dir.path(), &[]);
    assert_eq!(run.code, 0, "fail_on none from the file: {}", run.stderr);
    let r = run.json();
    let ids: std::collections::BTreeSet<&str> = findings(&r)
        .iter()
        .map(|f| f["check_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids.into_iter().collect::<Vec<_>>(),
        ["ec2_sg_ssh_open_to_world", "iam_access_key_rotation"]
    );
    // A huge key-age threshold: no key is too old.
    assert!(failing(&r, "iam_access_key_rotation").is_empty());
    // The command line wins over the file.
    let run = scan_in(
        dir.path(),
        &["--checks", "iam_root_mfa", "--fail-on", "info"],
    );
    assert!(findings(&run.json())
        .iter()
        .all(|f| f["check_id"] == "iam_root_mfa"));

    write(
        &dir.path().join("rampart.toml"),
        "[scan]\nfail_on = \"none\"\n\n[thresholds]\naccess_key_max_age_days = \"ninety\"\n",
    );
    let run = scan_in(dir.path(), &["--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("rampart.toml:5:"), "{}", run.stderr);
    assert!(
        run.stderr.contains("access_key_max_age_days"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

// Issue 4: several formats in one run, written to --output-dir, each readable.
#[test]
fn several_formats_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let out: PathBuf = dir.path().join("out");
    let run = scan(&[
        "--format",
        "json,html,csv,junit,markdown,sarif,asff,ocsf,text",
        "--output-dir",
        &out.display().to_string(),
        "--compliance",
        "cis-7.0",
        "--fail-on",
        "none",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap();
    let json: Value = serde_json::from_str(&read("rampart-report.json")).unwrap();
    assert_eq!(json["compliance"]["controls"].as_array().unwrap().len(), 70);
    let total = json["summary"]["total"].as_u64().unwrap() as usize;
    let csv_rows = read("rampart-report.csv").lines().count();
    assert!(csv_rows > total, "csv has a header and a row per finding");
    assert!(read("rampart-report.html").contains("<!DOCTYPE html>"));
    assert!(read("rampart-report.junit.xml").contains("<testsuites"));
    assert!(read("rampart-report.md").contains("CIS"));
    let sarif: Value = serde_json::from_str(&read("rampart-report.sarif")).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let asff: Value = serde_json::from_str(&read("rampart-report.asff.json")).unwrap();
    assert_eq!(asff.as_array().unwrap().len(), total);
    assert!(read("rampart-report.txt").contains("FAIL"));
    // One format with --output-file, several without a directory: refused before writing.
    let file = dir.path().join("x.json");
    let run = scan(&[
        "--format",
        "json,csv",
        "--output-file",
        &file.display().to_string(),
    ]);
    assert_eq!(run.code, 2);
    assert!(!file.exists());
}
