//! `iam_unused_services`: IAM users and roles use the services their policies grant them
//! (Access Advisor), within `unused_service_days`.

use super::days;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use rampart_inventory::Collected;

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "iam_unused_services",
    title: "IAM principals use the services they are granted",
    service: "iam",
    severity: Severity::Low,
    what: "For every IAM user and role except service-linked roles, Access Advisor's report \
           (GenerateServiceLastAccessedDetails): the services the principal's policies grant \
           and when it last used each. A principal granted a service it has not used in \
           `unused_service_days` (default 90), or never within Access Advisor's tracking \
           period, fails, naming each such service and its last use. A principal whose \
           report could not be generated or read is an ERROR, never a PASS. `rampart \
           rightsize` writes the narrowed policy and verifies it with the policy engine.",
    why: "Permissions nobody uses are pure risk: they do nothing for the workload and \
          everything for whoever takes over its credentials. Access Advisor shows which \
          grants are dead weight, and removing them is the cheapest least-privilege step.",
    fix: "Write the narrowed policy (rampart rightsize <PRINCIPAL>), review it, then replace \
          the principal's policies with it: aws iam put-role-policy --role-name <ROLE_NAME> \
          --policy-name rightsized --policy-document file://<POLICY_JSON> (put-user-policy \
          alike), and detach what it replaces: aws iam detach-role-policy --role-name \
          <ROLE_NAME> --policy-arn <POLICY_ARN>",
    references: &[
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#remove-credentials",
    ],
    cis: &[],
    needs: &[Service::Iam, Service::AccessAdvisor],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let iam = &ctx.inventory.iam;
    let limit = ctx.settings.unused_service_days;
    let account = ctx.finding(&META, "global", ctx.account_arn());
    let reports = match iam.service_last_accessed.get() {
        Ok(r) => r,
        Err(gap) => return vec![account.error(gap)],
    };
    let mut principals: Vec<(String, &str)> = Vec::new();
    let mut unread = Vec::new();
    match iam.users.get() {
        Ok(users) => principals.extend(
            users
                .iter()
                .map(|u| (format!("user {}", u.name), u.arn.as_str())),
        ),
        Err(gap) => unread.push(format!("users not read ({})", gap.describe())),
    }
    match iam.roles.get() {
        Ok(roles) => principals.extend(
            roles
                .iter()
                .filter(|r| !r.path.starts_with("/aws-service-role/"))
                .map(|r| (format!("role {}", r.name), r.arn.as_str())),
        ),
        Err(gap) => unread.push(format!("roles not read ({})", gap.describe())),
    }
    let mut findings: Vec<Finding> = principals
        .into_iter()
        .map(|(name, arn)| {
            let f = ctx.finding(&META, "global", arn);
            let report = match reports.get(arn) {
                None => {
                    return f.error_reason(format!(
                        "could not be evaluated: the snapshot holds no Access Advisor report \
                         for {name}"
                    ))
                }
                Some(Collected::Missing(gap)) => {
                    return f.error_reason(format!(
                        "could not be evaluated: Access Advisor's report for {name}: {}",
                        gap.describe()
                    ))
                }
                Some(Collected::Ok(r)) => r,
            };
            let unused: Vec<String> = report
                .services
                .iter()
                .filter_map(|s| match s.last_authenticated {
                    None => Some(format!("{} (never used)", s.namespace)),
                    Some(t) if ctx.days_since(t) >= limit => Some(format!(
                        "{} (last used {}, {} ago)",
                        s.namespace,
                        t.format("%Y-%m-%d"),
                        days(ctx.days_since(t))
                    )),
                    Some(_) => None,
                })
                .collect();
            if unused.is_empty() {
                f.pass(format!(
                    "{name} used each of the {} service(s) it is granted within the last {}",
                    report.services.len(),
                    days(limit)
                ))
            } else {
                f.fail(format!(
                    "{name} is granted {} of {} service(s) it has not used in {}: {}",
                    unused.len(),
                    report.services.len(),
                    days(limit),
                    unused.join(", ")
                ))
            }
        })
        .collect();
    if !unread.is_empty() {
        findings
            .push(account.error_reason(format!("could not be evaluated: {}", unread.join("; "))));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{days_ago, denied, run_check, Fixture};
    use crate::checks::iam::testing::{role, user};
    use rampart_inventory::{ServiceAccess, ServiceLastAccessed};

    fn service(ns: &str, used: Option<i64>) -> ServiceAccess {
        ServiceAccess {
            namespace: ns.into(),
            name: format!("AWS {ns}"),
            last_authenticated: used.and_then(days_ago),
            ..Default::default()
        }
    }

    fn report(services: Vec<ServiceAccess>) -> Collected<ServiceLastAccessed> {
        Collected::Ok(ServiceLastAccessed {
            job_completion_date: days_ago(0),
            services,
        })
    }

    // Least privilege (Access Advisor): every granted service used within 90 days passes;
    // a service last used 90 days ago or never fails, naming it; a missing report or a
    // failed job is an ERROR; service-linked roles are not examined.
    #[test]
    fn pass_fail_error() {
        let mut fx = Fixture::new();
        fx.inv.iam.users = Collected::Ok(vec![user("busy"), user("idle"), user("unreported")]);
        let mut linked = role("AWSServiceRoleForSupport");
        linked.path = "/aws-service-role/support.amazonaws.com/".into();
        fx.inv.iam.roles = Collected::Ok(vec![role("app"), linked]);
        let arn = |kind: &str, name: &str| format!("arn:aws:iam::111122223333:{kind}/{name}");
        fx.inv.iam.service_last_accessed = Collected::Ok(
            [
                (
                    arn("user", "busy"),
                    report(vec![service("s3", Some(3)), service("ec2", Some(89))]),
                ),
                (
                    arn("user", "idle"),
                    report(vec![
                        service("s3", Some(2)),
                        service("ec2", Some(90)),
                        service("iam", None),
                    ]),
                ),
                (
                    arn("role", "app"),
                    Collected::Missing(denied("iam:GetServiceLastAccessedDetails")),
                ),
            ]
            .into_iter()
            .collect(),
        );
        insta::assert_json_snapshot!("pass_fail_error", run_check(&CHECK, &fx.inv));
    }

    // Access Advisor not read at all: one ERROR for the account.
    #[test]
    fn error_not_collected() {
        let mut fx = Fixture::new();
        fx.inv.iam.users = Collected::Ok(vec![user("busy")]);
        fx.inv.iam.service_last_accessed =
            Collected::Missing(denied("iam:GenerateServiceLastAccessedDetails"));
        insta::assert_json_snapshot!("error_not_collected", run_check(&CHECK, &fx.inv));
    }
}
