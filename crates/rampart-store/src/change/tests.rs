use super::*;
use rampart_inventory::*;
use serde::Serialize;
use serde_json::json;

fn v<T: Serialize>(t: &T) -> Value {
    serde_json::to_value(t).unwrap()
}

fn texts(lines: &[ChangeLine]) -> Vec<&str> {
    lines.iter().map(|l| l.text.as_str()).collect()
}

fn risks(lines: &[ChangeLine]) -> Vec<RiskKind> {
    lines.iter().filter_map(|l| l.risk).collect()
}

fn rule(proto: &str, port: i32, cidr: &str) -> SgRule {
    SgRule {
        protocol: proto.into(),
        from_port: Some(port),
        to_port: Some(port),
        ipv4_ranges: vec![cidr.into()],
        ..Default::default()
    }
}

fn sg(ingress: Vec<SgRule>, egress: Vec<SgRule>) -> SecurityGroup {
    SecurityGroup {
        id: "sg-0abc".into(),
        name: "web".into(),
        arn: "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0abc".into(),
        vpc_id: "vpc-1".into(),
        ingress,
        egress,
        ..Default::default()
    }
}

fn gap(code: &str) -> Gap {
    Gap {
        api: "s3:GetBucketPolicy".into(),
        code: code.into(),
        message: "no".into(),
    }
}

// Issue 11 (WorldOpen): an added ingress from 0.0.0.0/0 or ::/0 is risky, one line per
// peer; an added ingress from a private range, an egress to the world and a removal are not.
#[test]
fn security_group_rules() {
    let before = sg(vec![rule("tcp", 443, "10.0.0.0/8")], vec![]);
    let mut open = rule("tcp", 22, "0.0.0.0/0");
    open.ipv4_ranges.push("192.0.2.0/24".into());
    open.ipv6_ranges.push("::/0".into());
    let after = sg(
        vec![open, rule("-1", 0, "10.1.0.0/16")],
        vec![rule("tcp", 443, "0.0.0.0/0")],
    );
    let lines = describe_changed("ec2:security_groups", &v(&before), &v(&after));
    assert_eq!(
        texts(&lines),
        [
            "ingress - tcp/443 from 10.0.0.0/8",
            "ingress + tcp/22 from 0.0.0.0/0",
            "ingress + tcp/22 from 192.0.2.0/24",
            "ingress + tcp/22 from ::/0",
            "ingress + all from 10.1.0.0/16",
            "egress + tcp/443 to 0.0.0.0/0",
        ]
    );
    assert_eq!(
        lines.iter().map(|l| l.risk).collect::<Vec<_>>(),
        [
            None,
            Some(RiskKind::WorldOpen),
            None,
            Some(RiskKind::WorldOpen),
            None,
            None
        ]
    );
    // Closing the group is not risky.
    let lines = describe_changed("ec2:security_groups", &v(&after), &v(&before));
    assert!(risks(&lines).is_empty(), "{lines:?}");
    // A new group open to the world; a new closed one says nothing.
    let added = describe_added("ec2:security_groups", &v(&after));
    assert_eq!(
        texts(&added),
        ["ingress tcp/22 from 0.0.0.0/0", "ingress tcp/22 from ::/0"]
    );
    assert_eq!(risks(&added), [RiskKind::WorldOpen, RiskKind::WorldOpen]);
    assert!(describe_added("ec2:security_groups", &v(&before)).is_empty());
}

// Issue 11: port ranges, ICMP and protocol numbers read as people write them.
#[test]
fn protocols_read_naturally() {
    let range = SgRule {
        protocol: "udp".into(),
        from_port: Some(1000),
        to_port: Some(2000),
        source_groups: vec!["sg-peer".into()],
        ..Default::default()
    };
    let icmp = SgRule {
        protocol: "icmp".into(),
        from_port: Some(8),
        to_port: Some(-1),
        prefix_lists: vec!["pl-1".into()],
        ..Default::default()
    };
    let lines = describe_changed(
        "ec2:security_groups",
        &v(&sg(vec![], vec![])),
        &v(&sg(vec![range, icmp], vec![])),
    );
    assert_eq!(
        texts(&lines),
        [
            "ingress + udp/1000-2000 from sg-peer",
            "ingress + icmp/8 from pl-1"
        ]
    );
}

fn nacl(entries: Vec<NaclEntry>) -> NetworkAcl {
    NetworkAcl {
        id: "acl-1".into(),
        arn: "arn:aws:ec2:eu-west-1:111122223333:network-acl/acl-1".into(),
        entries,
        ..Default::default()
    }
}

fn entry(n: i32, egress: bool, action: &str, cidr: &str) -> NaclEntry {
    NaclEntry {
        rule_number: n,
        egress,
        protocol: "6".into(),
        action: action.into(),
        cidr_block: Some(cidr.into()),
        from_port: Some(22),
        to_port: Some(22),
        ..Default::default()
    }
}

