//! The renderers over one small hand-built report: text, JSON and OCSF as snapshots, and
//! the properties each output must keep (widths, colour only on request, round trip,
//! required OCSF attributes).

use chrono::{DateTime, Duration, Utc};
use rampart_checks::{Finding, Severity, Status};
use rampart_inventory::{Account, CollectionError, CollectionStats, Gap, Inventory, SkippedRegion};
use rampart_report::{
    render_json, render_ocsf, render_text, ScanReport, TextOptions, FORMAT_VERSION,
    OCSF_SCHEMA_VERSION,
};
use serde_json::Value;

const ACCOUNT: &str = "111122223333";

const DENIED: &str = "User: arn:aws:iam::111122223333:user/auditor is not authorized to perform \
                      this action";

/// Check ids that no check in the registry has: they stand for findings of checks this
/// build does not know (a report read back by another version), shown without title or fix.
const UNKNOWN_CHECKS: [&str; 4] = [
    "fixture_sg_open_ssh",
    "fixture_role_external_trust",
    "fixture_vpc_flow_logs",
    "fixture_ebs_default_encryption",
];

fn collected_at() -> DateTime<Utc> {
    "2026-06-01T12:00:00Z".parse().unwrap()
}

fn evaluated_at() -> DateTime<Utc> {
    collected_at() + Duration::minutes(3)
}

fn finding(
    check_id: &str,
    status: Status,
    severity: Severity,
    region: &str,
    resource: &str,
    reason: &str,
) -> Finding {
    Finding {
        id: Finding::stable_id(check_id, ACCOUNT, region, resource),
        check_id: check_id.into(),
        status,
        severity,
        account_id: ACCOUNT.into(),
        region: region.into(),
        resource: resource.into(),
        reason: reason.into(),
        muted: None,
        baseline: None,
    }
}

fn sg(region: &str, id: &str) -> String {
    format!("arn:aws:ec2:{region}:{ACCOUNT}:security-group/{id}")
}

fn error(service: &str, region: &str, api: &str, code: &str, message: &str) -> CollectionError {
    CollectionError {
        service: service.into(),
        region: region.into(),
        gap: Gap {
            api: api.into(),
            code: code.into(),
            message: message.into(),
        },
    }
}

fn inventory() -> Inventory {
    let mut inv = Inventory::new(
        Account {
            id: ACCOUNT.into(),
            partition: "aws".into(),
            caller_arn: format!("arn:aws:iam::{ACCOUNT}:user/auditor"),
        },
        collected_at(),
    );
    inv.regions.scanned = vec!["eu-west-1".into(), "us-east-1".into()];
    inv.regions.skipped = vec![
        SkippedRegion {
            region: "me-south-1".into(),
            reason: "not opted in".into(),
        },
        SkippedRegion {
            region: "ap-east-1".into(),
            reason: "not opted in".into(),
        },
        SkippedRegion {
            region: "sa-east-1".into(),
            reason: "excluded by --exclude-region".into(),
        },
    ];
    inv.errors = vec![
        error(
            "ec2",
            "us-east-1",
            "ec2:DescribeInstances",
            "AccessDenied",
            DENIED,
        ),
        error(
            "iam",
            "global",
            "iam:GetCredentialReport",
            "AccessDenied",
            DENIED,
        ),
        error(
            "ec2",
            "eu-west-1",
            "ec2:DescribeInstances",
            "AccessDenied",
            DENIED,
        ),
        error(
            "guardduty",
            "us-east-1",
            "guardduty:ListDetectors",
            "Throttling",
            "Rate exceeded",
        ),
        CollectionError {
            service: "config".into(),
            region: "eu-west-1".into(),
            gap: Gap::not_collected(),
        },
    ];
    inv.stats = CollectionStats {
        duration_ms: 4_230,
        api_calls: [
            ("ec2".into(), 96),
            ("guardduty".into(), 4),
            ("iam".into(), 23),
        ]
        .into(),
        ..Default::default()
    };
    inv
}

