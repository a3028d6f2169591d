//! IAM fixture pieces for the IAM checks' tests: credential report rows, users, groups,
//! roles and policies of the fixture account.

use crate::checks::fixtures::{days_ago, Fixture, ACCOUNT};
use rampart_inventory::*;
use serde_json::Value;

/// ARN of a fixture user.
pub(crate) fn user_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:user/{name}")
}

/// ARN of the fixture account's root user.
pub(crate) fn root_arn() -> String {
    format!("arn:aws:iam::{ACCOUNT}:root")
}

/// A credential report row for a user created 400 days ago with no credentials at all.
pub(crate) fn row(name: &str) -> CredentialReportRow {
    CredentialReportRow {
        user: name.into(),
        arn: user_arn(name),
        user_creation_time: days_ago(400),
        ..Default::default()
    }
}

/// The root user's credential report row, with no credentials at all.
pub(crate) fn root_row() -> CredentialReportRow {
    CredentialReportRow {
        user: CredentialReportRow::ROOT.into(),
        arn: root_arn(),
        user_creation_time: days_ago(1000),
        ..Default::default()
    }
}

/// A console password set `changed` days ago and last used `used` days ago (`None`: never).
pub(crate) fn with_password(
    mut r: CredentialReportRow,
    changed: i64,
    used: Option<i64>,
) -> CredentialReportRow {
    r.password_enabled = true;
    r.password_last_changed = days_ago(changed);
    r.password_last_used = used.and_then(days_ago);
    r
}

/// An active access key created or rotated `rotated` days ago and last used `used` days ago
/// (`None`: never).
pub(crate) fn active_key(rotated: i64, used: Option<i64>) -> KeyReport {
    KeyReport {
        active: true,
        last_rotated: days_ago(rotated),
        last_used: used.and_then(days_ago),
        last_used_service: used.map(|_| "s3".into()),
    }
}

/// An inactive access key created `rotated` days ago and never used.
pub(crate) fn inactive_key(rotated: i64) -> KeyReport {
    KeyReport {
        active: false,
        last_rotated: days_ago(rotated),
        ..Default::default()
    }
}

/// Replace the credential report's rows.
pub(crate) fn set_rows(fx: &mut Fixture, rows: Vec<CredentialReportRow>) {
    fx.inv.iam.credential_report = Collected::Ok(CredentialReport {
        generated_at: fx
            .inv
            .iam
            .credential_report
            .ok()
            .and_then(|r| r.generated_at),
        rows,
    });
}

/// An IAM user with no policies.
pub(crate) fn user(name: &str) -> User {
    User {
        name: name.into(),
        arn: user_arn(name),
        id: format!("AIDA{}", name.to_uppercase()),
        path: "/".into(),
        create_date: days_ago(400),
        ..Default::default()
    }
}

/// An IAM group with no policies.
pub(crate) fn group(name: &str) -> Group {
    Group {
        name: name.into(),
        arn: format!("arn:aws:iam::{ACCOUNT}:group/{name}"),
        ..Default::default()
    }
}

/// An IAM role with no policies.
pub(crate) fn role(name: &str) -> Role {
    Role {
        name: name.into(),
        arn: format!("arn:aws:iam::{ACCOUNT}:role/{name}"),
        path: "/".into(),
        create_date: days_ago(400),
        ..Default::default()
    }
}

/// A managed policy attachment.
pub(crate) fn attached(name: &str, arn: &str) -> AttachedPolicy {
    AttachedPolicy {
        name: name.into(),
        arn: arn.into(),
    }
}

/// An inline policy.
pub(crate) fn inline(name: &str, document: Value) -> InlinePolicy {
    InlinePolicy {
        name: name.into(),
        document,
    }
}

/// A customer managed policy of the fixture account.
pub(crate) fn customer_policy(name: &str, attachment_count: i32, document: Value) -> ManagedPolicy {
    ManagedPolicy {
        name: name.into(),
        arn: format!("arn:aws:iam::{ACCOUNT}:policy/{name}"),
        aws_managed: false,
        attachment_count,
        default_version_id: "v1".into(),
        document,
    }
}

/// An AWS managed policy.
pub(crate) fn aws_policy(name: &str, attachment_count: i32, document: Value) -> ManagedPolicy {
    ManagedPolicy {
        name: name.into(),
        arn: format!("arn:aws:iam::aws:policy/{name}"),
        aws_managed: true,
        attachment_count,
        default_version_id: "v1".into(),
        document,
    }
}