// Issue 11 (WorldOpen): a network ACL entry that now allows the world inbound is risky; a
// deny, an outbound allow or a private range are not.
#[test]
fn network_acl_entries() {
    let before = nacl(vec![entry(100, false, "deny", "0.0.0.0/0")]);
    let after = nacl(vec![
        entry(100, false, "allow", "0.0.0.0/0"),
        entry(110, false, "allow", "10.0.0.0/8"),
        entry(120, true, "allow", "0.0.0.0/0"),
    ]);
    let lines = describe_changed("ec2:network_acls", &v(&before), &v(&after));
    assert_eq!(
        texts(&lines),
        [
            "inbound - 100 deny tcp/22 from 0.0.0.0/0",
            "inbound + 100 allow tcp/22 from 0.0.0.0/0",
            "inbound + 110 allow tcp/22 from 10.0.0.0/8",
            "outbound + 120 allow tcp/22 to 0.0.0.0/0",
        ]
    );
    assert_eq!(risks(&lines), [RiskKind::WorldOpen]);
    assert_eq!(lines[1].risk, Some(RiskKind::WorldOpen));
    let lines = describe_changed("ec2:network_acls", &v(&after), &v(&before));
    assert!(risks(&lines).is_empty());
}

fn user(policies: &[&str]) -> User {
    User {
        name: "alice".into(),
        arn: "arn:aws:iam::111122223333:user/alice".into(),
        id: "AIDA1".into(),
        path: "/".into(),
        groups: vec!["devs".into()],
        attached_policies: policies
            .iter()
            .map(|arn| AttachedPolicy {
                name: arn.rsplit('/').next().unwrap().into(),
                arn: (*arn).into(),
            })
            .collect(),
        ..Default::default()
    }
}

const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
const READ_ONLY: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";

fn admin_doc() -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
}

fn s3_doc() -> Value {
    json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}})
}

// Issue 11 (AdminAttached): AdministratorAccess attached to a user, or an inline policy
// allowing * on *, is risky; another policy, or a detachment, is not.
#[test]
fn user_policies_and_groups() {
    let before = user(&[READ_ONLY]);
    let mut after = user(&[ADMIN]);
    after.groups = vec!["admins".into()];
    after.inline_policies = vec![
        InlinePolicy {
            name: "everything".into(),
            document: admin_doc(),
        },
        InlinePolicy {
            name: "reader".into(),
            document: s3_doc(),
        },
    ];
    let lines = describe_changed("iam:users", &v(&before), &v(&after));
    assert_eq!(
        texts(&lines),
        [
            "group - devs",
            "group + admins",
            "policy - arn:aws:iam::aws:policy/ReadOnlyAccess",
            "policy + arn:aws:iam::aws:policy/AdministratorAccess",
            "inline policy + everything",
            "inline policy + reader",
        ]
    );
    assert_eq!(
        lines.iter().map(|l| l.risk).collect::<Vec<_>>(),
        [
            None,
            None,
            None,
            Some(RiskKind::AdminAttached),
            Some(RiskKind::AdminAttached),
            None
        ]
    );
    let back = describe_changed("iam:users", &v(&after), &v(&before));
    assert!(risks(&back).is_empty(), "{back:?}");
    // An inline policy that now allows * on *.
    let mut widened = after.clone();
    widened.inline_policies[1].document = admin_doc();
    let lines = describe_changed("iam:users", &v(&after), &v(&widened));
    assert_eq!(lines[0].text, "inline policy reader now allows * on *");
    assert_eq!(risks(&lines), [RiskKind::AdminAttached]);
    // New users: admin is notable, read-only is not.
    assert_eq!(
        risks(&describe_added("iam:users", &v(&after))),
        [RiskKind::AdminAttached, RiskKind::AdminAttached]
    );
    assert!(describe_added("iam:users", &v(&before)).is_empty());
}

// Issue 11 (AdminAttached): groups and roles read their policies the same way.
#[test]
fn group_and_role_admin_attachment() {
    let group = |arns: &[&str]| Group {
        name: "ops".into(),
        arn: "arn:aws:iam::111122223333:group/ops".into(),
        attached_policies: arns
            .iter()
            .map(|a| AttachedPolicy {
                name: "p".into(),
                arn: (*a).into(),
            })
            .collect(),
        ..Default::default()
    };
    let lines = describe_changed("iam:groups", &v(&group(&[])), &v(&group(&[ADMIN])));
    assert_eq!(risks(&lines), [RiskKind::AdminAttached]);
    let lines = describe_changed("iam:groups", &v(&group(&[])), &v(&group(&[READ_ONLY])));
    assert_eq!(
        texts(&lines),
        ["policy + arn:aws:iam::aws:policy/ReadOnlyAccess"]
    );
    assert!(risks(&lines).is_empty());
    let gov = "arn:aws-us-gov:iam::aws:policy/AdministratorAccess";
    let lines = describe_changed("iam:roles", &v(&role(trust(&[]))), &{
        let mut r = role(trust(&[]));
        r.attached_policies.push(AttachedPolicy {
            name: "AdministratorAccess".into(),
            arn: gov.into(),
        });
        v(&r)
    });
    assert_eq!(risks(&lines), [RiskKind::AdminAttached]);
}

