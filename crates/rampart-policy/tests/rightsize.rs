//! Least privilege from Access Advisor (issue 12): the narrowed policy keeps the services
//! used in the period (at action level where Access Advisor tracks actions), removes the
//! others saying why, and the engine verifies it.

use chrono::{DateTime, Duration, Utc};
use rampart_inventory::{Collected, ServiceAccess, ServiceLastAccessed, TrackedAction};
use rampart_policy::testing::{allow, doc, iam_arn, inline, trust, Fixture};
use rampart_policy::{rightsize, RightsizeError};
use serde_json::json;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-06-01T12:00:00Z")
        .unwrap()
        .into()
}

fn ago(days: i64) -> Option<DateTime<Utc>> {
    Some(now() - Duration::days(days))
}

fn service(ns: &str, used: Option<i64>, actions: &[(&str, Option<i64>)]) -> ServiceAccess {
    ServiceAccess {
        namespace: ns.into(),
        name: format!("AWS {ns}"),
        last_authenticated: used.and_then(ago),
        tracked_actions: actions
            .iter()
            .map(|(a, d)| TrackedAction {
                action: (*a).into(),
                last_accessed: d.and_then(ago),
            })
            .collect(),
        ..Default::default()
    }
}

/// Role `app`: an inline policy granting S3 reads and writes on one bucket, EC2 reads and
/// all of IAM; a managed policy granting DynamoDB; Access Advisor: S3 GetObject used 5
/// days ago (PutObject 200), EC2 30 days ago, IAM never, DynamoDB 212 days ago.
fn account() -> Fixture {
    let mut fx = Fixture::new();
    let power = fx.managed_policy(
        "Tables",
        doc(json!([allow(json!("dynamodb:*"), json!("*"))])),
    );
    let app = fx.role("app", trust(json!({"Service": "ec2.amazonaws.com"})));
    app.inline_policies = vec![inline(
        "app",
        doc(json!([
            allow(json!(["s3:GetObject", "s3:PutObject"]), json!("arn:aws:s3:::data/*")),
            allow(json!(["ec2:Describe*", "iam:*"]), json!("*")),
            {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}
        ])),
    )];
    app.attached_policies = vec![power];
    fx.inv.iam.service_last_accessed = Collected::Ok(
        [(
            iam_arn("role/app"),
            Collected::Ok(ServiceLastAccessed {
                job_completion_date: ago(0),
                services: vec![
                    service(
                        "s3",
                        Some(5),
                        &[("GetObject", Some(5)), ("PutObject", Some(200))],
                    ),
                    service("ec2", Some(30), &[]),
                    service("iam", None, &[]),
                    service("dynamodb", Some(212), &[]),
                ],
            }),
        )]
        .into_iter()
        .collect(),
    );
    fx
}

#[test]
fn narrows_to_what_was_used_and_verifies_it() {
    let fx = account();
    let auth = fx.authorizer();
    let app = auth.find_principal("role/app").unwrap();
    let r = rightsize(&auth, app, now(), 90).unwrap();
    assert!(r.verified, "{:#?}", r.discrepancies);
    assert!(r.used_checked >= 2 && r.removed_checked >= 2, "{r:#?}");
    let kept: Vec<(&str, Option<Vec<String>>)> = r
        .kept
        .iter()
        .map(|k| (k.namespace.as_str(), k.actions.clone()))
        .collect();
    assert_eq!(
        kept,
        [("s3", Some(vec!["s3:GetObject".to_owned()])), ("ec2", None)]
    );
    let removed: Vec<&str> = r.removed.iter().map(|s| s.reason.as_str()).collect();
    assert_eq!(
        removed,
        [
            "iam: granted by inline policy app of role app, last used never",
            "dynamodb: granted by policy Tables, last used 212 days ago"
        ]
    );
    // Resources and denies are kept; actions narrowed.
    assert_eq!(
        r.policy["Statement"],
        json!([
            {"Sid": "InlinePolicyAppOfRoleApp0", "Effect": "Allow", "Action": ["s3:GetObject"],
             "Resource": "arn:aws:s3:::data/*"},
            {"Sid": "InlinePolicyAppOfRoleApp1", "Effect": "Allow", "Action": ["ec2:Describe*"],
             "Resource": "*"},
            {"Sid": "InlinePolicyAppOfRoleApp2", "Effect": "Deny", "Action": "s3:DeleteBucket",
             "Resource": "*"}
        ])
    );
    let text = r.render_text(now());
    assert!(
        text.contains("  dynamodb: granted by policy Tables, last used 212 days ago\n"),
        "{text}"
    );
    assert!(text.contains("Verified: yes"), "{text}");
    let as_json = serde_json::to_value(&r).unwrap();
    assert_eq!(as_json["verified"], json!(true));
    assert_eq!(as_json["removed"][1]["namespace"], json!("dynamodb"));
}

#[test]
fn a_shorter_period_removes_more() {
    let fx = account();
    let auth = fx.authorizer();
    let app = auth.find_principal("role/app").unwrap();
    let r = rightsize(&auth, app, now(), 7).unwrap();
    assert!(r.verified, "{:#?}", r.discrepancies);
    assert_eq!(r.kept.len(), 1);
    assert!(r.removed.iter().any(|s| s.namespace == "ec2"
        && s.reason == "ec2: granted by inline policy app of role app, last used 30 days ago"));
}

#[test]
fn no_report_is_an_error() {
    let mut fx = account();
    fx.user("dev");
    let auth = fx.authorizer();
    let dev = auth.find_principal("user/dev").unwrap();
    let e = rightsize(&auth, dev, now(), 90).unwrap_err();
    assert!(matches!(e, RightsizeError::NoReport { .. }));
    assert_eq!(
        e.to_string(),
        "Access Advisor has no report for arn:aws:iam::111122223333:user/dev: the snapshot holds \
         no report for it"
    );
    let mut fx = account();
    fx.inv.iam.service_last_accessed = Collected::Missing(rampart_inventory::Gap {
        api: "iam:GenerateServiceLastAccessedDetails".into(),
        code: "AccessDenied".into(),
        message: "no".into(),
    });
    let auth = fx.authorizer();
    let app = auth.find_principal("role/app").unwrap();
    assert!(matches!(
        rightsize(&auth, app, now(), 90),
        Err(RightsizeError::NotCollected(_))
    ));
}
