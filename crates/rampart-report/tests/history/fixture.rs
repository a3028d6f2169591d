//! Hand-built store results: an account's scans, a diff with every lifecycle, change kind
//! and a coverage loss, a resource's revisions, and the same with hostile names.

use chrono::{DateTime, Duration, Utc};
use rampart_checks::{Severity, Status};
use rampart_store::model::{
    ChangeLine, CoverageChange, FindingChange, FindingState, Lifecycle, ResourceChange,
    ResourceChangeKind, ResourceHistory, Revision, RiskKind, ScanCounts, ScanDiff, ScanKind,
    ScanRow, ScanState,
};
use serde_json::json;

pub const ACCOUNT: &str = "111122223333";

/// A name from the account that tries everything: HTML, a table pipe, code backticks, an
/// ANSI colour, a forged line.
pub const HOSTILE: &str = "web<script>alert(1)</script>|`x`\u{1b}[31mred\nFAKE: line";

/// The day `n` of the fixture, at noon.
pub fn day(n: i64) -> DateTime<Utc> {
    "2026-06-01T12:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::days(n - 1)
}

fn sg(region: &str, id: &str) -> String {
    format!("arn:aws:ec2:{region}:{ACCOUNT}:security-group/{id}")
}

fn user(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:user/{name}")
}

/// A scan row; `fails` by severity, most severe first.
pub fn scan(id: i64, day_n: i64, kind: ScanKind, state: ScanState, fails: [u64; 5]) -> ScanRow {
    let fail: u64 = fails.iter().sum();
    let scan = kind == ScanKind::Scan && state == ScanState::Complete;
    ScanRow {
        id,
        seq: (state == ScanState::Complete).then_some(id - 9),
        account_id: ACCOUNT.into(),
        kind,
        state,
        collected_at: day(day_n),
        stored_at: day(day_n) + Duration::minutes(4),
        rampart_version: "0.1.0".into(),
        source: if id == 11 {
            "snapshot:inventory-0601.json".into()
        } else {
            "live".into()
        },
        resources: if state == ScanState::Complete {
            230 + id as u64
        } else {
            0
        },
        counts: if scan {
            ScanCounts {
                total: 180,
                pass: 180 - fail - 3,
                fail: fail + 1,
                error: 2,
                muted: 1,
                fail_by_severity: fails,
            }
        } else {
            ScanCounts::default()
        },
        gaps: if id == 14 { 2 } else { 0 },
    }
}

/// Five scans, newest first as `rampart history` lists them: three complete scans, a
/// collect and an incomplete one.
pub fn scans() -> Vec<ScanRow> {
    use ScanKind::{Collect, Scan};
    use ScanState::{Complete, Incomplete};
    vec![
        scan(14, 5, Scan, Complete, [0, 4, 6, 2, 1]),
        scan(13, 4, Scan, Incomplete, [0; 5]),
        scan(12, 3, Scan, Complete, [1, 3, 6, 3, 1]),
        scan(11, 2, Collect, Complete, [0; 5]),
        scan(10, 1, Scan, Complete, [2, 3, 5, 3, 1]),
    ]
}

fn state(status: Status, severity: Severity, reason: &str) -> FindingState {
    FindingState {
        status,
        severity,
        reason: reason.into(),
        muted_by: None,
    }
}

fn finding(lifecycle: Lifecycle, check_id: &str, resource: &str, sev: Severity) -> FindingChange {
    FindingChange {
        lifecycle,
        check_id: check_id.into(),
        region: "eu-west-1".into(),
        resource: resource.into(),
        severity: sev,
        before: None,
        after: None,
        unknown_reason: None,
        first_seen: None,
        last_seen: None,
        time_to_fix_secs: None,
    }
}

fn line(text: &str, risk: Option<RiskKind>) -> ChangeLine {
    ChangeLine {
        text: text.into(),
        risk,
        unread: false,
    }
}