// Issue 11 (AccessKeyCreated): keys of schema 2 and 3 user lists: a new active key or an
// activated one is risky; a new inactive key or a deactivation is not. Key ids are shortened.
#[test]
fn legacy_user_access_keys() {
    let key = |id: &str, active: bool| AccessKey {
        id: id.into(),
        active,
        create_date: None,
    };
    let mut before = user(&[]);
    before.access_keys = Some(Collected::Ok(vec![key("AKIAAAAAAAAAAAAA1111", false)]));
    let mut after = user(&[]);
    after.access_keys = Some(Collected::Ok(vec![
        key("AKIAAAAAAAAAAAAA1111", true),
        key("AKIABBBBBBBBBBBB2222", true),
        key("AKIACCCCCCCCCCCC3333", false),
    ]));
    let lines = describe_changed("iam:users", &v(&before), &v(&after));
    assert_eq!(
        texts(&lines),
        [
            "access key AKIA…1111 activated",
            "access key + AKIA…2222",
            "access key + AKIA…3333"
        ]
    );
    assert_eq!(
        risks(&lines),
        [RiskKind::AccessKeyCreated, RiskKind::AccessKeyCreated]
    );
    let back = describe_changed("iam:users", &v(&after), &v(&before));
    assert!(risks(&back).is_empty(), "{back:?}");
    assert_eq!(
        texts(&describe_added("iam:users", &v(&after))),
        ["access key AKIA…1111 active", "access key AKIA…2222 active"]
    );
    // Not read in the later scan: unknown, not a change.
    let mut unread = user(&[]);
    unread.access_keys = Some(Collected::Missing(gap("AccessDenied")));
    let lines = describe_changed("iam:users", &v(&before), &v(&unread));
    assert_eq!(
        texts(&lines),
        ["access keys: not read in the later scan (AccessDenied)"]
    );
    assert!(lines[0].unread && lines[0].risk.is_none());
}

fn row() -> CredentialReportRow {
    let t =
        |d| Some(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, d, 0, 0, 0).unwrap());
    CredentialReportRow {
        user: "alice".into(),
        arn: "arn:aws:iam::111122223333:user/alice".into(),
        user_creation_time: t(1),
        password_enabled: true,
        password_last_changed: t(1),
        mfa_active: true,
        access_keys: [
            KeyReport {
                active: true,
                last_rotated: t(1),
                ..Default::default()
            },
            KeyReport::default(),
        ],
        ..Default::default()
    }
}

// Issue 11 (MfaRemoved, AccessKeyCreated): a report row that loses its MFA, gets a key in
// slot 2 and a rotated key in slot 1 is risky; the reverse is not.
#[test]
fn credential_report_rows() {
    let before = row();
    let mut after = row();
    after.mfa_active = false;
    after.access_keys[0].last_rotated = after
        .password_last_changed
        .map(|t| t + chrono::Duration::days(3));
    after.access_keys[1].active = true;
    after.access_keys[1].last_rotated = after.access_keys[0].last_rotated;
    after.password_enabled = false;
    after.cert_active = [true, false];
    let lines = describe_changed("iam:credential_report", &v(&before), &v(&after));
    assert_eq!(
        texts(&lines),
        [
            "access key 1 rotated",
            "access key 2 created",
            "MFA device removed",
            "console password (login profile) removed",
            "signing certificate 1 activated",
        ]
    );
    assert_eq!(
        risks(&lines),
        [
            RiskKind::AccessKeyCreated,
            RiskKind::AccessKeyCreated,
            RiskKind::MfaRemoved
        ]
    );
    // The reverse (slot 1 left as rotated) loses a key and MFA: nothing risky.
    let mut rotated = before.clone();
    rotated.access_keys[0] = after.access_keys[0].clone();
    let back = describe_changed("iam:credential_report", &v(&after), &v(&rotated));
    assert!(risks(&back).is_empty(), "{back:?}");
    assert!(back.iter().any(|l| l.text == "access key 2 deleted"));
    assert!(back.iter().any(|l| l.text == "MFA device added"));
    // Deactivating keeps the rotation date.
    let mut off = row();
    off.access_keys[0].active = false;
    let lines = describe_changed("iam:credential_report", &v(&before), &v(&off));
    assert_eq!(texts(&lines), ["access key 1 deactivated"]);
    // A new user row with an active key.
    let added = describe_added("iam:credential_report", &v(&after));
    assert_eq!(
        texts(&added),
        ["access key 1 active", "access key 2 active"]
    );
    let mut quiet = row();
    quiet.access_keys[0].active = false;
    assert!(describe_added("iam:credential_report", &v(&quiet)).is_empty());
}

// Issue 11 (MfaRemoved, AccessKeyCreated): the account summary's root MFA and root keys.
#[test]
fn account_summary_root() {
    let summary = |mfa: i64, keys: i64, users: i64| json!({"AccountMFAEnabled": mfa, "AccountAccessKeysPresent": keys, "Users": users});
    let lines = describe_changed("iam:account_summary", &summary(1, 0, 3), &summary(0, 1, 4));
    assert_eq!(
        texts(&lines),
        [
            "root MFA: true → false",
            "root access keys: false → true",
            "Users: 3 → 4"
        ]
    );
    assert_eq!(
        risks(&lines),
        [RiskKind::MfaRemoved, RiskKind::AccessKeyCreated]
    );
    let lines = describe_changed("iam:account_summary", &summary(0, 1, 3), &summary(1, 0, 3));
    assert!(risks(&lines).is_empty(), "{lines:?}");
}

