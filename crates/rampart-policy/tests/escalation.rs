//! Every privilege-escalation method of the table, table-driven: a positive case (the
//! method's permissions lead `user/dev` to an administrator) and its negative twins, where
//! the same permissions are blocked by an explicit deny, a permissions boundary, a
//! condition the engine decides false, a resource scope, or an SCP; a condition the engine
//! cannot decide gives a conditional path (issue 12).

use rampart_inventory::{Collected, Instance, InstanceProfile};
use rampart_policy::testing::{allow, deny, doc, full_aws_access, iam_arn, inline, trust, Fixture};
use rampart_policy::{paths_to_admin, EscalationPath, Graph, METHODS};
use serde_json::{json, Value};

fn admin_doc() -> Value {
    doc(json!([allow(json!("*"), json!("*"))]))
}

/// A role named `name` trusting `service`, allowed everything.
fn service_admin(fx: &mut Fixture, name: &str, service: &str) -> String {
    let r = fx.role(name, trust(json!({"Service": service})));
    r.inline_policies = vec![inline("all", admin_doc())];
    r.arn.clone()
}

/// What a method needs in the account besides the actor: returns the resource the method's
/// first action is allowed on, and extra statements the actor needs (to reach the target).
type Setup = fn(&mut Fixture) -> (String, Vec<Value>);

struct Case {
    method: &'static str,
    setup: Setup,
    /// Whether the positive path is conditional by the method's nature.
    conditional: bool,
}

fn own_policy(fx: &mut Fixture) -> (String, Vec<Value>) {
    let p = fx.managed_policy(
        "dev-tools",
        doc(json!([allow(json!("s3:ListBucket"), json!("*"))])),
    );
    dev(fx).attached_policies.push(p.clone());
    (p.arn, vec![])
}

fn itself(_: &mut Fixture) -> (String, Vec<Value>) {
    (iam_arn("user/dev"), vec![])
}

fn own_group(fx: &mut Fixture) -> (String, Vec<Value>) {
    let g = fx.group("devs").arn.clone();
    dev(fx).groups.push("devs".into());
    (g, vec![])
}

fn assumable_worker(fx: &mut Fixture) -> (String, Vec<Value>) {
    let arn = fx
        .role("worker", trust(json!({"AWS": iam_arn("root")})))
        .arn
        .clone();
    (
        arn.clone(),
        vec![allow(json!("sts:AssumeRole"), json!(arn))],
    )
}

fn admin_group(fx: &mut Fixture) -> (String, Vec<Value>) {
    let g = fx.group("admins");
    g.inline_policies = vec![inline("all", admin_doc())];
    (g.arn.clone(), vec![])
}

fn admin_user(fx: &mut Fixture) -> (String, Vec<Value>) {
    let u = fx.user("ops");
    u.inline_policies = vec![inline("all", admin_doc())];
    (u.arn.clone(), vec![])
}

fn trusting_admin_role(fx: &mut Fixture) -> (String, Vec<Value>) {
    let r = fx.role("admin", trust(json!({"AWS": iam_arn("root")})));
    r.inline_policies = vec![inline("all", admin_doc())];
    (r.arn.clone(), vec![])
}

fn untrusting_admin_role(fx: &mut Fixture) -> (String, Vec<Value>) {
    (service_admin(fx, "admin", "ec2.amazonaws.com"), vec![])
}

fn pass_to(fx: &mut Fixture, service: &str) -> (String, Vec<Value>) {
    (service_admin(fx, "svc-admin", service), vec![])
}

fn pass_ec2(fx: &mut Fixture) -> (String, Vec<Value>) {
    let arn = service_admin(fx, "svc-admin", "ec2.amazonaws.com");
    add_profile(fx, "svc-admin");
    (arn, vec![])
}

