//! `ec2_default_sg_restricts_all`: every VPC's default security group has no rules.

use super::reachability::Network;
use crate::fix::NotFixable;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use rampart_inventory::{Ec2Data, SecurityGroup, SgRule};

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

/// How `rampart fix` fixes it.
pub(crate) const FIXER: crate::fix::Fixer = crate::fix::Fixer {
    meta: &META,
    how: "Revokes every inbound and outbound rule of the default group, as the snapshot holds \
          them (RevokeSecurityGroupIngress, RevokeSecurityGroupEgress); undo authorizes them \
          again. Safe when the region's network interfaces were read and none uses the group \
          (nothing running today sends or receives through it); disruptive when one does \
          (the reason counts the instances, load balancers and other interfaces) or when the \
          interfaces could not be read. Not planned when a rule names a group the snapshot \
          does not list in the region (another account's: the calls would need its owner).",
    plan: fix,
    state: Some(state),
    reads: &[rampart_inventory::Service::Ec2],
};

/// The default group a finding names, with its region's EC2 data.
fn default_group<'a>(
    ctx: &Context<'a>,
    region: &str,
    resource: &str,
) -> Result<(&'a Ec2Data, &'a SecurityGroup), NotFixable> {
    let (ec2, group) = super::sg_revoke::finding_group(ctx, region, resource)?;
    if group.name != "default" {
        return Err(NotFixable::new(format!(
            "{} is not a default security group",
            super::sg_revoke::group_label(group)
        )));
    }
    Ok((ec2, group))
}

/// Every rule of a list as `IpPermission`s, in the snapshot's order.
fn permissions(rules: &[SgRule]) -> Vec<serde_json::Value> {
    use super::sg_revoke::{rule_permission, Sources};
    rules
        .iter()
        .map(|r| rule_permission(r, &Sources::all(r)))
        .collect()
}

/// The group's rules as a state: `{"GroupId", "IpPermissions", "IpPermissionsEgress"}`.
fn rules_state(group: &SecurityGroup) -> serde_json::Value {
    use super::sg_revoke::state_permissions;
    serde_json::json!({
        "GroupId": group.id,
        "IpPermissions": state_permissions(permissions(&group.ingress)),
        "IpPermissionsEgress": state_permissions(permissions(&group.egress)),
    })
}

/// The step that empties a default group.
pub(crate) fn fix(ctx: &Context, finding: &Finding) -> Result<Vec<crate::fix::Step>, NotFixable> {
    use super::sg_revoke::{commands_text, permissions_cli, with_commands};
    use crate::fix::{Call, Step};
    let region = finding.region.as_str();
    let (ec2, group) = default_group(ctx, region, &finding.resource)?;
    let name = format!("{} (default group of {})", group.id, group.vpc_id);
    if group.ingress.is_empty() && group.egress.is_empty() {
        return Err(NotFixable::new(format!(
            "{name} has no rules in this snapshot"
        )));
    }
    // A group the region does not list is another account's (or gone): the calls would
    // need its owner's account id, which the snapshot does not hold.
    let listed = ec2.security_groups.ok().map(Vec::as_slice).unwrap_or(&[]);
    let foreign: Vec<&str> = group
        .ingress
        .iter()
        .chain(&group.egress)
        .flat_map(|r| &r.source_groups)
        .filter(|g| !listed.iter().any(|l| &l.id == *g))
        .map(String::as_str)
        .collect();
    if !foreign.is_empty() {
        return Err(NotFixable::new(format!(
            "a rule of {name} names {}, which the snapshot does not list in {region} (another \
             account's group): revoking and restoring it needs the owner's account id \
             (UserId), which the snapshot does not hold",
            foreign.join(", ")
        )));
    }
    let (risk, reason) = super::sg_revoke::revoke_risk(
        ec2,
        group,
        &name,
        "they stop receiving what its inbound rules admit (each other, through the rule that \
         names the group itself) and stop sending anything their other groups do not allow; \
         move them to purpose-built groups first",
    );
    let directions = [
        ("Ingress", "ingress", permissions(&group.ingress)),
        ("Egress", "egress", permissions(&group.egress)),
    ];
    let mut calls = Vec::new();
    let mut undo_calls = Vec::new();
    let mut cli = Vec::new();
    let mut undo_cli = Vec::new();
    for (op, cli_op, perms) in directions.iter().filter(|d| !d.2.is_empty()) {
        let params = serde_json::json!({"GroupId": group.id, "IpPermissions": perms});
        calls.push(Call::new(
            "ec2",
            &format!("RevokeSecurityGroup{op}"),
            params.clone(),
        ));
        undo_calls.push(Call::new(
            "ec2",
            &format!("AuthorizeSecurityGroup{op}"),
            params,
        ));
        for (list, verb) in [(&mut cli, "revoke"), (&mut undo_cli, "authorize")] {
            let operation = format!("{verb}-security-group-{cli_op}");
            list.push(permissions_cli(&operation, region, &group.id, perms));
        }
    }
    let step = Step::new(META.id, &group.arn, region, risk, reason, calls)
        .states(
            rules_state(group),
            serde_json::json!({
                "GroupId": group.id,
                "IpPermissions": [],
                "IpPermissionsEgress": [],
            }),
        )
        .undo(format!(
            "{}; the rules' descriptions are not in the snapshot and are not restored",
            commands_text(&undo_cli)
        ))
        .undo_calls(undo_calls);
    Ok(vec![with_commands(step, &cli)])
}

