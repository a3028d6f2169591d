//! Tests over the whole fixer registry and the plan's renderers (issue 14).

use super::render::{self, hcl_string, shell_quote};
use super::{fixers, plan, Plan, Risk};
use crate::checks::fixtures::{Fixture, ACCOUNT};
use crate::{evaluate, registry, Selection, Settings};
use rampart_inventory::*;
use serde_json::{json, Value};

/// A name S3 would refuse but a snapshot can still hold: quotes, a command, a newline and
/// an HCL template opener.
const HOSTILE: &str = "evil'; rm -rf ~ #\n${jndi}";

fn open_bucket(name: &str, policy: Option<Value>) -> Bucket {
    Bucket {
        name: name.into(),
        arn: format!("arn:aws:s3:::{name}"),
        region: "us-east-1".into(),
        public_access_block: Collected::Ok(None),
        policy: Collected::Ok(policy),
        acl_grants: Collected::Ok(vec![]),
        versioning: Collected::Ok(BucketVersioning::default()),
        logging_target: Collected::Ok(None),
        default_encryption: Collected::Ok(None),
        tags: Collected::Ok(vec![]),
        ..Default::default()
    }
}

/// An account that fails every check with a fixer, in two regions, with a public website
/// bucket and a hostile bucket name.
fn failing_account() -> Fixture {
    let mut fx = Fixture::new();
    fx.inv.s3.account_public_access_block = Collected::Ok(None);
    fx.inv.s3.buckets = Collected::Ok(vec![
        open_bucket(HOSTILE, None),
        open_bucket(
            "www.example.com",
            Some(json!({"Statement": [{"Effect": "Allow", "Principal": "*",
                "Action": "s3:GetObject", "Resource": "arn:aws:s3:::www.example.com/*"}]})),
        ),
    ]);
    // A multi-region trail delivers to CloudWatch Logs, and a topic has a confirmed
    // subscription, but no metric filter exists: every CIS section 5 control fails.
    let home = fx.region("us-east-1");
    home.cloudtrail.trails = Collected::Ok(vec![Trail {
        name: "main".into(),
        arn: format!("arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/main"),
        home_region: "us-east-1".into(),
        is_multi_region: true,
        is_organization_trail: false,
        log_file_validation: true,
        kms_key_id: None,
        cloudwatch_logs_log_group_arn: Some(format!(
            "arn:aws:logs:us-east-1:{ACCOUNT}:log-group:cloudtrail-main:*"
        )),
        s3_bucket_name: Some("trail-logs".into()),
        include_global_service_events: true,
        status: Collected::Ok(TrailStatus {
            is_logging: true,
            latest_delivery_error: None,
            latest_cloudwatch_logs_delivery_time: None,
        }),
        event_selectors: Collected::Ok(json!({"EventSelectors": [{
            "ReadWriteType": "All", "IncludeManagementEvents": true,
            "DataResources": [], "ExcludeManagementEventSources": []}]})),
    }]);
    let topic = format!("arn:aws:sns:us-east-1:{ACCOUNT}:security-alerts");
    home.sns.subscriptions = Collected::Ok(vec![Subscription {
        arn: format!("{topic}:0b1c2d3e-aaaa-bbbb-cccc-ddddeeeeffff"),
        topic_arn: topic,
        protocol: "email".into(),
    }]);
    // eu-west-1 has an enabled detector whose findings go nowhere.
    fx.region("eu-west-1").guardduty.detectors = Collected::Ok(vec![Detector {
        id: "d-eu".into(),
        status: Collected::Ok("ENABLED".into()),
        finding_publishing_frequency: None,
    }]);
    for region in ["us-east-1", "eu-west-1"] {
        let r = fx.region(region);
        r.ec2.ebs_encryption_by_default = Collected::Ok(false);
        r.ec2.vpcs = Collected::Ok(vec![Vpc {
            id: format!("vpc-{region}"),
            cidr_block: "10.0.0.0/16".into(),
            is_default: false,
            tags: vec![],
        }]);
        r.kms.keys = Collected::Ok(vec![KmsKey {
            id: format!("key-{region}"),
            arn: format!("arn:aws:kms:{region}:{ACCOUNT}:key/key-{region}"),
            manager: "CUSTOMER".into(),
            state: "Enabled".into(),
            spec: "SYMMETRIC_DEFAULT".into(),
            origin: "AWS_KMS".into(),
            deletion_date: None,
            rotation_enabled: Collected::Ok(false),
            policy: Collected::Ok(None),
        }]);
    }
    disruptive_failures(&mut fx);
    fx
}

