//! `iam_root_recent_use`: the root user has not signed in or used an access key recently.

use super::days;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use chrono::{DateTime, Utc};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "iam_root_recent_use",
    title: "The root user is not used for daily tasks",
    service: "iam",
    severity: Severity::High,
    what: "The root user's row of the credential report: when root last signed in to the \
           console (`password_last_used`) and when each of its access keys was last used. \
           Any of these within the last `root_use_days` days (default 90) fails, naming the \
           date.",
    why: "The root user can do anything, including closing the account, and no IAM policy \
          can limit it. Recent root activity means it is being used for ordinary work, where \
          its credentials are exposed to phishing, session theft and mistakes. A few tasks \
          truly need root; everything else belongs to IAM roles or users with least \
          privilege.",
    fix: "Create an administrative role or IAM Identity Center permission set for daily \
          work, delete any root access key (aws iam delete-access-key --access-key-id \
          <ROOT_ACCESS_KEY_ID>, run with root credentials) and keep the root password and MFA \
          device locked away. Review what root did: aws cloudtrail lookup-events \
          --lookup-attributes AttributeKey=Username,AttributeValue=root --region us-east-1",
    references: &[
        "CIS AWS Foundations v7.0 2.7",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html",
    ],
    cis: &["2.7"],
    needs: &[Service::Iam],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let f = ctx.finding(&META, "global", ctx.account_arn());
    let report = match ctx.inventory.iam.credential_report.get() {
        Ok(report) => report,
        Err(gap) => return vec![f.error(gap)],
    };
    let Some(root) = report.rows.iter().find(|r| r.is_root()) else {
        return vec![
            f.error_reason("could not be evaluated: the credential report has no root user row")
        ];
    };
    let mut uses: Vec<(String, DateTime<Utc>)> = Vec::new();
    if let Some(t) = root.password_last_used {
        uses.push(("signed in to the console".into(), t));
    }
    for (i, key) in root.access_keys.iter().enumerate() {
        if let Some(t) = key.last_used {
            uses.push((format!("used access key {}", i + 1), t));
        }
    }
    let limit = ctx.settings.root_use_days;
    let recent: Vec<String> = uses
        .iter()
        .filter(|(_, t)| ctx.days_since(*t) < limit)
        .map(|(what, t)| {
            format!(
                "{what} on {} ({} ago)",
                t.format("%Y-%m-%d"),
                days(ctx.days_since(*t))
            )
        })
        .collect();
    if !recent.is_empty() {
        return vec![f.fail(format!(
            "the root user was used within the last {}: it {}",
            days(limit),
            recent.join(", ")
        ))];
    }
    vec![match uses.iter().max_by_key(|(_, t)| *t) {
        Some((what, t)) => f.pass(format!(
            "the root user was last used {} ago (it {what} on {}), more than {} ago",
            days(ctx.days_since(*t)),
            t.format("%Y-%m-%d"),
            days(limit)
        )),
        None => f.pass("the credential report records no root sign-in and no root key use"),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use crate::checks::iam::testing::{active_key, root_row, set_rows, with_password};
    use rampart_inventory::Collected;

    // CIS 2.7: a root user never used, or last used long ago, passes.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        set_rows(&mut fx, vec![root_row()]);
        insta::assert_json_snapshot!("pass_never", run_check(&CHECK, &fx.inv));

        set_rows(&mut fx, vec![with_password(root_row(), 900, Some(120))]);
        insta::assert_json_snapshot!("pass_long_ago", run_check(&CHECK, &fx.inv));
    }

    // CIS 2.7: a recent console sign-in or key use fails, naming the date; the threshold
    // comes from settings (89 days ago is within 90).
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        let mut root = with_password(root_row(), 900, Some(89));
        root.access_keys[1] = active_key(300, Some(3));
        set_rows(&mut fx, vec![root]);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }

    // CIS 2.7: no credential report, or no root row in it, is an ERROR.
    #[test]
    fn error() {
        let mut fx = Fixture::new();
        fx.inv.iam.credential_report = Collected::Missing(denied("iam:GetCredentialReport"));
        insta::assert_json_snapshot!("error", run_check(&CHECK, &fx.inv));

        let fx = Fixture::new();
        insta::assert_json_snapshot!("error_no_root_row", run_check(&CHECK, &fx.inv));
    }
}
