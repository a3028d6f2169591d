//! A rich report for the format tests: registered checks (so titles, fixes and CIS ids
//! come from the registry) and one unknown check; PASS, FAIL and ERROR; muted findings,
//! baseline states, resolved findings, a compliance summary, warnings and collection
//! errors; and resources whose names need escaping in XML, CSV and Markdown.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rampart_checks::{BaselineState, Finding, Muted, Severity, Status};
use rampart_inventory::{Account, CollectionError, CollectionStats, Gap, Inventory, SkippedRegion};
use rampart_report::{ComplianceSummary, ScanReport};

pub const ACCOUNT: &str = "111122223333";

/// An ARN with every character XML, CSV and Markdown treat specially: `&`, `<`, `>`,
/// both quotes, `|`, a comma and a backslash.
pub const TRICKY_ARN: &str =
    "arn:aws:iam::111122223333:role/team&ops/<admin>/\"quoted\"/it's|a,role\\x";

pub fn collected_at() -> DateTime<Utc> {
    "2026-06-01T12:00:00Z".parse().unwrap()
}

pub fn finding(
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

pub fn muted(mut f: Finding, reason: &str) -> Finding {
    f.muted = Some(Muted {
        reason: reason.into(),
        rule: "break-glass".into(),
        expires: Some(NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()),
    });
    f
}

fn with_baseline(mut f: Finding, state: BaselineState) -> Finding {
    f.baseline = Some(state);
    f
}

pub fn sg(region: &str, id: &str) -> String {
    format!("arn:aws:ec2:{region}:{ACCOUNT}:security-group/{id}")
}

pub fn inventory() -> Inventory {
    let mut inv = Inventory::new(
        Account {
            id: ACCOUNT.into(),
            partition: "aws".into(),
            caller_arn: format!("arn:aws:iam::{ACCOUNT}:user/auditor"),
        },
        collected_at(),
    );
    inv.regions.scanned = vec!["eu-west-1".into(), "us-east-1".into()];
    inv.regions.skipped = vec![SkippedRegion {
        region: "ap-east-1".into(),
        reason: "not opted in".into(),
    }];
    inv.errors = vec![
        CollectionError {
            service: "ec2".into(),
            region: "us-east-1".into(),
            gap: Gap {
                api: "ec2:DescribeInstances".into(),
                code: "AccessDenied".into(),
                message: "User: arn:aws:iam::111122223333:user/auditor is not authorized".into(),
            },
        },
        CollectionError {
            service: "config".into(),
            region: "eu-west-1".into(),
            gap: Gap::not_collected(),
        },
    ];
    inv.stats = CollectionStats {
        duration_ms: 4_230,
        api_calls: [("ec2".into(), 96), ("iam".into(), 23)].into(),
        ..Default::default()
    };
    inv
}

pub fn findings() -> Vec<Finding> {
    vec![
        with_baseline(
            finding(
                "ec2_sg_ssh_open_to_world",
                Status::Fail,
                Severity::High,
                "us-east-1",
                &sg("us-east-1", "sg-0123456789abcdef0"),
                "security group sg-0123456789abcdef0 allows 0.0.0.0/0 on port 22",
            ),
            BaselineState::New,
        ),
        with_baseline(
            finding(
                "ec2_sg_ssh_open_to_world",
                Status::Fail,
                Severity::High,
                "eu-west-1",
                &sg("eu-west-1", "sg-0fedcba9876543210"),
                "security group sg-0fedcba9876543210 allows ::/0 on port 22",
            ),
            BaselineState::Unchanged,
        ),
        finding(
            "ec2_sg_ssh_open_to_world",
            Status::Pass,
            Severity::High,
            "eu-west-1",
            &sg("eu-west-1", "sg-0aaaabbbbccccdddd"),
            "security group sg-0aaaabbbbccccdddd allows port 22 only from 10.0.0.0/8",
        ),
        muted(
            finding(
                "ec2_sg_ssh_open_to_world",
                Status::Fail,
                Severity::High,
                "eu-west-1",
                &sg("eu-west-1", "sg-0bastion"),
                "security group sg-0bastion allows 0.0.0.0/0 on port 22",
            ),
            "bastion host, reviewed by security in ticket SEC-42",
        ),
        finding(
            "ec2_ebs_default_encryption",
            Status::Error,
            Severity::Medium,
            "us-east-1",
            &format!("arn:aws:ec2:us-east-1:{ACCOUNT}:*"),
            "could not be evaluated: AccessDenied on ec2:GetEbsEncryptionByDefault",
        ),
        with_baseline(
            finding(
                "iam_root_access_keys",
                Status::Fail,
                Severity::Critical,
                "global",
                &format!("arn:aws:iam::{ACCOUNT}:root"),
                "the root user has 1 access key(s)",
            ),
            BaselineState::Unchanged,
        ),
        with_baseline(
            finding(
                "iam_user_direct_policies",
                Status::Fail,
                Severity::Low,
                "global",
                TRICKY_ARN,
                "role has a policy \"Admin|All\" <attached> & used,\nsecond line",
            ),
            BaselineState::New,
        ),
        finding(
            "fixture_unknown_check",
            Status::Fail,
            Severity::Info,
            "eu-west-1",
            &format!("arn:aws:ec2:eu-west-1:{ACCOUNT}:vpc/vpc-0abc"),
            "a check this build does not know",
        ),
    ]
}

/// The rich report: every optional part present.
pub fn report() -> ScanReport {
    let findings = findings();
    let mut report = ScanReport::new(
        &inventory(),
        findings.clone(),
        collected_at() + Duration::minutes(3),
        12,
    );
    report.tool.version = "9.9.9".into();
    report.resolved = vec![finding(
        "ec2_sg_rdp_open_to_world",
        Status::Pass,
        Severity::High,
        "us-east-1",
        &sg("us-east-1", "sg-0old"),
        "security group sg-0old no longer allows port 3389 from anywhere",
    )];
    report.resolved[0].baseline = Some(BaselineState::Resolved);
    report.compliance = Some(ComplianceSummary::of(
        rampart_checks::compliance::cis_v7(),
        &findings,
        |_| true,
    ));
    report.warnings =
        vec!["mutelist rule `old-rule` expired on 2026-01-01 and mutes nothing".into()];
    report
}

/// `n` failing findings, for size limits.
pub fn many(n: usize) -> ScanReport {
    let findings: Vec<Finding> = (0..n)
        .map(|i| {
            let mut f = finding(
                "ec2_sg_ssh_open_to_world",
                Status::Fail,
                Severity::ALL[i % 5],
                "us-east-1",
                &sg("us-east-1", &format!("sg-{i:017x}")),
                &format!(
                    "security group sg-{i:017x} allows 0.0.0.0/0 on port 22 | {}",
                    "x".repeat(300)
                ),
            );
            f.baseline = Some(if i % 7 == 0 {
                BaselineState::New
            } else {
                BaselineState::Unchanged
            });
            f
        })
        .collect();
    ScanReport::new(&inventory(), findings, collected_at(), 1)
}

/// Names that attack a terminal: a title change (`ESC ]0;…BEL`), clear screen
/// (`ESC [2J`), conceal (`ESC [8m`), the 8-bit CSI (U+009B), DEL, a right-to-left
/// override and a line break that forges a line of output.
pub const HOSTILE: &str =
    "mf-\u{1b}]0;pwned\u{7}-\u{1b}[2J-\u{1b}[8mhidden-\u{9b}31m-\u{7f}-\u{202e}cod.exe\nFAKE: all clear";

/// Names that attack Markdown: a run of two backticks that used to close the code span
/// and make a live link, a pipe that opens a column, a backslash before a pipe, and
/// HTML.
pub const MARKDOWN_HOSTILE: [&str; 5] = [
    "a``](https://evil)`` b",
    "`x` [y](https://evil)",
    "``` fenced ```",
    "a\\|b | [c](https://evil)",
    "<img src=x onerror=alert(1)>",
];

/// A report whose every data field holds [`HOSTILE`]: resource, region, reason, mute
/// reason and rule, warning, collection error and skipped region.
pub fn hostile() -> ScanReport {
    let mut inv = inventory();
    inv.account.partition = format!("aws{HOSTILE}");
    inv.regions.scanned.push(format!("eu-{HOSTILE}"));
    inv.regions.skipped[0].reason = format!("skipped {HOSTILE}");
    inv.errors[0].gap.code = format!("Denied{HOSTILE}");
    inv.errors[0].gap.api = format!("ec2:Describe{HOSTILE}");
    inv.stats.api_calls.insert(format!("svc{HOSTILE}"), 1);
    let mut findings = vec![
        finding(
            "cloudwatch_alarm_root_usage",
            Status::Fail,
            Severity::High,
            &format!("us-{HOSTILE}"),
            &format!("arn:aws:logs:us-east-1:{ACCOUNT}:metric-filter/{HOSTILE}"),
            &format!("metric filter {HOSTILE} has no alarm"),
        ),
        finding(
            "fixture_unknown_check",
            Status::Error,
            Severity::Low,
            "eu-west-1",
            HOSTILE,
            HOSTILE,
        ),
        finding(
            "ec2_sg_ssh_open_to_world",
            Status::Pass,
            Severity::High,
            "eu-west-1",
            HOSTILE,
            HOSTILE,
        ),
    ];
    let mut m = muted(
        finding(
            "ec2_sg_ssh_open_to_world",
            Status::Fail,
            Severity::High,
            "eu-west-1",
            &sg("eu-west-1", HOSTILE),
            HOSTILE,
        ),
        HOSTILE,
    );
    m.muted.as_mut().unwrap().rule = HOSTILE.into();
    findings.push(m);
    for (i, name) in MARKDOWN_HOSTILE.iter().enumerate() {
        findings.push(finding(
            "ec2_sg_ssh_open_to_world",
            Status::Fail,
            Severity::Critical,
            "eu-west-1",
            name,
            &format!("reason {i}: {name}"),
        ));
    }
    let mut report = ScanReport::new(&inv, findings, collected_at(), 1);
    report.warnings = vec![format!("warning {HOSTILE}")];
    report
}