// Issue 11 (MfaRemoved): a virtual MFA device unassigned from its user, or deleted while
// assigned; assigning one is not risky.
#[test]
fn virtual_mfa_devices() {
    let device = |user: Option<&str>| VirtualMfaDevice {
        serial_number: "arn:aws:iam::111122223333:mfa/alice".into(),
        user_arn: user.map(String::from),
        enable_date: None,
    };
    let alice = Some("arn:aws:iam::111122223333:user/alice");
    let lines = describe_changed(
        "iam:virtual_mfa_devices",
        &v(&device(alice)),
        &v(&device(None)),
    );
    assert_eq!(
        texts(&lines),
        ["unassigned from arn:aws:iam::111122223333:user/alice"]
    );
    assert_eq!(risks(&lines), [RiskKind::MfaRemoved]);
    let lines = describe_changed(
        "iam:virtual_mfa_devices",
        &v(&device(None)),
        &v(&device(alice)),
    );
    assert!(risks(&lines).is_empty());
    assert_eq!(
        risks(&describe_removed(
            "iam:virtual_mfa_devices",
            &v(&device(alice))
        )),
        [RiskKind::MfaRemoved]
    );
    assert!(describe_removed("iam:virtual_mfa_devices", &v(&device(None))).is_empty());
}

fn trust(principals: &[Value]) -> Value {
    let statements: Vec<Value> = principals
        .iter()
        .map(|p| json!({"Effect": "Allow", "Principal": p, "Action": "sts:AssumeRole"}))
        .collect();
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn role(trust: Value) -> Role {
    Role {
        name: "deploy".into(),
        arn: "arn:aws:iam::111122223333:role/deploy".into(),
        path: "/".into(),
        assume_role_policy: trust,
        ..Default::default()
    }
}

// Issue 11 (TrustWidened): trusting another account or everyone is risky; trusting the
// role's own account or a service is not.
#[test]
fn role_trust() {
    let before = role(trust(&[json!({"Service": "ec2.amazonaws.com"})]));
    let after = role(trust(&[
        json!({"Service": "ec2.amazonaws.com"}),
        json!({"AWS": ["arn:aws:iam::444455556666:root", "111122223333"]}),
        json!("*"),
    ]));
    let lines = describe_changed("iam:roles", &v(&before), &v(&after));
    assert_eq!(
        texts(&lines),
        [
            "trust + AWS arn:aws:iam::444455556666:root",
            "trust + AWS 111122223333",
            "trust + *"
        ]
    );
    assert_eq!(
        lines.iter().map(|l| l.risk).collect::<Vec<_>>(),
        [
            Some(RiskKind::TrustWidened),
            None,
            Some(RiskKind::TrustWidened)
        ]
    );
    let own = role(trust(&[
        json!({"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]}),
        json!({"AWS": "arn:aws:iam::111122223333:role/ci"}),
    ]));
    let lines = describe_changed("iam:roles", &v(&before), &v(&own));
    assert_eq!(lines.len(), 2);
    assert!(risks(&lines).is_empty(), "{lines:?}");
    let back = describe_changed("iam:roles", &v(&after), &v(&before));
    assert!(risks(&back).is_empty());
    // A condition change with the same principals reads as field paths.
    let mut conditioned = before.clone();
    conditioned.assume_role_policy["Statement"][0]["Condition"] =
        json!({"StringEquals": {"sts:ExternalId": "x"}});
    let lines = describe_changed("iam:roles", &v(&before), &v(&conditioned));
    assert_eq!(
        texts(&lines),
        ["trust policy.Statement[0].Condition: none → {\"StringEquals\":{\"sts:ExternalId\":\"x\"}}"]
    );
    // Two long principals that share their first 60 characters are both seen, each cut.
    let long = |suffix: &str| format!("arn:aws:iam::444455556666:role/{}{suffix}", "x".repeat(60));
    let wide = role(trust(&[json!({"AWS": [long("a"), long("b")]})]));
    let lines = describe_changed("iam:roles", &v(&role(trust(&[]))), &v(&wide));
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0].text, lines[1].text);
    assert_eq!(risks(&lines), [RiskKind::TrustWidened; 2]);
    assert!(lines[0].text.ends_with('…'));
    // A new role that trusts another account.
    let added = describe_added("iam:roles", &v(&after));
    assert_eq!(
        texts(&added),
        ["trusts AWS arn:aws:iam::444455556666:root", "trusts *"]
    );
    assert!(describe_added("iam:roles", &v(&own)).is_empty());
}

fn managed(doc: Value) -> ManagedPolicy {
    ManagedPolicy {
        name: "deployer".into(),
        arn: "arn:aws:iam::111122223333:policy/deployer".into(),
        aws_managed: false,
        attachment_count: 1,
        default_version_id: "v1".into(),
        document: doc,
    }
}

// Issue 11 (AdminAttached): a managed policy whose document now allows * on *.
#[test]
fn managed_policy_documents() {
    let lines = describe_changed(
        "iam:policies",
        &v(&managed(s3_doc())),
        &v(&managed(admin_doc())),
    );
    assert_eq!(lines[0].text, "document now allows * on *");
    assert_eq!(risks(&lines), [RiskKind::AdminAttached]);
    assert!(lines.len() > 1, "the document's change is shown too");
    let lines = describe_changed(
        "iam:policies",
        &v(&managed(admin_doc())),
        &v(&managed(s3_doc())),
    );
    assert!(risks(&lines).is_empty());
    let mut narrow = s3_doc();
    narrow["Statement"]["Action"] = json!(["s3:GetObject", "s3:PutObject"]);
    let lines = describe_changed("iam:policies", &v(&managed(s3_doc())), &v(&managed(narrow)));
    assert_eq!(texts(&lines), ["document.Statement.Action + s3:PutObject"]);
    assert_eq!(
        risks(&describe_added("iam:policies", &v(&managed(admin_doc())))),
        [RiskKind::AdminAttached]
    );
    assert!(describe_added("iam:policies", &v(&managed(s3_doc()))).is_empty());
}

fn policy(min: i32, symbols: bool) -> PasswordPolicy {
    PasswordPolicy {
        minimum_password_length: Some(min),
        require_symbols: symbols,
        max_password_age: Some(90),
        password_reuse_prevention: Some(24),
        ..Default::default()
    }
}

// Issue 11 (PasswordPolicyWeakened): shorter, fewer requirements, longer-lived or deleted is
// risky; stronger or newly set is not.
#[test]
fn password_policy() {
    let strong = v(&Some(policy(14, true)));
    let weak = v(&Some(policy(8, false)));
    let lines = describe_changed("iam:password_policy", &strong, &weak);
    assert_eq!(
        texts(&lines),
        [
            "minimum_password_length: 14 → 8",
            "require_symbols: true → false"
        ]
    );
    assert_eq!(
        risks(&lines),
        [
            RiskKind::PasswordPolicyWeakened,
            RiskKind::PasswordPolicyWeakened
        ]
    );
    assert!(risks(&describe_changed("iam:password_policy", &weak, &strong)).is_empty());
    let mut ageless = policy(14, true);
    ageless.max_password_age = None;
    ageless.allow_users_to_change_password = true;
    let lines = describe_changed("iam:password_policy", &strong, &v(&Some(ageless)));
    assert_eq!(
        texts(&lines),
        [
            "allow_users_to_change_password: false → true",
            "max_password_age: 90 → none"
        ]
    );
    assert_eq!(risks(&lines), [RiskKind::PasswordPolicyWeakened]);
    let none = v(&None::<PasswordPolicy>);
    let lines = describe_changed("iam:password_policy", &strong, &none);
    assert_eq!(texts(&lines), ["password policy deleted"]);
    assert_eq!(risks(&lines), [RiskKind::PasswordPolicyWeakened]);
    let lines = describe_changed("iam:password_policy", &none, &strong);
    assert_eq!(texts(&lines), ["password policy set"]);
    assert!(risks(&lines).is_empty());
}

fn trail(logging: Collected<TrailStatus>, multi: bool, validation: bool) -> Trail {
    Trail {
        name: "main".into(),
        arn: "arn:aws:cloudtrail:eu-west-1:111122223333:trail/main".into(),
        home_region: "eu-west-1".into(),
        is_multi_region: multi,
        log_file_validation: validation,
        status: logging,
        ..Default::default()
    }
}

fn logging(on: bool) -> Collected<TrailStatus> {
    Collected::Ok(TrailStatus {
        is_logging: on,
        ..Default::default()
    })
}

// Issue 11 (TrailStopped): logging stopped, multi-region or validation lost, or the trail
// deleted; turning them on is not risky, and a status not read is unknown.
#[test]
fn trails() {
    let good = trail(logging(true), true, true);
    let bad = trail(logging(false), false, false);
    let lines = describe_changed("cloudtrail:trails", &v(&good), &v(&bad));
    assert_eq!(
        texts(&lines),
        [
            "logging: true → false",
            "multi-region: true → false",
            "log file validation: true → false"
        ]
    );
    assert_eq!(risks(&lines), [RiskKind::TrailStopped; 3]);
    assert!(risks(&describe_changed("cloudtrail:trails", &v(&bad), &v(&good))).is_empty());
    let unread = trail(Collected::Missing(gap("AccessDenied")), true, true);
    let lines = describe_changed("cloudtrail:trails", &v(&good), &v(&unread));
    assert_eq!(
        texts(&lines),
        ["status: not read in the later scan (AccessDenied)"]
    );
    assert!(lines[0].unread);
    assert!(risks(&lines).is_empty());
    let lines = describe_changed("cloudtrail:trails", &v(&unread), &v(&good));
    assert_eq!(
        texts(&lines),
        ["status: not read in the earlier scan (AccessDenied)"]
    );
    assert_eq!(
        risks(&describe_removed("cloudtrail:trails", &v(&good))),
        [RiskKind::TrailStopped]
    );
    assert!(describe_added("cloudtrail:trails", &v(&bad)).is_empty());
}

// Issue 11 (GuardDutyDisabled): a detector suspended or deleted; enabling one is not.
#[test]
fn guardduty_detectors() {
    let detector = |status: &str| Detector {
        id: "d-1".into(),
        status: Collected::Ok(status.into()),
        finding_publishing_frequency: None,
    };
    let lines = describe_changed(
        "guardduty:detectors",
        &v(&detector("ENABLED")),
        &v(&detector("DISABLED")),
    );
    assert_eq!(texts(&lines), ["status: ENABLED → DISABLED"]);
    assert_eq!(risks(&lines), [RiskKind::GuardDutyDisabled]);
    let lines = describe_changed(
        "guardduty:detectors",
        &v(&detector("DISABLED")),
        &v(&detector("ENABLED")),
    );
    assert!(risks(&lines).is_empty());
    assert_eq!(
        risks(&describe_removed(
            "guardduty:detectors",
            &v(&detector("ENABLED"))
        )),
        [RiskKind::GuardDutyDisabled]
    );
}

// Issue 11 (RecorderStopped): recording stopped, or a recording recorder deleted.
#[test]
fn config_recorders() {
    let recorder = |recording: Option<bool>| ConfigRecorder {
        name: "default".into(),
        all_supported: true,
        recording,
        ..Default::default()
    };
    let lines = describe_changed(
        "config:recorders",
        &v(&recorder(Some(true))),
        &v(&recorder(Some(false))),
    );
    assert_eq!(texts(&lines), ["recording: true → false"]);
    assert_eq!(risks(&lines), [RiskKind::RecorderStopped]);
    let lines = describe_changed(
        "config:recorders",
        &v(&recorder(Some(false))),
        &v(&recorder(Some(true))),
    );
    assert!(risks(&lines).is_empty());
    assert_eq!(
        risks(&describe_removed(
            "config:recorders",
            &v(&recorder(Some(true)))
        )),
        [RiskKind::RecorderStopped]
    );
    assert!(risks(&describe_removed(
        "config:recorders",
        &v(&recorder(Some(false)))
    ))
    .is_empty());
}

fn bucket() -> Bucket {
    Bucket {
        name: "data".into(),
        arn: "arn:aws:s3:::data".into(),
        region: "eu-west-1".into(),
        public_access_block: Collected::Ok(Some(PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: true,
            restrict_public_buckets: true,
        })),
        policy: Collected::Ok(None),
        acl_grants: Collected::Ok(vec![AclGrant {
            grantee_uri: None,
            grantee_id: Some(
                "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be".into(),
            ),
            permission: "FULL_CONTROL".into(),
        }]),
        logging_target: Collected::Ok(Some("logs".into())),
        tags: Collected::Ok(vec![]),
        ..Default::default()
    }
}