fn add_profile(fx: &mut Fixture, role: &str) -> String {
    let arn = iam_arn(&format!("instance-profile/{role}"));
    if let Collected::Ok(list) = &mut fx.inv.iam.roles {
        for r in list.iter_mut().filter(|r| r.name == role) {
            r.instance_profiles.push(role.into());
        }
    }
    if let Collected::Ok(list) = &mut fx.inv.iam.instance_profiles {
        list.push(InstanceProfile {
            name: role.into(),
            arn: arn.clone(),
            roles: vec![role.into()],
        });
    }
    arn
}

fn pass_lambda(fx: &mut Fixture) -> (String, Vec<Value>) {
    pass_to(fx, "lambda.amazonaws.com")
}
fn pass_cfn(fx: &mut Fixture) -> (String, Vec<Value>) {
    pass_to(fx, "cloudformation.amazonaws.com")
}
fn pass_glue(fx: &mut Fixture) -> (String, Vec<Value>) {
    pass_to(fx, "glue.amazonaws.com")
}
fn pass_codebuild(fx: &mut Fixture) -> (String, Vec<Value>) {
    pass_to(fx, "codebuild.amazonaws.com")
}
fn pass_sagemaker(fx: &mut Fixture) -> (String, Vec<Value>) {
    pass_to(fx, "sagemaker.amazonaws.com")
}
fn pass_datapipeline(fx: &mut Fixture) -> (String, Vec<Value>) {
    pass_to(fx, "datapipeline.amazonaws.com")
}
fn pass_ecs(fx: &mut Fixture) -> (String, Vec<Value>) {
    pass_to(fx, "ecs-tasks.amazonaws.com")
}

fn existing_function(fx: &mut Fixture) -> (String, Vec<Value>) {
    let role = service_admin(fx, "fn-admin", "lambda.amazonaws.com");
    let arn = fx.function("job", None);
    if let Collected::Ok(list) = &mut fx.region().lambda.functions {
        for f in list.iter_mut() {
            f.role = role.clone();
        }
    }
    (arn, vec![])
}

fn glue_endpoint(fx: &mut Fixture) -> (String, Vec<Value>) {
    service_admin(fx, "glue-admin", "glue.amazonaws.com");
    ("*".into(), vec![])
}

fn existing_instance(fx: &mut Fixture) -> (String, Vec<Value>) {
    service_admin(fx, "box-admin", "ec2.amazonaws.com");
    let profile = add_profile(fx, "box-admin");
    let arn = "arn:aws:ec2:us-east-1:111122223333:instance/i-0box".to_owned();
    fx.region().ec2.instances = Collected::Ok(vec![Instance {
        id: "i-0box".into(),
        arn: arn.clone(),
        state: "running".into(),
        iam_instance_profile_arn: Some(profile),
        ..Default::default()
    }]);
    (arn, vec![])
}