fn resource(
    change: ResourceChangeKind,
    kind: &str,
    key: &str,
    region: &str,
    name: Option<&str>,
    lines: Vec<ChangeLine>,
) -> ResourceChange {
    ResourceChange {
        change,
        kind: kind.into(),
        key: key.into(),
        region: region.into(),
        name: name.map(str::to_owned),
        lines,
    }
}

pub const DENIED: &str = "AccessDenied on ec2:DescribeSecurityGroups: User: \
                          arn:aws:iam::111122223333:user/auditor is not authorized";

/// Scan 12 against scan 14: every lifecycle but unchanged, every change kind, risky and
/// unread lines, and a region no longer read.
pub fn diff() -> ScanDiff {
    let scans = scans();
    let (to, from) = (scans[0].clone(), scans[2].clone());
    use Lifecycle::*;
    use Severity::*;
    let web = sg("eu-west-1", "sg-0abc1234");
    let alice = user("alice");

    let mut new = finding(New, "ec2_sg_open_ssh", &web, High);
    new.after = Some(state(
        Status::Fail,
        High,
        "security group web allows tcp/22 from 0.0.0.0/0",
    ));
    new.first_seen = Some(day(5));

    let mut reopened = finding(
        Reopened,
        "iam_root_mfa",
        &format!("arn:aws:iam::{ACCOUNT}:root"),
        Critical,
    );
    reopened.region = "global".into();
    reopened.before = Some(state(
        Status::Pass,
        Critical,
        "the root user has an MFA device",
    ));
    reopened.after = Some(state(
        Status::Fail,
        Critical,
        "the root user has no MFA device",
    ));
    reopened.first_seen = Some(day(5));

    let mut changed = finding(
        Changed,
        "s3_bucket_public_read",
        "arn:aws:s3:::assets",
        Medium,
    );
    changed.region = "global".into();
    changed.before = Some(state(
        Status::Fail,
        Low,
        "bucket assets allows public listing",
    ));
    changed.after = Some(state(
        Status::Fail,
        Medium,
        "bucket assets allows public reads",
    ));
    changed.first_seen = Some(day(1));

    let mut fixed = finding(Resolved, "iam_user_mfa", &alice, High);
    fixed.region = "global".into();
    fixed.before = Some(state(
        Status::Fail,
        High,
        "user alice has a password and no MFA device",
    ));
    fixed.after = Some(state(Status::Pass, High, "user alice has an MFA device"));
    fixed.first_seen = Some(day(1));
    fixed.last_seen = Some(day(3));
    fixed.time_to_fix_secs = Some(4 * 86_400 + 3 * 3_600);

    let mut gone = finding(Resolved, "s3_bucket_logging", "arn:aws:s3:::old-logs", Low);
    gone.region = "global".into();
    gone.before = Some(state(
        Status::Fail,
        Low,
        "bucket old-logs does not log access",
    ));
    gone.first_seen = Some(day(3));
    gone.last_seen = Some(day(3));
    gone.time_to_fix_secs = Some(2 * 86_400);

    let mut muted = finding(
        Muted,
        "ec2_default_sg_traffic",
        &sg("eu-west-1", "sg-0def5678"),
        Info,
    );
    muted.before = Some(state(
        Status::Fail,
        Info,
        "default security group allows traffic",
    ));
    let mut after = state(Status::Fail, Info, "default security group allows traffic");
    after.muted_by = Some("default-sgs".into());
    muted.after = Some(after);
    muted.first_seen = Some(day(1));

    let east = sg("us-east-1", "sg-0cafe9012");
    let mut unknown = finding(Unknown, "ec2_sg_open_rdp", &east, High);
    unknown.region = "us-east-1".into();
    unknown.before = Some(state(
        Status::Fail,
        High,
        "security group admin allows tcp/3389 from 0.0.0.0/0",
    ));
    unknown.unknown_reason = Some(DENIED.into());
    unknown.first_seen = Some(day(1));
    unknown.last_seen = Some(day(3));

    let mut unread = line("password last used", None);
    unread.unread = true;
    ScanDiff {
        from,
        to,
        findings: vec![new, reopened, changed, fixed, gone, muted, unknown],
        resources: vec![
            resource(
                ResourceChangeKind::Added,
                "ec2:security_groups",
                &sg("eu-west-1", "sg-0beef4567"),
                "eu-west-1",
                Some("db"),
                vec![line("ingress + tcp/5432 from 10.0.0.0/8", None)],
            ),
            resource(
                ResourceChangeKind::Changed,
                "ec2:security_groups",
                &web,
                "eu-west-1",
                Some("web"),
                vec![
                    line("ingress + tcp/22 from 0.0.0.0/0", Some(RiskKind::WorldOpen)),
                    line("description: \"web\" → \"web tier\"", None),
                ],
            ),
            resource(
                ResourceChangeKind::Unknown,
                "ec2:security_groups",
                &east,
                "us-east-1",
                Some("admin"),
                vec![],
            ),
            resource(
                ResourceChangeKind::Changed,
                "iam:users",
                &alice,
                "global",
                Some("alice"),
                vec![
                    line("MFA device removed", Some(RiskKind::MfaRemoved)),
                    unread,
                ],
            ),
            resource(
                ResourceChangeKind::Removed,
                "s3:buckets",
                "arn:aws:s3:::old-logs",
                "global",
                None,
                vec![],
            ),
        ],
        coverage: vec![
            CoverageChange {
                region: "us-east-1".into(),
                section: "ec2:security_groups".into(),
                before_read: true,
                after_read: false,
                reason: Some(DENIED.into()),
            },
            CoverageChange {
                region: "eu-west-1".into(),
                section: "rds:instances".into(),
                before_read: false,
                after_read: true,
                reason: None,
            },
        ],
    }
}

