//! Mutelist parsing, validation and matching, through the public API.

use chrono::NaiveDate;
use rampart_checks::{Finding, Severity, Status};
use rampart_inventory::Tag;
use rampart_triage::{Mutelist, TriageError};
use std::collections::HashMap;
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

fn sg(id: &str, region: &str) -> Finding {
    finding(
        "ec2_sg_ssh_open_to_world",
        region,
        &format!("arn:aws:ec2:{region}:{ACCOUNT}:security-group/{id}"),
        Status::Fail,
    )
}

fn parse(yaml: &str) -> Mutelist {
    Mutelist::parse(yaml, Path::new("mutelist.yaml")).unwrap_or_else(|e| panic!("{e}"))
}

fn parse_err(yaml: &str) -> String {
    let e = Mutelist::parse(yaml, Path::new("mutelist.yaml")).expect_err("should be refused");
    assert!(matches!(e, TriageError::Invalid { .. }));
    let s = e.to_string();
    assert!(!s.contains('\n'), "one line: {s}");
    s
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn no_tags(_: &str) -> Option<&'static [Tag]> {
    None
}

/// Apply with no tags known, on 2026-06-01; returns the rule each finding is muted by.
fn mutes(list: &Mutelist, findings: &mut [Finding]) -> Vec<Option<String>> {
    let warnings = list.apply(findings, no_tags, day("2026-06-01"));
    assert!(warnings.is_empty(), "{warnings:?}");
    findings
        .iter()
        .map(|f| f.muted.as_ref().map(|m| m.rule.clone()))
        .collect()
}

// Practice: every rule carries a reason, and the finding records which rule muted it and
// why, so a muted finding is explained in every report (Prowler's mutelist, cargo-deny's
// `ignore` with `reason`).
#[test]
fn a_matching_rule_mutes_with_its_reason_rule_name_and_expiry() {
    let list = parse(
        "version: 1\nrules:\n  - id: bastion-ssh\n    reason: \" Bastion host \"\n    \
         expires: 2027-03-31\n    checks: [ec2_sg_ssh_open_to_world]\n",
    );
    let mut f = [sg("sg-1", "eu-west-1")];
    assert_eq!(mutes(&list, &mut f), [Some("bastion-ssh".into())]);
    let m = f[0].muted.as_ref().unwrap();
    assert_eq!(m.reason, "Bastion host");
    assert_eq!(m.expires, Some(day("2027-03-31")));
}

// A rule without an id is named by its 1-based position.
#[test]
fn rules_without_id_are_named_by_position() {
    let list = parse(
        "version: 1\nrules:\n  - reason: a\n    regions: [us-east-1]\n  - reason: b\n    regions: [eu-*]\n",
    );
    assert_eq!(list.rules()[0].name(), "1");
    assert_eq!(list.rules()[1].name(), "2");
    let mut f = [
        sg("sg-1", "eu-west-1"),
        sg("sg-2", "us-east-1"),
        sg("sg-3", "ap-south-1"),
    ];
    assert_eq!(
        mutes(&list, &mut f),
        [Some("2".into()), Some("1".into()), None]
    );
}

// Globs on regions, checks and resources; `*` crosses `:` and `/` in ARNs.
#[test]
fn globs_on_regions_checks_and_resources() {
    let list = parse(
        "version: 1\nrules:\n  - reason: r\n    regions: [\"us-*\", eu-west-?]\n    \
         checks: [\"ec2_sg_*\"]\n    resources: [\"arn:aws:ec2:*:*:security-group/sg-0abc*\"]\n",
    );
    let mut f = [
        sg("sg-0abc1", "us-west-2"),
        sg("sg-0abc2", "eu-west-1"),
        sg("sg-0abc3", "eu-central-1"), // region does not match
        sg("sg-0abd4", "us-east-1"),    // resource does not match
        finding(
            "ec2_imdsv2_required", // check does not match
            "us-east-1",
            "arn:aws:ec2:us-east-1:111122223333:security-group/sg-0abc5",
            Status::Fail,
        ),
    ];
    assert_eq!(
        mutes(&list, &mut f),
        [Some("1".into()), Some("1".into()), None, None, None]
    );
}

