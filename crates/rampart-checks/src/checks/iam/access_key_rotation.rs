//! `iam_access_key_rotation`: IAM users' active access keys are rotated every
//! `access_key_max_age_days` (90) days or less.

use super::days;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "iam_access_key_rotation",
    title: "Active access keys are rotated every 90 days or less",
    service: "iam",
    severity: Severity::Medium,
    what: "For every IAM user in the credential report with an active access key, whether \
           each active key was created (last rotated) no more than `access_key_max_age_days` \
           days (default 90) before the snapshot was collected. One finding per user covers \
           both key slots; inactive keys are not examined. Root is left to \
           iam_root_access_keys, as root should have no key at all.",
    why: "An access key is a long-lived secret that ends up in files, environment variables, \
          CI settings and logs. Rotating it limits how long a copy that leaked stays useful.",
    fix: "aws iam create-access-key --user-name <USER_NAME>; move every consumer to the new \
          key; then aws iam update-access-key --user-name <USER_NAME> --access-key-id \
          <OLD_ACCESS_KEY_ID> --status Inactive and, once nothing breaks, aws iam \
          delete-access-key --user-name <USER_NAME> --access-key-id <OLD_ACCESS_KEY_ID>",
    references: &[
        "CIS AWS Foundations v7.0 2.12",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#Using_RotateAccessKey",
    ],
    cis: &["2.12"],
    needs: &[Service::Iam],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let report = match ctx.inventory.iam.credential_report.get() {
        Ok(report) => report,
        Err(gap) => return vec![ctx.finding(&META, "global", ctx.account_arn()).error(gap)],
    };
    let max = ctx.settings.access_key_max_age_days;
    let mut findings = Vec::new();
    for row in report.rows.iter().filter(|r| !r.is_root()) {
        let (mut old, mut young, mut undated) = (Vec::new(), Vec::new(), Vec::new());
        for (slot, key) in row.access_keys.iter().enumerate() {
            if !key.active {
                continue;
            }
            let name = format!("access key {}", slot + 1);
            match key.last_rotated {
                Some(t) => {
                    let age = ctx.days_since(t);
                    let text = format!("{name} is {} old", days(age));
                    if age > max {
                        old.push(text);
                    } else {
                        young.push(text);
                    }
                }
                None => undated.push(name),
            }
        }
        if old.is_empty() && young.is_empty() && undated.is_empty() {
            continue;
        }
        let f = ctx.finding(&META, "global", &row.arn);
        findings.push(if !old.is_empty() {
            f.fail(format!(
                "user {} has an active access key older than {}: {}",
                row.user,
                days(max),
                old.join("; ")
            ))
        } else if !undated.is_empty() {
            f.error_reason(format!(
                "could not be evaluated: the credential report gives no creation date for \
                 user {}'s active {}",
                row.user,
                undated.join(" and ")
            ))
        } else {
            f.pass(format!(
                "user {}'s active access keys are at most {} old: {}",
                row.user,
                days(max),
                young.join("; ")
            ))
        });
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use crate::checks::iam::testing::{active_key, inactive_key, root_row, row, set_rows};
    use rampart_inventory::{Collected, KeyReport};

    // CIS 2.12: keys of 90 days or less pass, 91 fails (either slot); inactive keys, users
    // without keys and root are not examined.
    #[test]
    fn pass_fail() {
        let mut fx = Fixture::new();
        let mut fresh = row("fresh");
        fresh.access_keys[0] = active_key(90, Some(1));
        fresh.access_keys[1] = inactive_key(400);
        let mut stale = row("stale");
        stale.access_keys[0] = active_key(10, Some(1));
        stale.access_keys[1] = active_key(91, Some(1));
        let mut inactive = row("inactive");
        inactive.access_keys[0] = inactive_key(400);
        let mut root = root_row();
        root.access_keys[0] = active_key(500, None);
        set_rows(&mut fx, vec![root, fresh, stale, inactive, row("no-keys")]);
        insta::assert_json_snapshot!("pass_fail", run_check(&CHECK, &fx.inv));
    }

    // CIS 2.12: an active key with no creation date cannot pass; no report: one ERROR.
    #[test]
    fn error() {
        let mut fx = Fixture::new();
        let mut undated = row("undated");
        undated.access_keys[1] = KeyReport {
            active: true,
            ..Default::default()
        };
        set_rows(&mut fx, vec![undated]);
        insta::assert_json_snapshot!("error_undated", run_check(&CHECK, &fx.inv));

        fx.inv.iam.credential_report = Collected::Missing(denied("iam:GetCredentialReport"));
        insta::assert_json_snapshot!("error", run_check(&CHECK, &fx.inv));
    }
}
