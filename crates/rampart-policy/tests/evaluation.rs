//! Table tests of the policy engine, each from a rule of AWS's IAM documentation, cited in
//! a comment as page and section. "PEL" is the IAM User Guide page "Policy evaluation
//! logic" and its subpages; "Condition operators" is "IAM JSON policy elements: Condition
//! operators"; "Variables" is "IAM policy elements: Variables and tags".

use rampart_policy::testing::*;
use rampart_policy::{
    Authorizer, Decision, Effect, PolicyError, PolicyKind, Principal, PrincipalKind,
    RequestContext, Verdict,
};
use serde_json::json;

fn none() -> RequestContext {
    RequestContext::default()
}

#[track_caller]
fn verdict(d: &Decision, want: Verdict) {
    assert_eq!(d.verdict, want, "decision: {d}\n{d:#?}");
}

// ---------------------------------------------------------------------------------------
// Identity-based policies
// ---------------------------------------------------------------------------------------

// PEL, "How AWS enforcement code logic evaluates requests": "By default, all requests are
// implicitly denied".
#[test]
fn implicit_deny_without_policies() {
    let mut f = Fixture::new();
    f.bucket("b", None);
    f.user("alice");
    let az = f.authorizer();
    let d = az.check("alice", "s3:GetObject", "arn:aws:s3:::b/k", &none());
    verdict(&d, Verdict::Denied);
    assert!(d.statements.is_empty());
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("no identity-based policy")),
        "{d:?}"
    );
}

// PEL, "How AWS enforcement code logic evaluates requests": an Allow in an identity-based
// policy allows; the decision names the statement.
#[test]
fn inline_policy_allows() {
    let mut f = Fixture::new();
    f.bucket("b", None);
    f.bucket("other", None);
    f.user("alice").inline_policies.push(inline(
        "read",
        doc(json!([{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}])),
    ));
    let az = f.authorizer();
    let d = az.check("alice", "s3:GetObject", "arn:aws:s3:::b/k", &none());
    verdict(&d, Verdict::Allowed);
    assert_eq!(d.statements.len(), 1);
    let s = &d.statements[0];
    assert_eq!(
        (
            s.policy.kind,
            s.policy.name.as_str(),
            s.index,
            s.sid.as_deref(),
            s.effect
        ),
        (PolicyKind::Inline, "read", 0, Some("Read"), Effect::Allow)
    );
    verdict(
        &az.check("alice", "s3:PutObject", "arn:aws:s3:::b/k", &none()),
        Verdict::Denied,
    );
    verdict(
        &az.check("alice", "s3:GetObject", "arn:aws:s3:::other/k", &none()),
        Verdict::Denied,
    );
}

// PEL: "An explicit deny in any of these policies overrides the allow."
#[test]
fn explicit_deny_beats_allow() {
    let mut f = Fixture::new();
    let u = f.user("alice");
    u.inline_policies
        .push(inline("all", doc(json!([allow(json!("*"), json!("*"))]))));
    u.inline_policies.push(inline(
        "no-iam",
        doc(json!([deny(json!("iam:*"), json!("*"))])),
    ));
    let az = f.authorizer();
    let d = az.check("alice", "iam:CreateUser", "*", &none());
    verdict(&d, Verdict::Denied);
    assert_eq!(d.statements.len(), 1);
    assert_eq!(d.statements[0].effect, Effect::Deny);
    assert_eq!(d.statements[0].policy.name, "no-iam");
    verdict(
        &az.check("alice", "s3:ListAllMyBuckets", "*", &none()),
        Verdict::Allowed,
    );
}