// `re:` resources are regular expressions over the whole resource.
#[test]
fn regex_resources_match_the_whole_resource() {
    let list = parse(
        "version: 1\nrules:\n  - reason: r\n    resources: ['re:arn:aws:ec2:.*:security-group/sg-0[0-9]+']\n",
    );
    let mut f = [sg("sg-0123", "eu-west-1"), sg("sg-0123a", "eu-west-1")];
    assert_eq!(mutes(&list, &mut f), [Some("1".into()), None]);
}

// Accounts: quoted ids, unquoted 12-digit ids (YAML numbers) and globs.
#[test]
fn accounts_match_quoted_unquoted_and_globs() {
    for accounts in ["[\"111122223333\"]", "[111122223333]", "[\"1111*\"]"] {
        let list = parse(&format!(
            "version: 1\nrules:\n  - reason: r\n    accounts: {accounts}\n"
        ));
        let mut f = [sg("sg-1", "eu-west-1")];
        assert_eq!(mutes(&list, &mut f), [Some("1".into())], "{accounts}");
    }
    let other = parse("version: 1\nrules:\n  - reason: r\n    accounts: ['999988887777']\n");
    let mut f = [sg("sg-1", "eu-west-1")];
    assert_eq!(mutes(&other, &mut f), [None]);
}

// Every key given must match (AND within a rule): a rule whose region matches but whose
// account does not mutes nothing.
#[test]
fn every_key_of_a_rule_must_match() {
    let list = parse(
        "version: 1\nrules:\n  - reason: r\n    regions: [eu-west-1]\n    accounts: ['999988887777']\n",
    );
    let mut f = [sg("sg-1", "eu-west-1")];
    assert_eq!(mutes(&list, &mut f), [None]);
}

// First matching rule wins: its reason and name are the ones recorded.
#[test]
fn first_matching_rule_wins() {
    let list = parse(
        "version: 1\nrules:\n  - id: narrow\n    reason: the bastion\n    resources: ['*sg-1']\n  \
         - id: broad\n    reason: all of eu\n    regions: ['eu-*']\n",
    );
    let mut f = [sg("sg-1", "eu-west-1"), sg("sg-2", "eu-west-1")];
    assert_eq!(
        mutes(&list, &mut f),
        [Some("narrow".into()), Some("broad".into())]
    );
    assert_eq!(f[0].muted.as_ref().unwrap().reason, "the bastion");
}

// Tags: every tag of the rule must be on the resource, values matched as globs, keys
// exactly; a resource whose tags are unknown does not match a rule with tags.
#[test]
fn tags_must_all_match_the_resources_tags() {
    let list = parse(
        "version: 1\nrules:\n  - reason: r\n    tags: {env: \"prod*\", team: platform, cost: 42}\n",
    );
    let tag = |k: &str, v: &str| Tag::new(k, v);
    let a = sg("sg-a", "eu-west-1");
    let b = sg("sg-b", "eu-west-1");
    let c = sg("sg-c", "eu-west-1");
    let d = sg("sg-d", "eu-west-1");
    let tags: HashMap<String, Vec<Tag>> = HashMap::from([
        (
            a.resource.clone(),
            vec![
                tag("env", "production"),
                tag("team", "platform"),
                tag("cost", "42"),
            ],
        ),
        (
            b.resource.clone(),
            vec![
                tag("env", "production"),
                tag("team", "data"),
                tag("cost", "42"),
            ],
        ),
        (
            c.resource.clone(),
            vec![tag("env", "production"), tag("cost", "42")],
        ),
    ]);
    let mut f = [a, b, c, d];
    let warnings = list.apply(
        &mut f,
        |r| tags.get(r).map(Vec::as_slice),
        day("2026-01-01"),
    );
    assert!(warnings.is_empty());
    let muted: Vec<bool> = f.iter().map(|f| f.muted.is_some()).collect();
    assert_eq!(muted, [true, false, false, false]);
}

