//! `iam_root_access_keys`: the root user has no access keys.

use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use rampart_inventory::Collected;

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "iam_root_access_keys",
    title: "Root user has no access keys",
    service: "iam",
    severity: Severity::Critical,
    what: "Whether the account's root user has any access key, active or not. Read from \
           GetAccountSummary (`AccountAccessKeysPresent`), which is authoritative for root; \
           the credential report's root row is used only when the summary could not be read.",
    why: "The root user can do anything in the account, and its permissions cannot be \
          limited by IAM policies. A root access key is a long-lived credential with that \
          power: once leaked (in code, a laptop, a CI log), the account is lost.",
    fix: "Sign in as root, open Security credentials and delete the access keys; with the \
          root key itself: aws iam delete-access-key --access-key-id <ROOT_ACCESS_KEY_ID>",
    references: &[
        "CIS AWS Foundations v7.0 2.4",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_delete-key.html",
    ],
    cis: &["2.4"],
    needs: &[Service::Iam],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let iam = &ctx.inventory.iam;
    let f = ctx.finding(&META, "global", ctx.account_arn());
    let present = match (&iam.account_summary, &iam.credential_report) {
        (Collected::Ok(summary), _) => summary.get("AccountAccessKeysPresent").copied(),
        (Collected::Missing(_), Collected::Ok(report)) => {
            report.rows.iter().find(|r| r.is_root()).map(|r| {
                r.access_keys
                    .iter()
                    .filter(|k| k.last_rotated.is_some())
                    .count() as i64
            })
        }
        (Collected::Missing(gap), Collected::Missing(_)) => return vec![f.error(gap)],
    };
    vec![match present {
        Some(0) => f.pass("the root user has no access keys"),
        Some(n) => f.fail(format!("the root user has {n} access key(s)")),
        None => f.error_reason(
            "could not be evaluated: neither the account summary nor the credential report \
             says whether root has access keys",
        ),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{run_check, Fixture};
    use rampart_inventory::Gap;

    // CIS 2.4: FAIL when the summary counts a root key, PASS when it counts none.
    #[test]
    fn pass_fail_error() {
        let mut fx = Fixture::new();
        fx.summary("AccountAccessKeysPresent", 1);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));

        fx.summary("AccountAccessKeysPresent", 0);
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));

        fx.inv.iam.account_summary = Collected::Missing(Gap {
            api: "iam:GetAccountSummary".into(),
            code: "AccessDenied".into(),
            message: "not authorized".into(),
        });
        fx.inv.iam.credential_report = Collected::Missing(Gap::not_collected());
        insta::assert_json_snapshot!("error", run_check(&CHECK, &fx.inv));
    }
}