/// A diff whose every string from the account is [`HOSTILE`].
pub fn hostile_diff() -> ScanDiff {
    let mut d = diff();
    for f in &mut d.findings {
        f.resource = sg("eu-west-1", HOSTILE);
        for s in [&mut f.before, &mut f.after].into_iter().flatten() {
            s.reason = format!("reason {HOSTILE}");
        }
        if f.unknown_reason.is_some() {
            f.unknown_reason = Some(format!("why {HOSTILE}"));
        }
    }
    for r in &mut d.resources {
        r.name = Some(HOSTILE.into());
        r.key = sg(&r.region, HOSTILE);
        for l in &mut r.lines {
            l.text = format!("line {HOSTILE}");
        }
    }
    for c in &mut d.coverage {
        c.reason = Some(format!("denied {HOSTILE}"));
    }
    d
}

/// User alice: created, lost her MFA device, then deleted. `at` is the middle revision.
pub fn alice() -> ResourceHistory {
    ResourceHistory {
        account_id: ACCOUNT.into(),
        kind: "iam:users".into(),
        key: user("alice"),
        region: "global".into(),
        name: Some("alice".into()),
        revisions: vec![
            Revision {
                first_scan: 10,
                first_seen: day(1),
                last_scan: 12,
                last_seen: day(3),
                present: true,
                hash: Some("9f2c".repeat(16)),
                body: Some(json!({
                    "UserName": "alice",
                    "MfaDevices": ["arn:aws:iam::111122223333:mfa/alice"],
                    "Tags": {"team": "payments"}
                })),
                changes: vec![],
            },
            Revision {
                first_scan: 14,
                first_seen: day(5),
                last_scan: 14,
                last_seen: day(5),
                present: true,
                hash: Some("41ab".repeat(16)),
                body: Some(json!({
                    "UserName": "alice",
                    "MfaDevices": [],
                    "Tags": {"team": "payments"}
                })),
                changes: vec![line("MFA device removed", Some(RiskKind::MfaRemoved))],
            },
            Revision {
                first_scan: 15,
                first_seen: day(6),
                last_scan: 15,
                last_seen: day(6),
                present: false,
                hash: None,
                body: None,
                changes: vec![],
            },
        ],
        at: Some(1),
    }
}