/// An account where no trail qualifies for CIS 4.1, so that the CloudTrail fixers create
/// `rampart-trail` and rampart's key (which [`failing_account`], whose trail feeds the CIS
/// section 5 chain, cannot show): trail `legacy` is single-region, stopped, unvalidated,
/// unencrypted and records no management events, into a bucket of this account; the buckets
/// `--trail-bucket` and `--config-bucket` name are this account's too.
fn failing_trail_account() -> Fixture {
    let mut fx = Fixture::new();
    fx.inv.s3.buckets = Collected::Ok(
        ["legacy-logs", "rampart-trail-logs", "rampart-config-logs"]
            .into_iter()
            .map(|name| {
                let arn = format!("arn:aws:s3:::{name}");
                let https_only = json!({"Version": "2012-10-17", "Statement": [{
                    "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*",
                    "Action": "s3:*", "Resource": [arn.clone(), format!("{arn}/*")],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]});
                open_bucket(name, Some(https_only))
            })
            .collect(),
    );
    fx.region("us-east-1").cloudtrail.trails = Collected::Ok(vec![Trail {
        name: "legacy".into(),
        arn: format!("arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/legacy"),
        home_region: "us-east-1".into(),
        is_multi_region: false,
        is_organization_trail: false,
        log_file_validation: false,
        kms_key_id: None,
        cloudwatch_logs_log_group_arn: None,
        s3_bucket_name: Some("legacy-logs".into()),
        include_global_service_events: true,
        status: Collected::Ok(TrailStatus::default()),
        event_selectors: Collected::Ok(json!({"EventSelectors": []})),
    }]);
    fx
}

/// The plan for every failing finding of `fx`, with every `[fix]` setting given.
fn failing_plan(fx: &Fixture) -> Plan {
    let settings = super::testing::fix_settings();
    let findings = evaluate(&fx.inv, &settings, &Selection::default());
    plan(&fx.inv, &settings, &findings)
}

/// The failures whose fixes can cut something off, in `us-east-1`: an instance that accepts
/// IMDSv1 (with no IMDSv1 request counted), groups that open SSH, RDP, a database port,
/// SMB and every port to the world, a default group with its rules, a user's idle access
/// key (with the user's ListAccessKeys), and a publicly accessible DB instance.
fn disruptive_failures(fx: &mut Fixture) {
    let world = |protocol: &str, ports: Option<(i32, i32)>| SgRule {
        protocol: protocol.into(),
        from_port: ports.map(|p| p.0),
        to_port: ports.map(|p| p.1),
        ipv4_ranges: vec!["0.0.0.0/0".into()],
        ..Default::default()
    };
    let group = |id: &str, name: &str, ingress: Vec<SgRule>| SecurityGroup {
        id: id.into(),
        name: name.into(),
        arn: format!("arn:aws:ec2:us-east-1:{ACCOUNT}:security-group/{id}"),
        vpc_id: "vpc-us-east-1".into(),
        description: format!("{name} group"),
        ingress,
        egress: vec![world("-1", None)],
        tags: vec![],
    };
    let r = fx.region("us-east-1");
    r.ec2.instances = Collected::Ok(vec![Instance {
        id: "i-0imds".into(),
        arn: format!("arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-0imds"),
        state: "running".into(),
        metadata: MetadataOptions {
            http_tokens: "optional".into(),
            http_endpoint: "enabled".into(),
            http_put_response_hop_limit: Some(1),
        },
        user_data: Collected::Ok(None),
        metadata_no_token: Collected::Ok(0.0),
        ..Default::default()
    }]);
    r.ec2.security_groups = Collected::Ok(vec![
        group(
            "sg-default",
            "default",
            vec![SgRule {
                protocol: "-1".into(),
                source_groups: vec!["sg-default".into()],
                ..Default::default()
            }],
        ),
        group(
            "sg-admin",
            "admin",
            vec![
                world("tcp", Some((22, 22))),
                world("tcp", Some((3389, 3389))),
                world("tcp", Some((445, 445))),
                world("tcp", Some((5432, 5432))),
            ],
        ),
        group("sg-all", "wide-open", vec![world("-1", None)]),
    ]);
    r.rds.instances = Collected::Ok(vec![DbInstance {
        id: "orders".into(),
        arn: format!("arn:aws:rds:us-east-1:{ACCOUNT}:db:orders"),
        engine: "postgres".into(),
        engine_version: "16.3".into(),
        status: "available".into(),
        publicly_accessible: true,
        vpc_id: Some("vpc-us-east-1".into()),
        security_group_ids: vec!["sg-admin".into()],
        port: Some(5432),
        ..Default::default()
    }]);
    let created = fx.inv.collected_at - chrono::Duration::days(400);
    let user = "deploy";
    let arn = format!("arn:aws:iam::{ACCOUNT}:user/{user}");
    fx.inv.iam.credential_report = Collected::Ok(CredentialReport {
        generated_at: Some(fx.inv.collected_at),
        rows: vec![CredentialReportRow {
            user: user.into(),
            arn: arn.clone(),
            user_creation_time: Some(created),
            access_keys: [
                KeyReport {
                    active: true,
                    last_rotated: Some(created),
                    last_used: Some(fx.inv.collected_at - chrono::Duration::days(100)),
                    last_used_service: Some("s3".into()),
                },
                KeyReport::default(),
            ],
            ..Default::default()
        }],
    });
    fx.inv.iam.users = Collected::Ok(vec![User {
        name: user.into(),
        arn,
        access_keys: Some(Collected::Ok(vec![AccessKey {
            id: "AKIAIOSFODNN7EXAMPLE".into(),
            active: true,
            create_date: Some(created),
        }])),
        ..Default::default()
    }]);
}

/// The plans of the two failing accounts, and of the trail account with one bucket for the
/// trail, AWS Config and nothing else (no policy: it fails secure transport too).
fn failing_plans() -> [Plan; 3] {
    [
        failing_plan(&failing_account()),
        failing_plan(&failing_trail_account()),
        shared_bucket_plan().1,
    ]
}

/// The trail account with `shared-logs`, without a policy, named by `--trail-bucket` and
/// `--config-bucket`, and its plan.
fn shared_bucket_plan() -> (Fixture, Plan) {
    let mut fx = failing_trail_account();
    if let Collected::Ok(buckets) = &mut fx.inv.s3.buckets {
        buckets.push(open_bucket("shared-logs", None));
    }
    let mut settings = super::testing::fix_settings();
    settings.fix.trail_bucket = Some("shared-logs".into());
    settings.fix.config_bucket = Some("shared-logs".into());
    let findings = evaluate(&fx.inv, &settings, &Selection::default());
    let plan = plan(&fx.inv, &settings, &findings);
    (fx, plan)
}

// Issue 14: the steps that each write the whole policy of one bucket (the CloudTrail and
// AWS Config delivery grants, the secure-transport statement) are one step: two would
// overwrite each other, and the second would find the bucket changed since the plan.
#[test]
fn one_bucket_gets_one_policy_step() {
    let (fx, plan) = shared_bucket_plan();
    let policy_steps: Vec<&super::Step> = plan
        .steps
        .iter()
        .filter(|s| s.resource == "arn:aws:s3:::shared-logs")
        .collect();
    assert_eq!(policy_steps.len(), 1, "{policy_steps:#?}");
    let step = policy_steps[0];
    let mut fixes: Vec<&str> = std::iter::once(step.check_id.as_str())
        .chain(step.also_fixes.iter().map(String::as_str))
        .collect();
    fixes.sort();
    assert_eq!(
        fixes,
        [
            "cloudtrail_multi_region_logging",
            "config_recorder_enabled",
            "s3_bucket_secure_transport"
        ]
    );
    let sids: Vec<&str> = step.after["Policy"]["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["Sid"].as_str())
        .collect();
    for sid in [
        "AWSCloudTrailAclCheck",
        "AWSCloudTrailWrite",
        "AWSConfigBucketPermissionsCheck",
        "AWSConfigBucketDelivery",
        "RampartDenyInsecureTransport",
    ] {
        assert!(sids.contains(&sid), "{sid} missing from {sids:?}");
    }
    let written: Value =
        serde_json::from_str(step.calls[0].params["Policy"].as_str().unwrap()).unwrap();
    assert_eq!(written, step.after["Policy"]);
    assert_eq!(step.id, step.stable_id());
    assert!(step.cli[0].contains("AWSConfigBucketDelivery"));
    // Every dependency names a step of the plan, placed before it.
    for (n, s) in plan.steps.iter().enumerate() {
        for d in &s.depends_on {
            let at = plan.steps.iter().position(|x| &x.id == d);
            assert!(at.is_some_and(|a| a < n), "{} depends on missing {d}", s.id);
        }
    }
    let settings = {
        let mut s = super::testing::fix_settings();
        s.fix.trail_bucket = Some("shared-logs".into());
        s.fix.config_bucket = Some("shared-logs".into());
        s
    };
    assert_eq!(
        super::current_state(&fx.inv, &settings, step),
        Ok(step.before.clone())
    );
}

// ruff-style registry test: every fixer's check is registered, has a unique id, and its
// documentation says how rampart fix fixes it (in docs/checks.md and `rampart explain`).
#[test]
fn every_fixer_belongs_to_a_registered_documented_check() {
    assert!(fixers().len() >= 8);
    let mut seen = std::collections::BTreeSet::new();
    for f in fixers() {
        assert!(seen.insert(f.meta.id), "{} has two fixers", f.meta.id);
        let check = registry().iter().find(|c| c.meta.id == f.meta.id);
        assert!(
            check.is_some(),
            "fixer for unregistered check {}",
            f.meta.id
        );
        assert!(
            f.how.len() > 40,
            "{}: the fixer's `how` is too thin",
            f.meta.id
        );
        let explain = crate::docs::explain_text(f.meta);
        assert!(explain.contains("How rampart fix does it"), "{}", f.meta.id);
        let section = crate::docs::catalogue_markdown();
        let start = section.find(&format!("\n### {}\n", f.meta.id)).unwrap();
        let rest = &section[start + 5..];
        let end = rest.find("\n### ").unwrap_or(rest.len());
        assert!(
            rest[..end].contains("**How rampart fix does it:**"),
            "{}: docs/checks.md does not say how rampart fix does it",
            f.meta.id
        );
    }
}

// Issue 14: the failing accounts get a step from every fixer, each with calls, states, CLI
// commands of known AWS CLI commands, and an undo; and only the website bucket's steps (and
// the account block, which would cut it off), the IMDSv2 requirement, the idle key and the
// public DB instance are disruptive (the security groups there are used by nothing).
#[test]
fn every_fixer_plans_on_a_failing_account() {
    let plans = failing_plans();
    for f in fixers() {
        assert!(
            plans
                .iter()
                .flat_map(|p| &p.steps)
                .any(|s| s.check_id == f.meta.id || s.also_fixes.iter().any(|c| c == f.meta.id)),
            "no step for {}; not planned: {:#?}",
            f.meta.id,
            plans
                .iter()
                .flat_map(|p| &p.not_planned)
                .filter(|n| n.check_id == f.meta.id)
                .collect::<Vec<_>>()
        );
    }
    for s in plans.iter().flat_map(|p| &p.steps) {
        assert!(!s.calls.is_empty() && !s.cli.is_empty(), "{}", s.id);
        assert!(s.undo.is_some(), "{} has no undo", s.id);
        assert!(s.after != Value::Null, "{} has no after state", s.id);
        for c in &s.calls {
            assert!(c
                .operation
                .chars()
                .next()
                .is_some_and(|ch| ch.is_ascii_uppercase()));
        }
        for line in &s.cli {
            let command = line.split(' ').nth(1).unwrap_or("");
            assert!(line.starts_with("aws "), "{line}");
            assert!(
                crate::docs::tests::CLI_COMMANDS.contains(&command),
                "unknown CLI command in {line}"
            );
        }
    }
    let disruptive: Vec<(&str, &str)> = plans[0]
        .steps
        .iter()
        .filter(|s| s.risk == Risk::Disruptive)
        .map(|s| (s.check_id.as_str(), s.resource.as_str()))
        .collect();
    let root = format!("arn:aws:iam::{ACCOUNT}:root");
    assert_eq!(
        disruptive,
        [
            (
                "ec2_imdsv2_required",
                "arn:aws:ec2:us-east-1:111122223333:instance/i-0imds"
            ),
            (
                "iam_unused_credentials",
                "arn:aws:iam::111122223333:user/deploy"
            ),
            (
                "rds_not_publicly_accessible",
                "arn:aws:rds:us-east-1:111122223333:db:orders"
            ),
            ("s3_account_public_access_block", root.as_str()),
            (
                "s3_bucket_public_access_block",
                "arn:aws:s3:::www.example.com"
            ),
            ("s3_bucket_secure_transport", "arn:aws:s3:::www.example.com"),
        ]
    );
    assert!(plans[1].steps.iter().all(|s| s.risk == Risk::Safe));
}

// Issue 14: every step's `current_state` over the inventory it was planned from is its
// `before` (what `rampart fix --apply` compares just before writing).
#[test]
fn every_step_reads_its_before_state_back() {
    let settings = super::testing::fix_settings();
    let mut wrong = Vec::new();
    for fx in [failing_account(), failing_trail_account()] {
        for s in failing_plan(&fx).steps {
            let now = super::current_state(&fx.inv, &settings, &s);
            if now.as_ref() != Ok(&s.before) {
                wrong.push(format!(
                    "{} {} {}: {now:?}",
                    s.check_id, s.region, s.resource
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

// Issue 14: a dependency planned by two fixers (rampart's CloudTrail key) is kept once;
// the steps that depended on the dropped copy depend on the kept one.
#[test]
fn dependencies_survive_deduplication() {
    let plan = failing_plan(&failing_trail_account());
    let keys: Vec<&super::Step> = plan
        .steps
        .iter()
        .filter(|s| s.calls[0].operation == "CreateKey")
        .collect();
    assert_eq!(keys.len(), 1, "{plan:#?}");
    assert!(!keys[0].also_fixes.is_empty());
    let dependants = plan
        .steps
        .iter()
        .filter(|s| s.depends_on.contains(&keys[0].id))
        .count();
    assert_eq!(dependants, 2);
}

/// What each operation that a step's calls refer to with [`super::response_ref`] returns:
/// `(service, operation, output member)`, as the API reference names them.
const RESPONSE_MEMBERS: &[(&str, &str, &str)] = &[
    ("ec2", "CreateFlowLogs", "FlowLogIds"),
    ("guardduty", "CreateDetector", "DetectorId"),
    ("iam", "CreateServiceLinkedRole", "Role.RoleName"),
    ("kms", "CreateKey", "KeyMetadata.KeyId"),
    ("sns", "CreateTopic", "TopicArn"),
    ("sns", "Subscribe", "SubscriptionArn"),
];

/// Checks whose steps cannot be undone by API calls: their `undo` must say so and why, and
/// their `undo_calls` are empty. None today.
const NOT_UNDOABLE: &[&str] = &[];

/// Every response reference in `v`: `(call, member)`.
fn response_refs(v: &Value, out: &mut Vec<(usize, String)>) {
    if let Some((call, member)) = super::as_response_ref(v) {
        out.push((call, member.to_owned()));
        return;
    }
    match v {
        Value::Object(m) => m.values().for_each(|v| response_refs(v, out)),
        Value::Array(a) => a.iter().for_each(|v| response_refs(v, out)),
        _ => {}
    }
}

/// The failing account in the other shapes the fixers plan for: a suspended detector, a
/// weak password policy, a partial account block, the flow log role already there.
fn failing_account_variant() -> Fixture {
    let mut fx = failing_account();
    fx.inv.s3.account_public_access_block = Collected::Ok(Some(PublicAccessBlock {
        block_public_acls: true,
        ignore_public_acls: false,
        block_public_policy: true,
        restrict_public_buckets: false,
    }));
    fx.inv.iam.password_policy = Collected::Ok(Some(PasswordPolicy {
        minimum_password_length: Some(8),
        max_password_age: Some(90),
        ..Default::default()
    }));
    fx.inv.iam.roles = Collected::Ok(vec![Role {
        name: "rampart-vpc-flow-logs".into(),
        ..Default::default()
    }]);
    fx.region("eu-west-1").guardduty.detectors = Collected::Ok(vec![Detector {
        id: "d-eu".into(),
        status: Collected::Ok("DISABLED".into()),
        finding_publishing_frequency: None,
    }]);
    fx
}

// Issue 14 (undo): over failing accounts in every shape the fixers plan for, with and
// without an address to notify, every step says how it is undone and carries the calls that
// do it (unless its check is listed as not undoable); and every response reference, in the
// forward calls or the undo calls, names an earlier call of the same step and a member that
// call's operation returns.
#[test]
fn every_step_is_undoable_and_its_response_references_resolve() {
    let mut notify = Settings::default();
    notify.fix.notify_email = Some("soc@example.com".into());
    let mut planned = std::collections::BTreeSet::new();
    for (fx, settings) in [
        (failing_account(), Settings::default()),
        (failing_account(), notify.clone()),
        (failing_account_variant(), notify),
        (failing_account(), super::testing::fix_settings()),
        (failing_trail_account(), super::testing::fix_settings()),
    ] {
        let findings = evaluate(&fx.inv, &settings, &Selection::default());
        let plan = plan(&fx.inv, &settings, &findings);
        for s in &plan.steps {
            planned.insert(s.check_id.clone());
            planned.extend(s.also_fixes.iter().cloned());
            let undo = s.undo.as_deref().unwrap_or_default();
            assert!(undo.len() > 20, "{} {} has no undo text", s.check_id, s.id);
            if NOT_UNDOABLE.contains(&s.check_id.as_str()) {
                assert!(s.undo_calls.is_empty(), "{}", s.id);
            } else {
                assert!(
                    !s.undo_calls.is_empty(),
                    "{} {} has no undo calls",
                    s.check_id,
                    s.resource
                );
            }
            let resolves = |(call, member): &(usize, String), before: usize| {
                call < &before
                    && RESPONSE_MEMBERS.iter().any(|(svc, op, m)| {
                        s.calls[*call].service == *svc
                            && s.calls[*call].operation == *op
                            && m == member
                    })
            };
            for (i, c) in s.calls.iter().enumerate() {
                let mut refs = Vec::new();
                response_refs(&c.params, &mut refs);
                for r in &refs {
                    assert!(resolves(r, i), "{}: call {i} refers to {r:?}", s.id);
                }
            }
            for c in &s.undo_calls {
                assert!(c
                    .operation
                    .chars()
                    .next()
                    .is_some_and(|ch| ch.is_ascii_uppercase()));
                let mut refs = Vec::new();
                response_refs(&c.params, &mut refs);
                for r in &refs {
                    assert!(
                        resolves(r, s.calls.len()),
                        "{}: undo {} refers to {r:?}",
                        s.id,
                        c.operation
                    );
                }
            }
            if let Some(loses) = &s.undo_loses {
                assert!(!s.undo_calls.is_empty() && loses.len() > 10, "{}", s.id);
            }
        }
    }
    // Every fixer was reached.
    for f in fixers() {
        assert!(planned.contains(f.meta.id), "{} was not planned", f.meta.id);
    }
}

// Issue 14 (undo): what undoing loses is said where it loses something: a created detector's
// findings, Security Hub's findings and settings, an analyzer's findings and archive rules,
// a flow log group's records; and nowhere else.
#[test]
fn undo_loses_is_said_where_undo_deletes_data() {
    let plan = failing_plan(&failing_account());
    let loses: std::collections::BTreeSet<&str> = plan
        .steps
        .iter()
        .filter(|s| s.undo_loses.is_some())
        .map(|s| s.check_id.as_str())
        .collect();
    assert_eq!(
        loses.into_iter().collect::<Vec<_>>(),
        [
            "accessanalyzer_enabled",
            "config_recorder_enabled",
            "guardduty_enabled",
            "securityhub_enabled",
            "vpc_flow_logs_enabled"
        ]
    );
}

// Issue 14: `rampart fix --apply` refuses a step whose resource changed since the plan, by
// comparing `current_state` with `before`: over the inventory the plan was made from, every
// step of every fixer reads back exactly its `before`.
#[test]
fn every_step_reads_back_its_before_state() {
    let fx = failing_account();
    let plan = failing_plan(&fx);
    let wrong: Vec<String> = plan
        .steps
        .iter()
        .filter_map(|s| {
            let state = super::current_state(&fx.inv, &Settings::default(), s);
            (state != Ok(s.before.clone()))
                .then(|| format!("{} {}: {state:?}", s.check_id, s.resource))
        })
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

// Issue 14: a plan is stable: the same input gives byte-identical JSON, whatever order the
// findings come in, and the step ids do not change.
#[test]
fn json_is_byte_identical_for_the_same_input() {
    let fx = failing_account();
    let settings = Settings::default();
    let findings = evaluate(&fx.inv, &settings, &Selection::default());
    let first = render::json(&plan(&fx.inv, &settings, &findings));
    let again = render::json(&plan(&fx.inv, &settings, &findings));
    let mut reversed = findings.clone();
    reversed.reverse();
    let shuffled = render::json(&plan(&fx.inv, &settings, &reversed));
    assert_eq!(first, again);
    assert_eq!(first, shuffled);
    assert!(first.contains("\"collected_at\": \"2026-06-01T12:00:00Z\""));
}

// Issue 14: dependencies come before the steps that need them, and are in the plan.
#[test]
fn dependencies_come_first() {
    for plan in failing_plans() {
        dependencies_come_first_in(&plan);
    }
}

fn dependencies_come_first_in(plan: &Plan) {
    for (i, s) in plan.steps.iter().enumerate() {
        for dep in &s.depends_on {
            let j = plan.steps.iter().position(|d| &d.id == dep);
            assert!(
                j.is_some_and(|j| j < i),
                "{} runs before its dependency {dep}",
                s.id
            );
        }
    }
}

// Issue 14: hostile names from the account are quoted in every format: a shell word in
// single quotes, an HCL string escaped, JSON by serde.
#[test]
fn hostile_bucket_name_is_quoted() {
    let plan = failing_plan(&failing_account());
    let sh = render::sh(&plan, true);
    let quoted = shell_quote(HOSTILE);
    assert_eq!(quoted, r"$'evil\'; rm -rf ~ #\n${jndi}'");
    assert!(sh.contains(&format!("--bucket {quoted} ")), "{sh}");
    // Every line of the script is a comment, the strict-mode line, or an `aws` command:
    // nothing from the name escaped its quotes onto a line of its own.
    for line in sh.lines().filter(|l| !l.is_empty()) {
        assert!(
            line.starts_with('#') || line == "set -euo pipefail" || line.starts_with("aws "),
            "{line}"
        );
    }
    let tf = render::terraform(&plan);
    assert!(tf.contains(&hcl_string(HOSTILE)));
    assert!(tf.contains("$${jndi}") && !tf.contains("\"evil'; rm -rf ~ #\n"));
    let json: Value = serde_json::from_str(&render::json(&plan)).unwrap();
    assert!(json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["calls"][0]["params"]["Bucket"] == HOSTILE));
}

// Issue 14: the sh plan is a reviewed script: strict mode, each step commented with its
// check, resource, risk and billing, and disruptive steps commented out unless included.
#[test]
fn sh_script_comments_and_gates_disruptive_steps() {
    let plan = failing_plan(&failing_account());
    let safe_only = render::sh(&plan, false);
    assert!(safe_only.starts_with("#!/usr/bin/env bash\n"));
    assert!(safe_only.contains("set -euo pipefail\n"));
    assert!(safe_only.contains("# billing:  starts GuardDuty billing in us-east-1"));
    assert!(safe_only.contains("# risk:     disruptive"));
    assert!(safe_only.contains(
        "\n# aws s3api put-public-access-block --region us-east-1 --bucket www.example.com"
    ));
    assert!(!safe_only.contains(
        "\naws s3api put-public-access-block --region us-east-1 --bucket www.example.com"
    ));
    let all = render::sh(&plan, true);
    assert!(all.contains(
        "\naws s3api put-public-access-block --region us-east-1 --bucket www.example.com"
    ));
    insta::assert_snapshot!("failing_account_sh", all);
}

// Issue 14: the CloudFormation output is one template per region whose logical ids are
// alphanumeric and whose `Ref`s and `GetAtt`s name resources of the same template, as
// cfn-lint requires.
#[test]
fn cloudformation_templates_are_self_consistent() {
    let [plan, trail_plan, shared] = failing_plans();
    let regions: Vec<String> = render::cloudformation(&plan)
        .into_iter()
        .map(|(region, _)| region)
        .collect();
    assert_eq!(regions, ["eu-west-1", "us-east-1"]);
    templates_are_self_consistent(&plan);
    templates_are_self_consistent(&trail_plan);
    templates_are_self_consistent(&shared);
}

fn templates_are_self_consistent(plan: &Plan) {
    let templates: Vec<(String, Value)> = render::cloudformation(plan)
        .into_iter()
        .map(|(region, text)| (region, serde_json::from_str(&text).unwrap()))
        .collect();
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("Ref") {
                    out.push(r.clone());
                }
                if let Some(Value::Array(a)) = m.get("Fn::GetAtt") {
                    out.push(a[0].as_str().unwrap_or("").to_owned());
                }
                if let Some(Value::String(d)) = m.get("DependsOn") {
                    out.push(d.clone());
                }
                m.values().for_each(|v| refs(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    for (region, t) in &templates {
        assert_eq!(t["AWSTemplateFormatVersion"], "2010-09-09");
        let resources = t["Resources"].as_object().unwrap();
        assert!(resources.len() >= 4, "{region}: {resources:#?}");
        for (id, r) in resources {
            assert!(id.chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
            assert!(r["Type"].as_str().is_some_and(|t| t.starts_with("AWS::")));
        }
        let mut named = Vec::new();
        refs(t, &mut named);
        for r in named {
            assert!(resources.contains_key(&r), "{region}: Ref to unknown {r}");
        }
    }
}

// Issue 14: findings that are not active failures (PASS, ERROR, muted) are never planned,
// and a failing finding without a fixer is listed as not planned.
#[test]
fn only_active_failures_are_planned() {
    let fx = failing_account();
    let settings = Settings::default();
    let mut findings = evaluate(&fx.inv, &settings, &Selection::default());
    for f in &mut findings {
        if f.check_id == "ec2_ebs_default_encryption" {
            f.muted = Some(crate::Muted {
                reason: "accepted".into(),
                rule: "1".into(),
                expires: None,
            });
        }
    }
    let plan = plan(&fx.inv, &settings, &findings);
    assert!(!plan
        .steps
        .iter()
        .any(|s| s.check_id == "ec2_ebs_default_encryption"));
    assert!(!plan
        .not_planned
        .iter()
        .any(|n| n.check_id == "ec2_ebs_default_encryption"));
    // s3_bucket_versioning fails on both buckets and has no fixer yet.
    let versioning: Vec<&str> = plan
        .not_planned
        .iter()
        .filter(|n| n.check_id == "s3_bucket_versioning")
        .map(|n| n.reason.as_str())
        .collect();
    assert_eq!(
        versioning,
        ["rampart fix has no fixer for s3_bucket_versioning yet"; 2]
    );
    assert!(plan.steps.iter().all(|s| findings
        .iter()
        .any(|f| f.check_id == s.check_id && f.status == crate::Status::Fail)));
}

// Issue 14: the quoting is checked by the shell itself: bash reads each quoted word back as
// exactly the original bytes (skipped where bash is not installed).
#[test]
fn shell_quote_round_trips_through_bash() {
    let words = [
        HOSTILE,
        "plain-name.v1",
        "",
        "it's",
        "tab\there",
        "back\\slash $HOME `id`",
        "ü\u{7}",
    ];
    let script: String = words
        .iter()
        .map(|w| format!("printf '%s\\0' {}\n", shell_quote(w)))
        .collect();
    let Ok(out) = std::process::Command::new("bash")
        .arg("-c")
        .arg(&script)
        .output()
    else {
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read: Vec<&[u8]> = out.stdout.split(|b| *b == 0).collect();
    for (i, w) in words.iter().enumerate() {
        assert_eq!(read[i], w.as_bytes(), "word {i}: {}", shell_quote(w));
    }
}

// Issue 14: HCL strings escape quotes, backslashes, newlines and template openers.
#[test]
fn hcl_string_escapes() {
    assert_eq!(hcl_string(r#"a"b\c"#), r#""a\"b\\c""#);
    assert_eq!(hcl_string("x\n${y}%{z}$w"), r#""x\n$${y}%%{z}$w""#);
}

/// The program to run for `program`: the workspace's `.venv/bin` copy (where `.ci/run`
/// installs cfn-lint), else the one on PATH, if either answers `arg`.
fn tool(program: &str, arg: &str) -> Option<std::path::PathBuf> {
    let venv = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../.venv/bin")
        .join(program);
    [venv, std::path::PathBuf::from(program)]
        .into_iter()
        .find(|p| {
            std::process::Command::new(p)
                .arg(arg)
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

// Issue 14: the CloudFormation output is accepted by cfn-lint (installed by .ci/run; the
// self-consistency test above runs everywhere).
#[test]
fn cloudformation_passes_cfn_lint() {
    let Some(cfn_lint) = tool("cfn-lint", "--version") else {
        // CI installs it (tests/fix-requirements.txt): there, a missing cfn-lint fails.
        assert!(
            std::env::var_os("CI").is_none(),
            "cfn-lint is not installed"
        );
        eprintln!("cfn-lint is not installed: skipped");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (i, plan) in failing_plans().iter().enumerate() {
        for (region, text) in render::cloudformation(plan) {
            let path = dir.path().join(format!("fix-{i}-{region}.template.json"));
            std::fs::write(&path, text).unwrap();
            paths.push((region, path));
        }
    }
    for (region, path) in paths {
        let out = std::process::Command::new(&cfn_lint)
            .args(["--regions", &region, "--"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "cfn-lint rejects the {region} template:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

// Issue 14: the Terraform output parses as HCL (`terraform fmt` reads it without the
// providers, which `validate` would need downloaded), hostile names included.
#[test]
fn terraform_parses() {
    // Terraform comes from no package registry this project can use: the test runs where
    // the machine has it (the project's machines do today).
    let Some(terraform) = tool("terraform", "version") else {
        eprintln!("terraform is not installed: skipped");
        return;
    };
    for plan in failing_plans() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fix.tf");
        std::fs::write(&path, render::terraform(&plan)).unwrap();
        let out = std::process::Command::new(&terraform)
            .args(["fmt", "-check=false", "-list=false"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "terraform cannot parse the plan:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
