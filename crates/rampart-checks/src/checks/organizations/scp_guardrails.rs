//! `organizations_scp_guardrails`: the organization has service control policies of its
//! own, beyond AWS's allow-everything `FullAWSAccess`.

use super::{all_features, first_names, standing, Standing};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "organizations_scp_guardrails",
    title: "Service control policies set guardrails for the organization's accounts",
    service: "organizations",
    severity: Severity::Medium,
    what: "Whether the account's organization has all features enabled and at least one \
           service control policy written by the customer (not AWS managed, as \
           `FullAWSAccess` is). Read from DescribeOrganization and ListPolicies (type \
           SERVICE_CONTROL_POLICY), which answers only in the management account or a \
           delegated administrator. What the policies deny, and where they are attached, is \
           not examined.",
    why: "Service control policies are the only guardrail that binds every principal of a \
          member account, its administrators and root user included: they can forbid \
          leaving the organization, turning off CloudTrail or GuardDuty, or using \
          unapproved regions, whatever IAM grants. `FullAWSAccess` alone allows everything, \
          so an organization without SCPs of its own has no guardrail at all.",
    fix: "From the management account, with all features enabled (aws organizations \
          enable-all-features) and SCPs enabled (aws organizations enable-policy-type \
          --root-id <ROOT_ID> --policy-type SERVICE_CONTROL_POLICY): aws organizations \
          create-policy --type SERVICE_CONTROL_POLICY --name <NAME> --description \
          <DESCRIPTION> --content file://<SCP.json>, then aws organizations attach-policy \
          --policy-id <POLICY_ID> --target-id <ROOT_OR_OU_ID>",
    references: &[
        "CIS AWS Foundations v7.0 2.1.2",
        "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html",
        "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples.html",
    ],
    cis: &["2.1.2"],
    needs: &[Service::Organizations],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let f = ctx.finding(&META, "global", ctx.account_arn());
    let account = &ctx.inventory.account.id;
    let org = match standing(ctx) {
        Err(gap) => return vec![f.error(gap)],
        Ok(Standing::Alone) => {
            return vec![f.fail(format!(
                "account {account} is not in an organization: no service control policy can \
                 set guardrails for it"
            ))]
        }
        Ok(Standing::Management(org) | Standing::Member(org)) => org,
    };
    if !all_features(org) {
        return vec![f.fail(format!(
            "organization {} has consolidated billing only (feature set {}): service control \
             policies are unavailable",
            org.id, org.feature_set
        ))];
    }
    let policies = match ctx.inventory.organizations.service_control_policies.get() {
        Ok(policies) => policies,
        Err(gap) => {
            return vec![f.error_reason(format!(
                "could not be evaluated: {}; service control policies can be read only from \
                 the management account ({}) of organization {} or a delegated administrator",
                gap.describe(),
                org.management_account_id,
                org.id
            ))]
        }
    };
    let own: Vec<String> = policies
        .iter()
        .filter(|p| !p.aws_managed)
        .map(|p| format!("{} ({})", p.name, p.id))
        .collect();
    let managed: Vec<String> = policies
        .iter()
        .filter(|p| p.aws_managed)
        .map(|p| p.name.clone())
        .collect();
    vec![if !own.is_empty() {
        f.pass(format!(
            "organization {} has {} service control {} of its own: {}",
            org.id,
            own.len(),
            if own.len() == 1 { "policy" } else { "policies" },
            first_names(&own)
        ))
    } else if managed.is_empty() {
        f.fail(format!(
            "organization {} has no service control policy: no guardrail limits its accounts",
            org.id
        ))
    } else {
        f.fail(format!(
            "organization {} has only AWS managed service control policies ({}), which allow \
             everything: no guardrail limits its accounts",
            org.id,
            first_names(&managed)
        ))
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use crate::checks::organizations::testing::{full_aws_access, management, member, scp};
    use rampart_inventory::Collected;

    // CIS 2.1.2: a customer SCP beside FullAWSAccess passes, named.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        management(&mut fx, "ALL");
        fx.inv.organizations.service_control_policies = Collected::Ok(vec![
            full_aws_access(),
            scp("p-0a1b2c3d", "deny-leave-organization"),
            scp("p-4e5f6a7b", "region-allowlist"),
        ]);
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // CIS 2.1.2: only FullAWSAccess fails; so do no organization and consolidated billing.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        insta::assert_json_snapshot!("fail_no_organization", run_check(&CHECK, &fx.inv));

        management(&mut fx, "CONSOLIDATED_BILLING");
        insta::assert_json_snapshot!("fail_consolidated_billing", run_check(&CHECK, &fx.inv));

        management(&mut fx, "ALL");
        insta::assert_json_snapshot!("fail_no_policies", run_check(&CHECK, &fx.inv));

        fx.inv.organizations.service_control_policies = Collected::Ok(vec![full_aws_access()]);
        insta::assert_json_snapshot!("fail_full_aws_access_only", run_check(&CHECK, &fx.inv));
    }

    // CIS 2.1.2: an unread organization or SCP list is an ERROR; the reason says where SCPs
    // can be read.
    #[test]
    fn error() {
        let mut fx = Fixture::new();
        fx.inv.organizations.organization =
            Collected::Missing(denied("organizations:DescribeOrganization"));
        insta::assert_json_snapshot!("error_organization", run_check(&CHECK, &fx.inv));

        member(&mut fx);
        fx.inv.organizations.service_control_policies =
            Collected::Missing(denied("organizations:ListPolicies"));
        insta::assert_json_snapshot!("error_policies", run_check(&CHECK, &fx.inv));
    }
}
