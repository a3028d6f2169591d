//! `iam_password_policy_length`: the password policy requires long passwords.

use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "iam_password_policy_length",
    title: "Password policy requires a minimum length of 14 or more",
    service: "iam",
    severity: Severity::Medium,
    what: "Whether the account password policy (GetAccountPasswordPolicy) exists and its \
           `MinimumPasswordLength` is at least `password_min_length` (default 14). An \
           account without a password policy fails.",
    why: "Long passwords resist brute-force and guessing far better than short ones. \
          Without a policy, IAM users' console passwords only need 8 characters.",
    fix: "aws iam update-account-password-policy --minimum-password-length 14 \
          --password-reuse-prevention 24 --require-uppercase-characters \
          --require-lowercase-characters --require-numbers --require-symbols \
          --allow-users-to-change-password (the call replaces the whole policy: repeat every \
          setting you keep, as options left out return to their defaults)",
    references: &[
        "CIS AWS Foundations v7.0 2.8",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html",
    ],
    cis: &["2.8"],
    needs: &[Service::Iam],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let f = ctx.finding(&META, "global", ctx.account_arn());
    let min = ctx.settings.password_min_length;
    vec![match ctx.inventory.iam.password_policy.get() {
        Err(gap) => f.error(gap),
        Ok(None) => f.fail("no password policy is set"),
        Ok(Some(policy)) => match policy.minimum_password_length {
            Some(len) if len >= min => f.pass(format!(
                "the password policy requires at least {len} characters (minimum {min})"
            )),
            Some(len) => f.fail(format!(
                "the password policy requires only {len} characters, fewer than {min}"
            )),
            None => f.fail(format!(
                "the password policy sets no minimum length (at least {min} required)"
            )),
        },
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{run_check, Fixture};
    use rampart_inventory::{Collected, PasswordPolicy};

    fn policy(len: Option<i32>) -> Collected<Option<PasswordPolicy>> {
        Collected::Ok(Some(PasswordPolicy {
            minimum_password_length: len,
            ..Default::default()
        }))
    }

    // CIS 2.8: a length of 14 passes, 13 fails, and so does no policy at all.
    #[test]
    fn pass_fail() {
        let mut fx = Fixture::new();
        fx.inv.iam.password_policy = policy(Some(14));
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));

        fx.inv.iam.password_policy = policy(Some(13));
        insta::assert_json_snapshot!("fail_short", run_check(&CHECK, &fx.inv));

        fx.inv.iam.password_policy = Collected::Ok(None);
        insta::assert_json_snapshot!("fail_no_policy", run_check(&CHECK, &fx.inv));
    }
}