fn public_policy() -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"},
        {"Sid": "Ci", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/ci"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::data/*"}
    ]})
}

// Issue 11 (BucketPublic): a Block Public Access flag turned off, a policy statement for
// everyone, an ACL grant to AllUsers; a statement for one role, a grant to an account and
// turning a flag on are not. Other fields read as field paths.
#[test]
fn buckets() {
    let before = bucket();
    let mut after = bucket();
    if let Collected::Ok(Some(b)) = &mut after.public_access_block {
        b.block_public_policy = false;
    }
    after.policy = Collected::Ok(Some(public_policy()));
    if let Collected::Ok(grants) = &mut after.acl_grants {
        grants.push(AclGrant {
            grantee_uri: Some("http://acs.amazonaws.com/groups/global/AllUsers".into()),
            grantee_id: None,
            permission: "READ".into(),
        });
    }
    after.logging_target = Collected::Ok(None);
    let lines = describe_changed("s3:buckets", &v(&before), &v(&after));
    assert_eq!(
        texts(&lines),
        [
            "Block Public Access: BlockPublicPolicy off",
            "policy set",
            "policy + public statement: s3:GetObject",
            "ACL + READ to AllUsers",
            "logging_target: logs → none",
        ]
    );
    assert_eq!(risks(&lines), [RiskKind::BucketPublic; 3]);
    let back = describe_changed("s3:buckets", &v(&after), &v(&before));
    assert!(risks(&back).is_empty(), "{back:?}");
    // Only the private statement changes: no risk, field paths.
    let mut other = after.clone();
    let mut doc = public_policy();
    doc["Statement"][1]["Action"] = json!("s3:*");
    other.policy = Collected::Ok(Some(doc));
    let lines = describe_changed("s3:buckets", &v(&after), &v(&other));
    assert_eq!(
        texts(&lines),
        ["policy.Statement[Ci].Action: s3:PutObject → s3:*"]
    );
    assert!(risks(&lines).is_empty());
    // A grant to another account is not public.
    let mut granted = bucket();
    if let Collected::Ok(grants) = &mut granted.acl_grants {
        grants.push(AclGrant {
            grantee_uri: None,
            grantee_id: Some("abcdef0123456789".into()),
            permission: "READ".into(),
        });
    }
    let lines = describe_changed("s3:buckets", &v(&before), &v(&granted));
    assert_eq!(texts(&lines), ["ACL + READ to abcd…6789"]);
    assert!(risks(&lines).is_empty());
    // Block Public Access removed entirely.
    let mut none = bucket();
    none.public_access_block = Collected::Ok(None);
    let lines = describe_changed("s3:buckets", &v(&before), &v(&none));
    assert_eq!(texts(&lines), ["Block Public Access removed"]);
    assert_eq!(risks(&lines), [RiskKind::BucketPublic]);
    // New buckets: public is notable, private is not.
    assert_eq!(
        texts(&describe_added("s3:buckets", &v(&after))),
        [
            "policy public statement: s3:GetObject",
            "ACL READ to AllUsers"
        ]
    );
    assert!(describe_added("s3:buckets", &v(&before)).is_empty());
    // A policy that could not be read is unknown, not public and not removed.
    let mut unread = after.clone();
    unread.policy = Collected::Missing(gap("AccessDenied"));
    let lines = describe_changed("s3:buckets", &v(&after), &v(&unread));
    assert_eq!(
        texts(&lines),
        ["policy: not read in the later scan (AccessDenied)"]
    );
    assert!(lines[0].unread && lines[0].risk.is_none());
}

