//! Comparing findings with a baseline JSON report, through the public API.

use chrono::{TimeZone, Utc};
use rampart_checks::{BaselineState, Finding, Muted, Severity, Status};
use rampart_inventory::{Account, Inventory};
use rampart_report::ScanReport;
use rampart_triage::{exit_failures, Baseline, TriageError};
use std::path::Path;

const ACCOUNT: &str = "111122223333";

fn finding(check_id: &str, region: &str, resource: &str, status: Status) -> Finding {
    Finding {
        id: Finding::stable_id(check_id, ACCOUNT, region, resource),
        check_id: check_id.into(),
        status,
        severity: Severity::High,
        account_id: ACCOUNT.into(),
        region: region.into(),
        resource: resource.into(),
        reason: "test".into(),
        muted: None,
        baseline: None,
    }
}

fn sg(resource: &str, status: Status) -> Finding {
    finding("ec2_sg_ssh_open_to_world", "eu-west-1", resource, status)
}

/// The JSON of a report holding `findings`, as `rampart scan --format json` writes it.
fn report_json(findings: Vec<Finding>) -> String {
    let account = Account {
        id: ACCOUNT.into(),
        partition: "aws".into(),
        caller_arn: format!("arn:aws:iam::{ACCOUNT}:user/auditor"),
    };
    let at = Utc.with_ymd_and_hms(2026, 5, 1, 12, 0, 0).unwrap();
    let report = ScanReport::new(&Inventory::new(account, at), findings, at, 3);
    serde_json::to_string_pretty(&report).unwrap()
}

fn baseline(findings: Vec<Finding>) -> Baseline {
    Baseline::parse(&report_json(findings), Path::new("old.json")).unwrap_or_else(|e| panic!("{e}"))
}

fn muted() -> Option<Muted> {
    Some(Muted {
        reason: "accepted".into(),
        rule: "1".into(),
        expires: None,
    })
}

// Practice: adopt a scanner on an existing account by failing CI only on what is new
// (`--fail-on-new` with a baseline, like ruff's and Semgrep's baselines).
#[test]
fn current_failures_are_new_or_unchanged_by_stable_id() {
    let mut was_muted = sg("sg-muted-then", Status::Fail);
    was_muted.muted = muted();
    let b = baseline(vec![
        sg("sg-a", Status::Fail),
        sg("sg-b", Status::Pass),
        sg("sg-c", Status::Error),
        was_muted,
    ]);
    let mut muted_now = sg("sg-e", Status::Fail);
    muted_now.muted = muted();
    let mut current = vec![
        sg("sg-a", Status::Fail),          // failing before too
        sg("sg-b", Status::Fail),          // passed before
        sg("sg-c", Status::Fail),          // could not be read before
        sg("sg-d", Status::Fail),          // not in the baseline at all
        muted_now,                         // muted: no state
        sg("sg-f", Status::Pass),          // passing: no state
        sg("sg-muted-then", Status::Fail), // failing (muted) before: not new
    ];
    current[5].baseline = Some(BaselineState::New); // stale state is cleared
    let resolved = b.apply(&mut current);
    let states: Vec<Option<BaselineState>> = current.iter().map(|f| f.baseline).collect();
    use BaselineState::*;
    assert_eq!(
        states,
        [
            Some(Unchanged),
            Some(New),
            Some(New),
            Some(New),
            None,
            None,
            Some(Unchanged)
        ]
    );
    assert!(resolved.is_empty());
    assert_eq!(exit_failures(&current, Severity::Info, true), 3);
    assert_eq!(exit_failures(&current, Severity::Info, false), 5);
}

// Resolved: a baseline FAIL now PASS, or gone (the resource was deleted). Not resolved:
// now ERROR (we could not read it), now FAIL even if muted (still failing), gone while
// the same check errs in that account and region (the list itself could not be read),
// or a baseline finding that was not failing.
#[test]
fn resolved_failures_pass_or_are_gone_but_never_unreadable() {
    let b = baseline(vec![
        sg("sg-fixed", Status::Fail),
        sg("sg-deleted", Status::Fail),
        sg("sg-unreadable", Status::Fail),
        sg("sg-muted-now", Status::Fail),
        finding(
            "ec2_imdsv2_required",
            "us-east-1",
            "i-gone-in-dark-region",
            Status::Fail,
        ),
        sg("sg-passed-before", Status::Pass),
    ]);
    let mut muted_now = sg("sg-muted-now", Status::Fail);
    muted_now.muted = muted();
    let mut current = vec![
        sg("sg-fixed", Status::Pass),
        sg("sg-unreadable", Status::Error),
        muted_now,
        // The region's instance list could not be read: one ERROR for the whole region.
        finding(
            "ec2_imdsv2_required",
            "us-east-1",
            "arn:aws:ec2:us-east-1:111122223333:*",
            Status::Error,
        ),
    ];
    let resolved = b.apply(&mut current);
    let names: Vec<&str> = resolved.iter().map(|f| f.resource.as_str()).collect();
    assert_eq!(names, ["sg-fixed", "sg-deleted"]);
    assert!(resolved
        .iter()
        .all(|f| f.baseline == Some(BaselineState::Resolved) && f.status == Status::Fail));
    assert!(current.iter().all(|f| f.baseline.is_none()));
}

