//! `vpc_flow_logs_enabled`: every VPC has a flow log.

use crate::checks::ec2::{label, name_tag};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "vpc_flow_logs_enabled",
    title: "Every VPC has flow logging enabled",
    service: "vpc",
    severity: Severity::Medium,
    what: "Whether a flow log is attached to each VPC itself (DescribeFlowLogs, resource id \
           equal to the VPC id). Flow logs on single subnets or interfaces do not count. The \
           reason gives each flow log's status, traffic type and destination.",
    why: "Flow logs record which addresses talked to which on which ports, accepted or \
          rejected. Without them there is no way to see scanning, data leaving the VPC or \
          the reach of a compromised instance after the fact.",
    fix: "aws ec2 create-flow-logs --region <REGION> --resource-type VPC --resource-ids \
          <VPC_ID> --traffic-type REJECT --log-destination-type cloud-watch-logs \
          --log-group-name <LOG_GROUP_NAME> --deliver-logs-permission-arn <DELIVERY_ROLE_ARN>",
    references: &[
        "CIS AWS Foundations v7.0 4.7",
        "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html",
    ],
    cis: &["4.7"],
    needs: &[Service::Ec2],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let account = &ctx.inventory.account;
    let mut findings = Vec::new();
    for (region, data) in ctx.regions() {
        let ec2 = &data.ec2;
        let gap_resource = ctx.region_resource("ec2", region);
        findings.extend(ctx.over(&META, region, &gap_resource, &ec2.vpcs, |vpc| {
            let arn = format!(
                "arn:{}:ec2:{region}:{}:vpc/{}",
                account.partition, account.id, vpc.id
            );
            let f = ctx.finding(&META, region, arn);
            let name = label(&vpc.id, name_tag(&vpc.tags));
            let logs = match ec2.flow_logs.get() {
                Ok(logs) => logs,
                Err(gap) => {
                    return f.error_reason(format!(
                        "could not be evaluated: the flow logs of {name} could not be listed: {}",
                        gap.describe()
                    ))
                }
            };
            let own: Vec<String> = logs
                .iter()
                .filter(|l| l.resource_id == vpc.id)
                .map(|l| {
                    format!(
                        "{} ({}, {} traffic to {})",
                        l.id, l.status, l.traffic_type, l.destination_type
                    )
                })
                .collect();
            if own.is_empty() {
                f.fail(format!("{name} has no flow log"))
            } else {
                f.pass(format!("{name} has flow log(s) {}", own.join(", ")))
            }
        }));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ec2::testing::{ec2, flow_log, name, vpc};
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use rampart_inventory::{Collected, Vpc};

    // CIS 4.7: a VPC with its own flow log passes (status noted), one whose only flow log is
    // on a subnet fails.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        let ec2 = ec2(&mut fx);
        ec2.vpcs = Collected::Ok(vec![
            Vpc {
                tags: name("prod"),
                ..vpc("vpc-01")
            },
            vpc("vpc-02"),
            vpc("vpc-03"),
        ]);
        ec2.flow_logs = Collected::Ok(vec![
            flow_log("fl-01", "vpc-01", "ACTIVE"),
            flow_log("fl-02", "subnet-0abc", "ACTIVE"),
            flow_log("fl-03", "vpc-03", "FAILED"),
        ]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }

    // CIS 4.7: flow logs that could not be listed make every VPC an ERROR, and VPCs that
    // could not be listed give one ERROR for the region.
    #[test]
    fn errors() {
        let mut fx = Fixture::new();
        let ec2 = ec2(&mut fx);
        ec2.vpcs = Collected::Ok(vec![vpc("vpc-01")]);
        ec2.flow_logs = Collected::Missing(denied("ec2:DescribeFlowLogs"));
        insta::assert_json_snapshot!("flow_logs_missing", run_check(&CHECK, &fx.inv));

        fx.region("us-east-1").ec2.vpcs = Collected::Missing(denied("ec2:DescribeVpcs"));
        insta::assert_json_snapshot!("vpcs_missing", run_check(&CHECK, &fx.inv));
    }
}
