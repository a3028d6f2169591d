//! `iam_user_in_group`: every IAM user belongs to at least one group.

use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "iam_user_in_group",
    title: "Every IAM user belongs to a group",
    service: "iam",
    severity: Severity::Low,
    what: "For every IAM user (GetAccountAuthorizationDetails), whether it is a member of \
           at least one group. Complements iam_user_direct_policies: together they say that \
           users get their permissions through groups.",
    why: "When permissions come from groups that match job functions, reviewing who can do \
          what means reading a few groups, and removing access means removing a membership. \
          A user in no group either has no permissions (and may be unused) or has them \
          attached one by one, where they drift and escape review.",
    fix: "aws iam add-user-to-group --user-name <USER_NAME> --group-name <GROUP_NAME> (or \
          delete a user nobody needs: aws iam delete-user --user-name <USER_NAME>, after \
          removing its keys, password and MFA devices)",
    references: &[
        "Supports CIS AWS Foundations v7.0 2.13",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html",
    ],
    cis: &[],
    needs: &[Service::Iam],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let account = ctx.account_arn();
    ctx.over(
        &META,
        "global",
        &account,
        &ctx.inventory.iam.users,
        |user| {
            let f = ctx.finding(&META, "global", &user.arn);
            if user.groups.is_empty() {
                f.fail(format!("user {} belongs to no group", user.name))
            } else {
                f.pass(format!(
                    "user {} belongs to {}",
                    user.name,
                    user.groups.join(", ")
                ))
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{run_check, Fixture};
    use crate::checks::iam::testing::user;
    use rampart_inventory::Collected;

    // CIS 2.13 (spirit): a user in a group passes, one in none fails.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        let mut alice = user("alice");
        alice.groups = vec!["admins".into(), "devs".into()];
        fx.inv.iam.users = Collected::Ok(vec![alice, user("bob")]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}