// IAM User Guide, "IAM JSON policy elements: Action": action names are case-insensitive
// and `*` / `?` are wildcards.
#[test]
fn action_wildcards_and_case() {
    let mut f = Fixture::new();
    f.bucket("b", None);
    f.user("alice").inline_policies.push(inline(
        "p",
        doc(json!([allow(
            json!(["iam:Put*", "S3:?etObject"]),
            json!("*")
        )])),
    ));
    let az = f.authorizer();
    for (action, want) in [
        ("iam:PutUserPolicy", Verdict::Allowed),
        ("IAM:putrolepolicy", Verdict::Allowed),
        ("s3:GetObject", Verdict::Allowed),
        ("s3:SetObject", Verdict::Allowed),
        ("s3:GetObjectAcl", Verdict::Denied),
        ("iam:AttachUserPolicy", Verdict::Denied),
    ] {
        verdict(
            &az.check("alice", action, "arn:aws:s3:::b/k", &none()),
            want,
        );
    }
}

// IAM User Guide, "IAM JSON policy elements: Resource": ARNs match case-sensitively, with
// `*` and `?` wildcards.
#[test]
fn resource_wildcards_are_case_sensitive() {
    let mut f = Fixture::new();
    f.bucket("logs-1", None);
    f.bucket("logs-12", None);
    f.bucket("data", None);
    f.bucket("Data", None);
    f.user("alice").inline_policies.push(inline(
        "p",
        doc(json!([allow(
            json!("s3:GetObject"),
            json!(["arn:aws:s3:::logs-?/*", "arn:aws:s3:::data/public/*"])
        )])),
    ));
    let az = f.authorizer();
    for (resource, want) in [
        ("arn:aws:s3:::logs-1/2026/x.gz", Verdict::Allowed),
        ("arn:aws:s3:::logs-12/x", Verdict::Denied),
        ("arn:aws:s3:::data/public/a", Verdict::Allowed),
        ("arn:aws:s3:::data/Public/a", Verdict::Denied),
        ("arn:aws:s3:::Data/public/a", Verdict::Denied),
    ] {
        verdict(&az.check("alice", "s3:GetObject", resource, &none()), want);
    }
}

// IAM User Guide, "Managed policies and inline policies": a managed policy attached to the
// user applies with its default version.
#[test]
fn managed_policy_allows() {
    let mut f = Fixture::new();
    f.bucket("b", None);
    let p = f.managed_policy("S3Read", doc(json!([allow(json!("s3:Get*"), json!("*"))])));
    f.user("alice").attached_policies.push(p.clone());
    let az = f.authorizer();
    let d = az.check("alice", "s3:GetBucketPolicy", "arn:aws:s3:::b", &none());
    verdict(&d, Verdict::Allowed);
    assert_eq!(d.statements[0].policy.kind, PolicyKind::Managed);
    assert_eq!(d.statements[0].policy.arn.as_deref(), Some(p.arn.as_str()));
}

// IAM User Guide, "IAM user groups": a user gets the permissions of its groups' policies,
// inline and managed.
#[test]
fn group_policies_apply_to_members() {
    let mut f = Fixture::new();
    let p = f.managed_policy(
        "Ec2Read",
        doc(json!([allow(json!("ec2:Describe*"), json!("*"))])),
    );
    let g = f.group("devs");
    g.attached_policies.push(p);
    g.inline_policies.push(inline(
        "lambda",
        doc(json!([allow(json!("lambda:InvokeFunction"), json!("*"))])),
    ));
    f.user("alice").groups.push("devs".into());
    f.user("bob");
    let az = f.authorizer();
    let d = az.check("alice", "ec2:DescribeInstances", "*", &none());
    verdict(&d, Verdict::Allowed);
    assert_eq!(d.statements[0].policy.kind, PolicyKind::GroupManaged);
    assert_eq!(d.statements[0].policy.via.as_deref(), Some("devs"));
    let d = az.check(
        "alice",
        "lambda:InvokeFunction",
        "arn:aws:lambda:us-east-1:111122223333:function:f",
        &none(),
    );
    verdict(&d, Verdict::Allowed);
    assert_eq!(d.statements[0].policy.kind, PolicyKind::GroupInline);
    verdict(
        &az.check("bob", "ec2:DescribeInstances", "*", &none()),
        Verdict::Denied,
    );
}

