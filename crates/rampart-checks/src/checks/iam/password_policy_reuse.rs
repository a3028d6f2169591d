//! `iam_password_policy_reuse`: the password policy prevents reusing recent passwords.

use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "iam_password_policy_reuse",
    title: "Password policy prevents password reuse",
    service: "iam",
    severity: Severity::Medium,
    what: "Whether the account password policy (GetAccountPasswordPolicy) exists and its \
           `PasswordReusePrevention` remembers at least `password_reuse_prevention` \
           (default 24) previous passwords. An account without a password policy fails.",
    why: "When a password must be changed, users who may reuse old ones tend to cycle \
          between a few, so a password that leaked once keeps working, or comes back.",
    fix: "aws iam update-account-password-policy --password-reuse-prevention 24 \
          --minimum-password-length 14 --require-uppercase-characters \
          --require-lowercase-characters --require-numbers --require-symbols \
          --allow-users-to-change-password (the call replaces the whole policy: repeat every \
          setting you keep, as options left out return to their defaults)",
    references: &[
        "CIS AWS Foundations v7.0 2.9",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html",
    ],
    cis: &["2.9"],
    needs: &[Service::Iam],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let f = ctx.finding(&META, "global", ctx.account_arn());
    let want = ctx.settings.password_reuse_prevention;
    vec![match ctx.inventory.iam.password_policy.get() {
        Err(gap) => f.error(gap),
        Ok(None) => f.fail("no password policy is set"),
        Ok(Some(policy)) => match policy.password_reuse_prevention {
            Some(n) if n >= want => f.pass(format!(
                "the password policy prevents reuse of the last {n} passwords (minimum {want})"
            )),
            Some(n) => f.fail(format!(
                "the password policy prevents reuse of only the last {n} passwords, fewer \
                 than {want}"
            )),
            None => f.fail(format!(
                "the password policy does not prevent password reuse (the last {want} \
                 required)"
            )),
        },
    }]
}

/// How `rampart fix` fixes it.
pub(crate) const FIXER: crate::fix::Fixer = crate::fix::Fixer {
    meta: &META,
    how: super::PASSWORD_POLICY_FIX,
    plan: fix,
    state: None,
    reads: &[],
};

/// The step for an account whose password policy is missing or does not prevent enough reuse.
pub(crate) fn fix(
    ctx: &Context,
    finding: &Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    super::fix_password_policy(&META, ctx, finding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{run_check, Fixture};
    use rampart_inventory::{Collected, PasswordPolicy};

    fn policy(reuse: Option<i32>) -> Collected<Option<PasswordPolicy>> {
        Collected::Ok(Some(PasswordPolicy {
            minimum_password_length: Some(14),
            password_reuse_prevention: reuse,
            ..Default::default()
        }))
    }

    // CIS 2.9: 24 remembered passes; 5, none, or no policy at all fail.
    #[test]
    fn pass_fail() {
        let mut fx = Fixture::new();
        fx.inv.iam.password_policy = policy(Some(24));
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));

        fx.inv.iam.password_policy = policy(Some(5));
        insta::assert_json_snapshot!("fail_few", run_check(&CHECK, &fx.inv));

        fx.inv.iam.password_policy = policy(None);
        insta::assert_json_snapshot!("fail_unset", run_check(&CHECK, &fx.inv));

        fx.inv.iam.password_policy = Collected::Ok(None);
        insta::assert_json_snapshot!("fail_no_policy", run_check(&CHECK, &fx.inv));
    }
}
