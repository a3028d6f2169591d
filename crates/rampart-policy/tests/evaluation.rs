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

// ---------------------------------------------------------------------------------------
// Permissions boundaries
// ---------------------------------------------------------------------------------------

fn boundary(f: &mut Fixture, name: &str, actions: serde_json::Value) -> String {
    f.managed_policy(name, doc(json!([allow(actions, json!("*"))])))
        .arn
}

// IAM User Guide, "Permissions boundaries for IAM entities", "Evaluating effective
// permissions with boundaries": the effective permissions are the intersection of the
// identity-based policies and the boundary.
#[test]
fn boundary_intersects_identity_policies() {
    let mut f = Fixture::new();
    let b = boundary(&mut f, "OnlyS3", json!("s3:*"));
    let u = f.user("alice");
    u.inline_policies
        .push(inline("all", doc(json!([allow(json!("*"), json!("*"))]))));
    u.permissions_boundary = Some(b);
    f.bucket("b", None);
    let az = f.authorizer();
    let d = az.check("alice", "s3:GetObject", "arn:aws:s3:::b/k", &none());
    verdict(&d, Verdict::Allowed);
    assert!(d
        .statements
        .iter()
        .any(|s| s.policy.kind == PolicyKind::Boundary));
    let d = az.check("alice", "iam:CreateUser", "*", &none());
    verdict(&d, Verdict::Denied);
    assert!(
        d.notes.iter().any(|n| n.contains("permissions boundary")),
        "{d:?}"
    );
}

// "Permissions boundaries for IAM entities": "A permissions boundary does not grant
// permissions on its own."
#[test]
fn boundary_alone_grants_nothing() {
    let mut f = Fixture::new();
    let b = boundary(&mut f, "OnlyS3", json!("s3:*"));
    f.user("alice").permissions_boundary = Some(b);
    f.bucket("b", None);
    let az = f.authorizer();
    verdict(
        &az.check("alice", "s3:GetObject", "arn:aws:s3:::b/k", &none()),
        Verdict::Denied,
    );
}

// PEL, "How AWS enforcement code logic evaluates requests", "Deny evaluation": an explicit
// deny in a permissions boundary denies.
#[test]
fn boundary_explicit_deny() {
    let mut f = Fixture::new();
    let b = f
        .managed_policy(
            "Guard",
            doc(json!([
                allow(json!("*"), json!("*")),
                deny(json!("iam:*"), json!("*"))
            ])),
        )
        .arn;
    let u = f.user("alice");
    u.inline_policies
        .push(inline("all", doc(json!([allow(json!("*"), json!("*"))]))));
    u.permissions_boundary = Some(b);
    let az = f.authorizer();
    let d = az.check("alice", "iam:CreateRole", "*", &none());
    verdict(&d, Verdict::Denied);
    assert_eq!(d.statements[0].policy.kind, PolicyKind::Boundary);
    assert_eq!(d.statements[0].effect, Effect::Deny);
}