// Expiry with a fixed `today`: the rule mutes through its date, stops the day after, and
// warns once per rule, naming the file, the rule and the date; a later rule may mute
// what the expired one no longer does.
#[test]
fn expired_rules_stop_muting_and_warn_once() {
    let list = parse(
        "version: 1\nrules:\n  - id: temp\n    reason: r\n    expires: 2026-03-31\n    regions: [eu-west-1]\n  \
         - reason: r2\n    expires: 2026-03-31\n    regions: [nowhere-1]\n  \
         - reason: fallback\n    resources: ['*sg-2']\n",
    );
    let fresh = || [sg("sg-1", "eu-west-1"), sg("sg-2", "eu-west-1")];

    let mut f = fresh();
    assert!(list.apply(&mut f, no_tags, day("2026-03-31")).is_empty());
    assert_eq!(
        f[0].muted.as_ref().unwrap().rule,
        "temp",
        "mutes on its last day"
    );

    let mut f = fresh();
    let warnings = list.apply(&mut f, no_tags, day("2026-04-01"));
    assert_eq!(
        warnings,
        [
            "mutelist.yaml: mutelist rule `temp` expired on 2026-03-31 and no longer mutes \
             (2 findings it matches reported)",
            "mutelist.yaml: mutelist rule 2 expired on 2026-03-31 and no longer mutes \
             (0 findings it matches reported)",
        ]
    );
    assert!(f[0].muted.is_none());
    assert_eq!(f[1].muted.as_ref().unwrap().rule, "3");
}

// `apply` sets `muted` afresh, so applying a narrower mutelist clears older marks; PASS
// and ERROR findings are muted too (the resource is accepted, whatever the status).
#[test]
fn apply_resets_muted_and_covers_every_status() {
    let all = parse("version: 1\nrules:\n  - reason: r\n");
    let none = parse("version: 1\nrules: []\n");
    let mut f = [
        finding(
            "iam_root_mfa",
            "global",
            "arn:aws:iam::111122223333:root",
            Status::Pass,
        ),
        finding("iam_root_mfa", "global", "x", Status::Error),
        sg("sg-1", "eu-west-1"),
    ];
    assert_eq!(
        mutes(&all, &mut f),
        [Some("1".into()), Some("1".into()), Some("1".into())]
    );
    assert_eq!(mutes(&none, &mut f), [None, None, None]);
}

// Muted findings never count toward the exit code (the rule the mutelist exists for).
#[test]
fn muted_findings_leave_the_exit_count() {
    let list = parse("version: 1\nrules:\n  - reason: r\n    resources: ['*sg-1']\n");
    let mut f = [sg("sg-1", "eu-west-1"), sg("sg-2", "eu-west-1")];
    assert_eq!(rampart_triage::exit_failures(&f, Severity::Info, false), 2);
    mutes(&list, &mut f);
    assert_eq!(rampart_triage::exit_failures(&f, Severity::Info, false), 1);
}