// A group's Deny applies to its members like any identity-based deny (PEL, "explicit deny").
#[test]
fn group_deny_beats_user_allow() {
    let mut f = Fixture::new();
    f.bucket("b", None);
    f.group("restricted").inline_policies.push(inline(
        "no-s3",
        doc(json!([deny(json!("s3:*"), json!("*"))])),
    ));
    let u = f.user("alice");
    u.groups.push("restricted".into());
    u.inline_policies
        .push(inline("all", doc(json!([allow(json!("*"), json!("*"))]))));
    let az = f.authorizer();
    let d = az.check("alice", "s3:GetObject", "arn:aws:s3:::b/k", &none());
    verdict(&d, Verdict::Denied);
    assert_eq!(d.statements[0].policy.kind, PolicyKind::GroupInline);
}

// Roles have identity-based policies like users (PEL, "Policy evaluation for an IAM role").
#[test]
fn role_identity_policies() {
    let mut f = Fixture::new();
    f.role("app", trust(json!({"Service": "ec2.amazonaws.com"})))
        .inline_policies
        .push(inline(
            "q",
            doc(json!([allow(
                json!("sqs:SendMessage"),
                json!("arn:aws:sqs:us-east-1:111122223333:q")
            )])),
        ));
    let az = f.authorizer();
    verdict(
        &az.check(
            "role/app",
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-1:111122223333:q",
            &none(),
        ),
        Verdict::Allowed,
    );
    verdict(
        &az.check(
            "role/app",
            "sqs:DeleteQueue",
            "arn:aws:sqs:us-east-1:111122223333:q",
            &none(),
        ),
        Verdict::Denied,
    );
}

// IAM User Guide, "IAM JSON policy elements: NotAction": "NotAction with Allow" allows
// every action except those listed.
#[test]
fn not_action_with_allow_allows_everything_else() {
    let mut f = Fixture::new();
    f.bucket("b", None);
    f.user("alice").inline_policies.push(inline(
        "p",
        doc(json!([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}])),
    ));
    let az = f.authorizer();
    verdict(
        &az.check("alice", "s3:DeleteBucket", "arn:aws:s3:::b", &none()),
        Verdict::Allowed,
    );
    verdict(
        &az.check("alice", "iam:CreateUser", "*", &none()),
        Verdict::Denied,
    );
}

// "IAM JSON policy elements: NotAction", "Using NotAction with Deny": denies every action
// except those listed.
#[test]
fn not_action_with_deny_denies_everything_else() {
    let mut f = Fixture::new();
    let u = f.user("alice");
    u.inline_policies
        .push(inline("all", doc(json!([allow(json!("*"), json!("*"))]))));
    u.inline_policies.push(inline(
        "only-iam",
        doc(json!([{"Effect": "Deny", "NotAction": ["iam:*", "sts:GetCallerIdentity"], "Resource": "*"}])),
    ));
    let az = f.authorizer();
    verdict(
        &az.check("alice", "iam:ListUsers", "*", &none()),
        Verdict::Allowed,
    );
    verdict(
        &az.check("alice", "sts:GetCallerIdentity", "*", &none()),
        Verdict::Allowed,
    );
    let d = az.check("alice", "ec2:RunInstances", "*", &none());
    verdict(&d, Verdict::Denied);
    assert_eq!(d.statements[0].policy.name, "only-iam");
}