fn findings() -> Vec<Finding> {
    let long_role = format!(
        "arn:aws:iam::{ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/\
         AWSReservedSSO_AdministratorAccess_0123456789abcdef"
    );
    vec![
        finding(
            "fixture_ebs_default_encryption",
            Status::Error,
            Severity::Medium,
            "us-east-1",
            &format!("arn:aws:ec2:us-east-1:{ACCOUNT}:*"),
            "could not be evaluated: AccessDenied on ec2:GetEbsEncryptionByDefault: not \
             authorized to perform ec2:GetEbsEncryptionByDefault",
        ),
        finding(
            "fixture_role_external_trust",
            Status::Fail,
            Severity::Medium,
            "global",
            &long_role,
            "the role's trust policy lets account 999988887777 assume it without an \
             external id condition",
        ),
        finding(
            "fixture_sg_open_ssh",
            Status::Fail,
            Severity::High,
            "us-east-1",
            &sg("us-east-1", "sg-0123456789abcdef0"),
            "security group sg-0123456789abcdef0 allows 0.0.0.0/0 on port 22",
        ),
        finding(
            "fixture_sg_open_ssh",
            Status::Fail,
            Severity::High,
            "eu-west-1",
            &sg("eu-west-1", "sg-0fedcba9876543210"),
            "security group sg-0fedcba9876543210 allows ::/0 on port 22",
        ),
        finding(
            "fixture_sg_open_ssh",
            Status::Pass,
            Severity::High,
            "eu-west-1",
            &sg("eu-west-1", "sg-0aaaabbbbccccdddd"),
            "security group sg-0aaaabbbbccccdddd allows port 22 only from 10.0.0.0/8",
        ),
        finding(
            "fixture_vpc_flow_logs",
            Status::Fail,
            Severity::Low,
            "eu-west-1",
            &format!("arn:aws:ec2:eu-west-1:{ACCOUNT}:vpc/vpc-0abc"),
            "VPC vpc-0abc has no flow log",
        ),
        finding(
            "fixture_vpc_flow_logs",
            Status::Pass,
            Severity::Low,
            "us-east-1",
            &format!("arn:aws:ec2:us-east-1:{ACCOUNT}:vpc/vpc-0def"),
            "VPC vpc-0def has flow log fl-0123 delivering to CloudWatch Logs",
        ),
        finding(
            "iam_root_access_keys",
            Status::Fail,
            Severity::Critical,
            "global",
            &format!("arn:aws:iam::{ACCOUNT}:root"),
            "the root user has 1 access key(s)",
        ),
    ]
}

fn report() -> ScanReport {
    let mut report = ScanReport::new(&inventory(), findings(), evaluated_at(), 12);
    // A fixed version, so that the snapshots do not change with every release.
    report.tool.version = "9.9.9".into();
    report
}

fn plain(width: usize, verbose: bool) -> TextOptions {
    TextOptions {
        color: false,
        width,
        verbose,
        quiet: false,
    }
}

