//! `organizations_centralized_root_access`: the organization manages member accounts' root
//! users centrally (IAM's RootCredentialsManagement and RootSessions features).

use super::{standing, Standing};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "organizations_centralized_root_access",
    title: "Root access of member accounts is managed centrally",
    service: "organizations",
    severity: Severity::Medium,
    what: "Whether the IAM organization features for centralized root access are both \
           enabled: `RootCredentialsManagement` (member accounts can have their root \
           credentials removed and no root password recovery) and `RootSessions` (privileged \
           root tasks run as short sessions from the management account). Read from \
           iam:ListOrganizationsFeatures, which answers only in the management account or \
           IAM's delegated administrator. An account outside any organization fails.",
    why: "Every AWS account has a root user that IAM policies cannot limit. Each member \
          account's root password, MFA device and access keys are one more credential to \
          protect, rotate and audit. With centralized root access, member accounts have no \
          long-term root credentials at all, and the few tasks that need root are done in a \
          short, audited session started from the management account.",
    fix: "From the management account: aws organizations enable-aws-service-access \
          --service-principal iam.amazonaws.com; aws iam \
          enable-organizations-root-credentials-management; aws iam \
          enable-organizations-root-sessions",
    references: &[
        "CIS AWS Foundations v7.0 2.1.1",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#id_root-user-access-management",
        "https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListOrganizationsFeatures.html",
    ],
    cis: &["2.1.1"],
    needs: &[Service::Organizations],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

/// The features that together make centralized root access.
const FEATURES: [&str; 2] = ["RootCredentialsManagement", "RootSessions"];

fn run(ctx: &Context) -> Vec<Finding> {
    let f = ctx.finding(&META, "global", ctx.account_arn());
    let account = &ctx.inventory.account.id;
    let standing = standing(ctx);
    if let Ok(Standing::Alone) = standing {
        return vec![f.fail(format!(
            "account {account} is not in an organization: its root user cannot be managed \
             centrally"
        ))];
    }
    let enabled = match ctx.inventory.organizations.iam_features.get() {
        Ok(enabled) => enabled,
        Err(gap) => {
            return vec![match standing {
                Ok(Standing::Member(org)) => f.error_reason(format!(
                    "could not be evaluated: {}; the IAM organization features can be read \
                     only from the management account ({}) of organization {} or IAM's \
                     delegated administrator",
                    gap.describe(),
                    org.management_account_id,
                    org.id
                )),
                _ => f.error(gap),
            }]
        }
    };
    let missing: Vec<&str> = FEATURES
        .into_iter()
        .filter(|feature| !enabled.iter().any(|e| e == feature))
        .collect();
    let org = match standing {
        Ok(Standing::Management(org) | Standing::Member(org)) => format!("organization {}", org.id),
        _ => "the organization".to_owned(),
    };
    vec![if missing.is_empty() {
        f.pass(format!(
            "{org} manages root access centrally (RootCredentialsManagement and RootSessions \
             enabled)"
        ))
    } else {
        f.fail(format!(
            "{org} does not manage root access centrally: {} not enabled",
            missing.join(" and ")
        ))
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use crate::checks::organizations::testing::{management, member};
    use rampart_inventory::Collected;

    fn features(fx: &mut Fixture, names: &[&str]) {
        fx.inv.organizations.iam_features =
            Collected::Ok(names.iter().map(|n| n.to_string()).collect());
    }

    // CIS 2.1.1: both root access features enabled passes.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        management(&mut fx, "ALL");
        features(&mut fx, &["RootCredentialsManagement", "RootSessions"]);
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // CIS 2.1.1: a missing feature fails, naming it; so does an account in no organization.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        management(&mut fx, "ALL");
        features(&mut fx, &["RootCredentialsManagement"]);
        insta::assert_json_snapshot!("fail_one_missing", run_check(&CHECK, &fx.inv));

        features(&mut fx, &[]);
        insta::assert_json_snapshot!("fail_both_missing", run_check(&CHECK, &fx.inv));

        // The fixture account is in no organization; the features call could not succeed.
        let mut fx = Fixture::new();
        fx.inv.organizations.iam_features =
            Collected::Missing(denied("iam:ListOrganizationsFeatures"));
        insta::assert_json_snapshot!("fail_no_organization", run_check(&CHECK, &fx.inv));
    }

    // CIS 2.1.1: unread features are an ERROR; from a member account the reason says where
    // they can be read.
    #[test]
    fn error() {
        let mut fx = Fixture::new();
        fx.inv.organizations.organization =
            Collected::Missing(denied("organizations:DescribeOrganization"));
        fx.inv.organizations.iam_features =
            Collected::Missing(denied("iam:ListOrganizationsFeatures"));
        insta::assert_json_snapshot!("error", run_check(&CHECK, &fx.inv));

        member(&mut fx);
        insta::assert_json_snapshot!("error_member", run_check(&CHECK, &fx.inv));
    }
}