// "IAM JSON policy elements: NotResource": Allow with NotResource allows every resource
// except those listed; Deny with NotResource denies every other resource.
#[test]
fn not_resource_semantics() {
    let mut f = Fixture::new();
    f.bucket("logs", None);
    f.bucket("payroll", None);
    f.bucket("home", None);
    f.user("alice").inline_policies.push(inline(
        "p",
        doc(json!([{"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::payroll*"}])),
    ));
    let u = f.user("bob");
    u.inline_policies.push(inline(
        "all",
        doc(json!([allow(json!("s3:*"), json!("*"))])),
    ));
    u.inline_policies.push(inline(
        "only-home",
        doc(json!([{"Effect": "Deny", "Action": "s3:*", "NotResource": ["arn:aws:s3:::home", "arn:aws:s3:::home/*"]}])),
    ));
    let az = f.authorizer();
    verdict(
        &az.check("alice", "s3:GetObject", "arn:aws:s3:::logs/x", &none()),
        Verdict::Allowed,
    );
    verdict(
        &az.check("alice", "s3:GetObject", "arn:aws:s3:::payroll/x", &none()),
        Verdict::Denied,
    );
    verdict(
        &az.check("bob", "s3:GetObject", "arn:aws:s3:::home/x", &none()),
        Verdict::Allowed,
    );
    verdict(
        &az.check("bob", "s3:GetObject", "arn:aws:s3:::logs/x", &none()),
        Verdict::Denied,
    );
}

// PEL, "How AWS enforcement code logic evaluates requests": the root user has full access
// within its account unless something denies.
#[test]
fn root_user_has_full_access() {
    let mut f = Fixture::new();
    f.user("alice");
    let az = f.authorizer();
    let root = az.find_principal("root").unwrap().clone();
    assert_eq!(root.kind, PrincipalKind::Root);
    verdict(
        &az.check_as(&root, "iam:CreateUser", "*", &none()),
        Verdict::Allowed,
    );
}

// The engine's own definition (docs/policy-engine.md): an administrator is allowed `*` on
// `*`; a policy with `Action: "*"` makes one, a service-wide one does not.
#[test]
fn is_admin_needs_everything_on_everything() {
    let mut f = Fixture::new();
    f.user("admin")
        .inline_policies
        .push(inline("all", doc(json!([allow(json!("*"), json!("*"))]))));
    f.user("s3admin")
        .inline_policies
        .push(inline("s3", doc(json!([allow(json!("s3:*"), json!("*"))]))));
    f.user("notiam").inline_policies.push(inline(
        "p",
        doc(json!([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}])),
    ));
    let u = f.user("mostly");
    u.inline_policies
        .push(inline("all", doc(json!([allow(json!("*"), json!("*"))]))));
    u.inline_policies.push(inline(
        "no-delete",
        doc(json!([deny(json!("s3:DeleteBucket"), json!("*"))])),
    ));
    let az = f.authorizer();
    let p = |n: &str| az.find_principal(n).unwrap().clone();
    verdict(&az.is_admin(&p("admin")), Verdict::Allowed);
    verdict(&az.is_admin(&p("s3admin")), Verdict::Denied);
    verdict(&az.is_admin(&p("notiam")), Verdict::Denied);
    let d = az.is_admin(&p("mostly"));
    verdict(&d, Verdict::Allowed);
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("no-delete") && n.contains("denies some")),
        "{d:?}"
    );
}

// ---------------------------------------------------------------------------------------
// The Authorizer's principals and its errors
// ---------------------------------------------------------------------------------------

#[test]
fn principals_and_lookup() {
    let mut f = Fixture::new();
    f.user("alice");
    f.user("ops");
    f.role("ops", trust(json!({"AWS": ACCOUNT})));
    f.role("deploy", trust(json!({"AWS": ACCOUNT})));
    f.service_linked_role("AWSServiceRoleForSupport", "support.amazonaws.com");
    let az = f.authorizer();
    let kinds: Vec<(PrincipalKind, &str)> = az
        .principals()
        .iter()
        .map(|p| (p.kind, p.name.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (PrincipalKind::User, "alice"),
            (PrincipalKind::User, "ops"),
            (PrincipalKind::Role, "ops"),
            (PrincipalKind::Role, "deploy"),
            (PrincipalKind::Role, "AWSServiceRoleForSupport"),
            (PrincipalKind::Root, ACCOUNT),
        ]
    );
    assert_eq!(
        az.find_principal("alice").unwrap().kind,
        PrincipalKind::User
    );
    assert_eq!(
        az.find_principal("deploy").unwrap().kind,
        PrincipalKind::Role
    );
    assert!(az.find_principal("ops").is_none(), "ambiguous bare name");
    assert_eq!(
        az.find_principal("role/ops").unwrap().kind,
        PrincipalKind::Role
    );
    assert_eq!(
        az.find_principal(&iam_arn("user/ops")).unwrap().kind,
        PrincipalKind::User
    );
    assert!(az.find_principal("nobody").is_none());
    assert!(
        az.find_principal("AWSServiceRoleForSupport")
            .unwrap()
            .service_linked
    );
}