const CASES: &[Case] = &[
    Case {
        method: "iam-create-policy-version",
        setup: own_policy,
        conditional: false,
    },
    Case {
        method: "iam-set-default-policy-version",
        setup: own_policy,
        conditional: true,
    },
    Case {
        method: "iam-attach-user-policy",
        setup: itself,
        conditional: false,
    },
    Case {
        method: "iam-attach-group-policy",
        setup: own_group,
        conditional: false,
    },
    Case {
        method: "iam-attach-role-policy",
        setup: assumable_worker,
        conditional: false,
    },
    Case {
        method: "iam-put-user-policy",
        setup: itself,
        conditional: false,
    },
    Case {
        method: "iam-put-group-policy",
        setup: own_group,
        conditional: false,
    },
    Case {
        method: "iam-put-role-policy",
        setup: assumable_worker,
        conditional: false,
    },
    Case {
        method: "iam-add-user-to-group",
        setup: admin_group,
        conditional: false,
    },
    Case {
        method: "iam-create-access-key",
        setup: admin_user,
        conditional: false,
    },
    Case {
        method: "iam-create-login-profile",
        setup: admin_user,
        conditional: false,
    },
    Case {
        method: "iam-update-login-profile",
        setup: admin_user,
        conditional: false,
    },
    Case {
        method: "sts-assume-role",
        setup: trusting_admin_role,
        conditional: false,
    },
    Case {
        method: "iam-update-assume-role-policy",
        setup: untrusting_admin_role,
        conditional: false,
    },
    Case {
        method: "ec2-run-instances",
        setup: pass_ec2,
        conditional: false,
    },
    Case {
        method: "lambda-create-function-invoke",
        setup: pass_lambda,
        conditional: false,
    },
    Case {
        method: "lambda-create-function-event-source",
        setup: pass_lambda,
        conditional: false,
    },
    Case {
        method: "lambda-create-function-add-permission",
        setup: pass_lambda,
        conditional: false,
    },
    Case {
        method: "lambda-update-function-code",
        setup: existing_function,
        conditional: false,
    },
    Case {
        method: "cloudformation-create-stack",
        setup: pass_cfn,
        conditional: false,
    },
    Case {
        method: "glue-create-dev-endpoint",
        setup: pass_glue,
        conditional: false,
    },
    Case {
        method: "glue-update-dev-endpoint",
        setup: glue_endpoint,
        conditional: true,
    },
    Case {
        method: "codebuild-create-project",
        setup: pass_codebuild,
        conditional: false,
    },
    Case {
        method: "sagemaker-create-notebook-instance",
        setup: pass_sagemaker,
        conditional: false,
    },
    Case {
        method: "sagemaker-create-training-job",
        setup: pass_sagemaker,
        conditional: false,
    },
    Case {
        method: "sagemaker-create-processing-job",
        setup: pass_sagemaker,
        conditional: false,
    },
    Case {
        method: "datapipeline-create-pipeline",
        setup: pass_datapipeline,
        conditional: false,
    },
    Case {
        method: "ecs-run-task",
        setup: pass_ecs,
        conditional: false,
    },
    Case {
        method: "ssm-send-command",
        setup: existing_instance,
        conditional: false,
    },
    Case {
        method: "ssm-start-session",
        setup: existing_instance,
        conditional: false,
    },
];

/// How the method's permissions are given, or blocked.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Variant {
    /// As they are: a path.
    Granted,
    /// An explicit deny of the first action.
    Deny,
    /// A permissions boundary that allows only S3.
    Boundary,
    /// A condition on the first action's statement the engine decides false.
    ConditionFalse,
    /// The first action allowed on another resource only.
    Scope,
    /// An SCP denying the first action.
    Scp,
    /// A condition the engine cannot decide (source IP): a conditional path.
    ConditionUnknown,
}

const BLOCKERS: &[Variant] = &[
    Variant::Deny,
    Variant::Boundary,
    Variant::ConditionFalse,
    Variant::Scope,
    Variant::Scp,
];

fn dev(fx: &mut Fixture) -> &mut rampart_inventory::User {
    match &mut fx.inv.iam.users {
        Collected::Ok(list) => list.iter_mut().find(|u| u.name == "dev").expect("dev"),
        Collected::Missing(_) => unreachable!(),
    }
}

/// The account of one case in one variant.
fn account(case: &Case, variant: Variant) -> Fixture {
    let method = rampart_policy::method(case.method).expect("in the table");
    let mut fx = Fixture::new();
    fx.user("dev");
    let (resource, extra) = (case.setup)(&mut fx);
    let mut first = allow(json!(method.actions[0]), json!(resource));
    match variant {
        Variant::ConditionFalse => {
            first["Condition"] =
                json!({"StringEquals": {"aws:PrincipalArn": iam_arn("user/someone-else")}})
        }
        Variant::ConditionUnknown => {
            first["Condition"] = json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})
        }
        Variant::Scope => first["Resource"] = json!(iam_arn("user/unrelated")),
        _ => {}
    }
    let mut statements = vec![first];
    if method.actions.len() > 1 {
        statements.push(allow(json!(method.actions[1..]), json!("*")));
    }
    statements.extend(extra);
    if variant == Variant::Deny {
        statements.push(deny(json!(method.actions[0]), json!("*")));
    }
    if variant == Variant::Boundary {
        let b = fx.managed_policy("s3-only", doc(json!([allow(json!("s3:*"), json!("*"))])));
        dev(&mut fx).permissions_boundary = Some(b.arn);
    }
    if variant == Variant::Scp {
        fx.organization("999988887777");
        fx.scp_level("ROOT", vec![("FullAWSAccess", full_aws_access())]);
        fx.scp_level(
            "ACCOUNT",
            vec![
                ("FullAWSAccess", full_aws_access()),
                (
                    "no-escalation",
                    doc(json!([deny(json!(method.actions[0]), json!("*"))])),
                ),
            ],
        );
    }
    dev(&mut fx).inline_policies = vec![inline("dev-inline", doc(json!(statements)))];
    fx
}