/// Every line fits in `width`, except a line holding one word too long to break (an ARN)
/// after its indent and label.
fn assert_fits(text: &str, width: usize) {
    for line in text.lines() {
        if line.chars().count() <= width {
            continue;
        }
        let body = line.trim_start();
        let body = body.strip_prefix("- ").unwrap_or(body);
        let body = body.strip_prefix("fix: ").unwrap_or(body);
        let body = body.strip_suffix(" \\").unwrap_or(body);
        assert!(
            !body.contains(char::is_whitespace),
            "line wider than {width} columns could have been wrapped: {line:?}"
        );
    }
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

// The fixture's made-up checks must stay out of the registry (other checks are added all
// the time), or the snapshots would change under us.
#[test]
fn fixture_checks_are_unknown_to_the_registry() {
    for id in UNKNOWN_CHECKS {
        assert!(rampart_checks::find(id).is_none(), "{id} is registered");
    }
    assert!(rampart_checks::find("iam_root_access_keys").is_some());
}

#[test]
fn new_fills_the_report_from_the_inventory() {
    let inv = inventory();
    let report = ScanReport::new(&inv, findings(), evaluated_at(), 12);
    assert_eq!(report.format_version, FORMAT_VERSION);
    assert_eq!(report.tool.name, "rampart");
    assert_eq!(report.tool.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(report.account_id, ACCOUNT);
    assert_eq!(report.partition, "aws");
    assert_eq!(report.collected_at, collected_at());
    assert_eq!(report.evaluated_at, evaluated_at());
    assert_eq!(report.regions_scanned, inv.regions.scanned);
    assert_eq!(report.regions_skipped, inv.regions.skipped);
    assert_eq!(report.collection_errors, inv.errors);
    assert_eq!(report.collection, inv.stats);
    assert_eq!(report.evaluation_ms, 12);
    let s = report.summary;
    assert_eq!((s.total, s.fail, s.error, s.pass), (8, 5, 1, 2));
    let by_sev = s.fail_by_severity;
    assert_eq!(
        (
            by_sev.critical,
            by_sev.high,
            by_sev.medium,
            by_sev.low,
            by_sev.info
        ),
        (1, 2, 1, 1, 0)
    );
}

#[test]
fn text_at_80_columns() {
    let text = render_text(&report(), &plain(80, false));
    assert_fits(&text, 80);
    insta::assert_snapshot!("text_80", text);
}

// PASS findings are counted, and listed only when verbose.
#[test]
fn pass_findings_are_listed_only_when_verbose() {
    let report = report();
    let quiet = render_text(&report, &plain(80, false));
    let verbose = render_text(&report, &plain(80, true));
    for f in report.findings.iter().filter(|f| f.status == Status::Pass) {
        assert!(!quiet.contains(&f.resource), "{} listed", f.resource);
        assert!(verbose.contains(&f.resource), "{} not listed", f.resource);
    }
    assert!(!quiet.contains("PASSED"));
    assert!(verbose.contains("PASSED (2)"));
    assert!(quiet.contains("8: 5 FAIL, 1 ERROR, 2 PASS"));
    // Verbose adds the PASS section and changes nothing else.
    let pass_section = verbose.find("\nPASSED (2)").unwrap();
    let summary = verbose.find("\nSUMMARY").unwrap();
    let without = format!("{}{}", &verbose[..pass_section], &verbose[summary..]);
    assert_eq!(without, quiet);
}

/// The lines of the first fix in a rendered text, from `fix:` to the blank line after it.
fn fix_lines(text: &str) -> Vec<&str> {
    text.lines()
        .skip_while(|l| !l.trim_start().starts_with("fix: "))
        .take_while(|l| !l.is_empty())
        .collect()
}

/// The words of fix lines, without the label and the shell continuations.
fn fix_words<'a>(lines: &[&'a str]) -> Vec<&'a str> {
    lines
        .iter()
        .flat_map(|l| l.split_whitespace())
        .skip(1)
        .filter(|w| *w != "\\")
        .collect()
}

#[test]
fn narrow_terminal_wraps_every_line() {
    let text = render_text(&report(), &plain(50, true));
    assert_fits(&text, 50);
    let fix = rampart_checks::find("iam_root_access_keys")
        .unwrap()
        .meta
        .fix;
    let lines = fix_lines(&text);
    assert!(lines.len() > 2, "{text}");
    assert_eq!(
        fix_words(&lines),
        fix.split_whitespace().collect::<Vec<_>>()
    );
}

// Every check's fix, at 80 columns: it fits, loses no word, and a fix that is one command
// is wrapped with shell continuations so that it pastes as one command. (Registry-wide, so
// that each check added is covered.)
#[test]
fn every_registered_fix_renders_at_80_columns() {
    let mut plain_commands = 0;
    for check in rampart_checks::registry() {
        let meta = check.meta;
        let f = finding(
            meta.id,
            Status::Fail,
            meta.severity,
            "us-east-1",
            &format!("arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-0123456789abcdef0"),
            "the reason",
        );
        let report = ScanReport::new(&inventory(), vec![f], evaluated_at(), 1);
        let text = render_text(&report, &plain(80, false));
        assert_fits(&text, 80);
        let lines = fix_lines(&text);
        assert_eq!(
            fix_words(&lines),
            meta.fix.split_whitespace().collect::<Vec<_>>(),
            "{}: {text}",
            meta.id
        );
        if meta.fix.starts_with("aws ") && !meta.fix.contains([';', '(']) {
            plain_commands += 1;
            let (last, rest) = lines.split_last().unwrap();
            assert!(
                rest.iter().all(|l| l.ends_with(" \\")),
                "{}: {text}",
                meta.id
            );
            assert!(!last.ends_with('\\'));
        }
    }
    assert!(plain_commands > 0, "no fix was rendered as a command");
}