// Practice (cargo-deny): errors point at the exact place, with the file, line, column,
// the rule (by id, else by position) and the key.
#[test]
fn malformed_mutelists_name_file_line_column_rule_and_key() {
    let cases: &[(&str, &str)] = &[
        (
            "version: 1\nrules:\n  - reason: r\n    region: [eu-west-1]\n",
            "mutelist.yaml:4:5: rule 1 region: unknown field `region`, expected one of `id`, `reason`",
        ),
        (
            "version: 1\nrules:\n  - id: x\n    checks: [iam_root_mfa]\n",
            "mutelist.yaml:3:5: rule `x`: missing field `reason`",
        ),
        (
            "version: 1\nrules:\n  - id: bastion\n    reason: \"  \"\n",
            "mutelist.yaml:4:13: rule `bastion` reason: empty reason",
        ),
        (
            "version: 1\nrules:\n  - reason: r\n  - reason: r\n    expires: 2027-02-30\n",
            "mutelist.yaml:5:14: rule 2 expires: bad date `2027-02-30`",
        ),
        (
            "version: 1\nrules:\n  - reason: r\n    expires: 20270331\n",
            "mutelist.yaml:4:14: rule 1 expires: expected a date as YYYY-MM-DD, found the number",
        ),
        (
            "version: 1\nrules:\n  - reason: r\n    resources: [\"arn:*\", \"re:sg-(0\"]\n",
            "mutelist.yaml:4:26: rule 1 resources[1]: bad regular expression `sg-(0`: unclosed group",
        ),
        (
            "version: 1\nrules:\n  - reason: r\n    regions: [\"eu-[west\"]\n",
            "mutelist.yaml:4:15: rule 1 regions[0]: bad glob `eu-[west`",
        ),
        (
            "version: 2\nrules: []\n",
            "mutelist.yaml:1:10: version: unsupported mutelist version 2",
        ),
        (
            "rules: []\n",
            "mutelist.yaml:1:1: missing field `version`",
        ),
        (
            "version: 1\nrules:\n  - reason: r\n    checks: [ec2_sg_shh_open_to_world]\n",
            "mutelist.yaml:4:14: rule 1 checks[0]: `ec2_sg_shh_open_to_world` matches no check",
        ),
        (
            "version: 1\nrules:\n  - reason: r\n    checks: [\"mainframe_*\"]\n",
            "mutelist.yaml:4:14: rule 1 checks[0]: `mainframe_*` matches no check",
        ),
        (
            "version: 1\nrules:\n  - reason: r\n    accounts: [12345678901]\n",
            "mutelist.yaml:4:16: rule 1 accounts[0]: account id 12345678901 is not 12 digits",
        ),
        (
            "version: 1\nrules:\n  - reason: r\n    regions: []\n",
            "mutelist.yaml:4:14: rule 1 regions: empty list",
        ),
        (
            "version: 1\nrules:\n  - reason: r\n    tags: {}\n",
            "mutelist.yaml:4:11: rule 1 tags: empty tags",
        ),
        (
            "version: 1\nrules:\n  - id: a\n    reason: r\n  - id: a\n    reason: r\n",
            "mutelist.yaml:5:9: rule `a` id: duplicate rule id `a`",
        ),
        (
            "version: 1\nrules:\n  - reason: r\n   regions: [x]\n",
            "mutelist.yaml:4:",
        ),
        ("", "mutelist.yaml:1:1: "),
    ];
    for (yaml, want) in cases {
        let got = parse_err(yaml);
        assert!(
            got.starts_with(want),
            "for {yaml:?}\n got: {got}\nwant: {want}…"
        );
    }
}

#[test]
fn load_names_a_missing_file() {
    let e = Mutelist::load(Path::new("/nonexistent/mutelist.yaml")).unwrap_err();
    assert!(matches!(e, TriageError::Read { .. }));
    // The message names the file; the I/O error is its source (printed by the error chain).
    assert_eq!(
        e.to_string(),
        "/nonexistent/mutelist.yaml: cannot read mutelist"
    );
    let source = std::error::Error::source(&e).expect("the I/O error");
    assert_eq!(
        source.downcast_ref::<std::io::Error>().map(|io| io.kind()),
        Some(std::io::ErrorKind::NotFound)
    );
}

// The shipped example parses (practice: examples in the repository are tested).
#[test]
fn the_example_mutelist_loads() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/mutelist.yaml");
    let list = Mutelist::load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert!(list.rules().len() >= 3);
    assert!(list.rules().iter().all(|r| !r.reason().is_empty()));
}