fn dev_path(fx: &Fixture) -> Option<EscalationPath> {
    let auth = fx.authorizer();
    let dev = auth.find_principal("user/dev").expect("dev").clone();
    let mut paths = paths_to_admin(&auth, Some(&dev));
    assert!(paths.len() <= 1);
    paths.pop()
}

// Issue 12: each method's permissions give user/dev a path to an administrator through
// that method, conditional only where the method itself is.
#[test]
fn every_method_gives_a_path() {
    for case in CASES {
        let fx = account(case, Variant::Granted);
        let path = dev_path(&fx).unwrap_or_else(|| panic!("{}: no path", case.method));
        assert!(
            path.hops.iter().any(|h| h.method == case.method),
            "{}: {path}",
            case.method
        );
        assert_eq!(
            path.conditional, case.conditional,
            "{}: {path}",
            case.method
        );
        assert_eq!(path.from.label, "user/dev");
    }
}

// Issue 12: the same permissions behind a deny, a boundary, a condition decided false, a
// resource scope or an SCP give no path.
#[test]
fn every_blocker_removes_the_path() {
    for case in CASES {
        for &variant in BLOCKERS {
            let fx = account(case, variant);
            if let Some(path) = dev_path(&fx) {
                panic!("{} {variant:?}: unexpected path {path}", case.method);
            }
        }
    }
}

// Issue 12: a condition the engine cannot decide (aws:SourceIp) gives a conditional path.
#[test]
fn an_undecidable_condition_gives_a_conditional_path() {
    for case in CASES {
        let fx = account(case, Variant::ConditionUnknown);
        let path = dev_path(&fx).unwrap_or_else(|| panic!("{}: no conditional path", case.method));
        assert!(path.conditional, "{}: {path}", case.method);
        assert!(path.to_string().ends_with("[admin, conditional]"), "{path}");
    }
}

// The table and the tests cannot drift apart: every method has its case, once.
#[test]
fn every_method_is_tested() {
    for m in METHODS {
        assert_eq!(
            CASES.iter().filter(|c| c.method == m.id).count(),
            1,
            "{} has no case (or two)",
            m.id
        );
    }
    assert_eq!(CASES.len(), METHODS.len());
}

// Issue 12: the rendering names each hop's method, permission and deciding statement.
#[test]
fn two_hops_render_hop_by_hop() {
    let mut fx = Fixture::new();
    fx.user("dev").inline_policies = vec![inline(
        "dev-inline",
        doc(json!([allow(
            json!("iam:CreateAccessKey"),
            json!(iam_arn("user/ops"))
        )])),
    )];
    fx.user("ops").inline_policies = vec![inline(
        "ops-inline",
        doc(json!([allow(
            json!("sts:AssumeRole"),
            json!(iam_arn("role/admin"))
        )])),
    )];
    trusting_admin_role(&mut fx);
    let path = dev_path(&fx).expect("a path");
    let text = path.to_string();
    assert_eq!(
        text,
        "user/dev → (iam:CreateAccessKey on user/ops, policy dev-inline Statement[0]) → \
         user/ops → (sts:AssumeRole on role/admin, policy ops-inline Statement[0] and trust of \
         role/admin Statement[0]) → role/admin [admin]"
    );
    let block = path.render_text();
    assert!(
        block.starts_with("user/dev → role/admin\n  1. user/dev → user/ops: iam-create-access-key"),
        "{block}"
    );
}

