//! `iam_password_policy_complexity`: the password policy requires every character class.

use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "iam_password_policy_complexity",
    title: "Password policy requires upper-case, lower-case, number and symbol characters",
    service: "iam",
    severity: Severity::Low,
    what: "Whether the account password policy (GetAccountPasswordPolicy) exists and \
           requires at least one upper-case letter, one lower-case letter, one number and \
           one symbol. An account without a password policy fails.",
    why: "Requiring every character class widens the space an attacker has to search and \
          rules out the all-lower-case words that dictionary attacks try first. The CIS \
          benchmark no longer asks for it and NIST SP 800-63B prefers length to composition \
          rules, hence the low severity; other standards (PCI DSS among them) still expect \
          it.",
    fix: "aws iam update-account-password-policy --require-uppercase-characters \
          --require-lowercase-characters --require-numbers --require-symbols \
          --minimum-password-length 14 --password-reuse-prevention 24 \
          --allow-users-to-change-password (the call replaces the whole policy: repeat every \
          setting you keep, as options left out return to their defaults)",
    references: &[
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html",
    ],
    cis: &[],
    needs: &[Service::Iam],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let f = ctx.finding(&META, "global", ctx.account_arn());
    vec![match ctx.inventory.iam.password_policy.get() {
        Err(gap) => f.error(gap),
        Ok(None) => f.fail("no password policy is set"),
        Ok(Some(policy)) => {
            let missing: Vec<&str> = [
                (policy.require_uppercase_characters, "an upper-case letter"),
                (policy.require_lowercase_characters, "a lower-case letter"),
                (policy.require_numbers, "a number"),
                (policy.require_symbols, "a symbol"),
            ]
            .into_iter()
            .filter(|(required, _)| !required)
            .map(|(_, class)| class)
            .collect();
            if missing.is_empty() {
                f.pass(
                    "the password policy requires an upper-case letter, a lower-case letter, \
                     a number and a symbol",
                )
            } else {
                f.fail(format!(
                    "the password policy does not require {}",
                    missing.join(", ")
                ))
            }
        }
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

/// The step for an account whose password policy is missing or does not require every character class.
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

    fn all_classes() -> PasswordPolicy {
        PasswordPolicy {
            minimum_password_length: Some(14),
            require_symbols: true,
            require_numbers: true,
            require_uppercase_characters: true,
            require_lowercase_characters: true,
            ..Default::default()
        }
    }

    // AWS password policy guidance: all four classes pass; missing ones are listed.
    #[test]
    fn pass_fail() {
        let mut fx = Fixture::new();
        fx.inv.iam.password_policy = Collected::Ok(Some(all_classes()));
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));

        fx.inv.iam.password_policy = Collected::Ok(Some(PasswordPolicy {
            require_symbols: false,
            require_uppercase_characters: false,
            ..all_classes()
        }));
        insta::assert_json_snapshot!("fail_missing_classes", run_check(&CHECK, &fx.inv));

        fx.inv.iam.password_policy = Collected::Ok(None);
        insta::assert_json_snapshot!("fail_no_policy", run_check(&CHECK, &fx.inv));
    }
}