// A narrower scan (fewer checks or regions) must not report what it did not look at as
// resolved.
#[test]
fn apply_scoped_leaves_out_of_scope_failures_unresolved() {
    let b = baseline(vec![
        sg("sg-deleted", Status::Fail),
        finding(
            "iam_root_mfa",
            "global",
            "arn:aws:iam::111122223333:root",
            Status::Fail,
        ),
    ]);
    let mut current = vec![];
    let resolved = b.apply_scoped(&mut current, |f| f.check_id.starts_with("ec2_"));
    let names: Vec<&str> = resolved.iter().map(|f| f.resource.as_str()).collect();
    assert_eq!(names, ["sg-deleted"]);
    assert_eq!(b.apply(&mut current).len(), 2);
}

#[test]
fn baseline_keeps_the_report() {
    let b = baseline(vec![sg("sg-a", Status::Fail)]);
    assert_eq!(b.report().findings.len(), 1);
    assert_eq!(b.report().account_id, ACCOUNT);
    assert_eq!(b.path(), Path::new("old.json"));
}

fn parse_err(text: &str) -> String {
    let e = Baseline::parse(text, Path::new("old.json")).expect_err("should be refused");
    assert!(matches!(e, TriageError::Invalid { .. }));
    let s = e.to_string();
    assert!(!s.contains('\n'), "one line: {s}");
    s
}

// Practice (cargo-deny): a file that is not a report is refused naming the file, line,
// column and key, never compared as if empty.
#[test]
fn files_that_are_not_reports_are_refused_with_their_place() {
    assert!(parse_err("{\n  \"format_version\": 1,\n  oops\n}")
        .starts_with("old.json:3:3: not a JSON report: key must be a string"));
    assert!(parse_err("{\"schema_version\": 1, \"account\": {}}")
        .starts_with("old.json:1:36: not a rampart JSON report (as `rampart scan --format json` writes): missing field `format_version`"));
    let newer = report_json(vec![]).replacen("\"format_version\": 1", "\"format_version\": 2", 1);
    let e = parse_err(&newer);
    assert!(
        e.starts_with("old.json:2:21: `format_version`: report format version 2, but this rampart compares with version 1 reports only"),
        "{e}"
    );
    let bad_status =
        report_json(vec![sg("sg-a", Status::Fail)]).replacen("\"FAIL\"", "\"BROKEN\"", 1);
    let e = parse_err(&bad_status);
    assert!(
        e.contains(
            ": not a rampart JSON report: at `findings[0].status`: unknown variant `BROKEN`"
        ),
        "{e}"
    );
    let line = bad_status
        .lines()
        .position(|l| l.contains("BROKEN"))
        .unwrap()
        + 1;
    assert!(e.starts_with(&format!("old.json:{line}:")), "{e}");
    assert!(parse_err("").starts_with("old.json:1:1: not a JSON report: EOF"));
}

#[test]
fn load_reads_a_file_and_names_a_missing_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    std::fs::write(&path, report_json(vec![sg("sg-a", Status::Fail)])).unwrap();
    assert_eq!(Baseline::load(&path).unwrap().report().findings.len(), 1);
    let e = Baseline::load(&dir.path().join("missing.json")).unwrap_err();
    assert!(matches!(e, TriageError::Read { .. }));
    // The message names the file; the I/O error is its source (printed by the error chain).
    assert!(
        e.to_string()
            .ends_with("missing.json: cannot read baseline report"),
        "{e}"
    );
    let source = std::error::Error::source(&e).expect("the I/O error");
    assert_eq!(
        source.downcast_ref::<std::io::Error>().map(|io| io.kind()),
        Some(std::io::ErrorKind::NotFound)
    );
}