// A malformed document is an error naming the policy and the place, never an empty policy.
#[test]
fn malformed_policies_are_errors_naming_policy_and_place() {
    let bad_condition = doc(
        json!([allow(json!("*"), json!("*")), allow(json!("*"), json!("*")),
        {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": "x"}]),
    );
    let mut f = Fixture::new();
    f.role("admin", trust(json!({"AWS": ACCOUNT})))
        .inline_policies
        .push(inline("x", bad_condition));
    let err = Authorizer::new(&f.inv).unwrap_err();
    assert_eq!(
        err.to_string(),
        "role/admin inline policy \"x\": Statement[2].Condition: is a JSON string, not an object"
    );
    let PolicyError::Malformed { policy, place, .. } = err;
    assert_eq!(
        (policy.as_str(), place.as_str()),
        ("role/admin inline policy \"x\"", "Statement[2].Condition")
    );

    let mut f = Fixture::new();
    f.managed_policy(
        "Bad",
        doc(json!([{"Effect": "Permit", "Action": "*", "Resource": "*"}])),
    );
    assert_eq!(
        Authorizer::new(&f.inv).unwrap_err().to_string(),
        "managed policy arn:aws:iam::111122223333:policy/Bad: Statement[0].Effect: \"Permit\" is not \"Allow\" or \"Deny\""
    );

    let mut f = Fixture::new();
    f.bucket("b", Some(doc(json!([{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "NotAction": "s3:Put*"}]))));
    assert_eq!(
        Authorizer::new(&f.inv).unwrap_err().to_string(),
        "S3 bucket policy of arn:aws:s3:::b: Statement[0]: has both Action and NotAction"
    );

    let mut f = Fixture::new();
    f.role("r", json!({"Statement": 3}));
    assert_eq!(
        Authorizer::new(&f.inv).unwrap_err().to_string(),
        "role/r trust policy: Statement: is a JSON number, not an object or an array"
    );
}

// An attached managed policy whose document the snapshot lacks makes the answer
// conditional, with a note: never a silent allow or deny.
#[test]
fn missing_managed_policy_document_is_conditional() {
    let mut f = Fixture::new();
    f.user("alice")
        .attached_policies
        .push(rampart_inventory::AttachedPolicy {
            name: "Gone".into(),
            arn: iam_arn("policy/Gone"),
        });
    let az = f.authorizer();
    let d = az.check("alice", "s3:GetObject", "arn:aws:s3:::b/k", &none());
    verdict(&d, Verdict::Conditional);
    assert!(d.notes.iter().any(|n| n.contains("policy/Gone")), "{d:?}");
}

// Display gives one line.
#[test]
fn decision_display_is_one_line() {
    let mut f = Fixture::new();
    f.bucket("b", None);
    f.user("alice").inline_policies.push(inline(
        "read",
        doc(json!([allow(json!("s3:GetObject"), json!("*"))])),
    ));
    let az = f.authorizer();
    let d = az.check("alice", "s3:GetObject", "arn:aws:s3:::b/k", &none());
    assert_eq!(
        d.to_string(),
        "allowed by inline policy \"read\" Statement[0] (Allow)"
    );
    let d = az.check("alice", "s3:PutObject", "arn:aws:s3:::b/k", &none());
    assert!(
        d.to_string().starts_with(
            "denied: no identity-based policy of arn:aws:iam::111122223333:user/alice allows"
        ),
        "{d}"
    );
    assert!(!d.to_string().contains('\n'));
    let _ = Principal::from_arn(&iam_arn("user/alice")).unwrap();
}
