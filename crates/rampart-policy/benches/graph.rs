//! Escalation graph benchmark: the graph and one shortest path per principal over a
//! generated account of 5,000 principals and 10,000 customer managed policies.
//! Run with `cargo bench -p rampart-policy --bench graph` (sizes: RAMPART_BENCH_PRINCIPALS,
//! RAMPART_BENCH_POLICIES).
//!
//! The account's shape is fixed (deterministic, no randomness):
//! - half the principals are users, half roles; 100 groups, user `i` in group `i % 100`,
//!   each group with one attached policy and one inline policy;
//! - policy `j` allows `s3:GetObject` on bucket `data-j/*`, `dynamodb:GetItem` on table
//!   `t-j` and `ec2:Describe*` on `*`; every principal has two of them attached (principal
//!   `i`: policies `2i` and `2i + 1`, modulo the count) and one inline policy of its own;
//! - roles trust `ec2.amazonaws.com` (every 10th in an instance profile), except every
//!   5th role, which trusts the account root, and every 7th, which trusts
//!   `lambda.amazonaws.com`; every 50th role is an administrator (`*` on `*`);
//! - escalation permissions in the users' inline policies: every 20th user may
//!   sts:AssumeRole on role `i / 2` (roles trusting the account are assumable), every
//!   30th may iam:CreateAccessKey on the next user, every 40th may iam:PassRole on every
//!   role with lambda:CreateFunction and lambda:InvokeFunction, every 60th may
//!   iam:CreatePolicyVersion on its first attached policy, every 70th may
//!   iam:AttachRolePolicy on every role and sts:AssumeRole on every role, every 90th has a
//!   Deny of iam:* besides; every 100th user has a permissions boundary allowing only S3.

use rampart_inventory::*;
use rampart_policy::{Authorizer, Graph};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const ACCOUNT: &str = "111122223333";

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn arn(resource: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:{resource}")
}

