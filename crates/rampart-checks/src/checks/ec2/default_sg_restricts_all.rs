//! `ec2_default_sg_restricts_all`: every VPC's default security group has no rules.

use super::reachability::Network;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "ec2_default_sg_restricts_all",
    title: "Default security groups restrict all traffic",
    service: "ec2",
    severity: Severity::Medium,
    what: "Whether the default security group of each VPC (the group named `default`) has \
           no inbound and no outbound rules. AWS creates it admitting all traffic from its \
           own members and sending anything anywhere.",
    why: "Resources launched without a group choice land in the default group. With rules \
          in it, they talk to each other and to the internet without anyone having decided \
          so; with none, a forgotten group choice fails closed and is noticed.",
    fix: "Remove every rule: aws ec2 revoke-security-group-ingress --region <REGION> \
          --group-id <DEFAULT_GROUP_ID> --security-group-rule-ids <RULE_IDS>; aws ec2 \
          revoke-security-group-egress --region <REGION> --group-id <DEFAULT_GROUP_ID> \
          --security-group-rule-ids <RULE_IDS> (find them with aws ec2 \
          describe-security-group-rules --region <REGION> --filters \
          Name=group-id,Values=<DEFAULT_GROUP_ID>); move members to purpose-built groups \
          first.",
    references: &[
        "CIS AWS Foundations v7.0 6.5",
        "https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html",
    ],
    cis: &["6.5"],
    needs: &[Service::Ec2],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn plural(n: usize, what: &str) -> String {
    if n == 0 {
        format!("no {what} rules")
    } else if n == 1 {
        format!("1 {what} rule")
    } else {
        format!("{n} {what} rules")
    }
}

fn run(ctx: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (region, data) in ctx.regions() {
        let net = Network::new(&data.ec2);
        let groups = match data.ec2.security_groups.get() {
            Ok(groups) => groups,
            Err(gap) => {
                let resource = ctx.region_resource("ec2", region);
                findings.push(ctx.finding(&META, region, resource).error(gap));
                continue;
            }
        };
        for group in groups.iter().filter(|g| g.name == "default") {
            let f = ctx.finding(&META, region, group.arn.clone());
            let name = format!("{} (default group of {})", group.id, group.vpc_id);
            if group.ingress.is_empty() && group.egress.is_empty() {
                findings.push(f.pass(format!("{name} has no inbound or outbound rules")));
                continue;
            }
            let members = match net.interfaces() {
                Ok(enis) => {
                    let n = enis
                        .iter()
                        .filter(|e| e.security_group_ids.contains(&group.id))
                        .count();
                    match n {
                        0 => " (no network interface uses it)".to_owned(),
                        1 => " (1 network interface uses it)".to_owned(),
                        n => format!(" ({n} network interfaces use it)"),
                    }
                }
                Err(_) => String::new(),
            };
            findings.push(f.fail(format!(
                "{name} has {} and {}{members}",
                plural(group.ingress.len(), "inbound"),
                plural(group.egress.len(), "outbound"),
            )));
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ec2::testing::{ec2, eni, rule, sg};
    use crate::checks::fixtures::{run_check, Fixture};
    use rampart_inventory::{Collected, SecurityGroup, SgRule};

    // CIS 6.5: the default group as AWS creates it (members in, anything out) fails; one
    // with only an egress rule fails; an emptied one passes; other groups are not examined.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        let data = ec2(&mut fx);
        let self_ref = SgRule {
            protocol: "-1".into(),
            source_groups: vec!["sg-d1".into()],
            ..Default::default()
        };
        data.security_groups = Collected::Ok(vec![
            sg("sg-d1", "default", vec![self_ref]),
            SecurityGroup {
                vpc_id: "vpc-2".into(),
                ..sg("sg-d2", "default", vec![])
            },
            SecurityGroup {
                vpc_id: "vpc-3".into(),
                egress: vec![],
                ..sg("sg-d3", "default", vec![])
            },
            sg(
                "sg-web",
                "web",
                vec![rule("tcp", Some((443, 443)), &["0.0.0.0/0"])],
            ),
        ]);
        data.network_interfaces = Collected::Ok(vec![eni("eni-1", &["sg-d1"])]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}