#[test]
fn colour_only_when_asked() {
    let report = report();
    let plain_text = render_text(&report, &plain(80, true));
    assert!(!plain_text.contains('\x1b'));
    let coloured = render_text(
        &report,
        &TextOptions {
            color: true,
            width: 80,
            verbose: true,
            quiet: false,
        },
    );
    assert!(
        coloured.contains("\x1b[1;31mCRITICAL (1)\x1b[0m"),
        "{coloured}"
    );
    assert!(coloured.contains("\x1b[31mHIGH (2)\x1b[0m"));
    assert!(coloured.contains("\x1b[33mMEDIUM (1)\x1b[0m"));
    assert!(coloured.contains("\x1b[35mCOULD NOT BE EVALUATED (1)\x1b[0m"));
    assert!(coloured.contains("\x1b[32mPASSED (2)\x1b[0m"));
    // Colour changes no character and no line break.
    assert_eq!(strip_ansi(&coloured), plain_text);
}

#[test]
fn empty_report_says_so() {
    let mut inv = inventory();
    inv.regions.skipped.clear();
    inv.errors.clear();
    inv.stats = CollectionStats::default();
    let mut report = ScanReport::new(&inv, vec![], evaluated_at(), 0);
    report.tool.version = "9.9.9".into();
    insta::assert_snapshot!("text_empty", render_text(&report, &plain(80, true)));
}

#[test]
fn json_report_round_trips() {
    let report = report();
    let json = render_json(&report);
    insta::assert_snapshot!("json", json);
    let back: ScanReport = serde_json::from_str(&json).unwrap();
    assert_eq!(back, report);
}

// Readers of format 1 must ignore fields they do not know (docs/json-report.md).
#[test]
fn json_report_tolerates_added_fields() {
    let mut value: Value = serde_json::from_str(&render_json(&report())).unwrap();
    value["added_later"] = Value::from("ignored");
    let back: ScanReport = serde_json::from_value(value).unwrap();
    assert_eq!(back, report());
}

fn ocsf_events() -> Vec<Value> {
    let value: Value = serde_json::from_str(&render_ocsf(&report())).unwrap();
    value.as_array().expect("a JSON array").clone()
}

#[test]
fn ocsf_snapshot() {
    insta::assert_snapshot!("ocsf", render_ocsf(&report()));
}

// Attributes that OCSF 1.3.0 marks "required" for Detection Finding (class_uid 2004), as
// defined in the schema (https://schema.ocsf.io/1.3.0/classes/detection_finding;
// ocsf-schema v1.3.0 events/base_event.json, events/findings/finding.json,
// events/findings/detection_finding.json, profiles/cloud.json): from the base event,
// activity_id, category_uid, class_uid, metadata, severity_id, time, type_uid; from
// Finding, finding_info; from the cloud profile the events declare, cloud. Then the
// required attributes of the objects those hold: metadata (product, version), product
// (vendor_name), finding_info (title, uid), cloud (provider).
const REQUIRED: &[&str] = &[
    "activity_id",
    "category_uid",
    "class_uid",
    "metadata",
    "metadata/product",
    "metadata/product/vendor_name",
    "metadata/version",
    "severity_id",
    "time",
    "type_uid",
    "finding_info",
    "finding_info/title",
    "finding_info/uid",
    "cloud",
    "cloud/provider",
];

