//! `organizations_management_account_no_workloads`: the organization's management account
//! runs no workloads.

use super::{standing, Standing};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use rampart_inventory::{Collected, Gap};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "organizations_management_account_no_workloads",
    title: "The organization's management account runs no workloads",
    service: "organizations",
    severity: Severity::Medium,
    what: "When the scanned account is its organization's management account, whether the \
           inventory holds workload resources in any scanned region: EC2 instances that are \
           pending, running, stopping or stopped, Lambda functions, RDS DB instances, ECS task \
           definitions and load balancers. A member account, or an account in no \
           organization, passes. Other kinds of workload (containers on EKS, DynamoDB \
           tables, S3 data) are not counted.",
    why: "The management account cannot be restricted by service control policies and can \
          reach into every member account. Workloads there bring developers, deploy \
          pipelines and application roles into the most powerful account of the \
          organization, where a compromise of any one of them threatens all accounts. AWS \
          recommends using it only to manage the organization.",
    fix: "Create a member account for the workloads (aws organizations create-account \
          --email <ACCOUNT_EMAIL> --account-name <ACCOUNT_NAME>), move them there, then \
          remove them from the management account (for example aws ec2 terminate-instances \
          --instance-ids <INSTANCE_ID> --region <REGION>)",
    references: &[
        "CIS AWS Foundations v7.0 2.1.3",
        "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_best-practices_mgmt-acct.html",
    ],
    cis: &["2.1.3"],
    needs: &[
        Service::Organizations,
        Service::Ec2,
        Service::Lambda,
        Service::Rds,
        Service::Ecs,
        Service::Elbv2,
    ],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

/// EC2 instance states that count as a workload (`shutting-down` and `terminated` do not).
const LIVE_STATES: [&str; 4] = ["pending", "running", "stopping", "stopped"];

/// One kind of workload: its name (singular, plural), how many were found, and the regions
/// whose list could not be read.
struct Kind<'a> {
    one: &'static str,
    many: &'static str,
    count: usize,
    unread: Vec<(&'a str, &'a Gap)>,
}

impl<'a> Kind<'a> {
    fn new(one: &'static str, many: &'static str) -> Self {
        Kind {
            one,
            many,
            count: 0,
            unread: Vec::new(),
        }
    }

    /// Count the items of `list` in `region` that `is_workload` accepts.
    fn add<T>(
        &mut self,
        region: &'a str,
        list: &'a Collected<Vec<T>>,
        is_workload: fn(&T) -> bool,
    ) {
        match list.get() {
            Ok(items) => self.count += items.iter().filter(|i| is_workload(i)).count(),
            Err(gap) => self.unread.push((region, gap)),
        }
    }

    /// `2 EC2 instances`.
    fn counted(&self) -> String {
        let name = if self.count == 1 { self.one } else { self.many };
        format!("{} {name}", self.count)
    }
}