// Issue 11 (BucketPublic): the account's Block Public Access setting.
#[test]
fn account_block_public_access() {
    let on = v(&Some(PublicAccessBlock {
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: true,
        restrict_public_buckets: true,
    }));
    let mut off = on.clone();
    off["restrict_public_buckets"] = json!(false);
    let lines = describe_changed("s3:account_public_access_block", &on, &off);
    assert_eq!(
        texts(&lines),
        ["Block Public Access: RestrictPublicBuckets off"]
    );
    assert_eq!(risks(&lines), [RiskKind::BucketPublic]);
    assert!(risks(&describe_changed(
        "s3:account_public_access_block",
        &off,
        &on
    ))
    .is_empty());
    let lines = describe_changed("s3:account_public_access_block", &on, &Value::Null);
    assert_eq!(risks(&lines), [RiskKind::BucketPublic]);
    let lines = describe_changed("s3:account_public_access_block", &Value::Null, &on);
    assert_eq!(
        texts(&lines),
        ["Block Public Access set: BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets"]
    );
    assert!(risks(&lines).is_empty());
}

// Issue 11 (MadePublic): a database made publicly accessible, an AMI made public.
#[test]
fn made_public() {
    let db = |public: bool| DbInstance {
        id: "db-1".into(),
        arn: "arn:aws:rds:eu-west-1:111122223333:db:db-1".into(),
        publicly_accessible: public,
        ..Default::default()
    };
    let lines = describe_changed("rds:instances", &v(&db(false)), &v(&db(true)));
    assert_eq!(texts(&lines), ["publicly accessible: false → true"]);
    assert_eq!(risks(&lines), [RiskKind::MadePublic]);
    assert!(risks(&describe_changed(
        "rds:instances",
        &v(&db(true)),
        &v(&db(false))
    ))
    .is_empty());
    assert_eq!(
        risks(&describe_added("rds:instances", &v(&db(true)))),
        [RiskKind::MadePublic]
    );
    assert!(describe_added("rds:instances", &v(&db(false))).is_empty());
    let image = |public: bool| Image {
        id: "ami-1".into(),
        public,
        ..Default::default()
    };
    let lines = describe_changed("ec2:images", &v(&image(false)), &v(&image(true)));
    assert_eq!(risks(&lines), [RiskKind::MadePublic]);
    assert!(risks(&describe_changed(
        "ec2:images",
        &v(&image(true)),
        &v(&image(false))
    ))
    .is_empty());
}

