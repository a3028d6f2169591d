//! `organizations_delegated_administrators`: the organization delegates the administration
//! of its policies and integrated services to member accounts.

use super::{all_features, first_names, standing, Standing};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "organizations_delegated_administrators",
    title: "Delegated administrators manage the organization's policies and services",
    service: "organizations",
    severity: Severity::Low,
    what: "Whether the organization has at least one delegated administrator account. Read \
           from ListDelegatedAdministrators, which answers only in the management account \
           (or a delegated administrator); from a member account where it could not be read \
           the check reports an ERROR asking for a scan of the management account. Which \
           services and policy types each administrator holds is not examined. An account in \
           no organization fails.",
    why: "CIS 2.1.5 and 2.1.6 ask that Organizations policies and integrated security \
          services (GuardDuty, Security Hub, IAM Access Analyzer, Config, ...) be run from \
          delegated administrator accounts, not from the management account. Every task \
          that needs the management account is one more reason for people to sign in to \
          the organization's most powerful account; delegation keeps day-to-day security \
          work in a member account that service control policies can still limit.",
    fix: "From the management account: aws organizations register-delegated-administrator \
          --account-id <ACCOUNT_ID> --service-principal <SERVICE_PRINCIPAL> (for example \
          guardduty.amazonaws.com); to delegate policy management, aws organizations \
          put-resource-policy --content file://<DELEGATION_POLICY.json>",
    references: &[
        "CIS AWS Foundations v7.0 2.1.5",
        "CIS AWS Foundations v7.0 2.1.6",
        "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_delegate_policies.html",
        "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_integrate_services_list.html",
    ],
    cis: &["2.1.5", "2.1.6"],
    needs: &[Service::Organizations],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let f = ctx.finding(&META, "global", ctx.account_arn());
    let account = &ctx.inventory.account.id;
    let (org, is_member) = match standing(ctx) {
        Err(gap) => return vec![f.error(gap)],
        Ok(Standing::Alone) => {
            return vec![f.fail(format!(
                "account {account} is not in an organization: there is no organization whose \
                 administration could be delegated"
            ))]
        }
        Ok(Standing::Management(org)) => (org, false),
        Ok(Standing::Member(org)) => (org, true),
    };
    let admins = match ctx.inventory.organizations.delegated_administrators.get() {
        Ok(admins) => admins,
        Err(gap) if is_member => {
            return vec![f.error_reason(format!(
                "could not be evaluated: {}; account {account} is a member of organization {}, \
                 and only its management account ({}) can list delegated administrators: run \
                 rampart in the management account",
                gap.describe(),
                org.id,
                org.management_account_id
            ))]
        }
        Err(gap) => return vec![f.error(gap)],
    };
    let names: Vec<String> = admins
        .iter()
        .map(|a| format!("{} ({})", a.name, a.account_id))
        .collect();
    vec![if !names.is_empty() {
        f.pass(format!(
            "organization {} has {} delegated {}: {}",
            org.id,
            names.len(),
            if names.len() == 1 {
                "administrator"
            } else {
                "administrators"
            },
            first_names(&names)
        ))
    } else if !all_features(org) {
        f.fail(format!(
            "organization {} has no delegated administrator, and cannot have one until all \
             features are enabled (feature set {})",
            org.id, org.feature_set
        ))
    } else {
        f.fail(format!(
            "organization {} has no delegated administrator: its policies and services are \
             administered from the management account",
            org.id
        ))
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use crate::checks::organizations::testing::{delegated, management, member};
    use rampart_inventory::Collected;

    // CIS 2.1.5, 2.1.6: a delegated administrator passes, named.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        management(&mut fx, "ALL");
        fx.inv.organizations.delegated_administrators =
            Collected::Ok(vec![delegated("555566667777", "security-tooling")]);
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // CIS 2.1.5, 2.1.6: none fails, with the reason consolidated billing gives; so does an
    // account in no organization.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        insta::assert_json_snapshot!("fail_no_organization", run_check(&CHECK, &fx.inv));

        management(&mut fx, "ALL");
        insta::assert_json_snapshot!("fail_none", run_check(&CHECK, &fx.inv));

        management(&mut fx, "CONSOLIDATED_BILLING");
        insta::assert_json_snapshot!("fail_consolidated_billing", run_check(&CHECK, &fx.inv));
    }

    // CIS 2.1.5, 2.1.6: an unread organization or list is an ERROR; from a member account
    // the reason asks for a scan of the management account.
    #[test]
    fn error() {
        let mut fx = Fixture::new();
        fx.inv.organizations.organization =
            Collected::Missing(denied("organizations:DescribeOrganization"));
        insta::assert_json_snapshot!("error_organization", run_check(&CHECK, &fx.inv));

        member(&mut fx);
        fx.inv.organizations.delegated_administrators =
            Collected::Missing(denied("organizations:ListDelegatedAdministrators"));
        insta::assert_json_snapshot!("error_member", run_check(&CHECK, &fx.inv));

        management(&mut fx, "ALL");
        insta::assert_json_snapshot!("error_management", run_check(&CHECK, &fx.inv));
    }
}