// Issue 12: the shortest path wins, and an unconditional path is preferred to a shorter
// conditional one.
#[test]
fn shortest_unconditional_path_first() {
    let mut fx = Fixture::new();
    fx.user("dev").inline_policies = vec![inline(
        "dev-inline",
        doc(json!([
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": iam_arn("role/admin"),
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
            allow(json!("iam:CreateAccessKey"), json!(iam_arn("user/ops")))
        ])),
    )];
    fx.user("ops").inline_policies = vec![inline(
        "ops-inline",
        doc(json!([allow(
            json!("sts:AssumeRole"),
            json!(iam_arn("role/admin"))
        )])),
    )];
    trusting_admin_role(&mut fx);
    let path = dev_path(&fx).expect("a path");
    assert!(!path.conditional, "{path}");
    assert_eq!(path.hops.len(), 2, "{path}");
    let auth = fx.authorizer();
    let g = Graph::build(&auth);
    let ops = paths_to_admin(&auth, auth.find_principal("user/ops"));
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0].hops.len(), 1);
    // Administrators have no path; every non-admin principal that reaches one has one.
    assert_eq!(g.paths_to_admin(None).len(), 2);
}

// Issue 12: a trust of another account's root is an edge from that account, which the
// graph names as an external node.
#[test]
fn cross_account_trust_is_an_edge_from_the_external_account() {
    let mut fx = Fixture::new();
    let r = fx.role(
        "vendor",
        trust(json!({"AWS": "arn:aws:iam::444455556666:root"})),
    );
    r.inline_policies = vec![inline("all", admin_doc())];
    let auth = fx.authorizer();
    let paths = paths_to_admin(&auth, None);
    let external: Vec<&EscalationPath> = paths
        .iter()
        .filter(|p| p.from.label == "account/444455556666")
        .collect();
    assert_eq!(external.len(), 1, "{paths:#?}");
    // The other account's identity policies are not in the snapshot: conditional.
    let text = external[0].to_string();
    assert!(
        text.starts_with("account/444455556666 → (sts:AssumeRole on role/vendor, trust of role/vendor Statement[0]; conditional on ")
            && text.ends_with("→ role/vendor [admin, conditional]"),
        "{text}"
    );
}

// A service-linked role's trust cannot be rewritten, and raising a principal whose
// boundary allows only S3 does not make it an administrator.
#[test]
fn raising_a_bounded_principal_is_no_path() {
    let mut fx = Fixture::new();
    let b = fx.managed_policy(
        "s3-and-iam",
        doc(json!([allow(
            json!(["s3:*", "iam:PutUserPolicy"]),
            json!("*")
        )])),
    );
    let dev = fx.user("dev");
    dev.inline_policies = vec![inline(
        "self",
        doc(json!([allow(
            json!("iam:PutUserPolicy"),
            json!(iam_arn("user/dev"))
        )])),
    )];
    dev.permissions_boundary = Some(b.arn);
    assert!(dev_path(&fx).is_none());
}

// A trust of everyone (`"AWS": "*"`) is an edge from `anyone`.
#[test]
fn a_trust_of_everyone_is_an_edge_from_anyone() {
    let mut fx = Fixture::new();
    let r = fx.role("open", trust(json!({"AWS": "*"})));
    r.inline_policies = vec![inline("all", admin_doc())];
    let auth = fx.authorizer();
    let paths = paths_to_admin(&auth, None);
    let anyone: Vec<String> = paths
        .iter()
        .filter(|p| p.from.label == "anyone")
        .map(|p| p.to_string())
        .collect();
    assert_eq!(anyone.len(), 1, "{paths:#?}");
    assert!(anyone[0].contains("→ role/open [admin"), "{}", anyone[0]);
}