// Issue 11: every other kind reads as field paths; list elements are matched by identity
// (id, arn, name, tag key) and shown as + and -, lists of names as sets.
#[test]
fn generic_fallback() {
    let key = |state: &str, rotation: Collected<bool>| KmsKey {
        id: "k-1".into(),
        arn: "arn:aws:kms:eu-west-1:111122223333:key/k-1".into(),
        manager: "CUSTOMER".into(),
        state: state.into(),
        rotation_enabled: rotation,
        policy: Collected::Ok(None),
        ..Default::default()
    };
    let lines = describe_changed(
        "kms:keys",
        &v(&key("Enabled", Collected::Ok(true))),
        &v(&key("Disabled", Collected::Ok(false))),
    );
    assert_eq!(
        texts(&lines),
        [
            "rotation_enabled: true → false",
            "state: Enabled → Disabled"
        ]
    );
    assert!(risks(&lines).is_empty());
    // Unread on one side: unknown, not a change.
    let lines = describe_changed(
        "kms:keys",
        &v(&key("Enabled", Collected::Missing(gap("AccessDenied")))),
        &v(&key("Enabled", Collected::Ok(true))),
    );
    assert_eq!(
        texts(&lines),
        ["rotation_enabled: not read in the earlier scan (AccessDenied)"]
    );
    assert!(lines[0].unread && lines[0].risk.is_none());
    // Both unread, for different reasons: still unread.
    let lines = describe_changed(
        "kms:keys",
        &v(&key("Enabled", Collected::Missing(gap("AccessDenied")))),
        &v(&key("Enabled", Collected::Missing(gap("Throttling")))),
    );
    assert_eq!(texts(&lines), ["rotation_enabled: not read (Throttling)"]);
    assert!(lines[0].unread);

    let lb = |subnets: &[&str], tag: &str, listeners: Vec<Listener>| LoadBalancer {
        name: "web".into(),
        arn: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/web/1".into(),
        subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
        tags: vec![Tag::new("team", tag)],
        listeners: Collected::Ok(listeners),
        attributes: Collected::Ok(Default::default()),
        ..Default::default()
    };
    let listener = |arn: &str, port: i32| Listener {
        arn: arn.into(),
        port,
        protocol: "HTTP".into(),
        ..Default::default()
    };
    let before = lb(
        &["subnet-1", "subnet-2"],
        "a",
        vec![listener("arn:l1", 80), listener("arn:l2", 8080)],
    );
    let after = lb(
        &["subnet-2", "subnet-3"],
        "b",
        vec![listener("arn:l1", 81), listener("arn:l3", 443)],
    );
    let lines = describe_changed("elbv2:load_balancers", &v(&before), &v(&after));
    assert_eq!(
        texts(&lines),
        [
            "listeners - arn:l2",
            "listeners[arn:l1].port: 80 → 81",
            "listeners + arn:l3",
            "subnet_ids - subnet-1",
            "subnet_ids + subnet-3",
            "tags[team].value: a → b",
        ]
    );
    // Only the order moved.
    let reordered = lb(
        &["subnet-2", "subnet-1"],
        "a",
        vec![listener("arn:l1", 80), listener("arn:l2", 8080)],
    );
    let lines = describe_changed("elbv2:load_balancers", &v(&before), &v(&reordered));
    assert_eq!(texts(&lines), ["subnet_ids: order changed"]);
    // A setting that is one value.
    let lines = describe_changed(
        "ec2:ebs_encryption_by_default",
        &Value::Bool(true),
        &Value::Bool(false),
    );
    assert_eq!(texts(&lines), ["value: true → false"]);
    // Equal bodies: nothing to say.
    assert!(describe_changed("kms:keys", &v(&before), &v(&before)).is_empty());
    // Kinds without a reading have nothing notable when added or removed.
    assert!(describe_added("kms:keys", &v(&before)).is_empty());
    assert!(describe_removed("kms:keys", &v(&before)).is_empty());
}