// "Permissions boundaries for IAM entities", "Evaluating effective permissions with
// boundaries", resource-based policies: "Within an account, an implicit deny in a
// permissions boundary does not limit the permissions granted to an IAM user by a
// resource-based policy."
#[test]
fn boundary_does_not_limit_same_account_resource_policy_for_user() {
    let mut f = Fixture::new();
    let b = boundary(&mut f, "OnlyEc2", json!("ec2:*"));
    f.user("alice").permissions_boundary = Some(b);
    f.bucket(
        "shared",
        Some(doc(
            json!([{"Effect": "Allow", "Principal": {"AWS": iam_arn("user/alice")},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*"}]),
        )),
    );
    let az = f.authorizer();
    let d = az.check("alice", "s3:GetObject", "arn:aws:s3:::shared/k", &none());
    verdict(&d, Verdict::Allowed);
    assert_eq!(d.statements[0].policy.kind, PolicyKind::Resource);
}

// Same section: "an implicit deny in a permissions boundary does limit the permissions
// granted to the ARN of the underlying IAM role by the resource-based policy" (a role acts
// through a session; the policy names the role's ARN).
#[test]
fn boundary_limits_resource_policy_grant_to_role_arn() {
    let mut f = Fixture::new();
    let b = boundary(&mut f, "OnlyEc2", json!("ec2:*"));
    f.role("bounded", trust(json!({"Service": "ec2.amazonaws.com"})))
        .permissions_boundary = Some(b);
    f.role("free", trust(json!({"Service": "ec2.amazonaws.com"})));
    f.bucket(
        "shared",
        Some(doc(json!([{"Effect": "Allow",
            "Principal": {"AWS": [iam_arn("role/bounded"), iam_arn("role/free")]},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*"}]))),
    );
    let az = f.authorizer();
    verdict(
        &az.check(
            "role/bounded",
            "s3:GetObject",
            "arn:aws:s3:::shared/k",
            &none(),
        ),
        Verdict::Denied,
    );
    verdict(
        &az.check(
            "role/free",
            "s3:GetObject",
            "arn:aws:s3:::shared/k",
            &none(),
        ),
        Verdict::Allowed,
    );
}

// ---------------------------------------------------------------------------------------
// Resource-based policies
// ---------------------------------------------------------------------------------------

// PEL, "Policy evaluation for requests within a single account": "If either the
// identity-based policy or the resource-based policy within the same account allows the
// request and the other doesn't, the request is still allowed."
#[test]
fn same_account_resource_policy_naming_the_user_allows_alone() {
    let mut f = Fixture::new();
    f.user("alice");
    f.user("bob");
    f.bucket(
        "b",
        Some(doc(
            json!([{"Sid": "Alice", "Effect": "Allow", "Principal": {"AWS": iam_arn("user/alice")},
            "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::b/*"}]),
        )),
    );
    let az = f.authorizer();
    let d = az.check("alice", "s3:PutObject", "arn:aws:s3:::b/x", &none());
    verdict(&d, Verdict::Allowed);
    assert_eq!(
        d.statements[0].policy.arn.as_deref(),
        Some("arn:aws:s3:::b")
    );
    assert_eq!(d.statements[0].sid.as_deref(), Some("Alice"));
    verdict(
        &az.check("bob", "s3:PutObject", "arn:aws:s3:::b/x", &none()),
        Verdict::Denied,
    );
}

// IAM User Guide, "Cross account resource access in IAM" / PEL: a resource policy that
// names the account (its root) delegates to the account's IAM policies, which must allow.
#[test]
fn resource_policy_naming_the_account_needs_identity_allow() {
    let mut f = Fixture::new();
    f.user("alice");
    f.user("bob").inline_policies.push(inline(
        "s3",
        doc(json!([allow(json!("s3:GetObject"), json!("*"))])),
    ));
    f.bucket(
        "b",
        Some(doc(
            json!([{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]),
        )),
    );
    let az = f.authorizer();
    verdict(
        &az.check("alice", "s3:GetObject", "arn:aws:s3:::b/x", &none()),
        Verdict::Denied,
    );
    verdict(
        &az.check("bob", "s3:GetObject", "arn:aws:s3:::b/x", &none()),
        Verdict::Allowed,
    );
}

// PEL, "Deny evaluation": an explicit deny in a resource-based policy beats an identity
// allow.
#[test]
fn resource_policy_deny_beats_identity_allow() {
    let mut f = Fixture::new();
    f.user("alice")
        .inline_policies
        .push(inline("all", doc(json!([allow(json!("*"), json!("*"))]))));
    f.bucket(
        "locked",
        Some(doc(json!([{"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::locked/*"}]))),
    );
    let az = f.authorizer();
    let d = az.check("alice", "s3:DeleteObject", "arn:aws:s3:::locked/x", &none());
    verdict(&d, Verdict::Denied);
    assert_eq!(d.statements[0].policy.kind, PolicyKind::Resource);
    verdict(
        &az.check("alice", "s3:GetObject", "arn:aws:s3:::locked/x", &none()),
        Verdict::Allowed,
    );
}

// IAM User Guide, "AWS JSON policy elements: Principal", "All principals": `"*"` grants
// everyone, including principals with no identity policy.
#[test]
fn public_resource_policy_allows_everyone() {
    let mut f = Fixture::new();
    f.user("alice");
    let topic = f.topic(
        "alerts",
        Some(doc(json!([{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sns:Publish", "Resource": "*"}]))),
    );
    let func = f.function(
        "f",
        Some(doc(json!([{"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunctionUrl", "Resource": "*"}]))),
    );
    let az = f.authorizer();
    verdict(
        &az.check("alice", "sns:Publish", &topic, &none()),
        Verdict::Allowed,
    );
    verdict(
        &az.check("alice", "sns:Subscribe", &topic, &none()),
        Verdict::Denied,
    );
    verdict(
        &az.check("alice", "lambda:InvokeFunctionUrl", &func, &none()),
        Verdict::Allowed,
    );
    // A qualified function ARN (alias) is governed by the function's policy too.
    verdict(
        &az.check(
            "alice",
            "lambda:InvokeFunctionUrl",
            &format!("{func}:live"),
            &none(),
        ),
        Verdict::Allowed,
    );
}

// AWS KMS Developer Guide, "Key policies in AWS KMS": "Unless the key policy explicitly
// allows it, you cannot use IAM policies to allow access to a KMS key"; the default key
// policy's account-root statement delegates to IAM.
#[test]
fn kms_key_policy_must_allow() {
    let mut f = Fixture::new();
    f.user("alice").inline_policies.push(inline(
        "kms",
        doc(json!([allow(json!("kms:*"), json!("*"))])),
    ));
    f.user("bob");
    let closed = f.kms_key(
        "closed",
        Some(doc(json!([{"Effect": "Allow", "Principal": {"AWS": iam_arn("role/keyadmin")}, "Action": "kms:*", "Resource": "*"}]))),
    );
    let delegating = f.kms_key(
        "delegating",
        Some(doc(json!([{"Sid": "Enable IAM User Permissions", "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "kms:*", "Resource": "*"}]))),
    );
    let direct = f.kms_key(
        "direct",
        Some(doc(json!([{"Effect": "Allow", "Principal": {"AWS": iam_arn("user/bob")}, "Action": "kms:Decrypt", "Resource": "*"}]))),
    );
    let az = f.authorizer();
    let d = az.check("alice", "kms:Decrypt", &closed, &none());
    verdict(&d, Verdict::Denied);
    assert!(
        d.notes.iter().any(|n| n.contains("KMS key policy")),
        "{d:?}"
    );
    verdict(
        &az.check("alice", "kms:Decrypt", &delegating, &none()),
        Verdict::Allowed,
    );
    verdict(
        &az.check("bob", "kms:Decrypt", &delegating, &none()),
        Verdict::Denied,
    );
    verdict(
        &az.check("bob", "kms:Decrypt", &direct, &none()),
        Verdict::Allowed,
    );
    verdict(
        &az.check("alice", "kms:Decrypt", &direct, &none()),
        Verdict::Denied,
    );
}

// A KMS key policy that was not read leaves the answer conditional, with a note.
#[test]
fn kms_key_policy_not_read_is_conditional() {
    let mut f = Fixture::new();
    f.user("alice").inline_policies.push(inline(
        "kms",
        doc(json!([allow(json!("kms:*"), json!("*"))])),
    ));
    let key = f.kms_key("k", None);
    if let rampart_inventory::Collected::Ok(keys) = &mut f.region().kms.keys {
        keys[0].policy = rampart_inventory::Collected::Missing(rampart_inventory::Gap {
            api: "kms:GetKeyPolicy".into(),
            code: "AccessDenied".into(),
            message: String::new(),
        });
    }
    let az = f.authorizer();
    let d = az.check("alice", "kms:Decrypt", &key, &none());
    verdict(&d, Verdict::Conditional);
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("AccessDenied on kms:GetKeyPolicy")),
        "{d:?}"
    );
}

// IAM User Guide, "Cross account resource access in IAM" and "Granting a user permissions
// to switch roles": the trust policy must name the principal; naming the user's ARN allows
// on its own within the account, naming the account needs an identity-based allow.
#[test]
fn trust_policy_must_name_the_principal() {
    let mut f = Fixture::new();
    f.user("alice").inline_policies.push(inline(
        "assume",
        doc(json!([allow(json!("sts:AssumeRole"), json!("*"))])),
    ));
    f.user("bob");
    f.user("carol");
    f.role("ec2only", trust(json!({"Service": "ec2.amazonaws.com"})));
    f.role("forbob", trust(json!({"AWS": iam_arn("user/bob")})));
    f.role("foraccount", trust(json!({"AWS": ACCOUNT})));
    let az = f.authorizer();
    let role = |n: &str| iam_arn(&format!("role/{n}"));
    let d = az.check("alice", "sts:AssumeRole", &role("ec2only"), &none());
    verdict(&d, Verdict::Denied);
    assert!(d.notes.iter().any(|n| n.contains("trust policy")), "{d:?}");
    let d = az.check("bob", "sts:AssumeRole", &role("forbob"), &none());
    verdict(&d, Verdict::Allowed);
    assert_eq!(d.statements[0].policy.kind, PolicyKind::Trust);
    verdict(
        &az.check("carol", "sts:AssumeRole", &role("forbob"), &none()),
        Verdict::Denied,
    );
    verdict(
        &az.check("alice", "sts:AssumeRole", &role("foraccount"), &none()),
        Verdict::Allowed,
    );
    verdict(
        &az.check("carol", "sts:AssumeRole", &role("foraccount"), &none()),
        Verdict::Denied,
    );
    // Other actions on a role are not decided by its trust policy.
    verdict(
        &az.check("alice", "iam:PassRole", &role("ec2only"), &none()),
        Verdict::Denied,
    );
}

// IAM User Guide, "AWS JSON policy elements: NotPrincipal": with Deny, a principal is
// exempt only if both it and its account are listed.
#[test]
fn not_principal_with_deny() {
    let mut f = Fixture::new();
    for u in ["alice", "bob", "carol"] {
        f.user(u)
            .inline_policies
            .push(inline("s3", doc(json!([allow(json!("s3:*"), json!("*"))]))));
    }
    f.bucket(
        "vault",
        Some(doc(json!([{"Effect": "Deny",
            "NotPrincipal": {"AWS": [iam_arn("user/alice"), format!("arn:aws:iam::{ACCOUNT}:root"), iam_arn("user/bob")]},
            "Action": "s3:*", "Resource": ["arn:aws:s3:::vault", "arn:aws:s3:::vault/*"]}]))),
    );
    let az = f.authorizer();
    verdict(
        &az.check("alice", "s3:GetObject", "arn:aws:s3:::vault/x", &none()),
        Verdict::Allowed,
    );
    verdict(
        &az.check("bob", "s3:GetObject", "arn:aws:s3:::vault/x", &none()),
        Verdict::Allowed,
    );
    verdict(
        &az.check("carol", "s3:GetObject", "arn:aws:s3:::vault/x", &none()),
        Verdict::Denied,
    );
}

// "AWS JSON policy elements: Principal", "Role session principals": a resource policy that
// names an assumed-role session applies only to that session, which the snapshot cannot
// tell: the answer is conditional on the session.
#[test]
fn resource_policy_naming_a_role_session_is_conditional() {
    let mut f = Fixture::new();
    f.role("ops", trust(json!({"AWS": ACCOUNT})));
    f.bucket(
        "b",
        Some(doc(json!([{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:sts::{ACCOUNT}:assumed-role/ops/alice")},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]))),
    );
    let az = f.authorizer();
    let d = az.check("role/ops", "s3:GetObject", "arn:aws:s3:::b/x", &none());
    verdict(&d, Verdict::Conditional);
    assert_eq!(d.conditions[0].operator, "Principal");
    assert_eq!(
        d.conditions[0].values,
        [format!("arn:aws:sts::{ACCOUNT}:assumed-role/ops/alice")]
    );
}

// ---------------------------------------------------------------------------------------
// Cross-account
// ---------------------------------------------------------------------------------------

// PEL, "Cross-account policy evaluation logic": the principal's identity-based policy and
// the resource-based policy must both allow. A principal of another account: its identity
// side is not in the snapshot, so a resource policy that allows it gives a conditional
// answer, one that does not gives a denial.
#[test]
fn cross_account_needs_both_sides_external_principal() {
    let mut f = Fixture::new();
    f.bucket(
        "shared",
        Some(doc(
            json!([{"Effect": "Allow", "Principal": {"AWS": OTHER_ACCOUNT},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*"}]),
        )),
    );
    f.bucket("private", None);
    let az = f.authorizer();
    let ext = Principal::from_arn(&format!("arn:aws:iam::{OTHER_ACCOUNT}:role/reader")).unwrap();
    let d = az.check_as(&ext, "s3:GetObject", "arn:aws:s3:::shared/x", &none());
    verdict(&d, Verdict::Conditional);
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("identity policies are not in the snapshot")),
        "{d:?}"
    );
    verdict(
        &az.check_as(&ext, "s3:PutObject", "arn:aws:s3:::shared/x", &none()),
        Verdict::Denied,
    );
    verdict(
        &az.check_as(&ext, "s3:GetObject", "arn:aws:s3:::private/x", &none()),
        Verdict::Denied,
    );
}

// Same page, the other direction: a principal of the snapshot reaching a resource of
// another account needs its own identity allow, and the other account's resource policy,
// which is not in the snapshot.
#[test]
fn cross_account_needs_both_sides_internal_principal() {
    let mut f = Fixture::new();
    f.user("alice").inline_policies.push(inline(
        "sqs",
        doc(json!([allow(json!("sqs:SendMessage"), json!("*"))])),
    ));
    f.user("bob");
    let az = f.authorizer();
    let queue = format!("arn:aws:sqs:us-east-1:{OTHER_ACCOUNT}:q");
    let d = az.check("alice", "sqs:SendMessage", &queue, &none());
    verdict(&d, Verdict::Conditional);
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("is in account 444455556666")),
        "{d:?}"
    );
    verdict(
        &az.check("bob", "sqs:SendMessage", &queue, &none()),
        Verdict::Denied,
    );
    // A bucket the snapshot does not list belongs to another account.
    let d = az.check("alice", "s3:GetObject", "arn:aws:s3:::elsewhere/x", &none());
    verdict(&d, Verdict::Denied);
}

// "Cross-account policy evaluation logic": a resource policy naming a principal of another
// account does not allow it on its own; that principal's identity side must allow too, so
// the snapshot cannot decide (conditional), whereas an explicit deny decides.
#[test]
fn cross_account_resource_deny_decides() {
    let mut f = Fixture::new();
    f.bucket(
        "b",
        Some(doc(json!([
            {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"},
            {"Effect": "Deny", "Principal": {"AWS": OTHER_ACCOUNT}, "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::b/*"}
        ]))),
    );
    let az = f.authorizer();
    let ext = Principal::from_arn(&format!("arn:aws:iam::{OTHER_ACCOUNT}:user/mallory")).unwrap();
    verdict(
        &az.check_as(&ext, "s3:GetObject", "arn:aws:s3:::b/x", &none()),
        Verdict::Conditional,
    );
    verdict(
        &az.check_as(&ext, "s3:DeleteObject", "arn:aws:s3:::b/x", &none()),
        Verdict::Denied,
    );
}

// ---------------------------------------------------------------------------------------
// Service control policies and resource control policies
// ---------------------------------------------------------------------------------------

fn admin_user(f: &mut Fixture, name: &str) {
    f.user(name)
        .inline_policies
        .push(inline("all", doc(json!([allow(json!("*"), json!("*"))]))));
}

// AWS Organizations User Guide, "SCP evaluation": "an action is allowed only if every level
// from the root down to the account allows it"; PEL: "If the enforcement code does not find
// any applicable Allow statements in the SCPs, ... Deny".
#[test]
fn scp_level_without_allow_denies() {
    let mut f = Fixture::new();
    f.organization("999999999999");
    f.scp_level("ROOT", vec![("FullAWSAccess", full_aws_access())]);
    f.scp_level(
        "ORGANIZATIONAL_UNIT",
        vec![(
            "OnlyS3AndEc2",
            doc(json!([allow(json!(["s3:*", "ec2:*"]), json!("*"))])),
        )],
    );
    f.scp_level("ACCOUNT", vec![("FullAWSAccess", full_aws_access())]);
    admin_user(&mut f, "alice");
    f.bucket("b", None);
    let az = f.authorizer();
    let d = az.check("alice", "s3:GetObject", "arn:aws:s3:::b/x", &none());
    verdict(&d, Verdict::Allowed);
    assert!(d
        .statements
        .iter()
        .any(|s| s.policy.kind == PolicyKind::Scp));
    let d = az.check("alice", "iam:CreateUser", "*", &none());
    verdict(&d, Verdict::Denied);
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("no SCP at ORGANIZATIONAL_UNIT Workloads")),
        "{d:?}"
    );
    let admin = az.find_principal("alice").unwrap().clone();
    verdict(&az.is_admin(&admin), Verdict::Denied);
}

// PEL, "Deny evaluation": an explicit deny in an SCP denies, whatever the identity policies
// allow, the root user included.
#[test]
fn scp_explicit_deny() {
    let mut f = Fixture::new();
    f.organization("999999999999");
    f.scp_level(
        "ROOT",
        vec![
            ("FullAWSAccess", full_aws_access()),
            (
                "NoLeaving",
                doc(json!([deny(
                    json!("organizations:LeaveOrganization"),
                    json!("*")
                )])),
            ),
        ],
    );
    admin_user(&mut f, "alice");
    let az = f.authorizer();
    let d = az.check("alice", "organizations:LeaveOrganization", "*", &none());
    verdict(&d, Verdict::Denied);
    assert_eq!(d.statements[0].policy.kind, PolicyKind::Scp);
    assert_eq!(d.statements[0].policy.name, "NoLeaving");
    let root = az.find_principal("root").unwrap().clone();
    verdict(
        &az.check_as(&root, "organizations:LeaveOrganization", "*", &none()),
        Verdict::Denied,
    );
}

// AWS Organizations User Guide, "Service control policies (SCPs)": "SCPs don't affect users
// or roles in the management account."
#[test]
fn scp_ignored_in_management_account() {
    let mut f = Fixture::new();
    f.organization(ACCOUNT);
    f.scp_level(
        "ROOT",
        vec![("DenyAll", doc(json!([deny(json!("*"), json!("*"))])))],
    );
    admin_user(&mut f, "alice");
    let az = f.authorizer();
    let d = az.check("alice", "iam:CreateUser", "*", &none());
    verdict(&d, Verdict::Allowed);
    assert!(d.notes.iter().any(|n| n.contains("management account")));
}

// Same page, "Tasks and entities not restricted by SCPs": "Any action performed by a
// service-linked role".
#[test]
fn scp_ignored_for_service_linked_roles() {
    let mut f = Fixture::new();
    f.organization("999999999999");
    f.scp_level(
        "ROOT",
        vec![("DenyAll", doc(json!([deny(json!("*"), json!("*"))])))],
    );
    f.service_linked_role("AWSServiceRoleForSupport", "support.amazonaws.com")
        .inline_policies
        .push(inline(
            "p",
            doc(json!([allow(json!("iam:Get*"), json!("*"))])),
        ));
    admin_user(&mut f, "alice");
    let az = f.authorizer();
    verdict(
        &az.check("AWSServiceRoleForSupport", "iam:GetRole", "*", &none()),
        Verdict::Allowed,
    );
    verdict(
        &az.check("alice", "iam:GetRole", "*", &none()),
        Verdict::Denied,
    );
}

// When SCPs could not be read, the answer says so and is given without them.
#[test]
fn scps_not_read_are_noted() {
    let mut f = Fixture::new();
    f.organization("999999999999");
    f.inv.organizations.applied_policies =
        rampart_inventory::Collected::Missing(rampart_inventory::Gap {
            api: "organizations:ListPoliciesForTarget".into(),
            code: "AccessDenied".into(),
            message: String::new(),
        });
    admin_user(&mut f, "alice");
    let az = f.authorizer();
    let d = az.check("alice", "iam:CreateUser", "*", &none());
    verdict(&d, Verdict::Allowed);
    assert!(
        d.notes
            .iter()
            .any(|n| n.starts_with("SCPs not read (AccessDenied")),
        "{d:?}"
    );
}

// PEL, "AWS Organizations RCPs": an RCP denies requests to the account's resources; a
// typical data perimeter denies principals outside the organization (aws:PrincipalOrgID,
// derived for the snapshot's principals).
#[test]
fn rcp_deny_outside_the_organization() {
    let mut f = Fixture::new();
    f.organization("999999999999");
    f.scp_level("ROOT", vec![("FullAWSAccess", full_aws_access())]);
    f.rcp_level(
        "ROOT",
        vec![
            ("RCPFullAWSAccess", rcp_full_aws_access()),
            (
                "Perimeter",
                doc(
                    json!([{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
                "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]),
                ),
            ),
        ],
    );
    admin_user(&mut f, "alice");
    f.bucket("b", Some(doc(json!([{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]))));
    let az = f.authorizer();
    verdict(
        &az.check("alice", "s3:GetObject", "arn:aws:s3:::b/x", &none()),
        Verdict::Allowed,
    );
    let ext = Principal::from_arn(&format!("arn:aws:iam::{OTHER_ACCOUNT}:role/x")).unwrap();
    let other_org = RequestContext::default().with("aws:PrincipalOrgID", "o-zzzzzzzzzz");
    let d = az.check_as(&ext, "s3:GetObject", "arn:aws:s3:::b/x", &other_org);
    verdict(&d, Verdict::Denied);
    assert_eq!(d.statements[0].policy.kind, PolicyKind::Rcp);
    // Not knowing the outsider's organization leaves it conditional, on that condition.
    let d = az.check_as(&ext, "s3:GetObject", "arn:aws:s3:::b/x", &none());
    verdict(&d, Verdict::Conditional);
    assert!(
        d.conditions.iter().any(|c| c.key == "aws:PrincipalOrgID"),
        "{d:?}"
    );
}

// AWS Organizations User Guide, "Resource control policies (RCPs)": RCPs apply only to the
// services that support them, not in the management account, and every level must allow.
#[test]
fn rcp_scope() {
    let deny_all =
        || doc(json!([{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}]));
    let mut f = Fixture::new();
    f.organization("999999999999");
    f.scp_level("ROOT", vec![("FullAWSAccess", full_aws_access())]);
    f.rcp_level(
        "ROOT",
        vec![
            ("RCPFullAWSAccess", rcp_full_aws_access()),
            ("DenyAll", deny_all()),
        ],
    );
    admin_user(&mut f, "alice");
    f.bucket("b", None);
    let topic = f.topic("t", None);
    let az = f.authorizer();
    verdict(
        &az.check("alice", "s3:GetObject", "arn:aws:s3:::b/x", &none()),
        Verdict::Denied,
    );
    // SNS does not support RCPs.
    verdict(
        &az.check("alice", "sns:Publish", &topic, &none()),
        Verdict::Allowed,
    );

    let mut f = Fixture::new();
    f.organization(ACCOUNT);
    f.rcp_level("ROOT", vec![("DenyAll", deny_all())]);
    admin_user(&mut f, "alice");
    f.bucket("b", None);
    let az = f.authorizer();
    verdict(
        &az.check("alice", "s3:GetObject", "arn:aws:s3:::b/x", &none()),
        Verdict::Allowed,
    );

    let mut f = Fixture::new();
    f.organization("999999999999");
    f.scp_level("ROOT", vec![("FullAWSAccess", full_aws_access())]);
    f.rcp_level("ROOT", vec![("RCPFullAWSAccess", rcp_full_aws_access())]);
    f.rcp_level(
        "ACCOUNT",
        vec![(
            "OnlyKms",
            doc(json!([{"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}])),
        )],
    );
    admin_user(&mut f, "alice");
    f.bucket("b", None);
    let az = f.authorizer();
    let d = az.check("alice", "s3:GetObject", "arn:aws:s3:::b/x", &none());
    verdict(&d, Verdict::Denied);
    assert!(
        d.notes.iter().any(|n| n.contains("no RCP at ACCOUNT")),
        "{d:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Conditions, in three-valued logic
// ---------------------------------------------------------------------------------------

fn with_condition(condition: serde_json::Value) -> Fixture {
    let mut f = Fixture::new();
    f.user("alice").inline_policies.push(inline(
        "cond",
        doc(json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": condition}])),
    ));
    f.bucket("b", None);
    f
}

const OBJ: &str = "arn:aws:s3:::b/x";

// "Condition operators", "IP address condition operators": aws:SourceIp against CIDR
// blocks, v4 and v6; an unknown source address leaves the answer conditional, with the
// condition shown.
#[test]
fn source_ip_true_false_unknown() {
    let f =
        with_condition(json!({"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}}));
    let az = f.authorizer();
    let ctx = |ip: &str| RequestContext::default().with("aws:SourceIp", ip);
    verdict(
        &az.check("alice", "s3:GetObject", OBJ, &ctx("203.0.113.9")),
        Verdict::Allowed,
    );
    verdict(
        &az.check("alice", "s3:GetObject", OBJ, &ctx("2001:db8::5")),
        Verdict::Allowed,
    );
    verdict(
        &az.check("alice", "s3:GetObject", OBJ, &ctx("198.51.100.1")),
        Verdict::Denied,
    );
    let d = az.check("alice", "s3:GetObject", OBJ, &none());
    verdict(&d, Verdict::Conditional);
    assert_eq!(d.conditions.len(), 1);
    let c = &d.conditions[0];
    assert_eq!(
        (c.operator.as_str(), c.key.as_str(), c.index),
        ("IpAddress", "aws:SourceIp", 0)
    );
    assert_eq!(c.values, ["203.0.113.0/24", "2001:db8::/32"]);
    assert!(d.to_string().contains("if IpAddress aws:SourceIp"), "{d}");
}

// "Condition operators", "Boolean condition operators": aws:MultiFactorAuthPresent; keys
// compare case-insensitively ("IAM JSON policy elements: Condition").
#[test]
fn mfa_bool() {
    let f = with_condition(json!({"Bool": {"AWS:MultiFactorAuthPresent": "true"}}));
    let az = f.authorizer();
    let mfa = |v: &str| RequestContext::default().with("aws:multifactorauthpresent", v);
    verdict(
        &az.check("alice", "s3:GetObject", OBJ, &mfa("true")),
        Verdict::Allowed,
    );
    verdict(
        &az.check("alice", "s3:GetObject", OBJ, &mfa("false")),
        Verdict::Denied,
    );
    // "If the key ... is not present in the request context, ... the condition is false".
    let absent = RequestContext::default().with_absent("aws:MultiFactorAuthPresent");
    verdict(
        &az.check("alice", "s3:GetObject", OBJ, &absent),
        Verdict::Denied,
    );
    verdict(
        &az.check("alice", "s3:GetObject", OBJ, &none()),
        Verdict::Conditional,
    );
}

// "Condition operators", "...IfExists condition operators": a Deny with BoolIfExists false
// applies when the key is absent; Bool alone would not.
#[test]
fn if_exists_on_missing_key() {
    let mut f = Fixture::new();
    let u = f.user("alice");
    u.inline_policies
        .push(inline("all", doc(json!([allow(json!("*"), json!("*"))]))));
    u.inline_policies.push(inline(
        "mfa",
        doc(json!([{"Effect": "Deny", "Action": "*", "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}])),
    ));
    f.user("bob").inline_policies.push(inline(
        "p",
        doc(json!([{"Effect": "Allow", "Action": "*", "Resource": "*",
            "Condition": {"StringEqualsIfExists": {"aws:RequestedRegion": "eu-west-1"}}}])),
    ));
    let az = f.authorizer();
    let absent = RequestContext::default().with_absent("aws:MultiFactorAuthPresent");
    verdict(
        &az.check("alice", "ec2:RunInstances", "*", &absent),
        Verdict::Denied,
    );
    let mfa = RequestContext::default().with("aws:MultiFactorAuthPresent", "true");
    verdict(
        &az.check("alice", "ec2:RunInstances", "*", &mfa),
        Verdict::Allowed,
    );
    // Not knowing whether the key is there: conditional, showing the deny's condition.
    let d = az.check("alice", "ec2:RunInstances", "*", &none());
    verdict(&d, Verdict::Conditional);
    assert_eq!(d.conditions[0].operator, "BoolIfExists");
    assert!(d.statements.iter().any(|s| s.effect == Effect::Deny));
    let no_region = RequestContext::default().with_absent("aws:RequestedRegion");
    verdict(
        &az.check("bob", "iam:ListUsers", "*", &no_region),
        Verdict::Allowed,
    );
    let us = RequestContext::default().with("aws:RequestedRegion", "us-east-1");
    verdict(
        &az.check("bob", "ec2:RunInstances", "*", &us),
        Verdict::Denied,
    );
}

// "Single-valued vs. multivalued context keys": "ForAllValues ... returns true if there's no
// context key in the request or if the key value resolves to a null data set"; ForAnyValue
// returns false then.
#[test]
fn for_all_values_with_absent_key_is_true() {
    let mut f = Fixture::new();
    f.user("alice").inline_policies.push(inline(
        "tags",
        doc(
            json!([{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
            "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}}}]),
        ),
    ));
    f.user("bob").inline_policies.push(inline(
        "tags",
        doc(
            json!([{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
            "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env", "team"]}}}]),
        ),
    ));
    let az = f.authorizer();
    let absent = RequestContext::default().with_absent("aws:TagKeys");
    verdict(
        &az.check("alice", "ec2:CreateTags", "*", &absent),
        Verdict::Allowed,
    );
    verdict(
        &az.check("bob", "ec2:CreateTags", "*", &absent),
        Verdict::Denied,
    );
    let mut tags = RequestContext::default();
    tags.set_values("aws:TagKeys", vec!["env".into(), "owner".into()]);
    verdict(
        &az.check("alice", "ec2:CreateTags", "*", &tags),
        Verdict::Denied,
    );
    verdict(
        &az.check("bob", "ec2:CreateTags", "*", &tags),
        Verdict::Allowed,
    );
}

// "Condition operators", "Condition key not present": with a Not operator, a key absent
// from the request makes the condition true.
#[test]
fn negated_operator_on_absent_key() {
    let f = with_condition(json!({"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}));
    let az = f.authorizer();
    let absent = RequestContext::default().with_absent("aws:SourceVpce");
    verdict(
        &az.check("alice", "s3:GetObject", OBJ, &absent),
        Verdict::Allowed,
    );
    let same = RequestContext::default().with("aws:SourceVpce", "vpce-1a2b3c4d");
    verdict(
        &az.check("alice", "s3:GetObject", OBJ, &same),
        Verdict::Denied,
    );
}

// "Condition operators", "Null condition operator".
#[test]
fn null_operator() {
    let f = with_condition(json!({"Null": {"aws:TokenIssueTime": "true"}}));
    let az = f.authorizer();
    let absent = RequestContext::default().with_absent("aws:TokenIssueTime");
    verdict(
        &az.check("alice", "s3:GetObject", OBJ, &absent),
        Verdict::Allowed,
    );
    let present = RequestContext::default().with("aws:TokenIssueTime", "2026-06-01T00:00:00Z");
    verdict(
        &az.check("alice", "s3:GetObject", OBJ, &present),
        Verdict::Denied,
    );
    verdict(
        &az.check("alice", "s3:GetObject", OBJ, &none()),
        Verdict::Conditional,
    );
}

// "Condition operators", "Numeric" and "Date" operators through a whole evaluation.
#[test]
fn numeric_and_date_operators() {
    let f = with_condition(json!({
        "NumericLessThanEquals": {"s3:max-keys": "100"},
        "DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}
    }));
    let az = f.authorizer();
    let ctx = |keys: &str, time: &str| {
        RequestContext::default()
            .with("s3:max-keys", keys)
            .with("aws:CurrentTime", time)
    };
    verdict(
        &az.check(
            "alice",
            "s3:GetObject",
            OBJ,
            &ctx("100", "2026-06-01T00:00:00Z"),
        ),
        Verdict::Allowed,
    );
    verdict(
        &az.check(
            "alice",
            "s3:GetObject",
            OBJ,
            &ctx("101", "2026-06-01T00:00:00Z"),
        ),
        Verdict::Denied,
    );
    verdict(
        &az.check(
            "alice",
            "s3:GetObject",
            OBJ,
            &ctx("10", "2027-06-01T00:00:00Z"),
        ),
        Verdict::Denied,
    );
    // One clause false decides even when the other is unknown.
    let only_keys = RequestContext::default().with("s3:max-keys", "500");
    verdict(
        &az.check("alice", "s3:GetObject", OBJ, &only_keys),
        Verdict::Denied,
    );
    let d = az.check(
        "alice",
        "s3:GetObject",
        OBJ,
        &RequestContext::default().with("s3:max-keys", "5"),
    );
    verdict(&d, Verdict::Conditional);
    assert_eq!(d.conditions.len(), 1);
    assert_eq!(d.conditions[0].key, "aws:CurrentTime");
}

// "Condition operators", "String condition operators": StringLike with wildcards,
// StringEqualsIgnoreCase.
#[test]
fn string_like_and_ignore_case() {
    let f = with_condition(json!({
        "StringLike": {"s3:prefix": ["home/*", "public/??"]},
        "StringEqualsIgnoreCase": {"aws:RequestTag/env": "Prod"}
    }));
    let az = f.authorizer();
    let ctx = |prefix: &str, env: &str| {
        RequestContext::default()
            .with("s3:prefix", prefix)
            .with("aws:RequestTag/env", env)
    };
    verdict(
        &az.check("alice", "s3:GetObject", OBJ, &ctx("home/alice/x", "PROD")),
        Verdict::Allowed,
    );
    verdict(
        &az.check("alice", "s3:GetObject", OBJ, &ctx("public/ab", "prod")),
        Verdict::Allowed,
    );
    verdict(
        &az.check("alice", "s3:GetObject", OBJ, &ctx("public/abc", "prod")),
        Verdict::Denied,
    );
    verdict(
        &az.check("alice", "s3:GetObject", OBJ, &ctx("home/x", "dev")),
        Verdict::Denied,
    );
}

// "Condition operators", "Amazon Resource Name (ARN) condition operators" with
// aws:PrincipalArn, which the engine derives from the principal ("AWS global condition
// context keys", aws:PrincipalArn).
#[test]
fn principal_arn_is_derived() {
    let mut f = Fixture::new();
    f.user("alice");
    f.role("ops-admin", trust(json!({"AWS": ACCOUNT})));
    f.bucket(
        "b",
        Some(doc(json!([{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
            "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/ops-*"}}}]))),
    );
    let az = f.authorizer();
    verdict(
        &az.check("role/ops-admin", "s3:GetObject", OBJ, &none()),
        Verdict::Allowed,
    );
    verdict(
        &az.check("alice", "s3:GetObject", OBJ, &none()),
        Verdict::Denied,
    );
}

// "AWS global condition context keys", aws:PrincipalAccount and aws:PrincipalOrgID:
// derived from the snapshot for its principals.
#[test]
fn principal_account_and_org_are_derived() {
    let mut f = with_condition(json!({
        "StringEquals": {"aws:PrincipalAccount": ACCOUNT, "aws:PrincipalOrgID": "o-a1b2c3d4e5"}
    }));
    f.organization("999999999999");
    f.scp_level("ROOT", vec![("FullAWSAccess", full_aws_access())]);
    let az = f.authorizer();
    verdict(
        &az.check("alice", "s3:GetObject", OBJ, &none()),
        Verdict::Allowed,
    );
    // An account in no organization: aws:PrincipalOrgID is absent, the condition false.
    let f = with_condition(json!({"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}));
    let az = f.authorizer();
    verdict(
        &az.check("alice", "s3:GetObject", OBJ, &none()),
        Verdict::Denied,
    );
}

// "AWS global condition context keys", aws:PrincipalTag: the principal's tags.
#[test]
fn principal_tag_condition() {
    let mut f = with_condition(json!({"StringEquals": {"aws:PrincipalTag/team": "data"}}));
    if let rampart_inventory::Collected::Ok(users) = &mut f.inv.iam.users {
        users[0]
            .tags
            .push(rampart_inventory::Tag::new("team", "data"));
    }
    f.user("bob").inline_policies.push(inline(
        "cond",
        doc(
            json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalTag/team": "data"}}}]),
        ),
    ));
    let az = f.authorizer();
    verdict(
        &az.check("alice", "s3:GetObject", OBJ, &none()),
        Verdict::Allowed,
    );
    verdict(
        &az.check("bob", "s3:GetObject", OBJ, &none()),
        Verdict::Denied,
    );
}

// IAM User Guide, "Cross account resource access in IAM" / "How to use an external ID":
// sts:ExternalId in a trust policy; not knowing it leaves the answer conditional.
#[test]
fn external_id_in_trust_policy() {
    let mut f = Fixture::new();
    f.role(
        "vendor",
        doc(json!([{"Effect": "Allow", "Principal": {"AWS": OTHER_ACCOUNT}, "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "Unique-1234"}}}])),
    );
    let az = f.authorizer();
    let ext =
        Principal::from_arn(&format!("arn:aws:iam::{OTHER_ACCOUNT}:role/vendor-app")).unwrap();
    let role = iam_arn("role/vendor");
    let wrong = RequestContext::default().with("sts:ExternalId", "guess");
    verdict(
        &az.check_as(&ext, "sts:AssumeRole", &role, &wrong),
        Verdict::Denied,
    );
    let d = az.check_as(&ext, "sts:AssumeRole", &role, &none());
    verdict(&d, Verdict::Conditional);
    assert!(
        d.conditions.iter().any(|c| c.key == "sts:ExternalId"),
        "{d:?}"
    );
    // Even the right id leaves the other account's identity side unknown.
    let right = RequestContext::default().with("sts:ExternalId", "Unique-1234");
    let d = az.check_as(&ext, "sts:AssumeRole", &role, &right);
    verdict(&d, Verdict::Conditional);
    assert!(d.conditions.is_empty(), "{d:?}");
}

// Amazon S3 User Guide, "Enforce encryption in transit": Deny unless aws:SecureTransport.
#[test]
fn secure_transport_deny() {
    let mut f = Fixture::new();
    f.user("alice")
        .inline_policies
        .push(inline("s3", doc(json!([allow(json!("s3:*"), json!("*"))]))));
    f.bucket(
        "b",
        Some(doc(json!([{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]))),
    );
    let az = f.authorizer();
    let tls = |v: &str| RequestContext::default().with("aws:SecureTransport", v);
    verdict(
        &az.check("alice", "s3:GetObject", OBJ, &tls("true")),
        Verdict::Allowed,
    );
    verdict(
        &az.check("alice", "s3:GetObject", OBJ, &tls("false")),
        Verdict::Denied,
    );
    verdict(
        &az.check("alice", "s3:GetObject", OBJ, &none()),
        Verdict::Conditional,
    );
}

// IAM User Guide, "IAM condition keys", iam:PassedToService.
#[test]
fn passed_to_service() {
    let mut f = Fixture::new();
    f.role("app", trust(json!({"Service": "ec2.amazonaws.com"})));
    f.user("alice").inline_policies.push(inline(
        "pass",
        doc(
            json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": iam_arn("role/app"),
            "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}}]),
        ),
    ));
    let az = f.authorizer();
    let to = |s: &str| RequestContext::default().with("iam:PassedToService", s);
    let role = iam_arn("role/app");
    verdict(
        &az.check("alice", "iam:PassRole", &role, &to("ec2.amazonaws.com")),
        Verdict::Allowed,
    );
    verdict(
        &az.check("alice", "iam:PassRole", &role, &to("lambda.amazonaws.com")),
        Verdict::Denied,
    );
}

// SCP region restriction with aws:RequestedRegion (AWS Organizations User Guide, "Example
// SCPs", "Deny access to AWS based on the requested AWS Region").
#[test]
fn scp_region_restriction() {
    let mut f = Fixture::new();
    f.organization("999999999999");
    f.scp_level(
        "ROOT",
        vec![
            ("FullAWSAccess", full_aws_access()),
            ("Regions", doc(json!([{"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}}]))),
        ],
    );
    admin_user(&mut f, "alice");
    let az = f.authorizer();
    let region = |r: &str| RequestContext::default().with("aws:RequestedRegion", r);
    verdict(
        &az.check("alice", "ec2:RunInstances", "*", &region("eu-west-1")),
        Verdict::Allowed,
    );
    let d = az.check("alice", "ec2:RunInstances", "*", &region("us-east-1"));
    verdict(&d, Verdict::Denied);
    assert_eq!(d.statements[0].policy.name, "Regions");
    verdict(
        &az.check("alice", "iam:CreateUser", "*", &region("us-east-1")),
        Verdict::Allowed,
    );
    let d = az.check("alice", "ec2:RunInstances", "*", &none());
    verdict(&d, Verdict::Conditional);
    assert_eq!(d.conditions[0].key, "aws:RequestedRegion");
}

// An operator IAM does not define: conditional, with a note naming it.
#[test]
fn unknown_operator_is_conditional_with_note() {
    let f = with_condition(json!({"StringEqualsSometimes": {"aws:SourceVpce": "vpce-1"}}));
    let az = f.authorizer();
    let d = az.check(
        "alice",
        "s3:GetObject",
        OBJ,
        &RequestContext::default().with("aws:SourceVpce", "vpce-1"),
    );
    verdict(&d, Verdict::Conditional);
    assert!(
        d.notes.iter().any(|n| n.contains("StringEqualsSometimes")),
        "{d:?}"
    );
}

// PEL: an Allow whose condition is unknown and a Deny that applies: the deny decides.
#[test]
fn definite_deny_beats_conditional_allow() {
    let mut f = with_condition(json!({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}));
    if let rampart_inventory::Collected::Ok(users) = &mut f.inv.iam.users {
        users[0].inline_policies.push(inline(
            "no",
            doc(json!([deny(json!("s3:GetObject"), json!("*"))])),
        ));
    }
    let az = f.authorizer();
    let d = az.check("alice", "s3:GetObject", OBJ, &none());
    verdict(&d, Verdict::Denied);
    assert!(d.conditions.is_empty());
}

// ---------------------------------------------------------------------------------------
// Policy variables
// ---------------------------------------------------------------------------------------

// Variables, "Introduction": ${aws:username} in a Resource, the per-user home folder.
#[test]
fn username_variable_in_resource() {
    let mut f = Fixture::new();
    f.managed_policy(
        "Home",
        doc(json!([allow(
            json!("s3:*"),
            json!("arn:aws:s3:::home/${aws:username}/*")
        )])),
    );
    let home = rampart_inventory::AttachedPolicy {
        name: "Home".into(),
        arn: iam_arn("policy/Home"),
    };
    f.user("alice").attached_policies.push(home.clone());
    f.role("ops", trust(json!({"AWS": ACCOUNT})))
        .attached_policies
        .push(home);
    f.bucket("home", None);
    let az = f.authorizer();
    verdict(
        &az.check(
            "alice",
            "s3:GetObject",
            "arn:aws:s3:::home/alice/a",
            &none(),
        ),
        Verdict::Allowed,
    );
    verdict(
        &az.check("alice", "s3:GetObject", "arn:aws:s3:::home/bob/a", &none()),
        Verdict::Denied,
    );
    // A role session has no aws:username: the resource matches nothing.
    verdict(
        &az.check(
            "role/ops",
            "s3:GetObject",
            "arn:aws:s3:::home/ops/a",
            &none(),
        ),
        Verdict::Denied,
    );
}

// Variables, "Request information that you can use for policy variables": aws:userid,
// aws:PrincipalTag/..., aws:PrincipalAccount; "Specifying default values".
#[test]
fn other_resolvable_variables() {
    let mut f = Fixture::new();
    let u = f.user("alice");
    u.tags.push(rampart_inventory::Tag::new("team", "data"));
    u.inline_policies.push(inline(
        "p",
        doc(json!([allow(
            json!("s3:GetObject"),
            json!([
                "arn:aws:s3:::ids/${aws:userid}/*",
                "arn:aws:s3:::teams/${aws:PrincipalTag/team}/*",
                "arn:aws:s3:::accounts/${aws:PrincipalAccount}/*",
                "arn:aws:s3:::projects/${aws:PrincipalTag/project, 'shared'}/*"
            ])
        )])),
    ));
    for b in ["ids", "teams", "accounts", "projects"] {
        f.bucket(b, None);
    }
    let az = f.authorizer();
    for (resource, want) in [
        ("arn:aws:s3:::ids/AIDAALICE/x", Verdict::Allowed),
        ("arn:aws:s3:::ids/AIDABOB/x", Verdict::Denied),
        ("arn:aws:s3:::teams/data/x", Verdict::Allowed),
        ("arn:aws:s3:::teams/web/x", Verdict::Denied),
        ("arn:aws:s3:::accounts/111122223333/x", Verdict::Allowed),
        ("arn:aws:s3:::projects/shared/x", Verdict::Allowed),
        ("arn:aws:s3:::projects/other/x", Verdict::Denied),
    ] {
        verdict(&az.check("alice", "s3:GetObject", resource, &none()), want);
    }
}

// Variables, "Special characters": ${*}, ${?} and ${$} are literal characters.
#[test]
fn special_character_variables() {
    let mut f = Fixture::new();
    f.user("alice").inline_policies.push(inline(
        "p",
        doc(json!([allow(
            json!("s3:GetObject"),
            json!("arn:aws:s3:::b/literal${*}${?}${$}")
        )])),
    ));
    f.bucket("b", None);
    let az = f.authorizer();
    verdict(
        &az.check(
            "alice",
            "s3:GetObject",
            "arn:aws:s3:::b/literal*?$",
            &none(),
        ),
        Verdict::Allowed,
    );
    verdict(
        &az.check(
            "alice",
            "s3:GetObject",
            "arn:aws:s3:::b/literalab$",
            &none(),
        ),
        Verdict::Denied,
    );
}

// A variable whose value is not known (not in the context, not derivable) makes the
// answer conditional, the variable shown; never a silent allow or deny.
#[test]
fn unresolvable_variable_is_conditional() {
    let mut f = Fixture::new();
    f.user("alice").inline_policies.push(inline(
        "p",
        doc(json!([allow(
            json!("s3:GetObject"),
            json!("arn:aws:s3:::b/${aws:SourceVpce}/*")
        )])),
    ));
    f.bucket("b", None);
    let az = f.authorizer();
    let d = az.check("alice", "s3:GetObject", "arn:aws:s3:::b/vpce-1/x", &none());
    verdict(&d, Verdict::Conditional);
    assert_eq!(d.conditions[0].operator, "PolicyVariable");
    assert_eq!(d.conditions[0].key, "aws:SourceVpce");
    let ctx = RequestContext::default().with("aws:SourceVpce", "vpce-1");
    verdict(
        &az.check("alice", "s3:GetObject", "arn:aws:s3:::b/vpce-1/x", &ctx),
        Verdict::Allowed,
    );
}

// Variables, "Policy variables and policy versions": in a document without Version
// 2012-10-17 a variable is literal text.
#[test]
fn variables_need_version_2012_10_17() {
    let mut f = Fixture::new();
    f.user("alice").inline_policies.push(inline(
        "old",
        json!({"Version": "2008-10-17", "Statement": [allow(json!("s3:GetObject"), json!("arn:aws:s3:::home/${aws:username}/*"))]}),
    ));
    f.bucket("home", None);
    let az = f.authorizer();
    verdict(
        &az.check(
            "alice",
            "s3:GetObject",
            "arn:aws:s3:::home/alice/x",
            &none(),
        ),
        Verdict::Denied,
    );
    verdict(
        &az.check(
            "alice",
            "s3:GetObject",
            "arn:aws:s3:::home/${aws:username}/x",
            &none(),
        ),
        Verdict::Allowed,
    );
}

// Variables, "Where you can use policy variables": in condition values of string
// operators.
#[test]
fn variable_in_condition_value() {
    let f = with_condition(json!({"StringLike": {"s3:prefix": "home/${aws:username}/*"}}));
    let az = f.authorizer();
    let prefix = |p: &str| RequestContext::default().with("s3:prefix", p);
    verdict(
        &az.check("alice", "s3:GetObject", OBJ, &prefix("home/alice/docs")),
        Verdict::Allowed,
    );
    verdict(
        &az.check("alice", "s3:GetObject", OBJ, &prefix("home/bob/docs")),
        Verdict::Denied,
    );
}

// The synthetic account of the benchmarks (its roles, trust and bucket policies) parses, and
// every principal gets a decision: the engine runs over a realistic snapshot, not only
// fixtures.
#[test]
fn synthetic_account_parses_and_evaluates() {
    let inv = rampart_inventory::synthetic::account(2_000);
    let az = Authorizer::new(&inv).expect("synthetic policies parse");
    assert!(az.principals().len() > 1);
    for p in az.principals() {
        let d = az.is_admin(p);
        assert!(!d.to_string().is_empty());
    }
}
