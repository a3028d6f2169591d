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

/// How `rampart fix` fixes it.
pub(crate) const FIXER: crate::fix::Fixer = crate::fix::Fixer {
    meta: &META,
    how: super::PASSWORD_POLICY_FIX,
    plan: fix,
    state: None,
    reads: &[],
};

/// The step for an account whose password policy is missing or too short.
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

#[cfg(test)]
mod fix_tests {
    use super::{CHECK, META};
    use crate::checks::fixtures::{denied, Fixture};
    use crate::fix::{
        plan, render, testing::assert_states, testing::failing, testing::plan_for, Call,
    };
    use crate::Settings;
    use rampart_inventory::{Collected, PasswordPolicy};
    use serde_json::json;

    // Issue 14: a short policy is raised to the minimums, keeping its stricter settings
    // (a 90-day maximum age and hard expiry are sent again, since the API resets what it is
    // not given); a long enough policy gets no step.
    #[test]
    fn fix_fail_and_pass() {
        let mut fx = Fixture::new();
        fx.inv.iam.password_policy = Collected::Ok(Some(PasswordPolicy {
            minimum_password_length: Some(8),
            require_symbols: true,
            max_password_age: Some(90),
            password_reuse_prevention: Some(30),
            hard_expiry: Some(true),
            ..Default::default()
        }));
        let plan = plan_for(&CHECK, &fx.inv);
        assert_eq!(plan.steps.len(), 1);
        let params = &plan.steps[0].calls[0].params;
        assert_eq!(params["MinimumPasswordLength"], 14);
        assert_eq!(params["PasswordReusePrevention"], 30);
        assert_eq!(params["MaxPasswordAge"], 90);
        assert_eq!(params["HardExpiry"], true);
        insta::assert_snapshot!("fix_step", render::json(&plan));

        fx.inv.iam.password_policy = Collected::Ok(Some(PasswordPolicy {
            minimum_password_length: Some(16),
            ..Default::default()
        }));
        assert!(plan_for(&CHECK, &fx.inv).steps.is_empty());
    }

    // Issue 14: one UpdateAccountPasswordPolicy fixes the length, complexity and reuse
    // checks: a policy failing all three gets one step that names the other two.
    #[test]
    fn fix_one_step_for_three_checks() {
        let mut fx = Fixture::new();
        fx.inv.iam.password_policy = Collected::Ok(None);
        let settings = Settings::default();
        let findings = crate::evaluate(&fx.inv, &settings, &crate::Selection::default());
        let plan = plan(&fx.inv, &settings, &findings);
        let steps: Vec<_> = plan
            .steps
            .iter()
            .filter(|s| s.calls[0].operation == "UpdateAccountPasswordPolicy")
            .collect();
        assert_eq!(steps.len(), 1, "{steps:#?}");
        assert_eq!(steps[0].check_id, "iam_password_policy_complexity");
        assert_eq!(
            steps[0].also_fixes,
            ["iam_password_policy_length", "iam_password_policy_reuse"]
        );
    }

    // Issue 14: the state is the whole policy: as the snapshot holds it before, and as
    // GetAccountPasswordPolicy returns it once the call has set every member. Undo sends
    // every member of the old policy back, or deletes the policy an account did not have.
    #[test]
    fn fix_states_and_undo() {
        let old = PasswordPolicy {
            minimum_password_length: Some(8),
            require_symbols: true,
            max_password_age: Some(90),
            password_reuse_prevention: Some(30),
            ..Default::default()
        };
        let settings = Settings::default();
        let mut fixed = Fixture::new();
        fixed.inv.iam.password_policy = Collected::Ok(Some(PasswordPolicy {
            minimum_password_length: Some(14),
            require_symbols: true,
            require_numbers: true,
            require_uppercase_characters: true,
            require_lowercase_characters: true,
            allow_users_to_change_password: true,
            max_password_age: Some(90),
            password_reuse_prevention: Some(30),
            hard_expiry: Some(false),
        }));
        let mut fx = Fixture::new();
        fx.inv.iam.password_policy = Collected::Ok(Some(old));
        let plan = plan_for(&CHECK, &fx.inv);
        assert_states(&settings, &fx.inv, &fixed.inv, &plan.steps[0]);
        assert_eq!(
            plan.steps[0].undo_calls,
            [Call::new(
                "iam",
                "UpdateAccountPasswordPolicy",
                json!({"MinimumPasswordLength": 8, "RequireSymbols": true,
                    "RequireNumbers": false, "RequireUppercaseCharacters": false,
                    "RequireLowercaseCharacters": false, "AllowUsersToChangePassword": false,
                    "MaxPasswordAge": 90, "PasswordReusePrevention": 30, "HardExpiry": false})
            )]
        );

        // No policy before: the fixed policy has no maximum age, and undo deletes it.
        fx.inv.iam.password_policy = Collected::Ok(None);
        if let Collected::Ok(Some(p)) = &mut fixed.inv.iam.password_policy {
            p.max_password_age = None;
            p.password_reuse_prevention = Some(24);
        }
        let plan = plan_for(&CHECK, &fx.inv);
        assert_states(&settings, &fx.inv, &fixed.inv, &plan.steps[0]);
        assert_eq!(
            plan.steps[0].undo_calls,
            [Call::new("iam", "DeleteAccountPasswordPolicy", json!({}))]
        );
    }

    // Issue 14: the complexity and reuse checks' fixers plan the same step, under their own
    // check id: its state is read the same way for each.
    #[test]
    fn fix_states_for_each_password_policy_check() {
        let mut fx = Fixture::new();
        fx.inv.iam.password_policy = Collected::Ok(None);
        let mut fixed = Fixture::new();
        fixed.inv.iam.password_policy = Collected::Ok(Some(PasswordPolicy {
            minimum_password_length: Some(14),
            require_symbols: true,
            require_numbers: true,
            require_uppercase_characters: true,
            require_lowercase_characters: true,
            allow_users_to_change_password: true,
            max_password_age: None,
            password_reuse_prevention: Some(24),
            hard_expiry: None,
        }));
        let settings = Settings::default();
        let fixers: Vec<&crate::fix::Fixer> = crate::checks::iam::FIXERS
            .iter()
            .filter(|f| f.meta.id.starts_with("iam_password_policy_"))
            .collect();
        assert_eq!(fixers.len(), 3);
        for fixer in fixers {
            let finding = failing(
                fixer.meta,
                &fx.inv,
                "global",
                "arn:aws:iam::111122223333:root",
            );
            let plan = plan(&fx.inv, &settings, &[finding]);
            assert_eq!(plan.steps[0].check_id, fixer.meta.id);
            assert_states(&settings, &fx.inv, &fixed.inv, &plan.steps[0]);
        }
    }

    // Issue 14: an unread policy cannot be merged: not planned.
    #[test]
    fn fix_gap_is_not_planned() {
        let mut fx = Fixture::new();
        fx.inv.iam.password_policy = Collected::Missing(denied("iam:GetAccountPasswordPolicy"));
        let finding = failing(&META, &fx.inv, "global", "arn:aws:iam::111122223333:root");
        let plan = plan(&fx.inv, &Settings::default(), &[finding]);
        assert!(plan.steps.is_empty());
        assert!(plan.not_planned[0]
            .reason
            .contains("GetAccountPasswordPolicy"));
    }
}