/// The default group's rules, both ways.
fn state(ctx: &Context, step: &crate::fix::Step) -> Result<serde_json::Value, NotFixable> {
    let (_, group) = default_group(ctx, &step.region, &step.resource)?;
    Ok(rules_state(group))
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

#[cfg(test)]
mod fix_tests {
    use super::{CHECK, META};
    use crate::checks::ec2::testing::{arn, ec2, eni, instance, name, rule, sg};
    use crate::checks::fixtures::{denied, Fixture};
    use crate::fix::testing::{assert_states, cli_words, failing, plan_for};
    use crate::fix::{render, Risk, Step};
    use crate::Settings;
    use rampart_inventory::{Collected, Instance, NetworkInterface, SecurityGroup, SgRule};
    use serde_json::{json, Value};

    /// The default group of `vpc` as AWS creates it: its members in, anything out.
    fn as_created(id: &str, vpc: &str) -> SecurityGroup {
        SecurityGroup {
            vpc_id: vpc.into(),
            ..sg(
                id,
                "default",
                vec![SgRule {
                    protocol: "-1".into(),
                    source_groups: vec![id.into()],
                    ..Default::default()
                }],
            )
        }
    }

    /// `sg-d1` (vpc-1) as created, used by an instance; `sg-d2` (vpc-2) with only an
    /// outbound rule to a prefix list and SSH from an office, used by nothing; `sg-d3`
    /// (vpc-3) already empty; `web` is not a default group.
    fn account() -> Fixture {
        let mut fx = Fixture::new();
        let data = ec2(&mut fx);
        let mut d2 = as_created("sg-d2", "vpc-2");
        d2.ingress = vec![rule("tcp", Some((22, 22)), &["198.51.100.0/24"])];
        d2.egress = vec![SgRule {
            protocol: "tcp".into(),
            from_port: Some(443),
            to_port: Some(443),
            prefix_lists: vec!["pl-63a5400a".into()],
            ..Default::default()
        }];
        data.security_groups = Collected::Ok(vec![
            as_created("sg-d1", "vpc-1"),
            d2,
            SecurityGroup {
                egress: vec![],
                ..sg("sg-d3", "default", vec![])
            },
            sg(
                "sg-web",
                "web",
                vec![rule("tcp", Some((443, 443)), &["0.0.0.0/0"])],
            ),
        ]);
        data.instances = Collected::Ok(vec![Instance {
            tags: name("legacy-app"),
            ..instance("i-01")
        }]);
        data.network_interfaces = Collected::Ok(vec![NetworkInterface {
            instance_id: Some("i-01".into()),
            ..eni("eni-1", &["sg-d1"])
        }]);
        fx
    }

    fn step_for<'a>(steps: &'a [Step], group: &str) -> &'a Step {
        steps
            .iter()
            .find(|s| s.resource == arn("security-group", group))
            .unwrap_or_else(|| panic!("no step for {group}: {steps:#?}"))
    }

    // Issue 14: every rule of a failing default group is revoked, both ways, as the
    // snapshot holds it (the self-reference as a group pair, the prefix list), and undo
    // authorizes the same permissions again. The group an instance uses is disruptive,
    // naming it; the unused one is safe; the empty one gets no step.
    #[test]
    fn fix_revokes_every_rule() {
        let fx = account();
        let plan = plan_for(&CHECK, &fx.inv);
        assert_eq!(plan.steps.len(), 2, "{plan:#?}");
        let d1 = step_for(&plan.steps, "sg-d1");
        assert_eq!(d1.risk, Risk::Disruptive);
        assert!(
            d1.risk_reason.starts_with(
                "sg-d1 (default group of vpc-1) is used by 1 instance (i-01 (legacy-app)): \
                 they stop"
            ),
            "{}",
            d1.risk_reason
        );
        let calls: Vec<(&str, &Value)> = d1
            .calls
            .iter()
            .map(|c| (c.operation.as_str(), &c.params))
            .collect();
        let ingress = json!({"GroupId": "sg-d1", "IpPermissions": [
            {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-d1"}]}]});
        let egress = json!({"GroupId": "sg-d1", "IpPermissions": [
            {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]});
        assert_eq!(
            calls,
            [
                ("RevokeSecurityGroupIngress", &ingress),
                ("RevokeSecurityGroupEgress", &egress),
            ]
        );
        let undo: Vec<(&str, &Value)> = d1
            .undo_calls
            .iter()
            .map(|c| (c.operation.as_str(), &c.params))
            .collect();
        assert_eq!(
            undo,
            [
                ("AuthorizeSecurityGroupIngress", &ingress),
                ("AuthorizeSecurityGroupEgress", &egress),
            ]
        );
        let d2 = step_for(&plan.steps, "sg-d2");
        assert_eq!(d2.risk, Risk::Safe, "{}", d2.risk_reason);
        assert_eq!(
            d2.calls[1].params["IpPermissions"],
            json!([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                "PrefixListIds": [{"PrefixListId": "pl-63a5400a"}]}])
        );
        insta::assert_snapshot!("fix_step", render::json(&plan));
    }

    // Issue 14: network interfaces that could not be read make the step disruptive, saying
    // so; security groups that could not be read give no step.
    #[test]
    fn fix_gaps() {
        let mut fx = account();
        ec2(&mut fx).network_interfaces =
            Collected::Missing(denied("ec2:DescribeNetworkInterfaces"));
        let plan = plan_for(&CHECK, &fx.inv);
        let d2 = step_for(&plan.steps, "sg-d2");
        assert_eq!(d2.risk, Risk::Disruptive);
        assert!(d2.risk_reason.starts_with(
            "what uses sg-d2 (default group of vpc-2) could not be read (AccessDenied on \
             ec2:DescribeNetworkInterfaces"
        ));
        ec2(&mut fx).security_groups = Collected::Missing(denied("ec2:DescribeSecurityGroups"));
        let finding = failing(&META, &fx.inv, "us-east-1", &arn("security-group", "sg-d1"));
        let plan = crate::fix::plan(&fx.inv, &Settings::default(), &[finding]);
        assert!(plan.steps.is_empty());
        assert!(plan.not_planned[0]
            .reason
            .contains("ec2:DescribeSecurityGroups"));
    }

    // Issue 14: a rule naming a group the region does not list (another account's) is not
    // guessed at: the calls would need its owner's account id.
    #[test]
    fn fix_foreign_group_is_not_planned() {
        let mut fx = account();
        if let Collected::Ok(groups) = &mut ec2(&mut fx).security_groups {
            groups[0].ingress[0].source_groups.push("sg-0peer".into());
        }
        let plan = plan_for(&CHECK, &fx.inv);
        let np = &plan.not_planned[0];
        assert_eq!(np.resource, arn("security-group", "sg-d1"));
        assert!(np.reason.contains("names sg-0peer"), "{}", np.reason);
        assert!(np.reason.contains("(UserId)"));
    }

    // Issue 14: the state is the group's rules both ways, whatever order AWS lists them
    // in: `before` over the failing snapshot, `after` (none) once they are revoked.
    #[test]
    fn fix_states_before_and_after() {
        let fx = account();
        let plan = plan_for(&CHECK, &fx.inv);
        let mut fixed = account();
        if let Collected::Ok(groups) = &mut ec2(&mut fixed).security_groups {
            for g in groups.iter_mut().filter(|g| g.name == "default") {
                g.ingress.clear();
                g.egress.clear();
            }
        }
        for step in &plan.steps {
            assert_states(&Settings::default(), &fx.inv, &fixed.inv, step);
        }
        let mut reordered = account();
        if let Collected::Ok(groups) = &mut ec2(&mut reordered).security_groups {
            groups[1].ingress[0].ipv4_ranges.reverse();
            groups[1].egress.reverse();
        }
        let d2 = step_for(&plan.steps, "sg-d2");
        assert_eq!(
            crate::fix::current_state(&reordered.inv, &Settings::default(), d2),
            Ok(d2.before.clone())
        );
    }

    // Issue 14: a hostile Name tag stays in the reason's comment line, and each command's
    // permissions read back through bash as the call's JSON.
    #[test]
    fn fix_hostile_values_are_quoted() {
        let hostile = "evil'; rm -rf ~ #\n${jndi}";
        let mut fx = account();
        if let Collected::Ok(instances) = &mut ec2(&mut fx).instances {
            instances[0].tags = name(hostile);
        }
        let plan = plan_for(&CHECK, &fx.inv);
        assert!(step_for(&plan.steps, "sg-d1").risk_reason.contains(hostile));
        for line in render::sh(&plan, true).lines().filter(|l| !l.is_empty()) {
            assert!(
                line.starts_with('#') || line == "set -euo pipefail" || line.starts_with("aws "),
                "{line}"
            );
        }
        for step in &plan.steps {
            assert_eq!(step.cli.len(), step.calls.len());
            for (line, call) in step.cli.iter().zip(&step.calls) {
                let Some(words) = cli_words(line) else { return };
                let perms: Value = serde_json::from_str(&words[8]).unwrap();
                assert_eq!(perms, call.params["IpPermissions"]);
            }
        }
    }
}