fn run(ctx: &Context) -> Vec<Finding> {
    let f = ctx.finding(&META, "global", ctx.account_arn());
    let account = &ctx.inventory.account.id;
    let org = match standing(ctx) {
        Err(gap) => return vec![f.error(gap)],
        Ok(Standing::Alone) => {
            return vec![f.pass(format!(
                "account {account} is not in an organization, so it is no management account"
            ))]
        }
        Ok(Standing::Member(org)) => {
            return vec![f.pass(format!(
                "account {account} is a member of organization {}, not its management account \
                 ({})",
                org.id, org.management_account_id
            ))]
        }
        Ok(Standing::Management(org)) => org,
    };
    let mut kinds = [
        Kind::new("EC2 instance", "EC2 instances"),
        Kind::new("Lambda function", "Lambda functions"),
        Kind::new("RDS DB instance", "RDS DB instances"),
        Kind::new("ECS task definition", "ECS task definitions"),
        Kind::new("load balancer", "load balancers"),
    ];
    for (region, data) in ctx.regions() {
        kinds[0].add(region, &data.ec2.instances, |i| {
            LIVE_STATES.contains(&i.state.as_str())
        });
        kinds[1].add(region, &data.lambda.functions, |_| true);
        kinds[2].add(region, &data.rds.instances, |_| true);
        kinds[3].add(region, &data.ecs.task_definitions, |_| true);
        kinds[4].add(region, &data.elbv2.load_balancers, |_| true);
    }
    let found: Vec<String> = kinds
        .iter()
        .filter(|k| k.count > 0)
        .map(Kind::counted)
        .collect();
    let unread: Vec<(String, &Gap)> = kinds
        .iter()
        .flat_map(|k| {
            k.unread
                .iter()
                .map(|(region, gap)| (format!("{} in {region}", k.many), *gap))
        })
        .collect();
    let who = format!("management account {account} of organization {}", org.id);
    vec![if !found.is_empty() {
        let also = if unread.is_empty() {
            String::new()
        } else {
            let lists: Vec<&str> = unread.iter().map(|(what, _)| what.as_str()).collect();
            format!(" (not read: {})", lists.join(", "))
        };
        f.fail(format!("{who} runs workloads: {}{also}", found.join(", ")))
    } else if !unread.is_empty() {
        let lists: Vec<String> = unread
            .iter()
            .map(|(what, gap)| format!("{what} ({})", gap.describe()))
            .collect();
        f.error_reason(format!(
            "could not be evaluated: no workload found in {who}, but these were not read: {}",
            lists.join("; ")
        ))
    } else {
        f.pass(format!(
            "{who} runs no workloads: no EC2 instance, Lambda function, RDS DB instance, ECS \
             task definition or load balancer in any scanned region"
        ))
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ec2::testing::instance;
    use crate::checks::elbv2::testing::lb;
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use crate::checks::lambda::testing::function;
    use crate::checks::organizations::testing::{management, member};
    use crate::checks::rds::testing::db;

    // CIS 2.1.3: an empty management account passes, and so do member and standalone
    // accounts whatever they run; terminated instances are not workloads.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        management(&mut fx, "ALL");
        let mut gone = instance("i-0terminated");
        gone.state = "terminated".into();
        fx.region("eu-west-1").ec2.instances = Collected::Ok(vec![gone]);
        insta::assert_json_snapshot!("pass_management", run_check(&CHECK, &fx.inv));

        fx.region("us-east-1").lambda.functions = Collected::Ok(vec![function("api")]);
        member(&mut fx);
        insta::assert_json_snapshot!("pass_member", run_check(&CHECK, &fx.inv));

        fx.inv.organizations.organization = Collected::Ok(None);
        insta::assert_json_snapshot!("pass_no_organization", run_check(&CHECK, &fx.inv));
    }

    // CIS 2.1.3: workloads in the management account fail, counted per kind, even when
    // another region could not be read.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        management(&mut fx, "ALL");
        let mut stopped = instance("i-0stopped");
        stopped.state = "stopped".into();
        let r = fx.region("us-east-1");
        r.ec2.instances = Collected::Ok(vec![instance("i-0running"), stopped]);
        r.lambda.functions = Collected::Ok(vec![function("api")]);
        r.rds.instances = Collected::Ok(vec![db("orders")]);
        r.elbv2.load_balancers = Collected::Ok(vec![
            lb("web", "application", "internet-facing", &[]),
            lb("internal", "network", "internal", &[]),
        ]);
        fx.region("eu-west-1").ecs.task_definitions =
            Collected::Missing(denied("ecs:ListTaskDefinitions"));
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }

    // CIS 2.1.3: an unread organization is an ERROR; so is a management account where
    // nothing was found but a list could not be read (never PASS on partial data).
    #[test]
    fn error() {
        let mut fx = Fixture::new();
        fx.inv.organizations.organization =
            Collected::Missing(denied("organizations:DescribeOrganization"));
        insta::assert_json_snapshot!("error_organization", run_check(&CHECK, &fx.inv));

        management(&mut fx, "ALL");
        fx.region("eu-west-1").lambda.functions =
            Collected::Missing(denied("lambda:ListFunctions"));
        fx.region("us-east-1").ec2.instances = Collected::Missing(denied("ec2:DescribeInstances"));
        insta::assert_json_snapshot!("error_partial", run_check(&CHECK, &fx.inv));
    }
}
