//! `iam_unused_credentials`: IAM users' console passwords and active access keys unused for
//! `unused_credentials_days` (45) days or more are disabled.

use super::days;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use chrono::{DateTime, Utc};
use rampart_inventory::CredentialReportRow;

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "iam_unused_credentials",
    title: "Credentials unused for 45 days or more are disabled",
    service: "iam",
    severity: Severity::Medium,
    what: "For every IAM user in the credential report (root excluded) with a console \
           password or an active access key: whether each of these credentials was used in \
           the last `unused_credentials_days` days (default 45), counted back from when the \
           snapshot was collected. A credential never used counts from when it was set: the \
           password's last change (or the user's creation), the key's creation.",
    why: "A credential nobody uses still works for whoever finds it: a forgotten password or \
          a key left in an old script or image. Disabling what is not used removes that \
          exposure at no cost to anyone.",
    fix: "For the console password: aws iam delete-login-profile --user-name <USER_NAME>; \
          for an access key: aws iam update-access-key --user-name <USER_NAME> \
          --access-key-id <ACCESS_KEY_ID> --status Inactive (list the keys with aws iam \
          list-access-keys --user-name <USER_NAME>)",
    references: &[
        "CIS AWS Foundations v7.0 2.11",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html",
    ],
    cis: &["2.11"],
    needs: &[Service::Iam],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

/// One credential of a user, and what the report says about its use.
struct Credential {
    /// `console password`, `access key 1`, `access key 2`.
    name: String,
    /// Last use.
    last_used: Option<DateTime<Utc>>,
    /// When it was set, counted from if it was never used.
    set: Option<DateTime<Utc>>,
}

fn credentials(row: &CredentialReportRow) -> Vec<Credential> {
    let mut creds = Vec::new();
    if row.password_enabled {
        creds.push(Credential {
            name: "console password".into(),
            last_used: row.password_last_used,
            set: row.password_last_changed.or(row.user_creation_time),
        });
    }
    for (slot, key) in row.access_keys.iter().enumerate() {
        if key.active {
            creds.push(Credential {
                name: format!("access key {}", slot + 1),
                last_used: key.last_used,
                set: key.last_rotated,
            });
        }
    }
    creds
}

fn run(ctx: &Context) -> Vec<Finding> {
    let report = match ctx.inventory.iam.credential_report.get() {
        Ok(report) => report,
        Err(gap) => return vec![ctx.finding(&META, "global", ctx.account_arn()).error(gap)],
    };
    let limit = ctx.settings.unused_credentials_days;
    let mut findings = Vec::new();
    for row in report.rows.iter().filter(|r| !r.is_root()) {
        let creds = credentials(row);
        if creds.is_empty() {
            continue;
        }
        let (mut stale, mut fresh, mut undated) = (Vec::new(), Vec::new(), Vec::new());
        for cred in creds {
            let (idle, text) = match (cred.last_used, cred.set) {
                (Some(t), _) => {
                    let n = ctx.days_since(t);
                    (n, format!("{} last used {} ago", cred.name, days(n)))
                }
                (None, Some(t)) => {
                    let n = ctx.days_since(t);
                    (n, format!("{} never used, set {} ago", cred.name, days(n)))
                }
                (None, None) => {
                    undated.push(cred.name);
                    continue;
                }
            };
            if idle >= limit {
                stale.push(text);
            } else {
                fresh.push(text);
            }
        }
        let f = ctx.finding(&META, "global", &row.arn);
        findings.push(if !stale.is_empty() {
            f.fail(format!(
                "user {} has credentials unused for {} or more: {}",
                row.user,
                days(limit),
                stale.join("; ")
            ))
        } else if !undated.is_empty() {
            f.error_reason(format!(
                "could not be evaluated: the credential report gives no date for user {}'s {}",
                row.user,
                undated.join(" and ")
            ))
        } else {
            f.pass(format!(
                "user {} used every credential within the last {}: {}",
                row.user,
                days(limit),
                fresh.join("; ")
            ))
        });
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use crate::checks::iam::testing::{
        active_key, inactive_key, root_row, row, set_rows, with_password,
    };
    use rampart_inventory::{Collected, KeyReport};

    // CIS 2.11: recently used password and key pass; idle 45+ days (or never used and set
    // 45+ days ago) fail; inactive keys, users without credentials and root are not examined.
    #[test]
    fn pass_fail() {
        let mut fx = Fixture::new();
        let mut recent = with_password(row("recent"), 200, Some(3));
        recent.access_keys[0] = active_key(100, Some(1));
        recent.access_keys[1] = inactive_key(300);
        let idle_password = with_password(row("idle-password"), 200, Some(45));
        let fresh_password = with_password(row("fresh-password"), 44, None);
        let old_password = with_password(row("never-signed-in"), 60, None);
        let mut idle_key = row("idle-key");
        idle_key.access_keys[1] = active_key(400, Some(46));
        let mut unused_key = row("unused-key");
        unused_key.access_keys[0] = active_key(10, Some(2));
        unused_key.access_keys[1] = active_key(50, None);
        let mut inactive_only = row("inactive-only");
        inactive_only.access_keys[0] = inactive_key(500);
        let mut root = with_password(root_row(), 900, Some(400));
        root.access_keys[0] = active_key(900, None);
        set_rows(
            &mut fx,
            vec![
                root,
                recent,
                idle_password,
                fresh_password,
                old_password,
                idle_key,
                unused_key,
                inactive_only,
                row("no-credentials"),
            ],
        );
        insta::assert_json_snapshot!("pass_fail", run_check(&CHECK, &fx.inv));
    }

    // CIS 2.11: an active key the report gives no date for cannot pass (but a stale
    // credential beside it still fails); the report itself missing is one ERROR on the
    // account.
    #[test]
    fn error() {
        let mut fx = Fixture::new();
        let no_date = KeyReport {
            active: true,
            ..Default::default()
        };
        let mut undated = row("undated-key");
        undated.access_keys[0] = no_date.clone();
        let mut stale_and_undated = with_password(row("stale-and-undated"), 300, Some(100));
        stale_and_undated.access_keys[1] = no_date;
        set_rows(&mut fx, vec![undated, stale_and_undated]);
        insta::assert_json_snapshot!("error_undated", run_check(&CHECK, &fx.inv));

        fx.inv.iam.credential_report = Collected::Missing(denied("iam:GetCredentialReport"));
        insta::assert_json_snapshot!("error", run_check(&CHECK, &fx.inv));
    }
}