// Issue 11 / hostile data: names and values written by whoever controls the account pass
// through raw (the renderers escape them); long values are cut to MAX_VALUE characters.
#[test]
fn hostile_strings_pass_through_and_long_values_are_cut() {
    let hostile = "<img src=x onerror=alert(1)>\u{1b}[2J|a|";
    let mut before = sg(vec![], vec![]);
    before.description = "x".into();
    let mut after = sg(vec![], vec![]);
    after.description = hostile.into();
    let mut named = rule("tcp", 22, "10.0.0.0/8");
    named.source_groups = vec![hostile.into()];
    after.ingress = vec![named];
    let lines = describe_changed("ec2:security_groups", &v(&before), &v(&after));
    assert_eq!(
        texts(&lines),
        [
            "ingress + tcp/22 from 10.0.0.0/8".to_string(),
            format!("ingress + tcp/22 from {hostile}"),
            format!("description: x → {hostile}"),
        ]
    );
    let long = "é".repeat(200);
    let mut after = sg(vec![], vec![]);
    after.description = long;
    let lines = describe_changed("ec2:security_groups", &v(&before), &v(&after));
    let shown = lines[0].text.strip_prefix("description: x → ").unwrap();
    assert_eq!(shown.chars().count(), MAX_VALUE);
    assert!(shown.ends_with('…'));
}

// Issue 11: docs/store-changes.md names every risky kind (by its config name) and every kind
// with its own reading.
#[test]
fn docs_list_every_risk_and_kind() {
    let docs = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/store-changes.md"),
    )
    .unwrap();
    let all = [
        RiskKind::WorldOpen,
        RiskKind::MfaRemoved,
        RiskKind::AccessKeyCreated,
        RiskKind::AdminAttached,
        RiskKind::TrailStopped,
        RiskKind::GuardDutyDisabled,
        RiskKind::BucketPublic,
        RiskKind::RecorderStopped,
        RiskKind::MadePublic,
        RiskKind::TrustWidened,
        RiskKind::PasswordPolicyWeakened,
    ];
    for risk in all {
        // A new variant must be added to `all` above (and to the docs).
        match risk {
            RiskKind::WorldOpen
            | RiskKind::MfaRemoved
            | RiskKind::AccessKeyCreated
            | RiskKind::AdminAttached
            | RiskKind::TrailStopped
            | RiskKind::GuardDutyDisabled
            | RiskKind::BucketPublic
            | RiskKind::RecorderStopped
            | RiskKind::MadePublic
            | RiskKind::TrustWidened
            | RiskKind::PasswordPolicyWeakened => {}
        }
        let name = serde_json::to_value(risk).unwrap();
        let name = name.as_str().unwrap();
        assert!(docs.contains(&format!("`{name}`")), "docs miss {name}");
    }
    for kind in described_kinds() {
        assert!(docs.contains(&format!("`{kind}`")), "docs miss {kind}");
    }
    for (kind, path) in crate::extract::VOLATILE_FIELDS {
        assert!(
            docs.contains(&format!("`{path}`")),
            "docs miss {kind} {path}"
        );
    }
}
