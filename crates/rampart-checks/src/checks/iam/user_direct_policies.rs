//! `iam_user_direct_policies`: IAM users receive permissions only through groups (or roles).

use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "iam_user_direct_policies",
    title: "IAM users have no policies attached directly",
    service: "iam",
    severity: Severity::Low,
    what: "For every IAM user (GetAccountAuthorizationDetails), whether any managed policy \
           is attached to the user or any inline policy is embedded in it. Policies that \
           reach the user through its groups are fine.",
    why: "Permissions granted user by user drift apart and are hard to review: nobody can \
          say who has what without reading every user. Granting through groups (or, better, \
          roles) keeps access in a few places that match job functions, and removing a user \
          from a group removes the access.",
    fix: "Add the user to a group that carries the permissions (aws iam add-user-to-group \
          --user-name <USER_NAME> --group-name <GROUP_NAME>), then remove the direct \
          policies: aws iam detach-user-policy --user-name <USER_NAME> --policy-arn \
          <POLICY_ARN> for managed ones, aws iam delete-user-policy --user-name <USER_NAME> \
          --policy-name <POLICY_NAME> for inline ones",
    references: &[
        "CIS AWS Foundations v7.0 2.13",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups_manage_attach-policy.html",
    ],
    cis: &["2.13"],
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
            let mut direct = Vec::new();
            if !user.attached_policies.is_empty() {
                let names: Vec<&str> = user
                    .attached_policies
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect();
                direct.push(format!("managed {}", names.join(", ")));
            }
            if !user.inline_policies.is_empty() {
                let names: Vec<&str> = user
                    .inline_policies
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect();
                direct.push(format!("inline {}", names.join(", ")));
            }
            if direct.is_empty() {
                f.pass(format!(
                    "user {} has no policies attached directly",
                    user.name
                ))
            } else {
                f.fail(format!(
                    "user {} has policies attached directly: {}",
                    user.name,
                    direct.join("; ")
                ))
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{run_check, Fixture};
    use crate::checks::iam::testing::{attached, inline, user};
    use rampart_inventory::Collected;
    use serde_json::json;

    // CIS 2.13: a user with only group membership passes; managed or inline policies on the
    // user fail, named in the reason.
    #[test]
    fn pass_fail() {
        let mut fx = Fixture::new();
        let mut grouped = user("grouped");
        grouped.groups = vec!["developers".into()];
        let mut managed = user("managed");
        managed.attached_policies = vec![
            attached("ReadOnlyAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
            attached("Billing", "arn:aws:iam::aws:policy/job-function/Billing"),
        ];
        let mut both = user("both");
        both.attached_policies = vec![attached(
            "ReadOnlyAccess",
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
        )];
        both.inline_policies = vec![inline(
            "s3-access",
            json!({"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}),
        )];
        fx.inv.iam.users = Collected::Ok(vec![grouped, managed, both]);
        insta::assert_json_snapshot!("pass_fail", run_check(&CHECK, &fx.inv));
    }
}
