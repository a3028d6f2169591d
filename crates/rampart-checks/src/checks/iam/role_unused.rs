//! `iam_role_unused`: IAM roles have been used within `unused_role_days`.

use super::days;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "iam_role_unused",
    title: "IAM roles are in use",
    service: "iam",
    severity: Severity::Low,
    what: "For every IAM role except service-linked roles (path `/aws-service-role/`, managed \
           by AWS services), when it was last used (RoleLastUsed, which IAM tracks for the \
           last 400 days). A role last used `unused_role_days` (default 90) or more days ago \
           fails; a role never used fails once it is that old, and passes while it is newer.",
    why: "A role nobody uses still carries permissions and a trust policy that says who may \
          take them. Forgotten roles are not reviewed when trust or permissions should \
          change, and are a quiet foothold for anyone who finds a way to assume them.",
    fix: "Confirm it is unused (aws iam get-role --role-name <ROLE_NAME> --query \
          Role.RoleLastUsed), then remove its policies and instance profiles and delete it: \
          aws iam delete-role --role-name <ROLE_NAME>",
    references: &[
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_access-advisor.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#remove-credentials",
    ],
    cis: &[],
    needs: &[Service::Iam],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let account = ctx.account_arn();
    let limit = ctx.settings.unused_role_days;
    let roles = &ctx.inventory.iam.roles;
    let mut findings = ctx.over(&META, "global", &account, roles, |role| {
        let f = ctx.finding(&META, "global", &role.arn);
        let name = &role.name;
        match (role.last_used, role.create_date) {
            (Some(t), _) if ctx.days_since(t) >= limit => f.fail(format!(
                "role {name} was last used on {} ({} ago; threshold {})",
                t.format("%Y-%m-%d"),
                days(ctx.days_since(t)),
                days(limit)
            )),
            (Some(t), _) => f.pass(format!(
                "role {name} was last used on {} ({} ago)",
                t.format("%Y-%m-%d"),
                days(ctx.days_since(t))
            )),
            (None, Some(c)) if ctx.days_since(c) >= limit => f.fail(format!(
                "role {name} has no recorded use since it was created on {} ({} ago)",
                c.format("%Y-%m-%d"),
                days(ctx.days_since(c))
            )),
            (None, Some(c)) => f.pass(format!(
                "role {name} has no recorded use yet, but was created only {} ago",
                days(ctx.days_since(c))
            )),
            (None, None) => f.error_reason(format!(
                "could not be evaluated: IAM reported neither a last use nor a creation date \
                 for role {name}"
            )),
        }
    });
    // Service-linked roles are AWS's to manage: not examined.
    if let Ok(roles) = roles.get() {
        let linked: Vec<&str> = roles
            .iter()
            .filter(|r| r.path.starts_with("/aws-service-role/"))
            .map(|r| r.arn.as_str())
            .collect();
        findings.retain(|f| !linked.contains(&f.resource.as_str()));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{days_ago, denied, run_check, Fixture};
    use crate::checks::iam::testing::role;
    use rampart_inventory::Collected;

    // Practice (remove unused credentials): a recently used role passes, and so does a new
    // role not used yet; service-linked roles are not examined.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        let mut used = role("app");
        used.last_used = days_ago(3);
        let mut fresh = role("new");
        fresh.create_date = days_ago(10);
        let mut linked = role("AWSServiceRoleForSupport");
        linked.path = "/aws-service-role/support.amazonaws.com/".into();
        fx.inv.iam.roles = Collected::Ok(vec![used, fresh, linked]);
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // Practice: last used 90 days ago (the default threshold) fails; never used since
    // creation 400 days ago fails.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        let mut stale = role("stale");
        stale.last_used = days_ago(90);
        fx.inv.iam.roles = Collected::Ok(vec![stale, role("never")]);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }

    // Practice: unread roles, or a role with no dates at all, are ERRORs.
    #[test]
    fn error() {
        let mut fx = Fixture::new();
        fx.inv.iam.roles = Collected::Missing(denied("iam:GetAccountAuthorizationDetails"));
        insta::assert_json_snapshot!("error", run_check(&CHECK, &fx.inv));

        let mut undated = role("undated");
        undated.create_date = None;
        fx.inv.iam.roles = Collected::Ok(vec![undated]);
        insta::assert_json_snapshot!("error_undated", run_check(&CHECK, &fx.inv));
    }
}