// A service-linked role is never the target of a trust rewrite (IAM refuses it): the
// permission to rewrite an administrator service-linked role's trust is no path.
#[test]
fn service_linked_roles_are_not_rewritten() {
    let mut fx = Fixture::new();
    fx.service_linked_role("AWSServiceRoleForSupport", "support.amazonaws.com")
        .inline_policies = vec![inline("all", admin_doc())];
    fx.user("dev").inline_policies = vec![inline(
        "dev-inline",
        doc(json!([allow(
            json!(["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"]),
            json!("*")
        )])),
    )];
    assert!(dev_path(&fx).is_none());
    // The same permissions on an ordinary administrator role are a path.
    service_admin(&mut fx, "ordinary", "ec2.amazonaws.com");
    let path = dev_path(&fx).expect("a path");
    assert_eq!(
        path.hops[0].method, "iam-update-assume-role-policy",
        "{path}"
    );
}

// `rampart paths`: the report says who is an administrator, who cannot reach one, and
// renders every path; JSON carries the same data.
#[test]
fn paths_report_for_the_cli() {
    let mut fx = Fixture::new();
    fx.user("dev").inline_policies = vec![inline(
        "dev-inline",
        doc(json!([allow(
            json!("sts:AssumeRole"),
            json!(iam_arn("role/admin"))
        )])),
    )];
    fx.user("reader");
    trusting_admin_role(&mut fx);
    let mut unread = fx.clone();
    fx.region().ec2.instances = Collected::Ok(vec![]);
    let auth = fx.authorizer();
    let all = rampart_policy::paths_report(&auth, None);
    let text = all.render_text();
    assert!(
        text.starts_with("1 principal(s) can reach an administrator:\n\nuser/dev → role/admin\n"),
        "{text}"
    );
    assert!(text.contains("Administrators (1): role/admin\n"), "{text}");
    assert!(
        text.contains("3 principal(s), 1 edge(s) examined by 30 methods.\n"),
        "{text}"
    );
    let admin = rampart_policy::paths_report(&auth, auth.find_principal("role/admin"));
    assert_eq!(
        admin.render_text(),
        "role/admin is an administrator itself (allowed * on *).\n"
    );
    let reader = rampart_policy::paths_report(&auth, auth.find_principal("user/reader"));
    assert_eq!(
        reader.render_text(),
        "user/reader cannot reach an administrator.\n"
    );
    let json = serde_json::to_value(&all).unwrap();
    assert_eq!(
        json["paths"][0]["hops"][0]["method"],
        json!("sts-assume-role")
    );
    assert_eq!(
        json["paths"][0]["hops"][0]["permissions"][0]["verdict"],
        json!("allowed")
    );
    // What the snapshot lacks is said.
    unread.region().ec2.instances = Collected::Missing(rampart_inventory::Gap::not_collected());
    let auth = unread.authorizer();
    let text = rampart_policy::paths_report(&auth, None).render_text();
    assert!(
        text.ends_with(
            "Not evaluated: EC2 instances in us-east-1 not read (NotCollected: this data was \
             not collected): the ssm-* methods not evaluated there\n"
        ),
        "{text}"
    );
}

// iam:PassRole is asked with iam:PassedToService set to the method's service: a PassRole
// limited to that service is a path (not even conditional), one limited to another service
// is none.
#[test]
fn pass_role_knows_the_service_it_passes_to() {
    for case in CASES {
        let method = rampart_policy::method(case.method).unwrap();
        if method.mechanism != rampart_policy::Mechanism::PassRole {
            continue;
        }
        let service = method.service.unwrap();
        for (to, expected) in [(service, true), ("elsewhere.amazonaws.com", false)] {
            let mut fx = account(case, Variant::Granted);
            if let Collected::Ok(users) = &mut fx.inv.iam.users {
                let dev = users.iter_mut().find(|u| u.name == "dev").unwrap();
                let d = &mut dev.inline_policies[0].document;
                d["Statement"][0]["Condition"] =
                    json!({"StringEquals": {"iam:PassedToService": to}});
            }
            let path = dev_path(&fx);
            assert_eq!(
                path.is_some(),
                expected,
                "{} to {to}: {path:?}",
                case.method
            );
            if let Some(p) = path {
                assert!(!p.conditional, "{p}");
            }
        }
    }
}