// Required attributes of optional objects, checked when the object is there:
// remediation (desc), analytic (type_id), account (uid is rampart's own requirement).
const REQUIRED_IF_PRESENT: &[(&str, &str)] = &[
    ("remediation", "remediation/desc"),
    ("finding_info/analytic", "finding_info/analytic/type_id"),
    ("cloud/account", "cloud/account/uid"),
];

#[test]
fn ocsf_events_have_every_required_attribute() {
    let events = ocsf_events();
    assert_eq!(
        events.len(),
        report().findings.len(),
        "one event per finding"
    );
    for event in &events {
        for path in REQUIRED {
            let v = event.pointer(&format!("/{path}"));
            assert!(
                v.is_some_and(|v| !v.is_null()),
                "{path} missing in {event:#}"
            );
        }
        for (object, path) in REQUIRED_IF_PRESENT {
            if event.pointer(&format!("/{object}")).is_some() {
                assert!(
                    event.pointer(&format!("/{path}")).is_some(),
                    "{path} missing"
                );
            }
        }
        let profiles = event["metadata"]["profiles"].as_array().unwrap();
        assert!(profiles.contains(&Value::from("cloud")));
    }
}

#[test]
fn ocsf_events_carry_the_findings() {
    let report = report();
    for (event, f) in ocsf_events().iter().zip(&report.findings) {
        assert_eq!(event["class_uid"], 2004);
        assert_eq!(event["category_uid"], 2);
        assert_eq!(event["activity_id"], 1);
        // type_uid = class_uid * 100 + activity_id.
        assert_eq!(event["type_uid"], 200401);
        assert_eq!(event["time"], report.evaluated_at.timestamp_millis());
        assert_eq!(event["metadata"]["version"], OCSF_SCHEMA_VERSION);
        assert_eq!(event["metadata"]["event_code"], f.check_id.as_str());
        assert_eq!(event["metadata"]["product"]["name"], "rampart");
        assert_eq!(event["metadata"]["product"]["vendor_name"], "rampart");
        assert_eq!(event["metadata"]["product"]["version"], "9.9.9");
        assert_eq!(event["finding_info"]["uid"], f.id.as_str());
        assert_eq!(event["finding_info"]["desc"], f.reason.as_str());
        assert_eq!(event["message"], f.reason.as_str());
        assert_eq!(event["status_code"], f.status.as_str());
        let (status_id, severity_id) = (
            match f.status {
                Status::Fail => 1,
                Status::Pass => 4,
                Status::Error => 99,
            },
            match f.severity {
                Severity::Info => 1,
                Severity::Low => 2,
                Severity::Medium => 3,
                Severity::High => 4,
                Severity::Critical => 5,
            },
        );
        assert_eq!(event["status_id"], status_id);
        assert_eq!(event["severity_id"], severity_id);
        assert_eq!(event["resources"][0]["uid"], f.resource.as_str());
        assert_eq!(event["cloud"]["provider"], "AWS");
        assert_eq!(event["cloud"]["account"]["uid"], ACCOUNT);
        if f.region == "global" {
            assert!(event["cloud"].get("region").is_none());
        } else {
            assert_eq!(event["cloud"]["region"], f.region.as_str());
            assert_eq!(event["resources"][0]["region"], f.region.as_str());
        }
        match rampart_checks::find(&f.check_id) {
            Some(check) => {
                assert_eq!(event["finding_info"]["title"], check.meta.title);
                assert_eq!(event["remediation"]["desc"], check.meta.fix);
                let cis: Vec<Value> = check.meta.cis.iter().map(|&c| c.into()).collect();
                let compliance = &event["unmapped"]["compliance"];
                assert_eq!(compliance["requirements"], Value::from(cis));
                assert_eq!(
                    compliance["standards"],
                    serde_json::json!(["CIS AWS Foundations Benchmark v7.0"])
                );
            }
            None => {
                // Unknown check: no fix to give, no compliance ids to claim.
                assert_eq!(event["finding_info"]["title"], f.check_id.as_str());
                assert!(event.get("remediation").is_none());
                assert!(event.get("unmapped").is_none());
            }
        }
    }
}