fn doc(statements: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn attach(j: usize) -> AttachedPolicy {
    AttachedPolicy {
        name: format!("p-{j}"),
        arn: arn(&format!("policy/p-{j}")),
    }
}

fn account(principals: usize, policies: usize) -> Inventory {
    let mut inv = Inventory::new(
        Account {
            id: ACCOUNT.into(),
            partition: "aws".into(),
            caller_arn: arn("user/auditor"),
        },
        chrono::DateTime::parse_from_rfc3339("2026-06-01T12:00:00Z")
            .unwrap()
            .into(),
    );
    let users = principals / 2;
    let roles = principals - users;
    let managed: Vec<ManagedPolicy> = (0..policies)
        .map(|j| ManagedPolicy {
            name: format!("p-{j}"),
            arn: arn(&format!("policy/p-{j}")),
            aws_managed: false,
            attachment_count: 2,
            default_version_id: "v1".into(),
            document: doc(json!([
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::data-{j}/*")},
                {"Effect": "Allow", "Action": "dynamodb:GetItem",
                 "Resource": format!("arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/t-{j}")},
                {"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}])),
        })
        .chain(std::iter::once(ManagedPolicy {
            name: "s3-only".into(),
            arn: arn("policy/s3-only"),
            aws_managed: false,
            attachment_count: 0,
            default_version_id: "v1".into(),
            document: doc(json!([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}])),
        }))
        .collect();
    let groups: Vec<Group> = (0..100)
        .map(|g| Group {
            name: format!("g-{g}"),
            arn: arn(&format!("group/g-{g}")),
            attached_policies: vec![attach(g % policies)],
            inline_policies: vec![InlinePolicy {
                name: "team".into(),
                document: doc(
                    json!([{"Effect": "Allow", "Action": ["logs:Get*", "cloudwatch:List*"],
                                      "Resource": "*"}]),
                ),
            }],
        })
        .collect();
    let user_list: Vec<User> = (0..users)
        .map(|i| {
            let mut statements = vec![json!({"Effect": "Allow", "Action": "sqs:SendMessage",
                "Resource": format!("arn:aws:sqs:us-east-1:{ACCOUNT}:q-{i}")})];
            if i % 20 == 0 {
                statements.push(json!({"Effect": "Allow", "Action": "sts:AssumeRole",
                    "Resource": arn(&format!("role/r-{}", i / 2))}));
            }
            if i % 30 == 0 {
                statements.push(json!({"Effect": "Allow", "Action": "iam:CreateAccessKey",
                    "Resource": arn(&format!("user/u-{}", (i + 1) % users))}));
            }
            if i % 40 == 0 {
                statements.push(json!({"Effect": "Allow",
                    "Action": ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"],
                    "Resource": "*"}));
            }
            if i % 60 == 0 {
                statements.push(json!({"Effect": "Allow", "Action": "iam:CreatePolicyVersion",
                    "Resource": arn(&format!("policy/p-{}", (2 * i) % policies))}));
            }
            if i % 70 == 0 {
                statements.push(json!({"Effect": "Allow",
                    "Action": ["iam:AttachRolePolicy", "sts:AssumeRole"], "Resource": arn("role/*")}));
            }
            if i % 90 == 0 {
                statements.push(json!({"Effect": "Deny", "Action": "iam:*", "Resource": "*"}));
            }
            User {
                name: format!("u-{i}"),
                arn: arn(&format!("user/u-{i}")),
                id: format!("AIDAU{i:08}"),
                path: "/".into(),
                groups: vec![format!("g-{}", i % 100)],
                attached_policies: vec![attach((2 * i) % policies), attach((2 * i + 1) % policies)],
                inline_policies: vec![InlinePolicy {
                    name: "own".into(),
                    document: doc(Value::Array(statements)),
                }],
                permissions_boundary: (i % 100 == 99).then(|| arn("policy/s3-only")),
                ..Default::default()
            }
        })
        .collect();
    let role_list: Vec<Role> = (0..roles)
        .map(|i| {
            let k = users + i;
            let trust = if i % 5 == 0 {
                json!({"AWS": arn("root")})
            } else if i % 7 == 0 {
                json!({"Service": "lambda.amazonaws.com"})
            } else {
                json!({"Service": "ec2.amazonaws.com"})
            };
            let mut inline = vec![InlinePolicy {
                name: "own".into(),
                document: doc(json!([{"Effect": "Allow", "Action": "sqs:ReceiveMessage",
                    "Resource": format!("arn:aws:sqs:us-east-1:{ACCOUNT}:q-r{i}")}])),
            }];
            if i % 50 == 0 {
                inline.push(InlinePolicy {
                    name: "admin".into(),
                    document: doc(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}])),
                });
            }
            Role {
                name: format!("r-{i}"),
                arn: arn(&format!("role/r-{i}")),
                path: "/".into(),
                assume_role_policy: doc(json!([{"Effect": "Allow", "Principal": trust,
                                                "Action": "sts:AssumeRole"}])),
                attached_policies: vec![attach((2 * k) % policies), attach((2 * k + 1) % policies)],
                inline_policies: inline,
                instance_profiles: if i % 10 == 1 {
                    vec![format!("r-{i}")]
                } else {
                    vec![]
                },
                ..Default::default()
            }
        })
        .collect();
    let profiles: Vec<InstanceProfile> = role_list
        .iter()
        .filter(|r| !r.instance_profiles.is_empty())
        .map(|r| InstanceProfile {
            name: r.name.clone(),
            arn: arn(&format!("instance-profile/{}", r.name)),
            roles: vec![r.name.clone()],
        })
        .collect();
    inv.iam.users = Collected::Ok(user_list);
    inv.iam.groups = Collected::Ok(groups);
    inv.iam.roles = Collected::Ok(role_list);
    inv.iam.policies = Collected::Ok(managed);
    inv.iam.instance_profiles = Collected::Ok(profiles);
    inv.s3.buckets = Collected::Ok(vec![]);
    inv.organizations.organization = Collected::Ok(None);
    inv.organizations.applied_policies = Collected::Ok(None);
    let mut region = RegionData::default();
    region.ec2.instances = Collected::Ok(vec![]);
    region.lambda.functions = Collected::Ok(vec![]);
    region.kms.keys = Collected::Ok(vec![]);
    region.sns.topics = Collected::Ok(vec![]);
    inv.regions.scanned = vec!["us-east-1".into()];
    inv.regional.insert("us-east-1".into(), region);
    inv
}

fn stats(mut times: Vec<Duration>) -> String {
    times.sort();
    format!(
        "min {:.1?}, median {:.1?}, max {:.1?} over {} runs",
        times[0],
        times[times.len() / 2],
        times[times.len() - 1],
        times.len()
    )
}

fn main() {
    let principals = env("RAMPART_BENCH_PRINCIPALS", 5_000);
    let policies = env("RAMPART_BENCH_POLICIES", 10_000);
    let inv = account(principals, policies);
    let mut parse = Vec::new();
    let mut graph = Vec::new();
    let (mut edges, mut paths) = (0, 0);
    for _ in 0..5 {
        let t = Instant::now();
        let auth = Authorizer::new(&inv).expect("the generated policies parse");
        parse.push(t.elapsed());
        let t = Instant::now();
        let g = Graph::build(&auth);
        let found = g.paths_to_admin(None);
        graph.push(t.elapsed());
        edges = g.edge_count();
        paths = found.len();
        std::hint::black_box(found);
    }
    println!(
        "escalation graph: {principals} principals, {policies} managed policies: {edges} \
         edges, {paths} principals with a path to admin"
    );
    println!("  Authorizer::new (parse every policy): {}", stats(parse));
    println!(
        "  graph + one shortest path per principal: {}",
        stats(graph)
    );
}
