//! `ec2_sg_ssh_open_to_world`: no security group lets the internet reach SSH (22/tcp).

use super::exposure::{evaluate_groups, port_openings, Transport};
use super::reachability::PortRange;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "ec2_sg_ssh_open_to_world",
    title: "No security group allows SSH from the internet",
    service: "ec2",
    severity: Severity::High,
    what: "Whether any inbound rule of each security group admits TCP port 22 from 0.0.0.0/0 \
           or ::/0, counting rules for all protocols (-1) and port ranges that include 22. \
           Every open group fails; the reason \
           says whether it matters today: a group no network interface uses is lowered to \
           low; one whose interfaces the internet cannot reach on these ports (no public \
           address, no route to an internet gateway, a network ACL in the way) is lowered to \
           medium, saying why; one behind a reachable interface names it.",
    why: "SSH open to the internet is found within minutes by scanners and then brute-forced \
          or hit with the next sshd vulnerability. Administration should come through \
          Session Manager, a VPN or a known address range.",
    fix: "Find the rule: aws ec2 describe-security-group-rules --region <REGION> --filters \
          Name=group-id,Values=<GROUP_ID>; remove it: aws ec2 revoke-security-group-ingress \
          --region <REGION> --group-id <GROUP_ID> --security-group-rule-ids <RULE_ID>; if \
          SSH is needed, admit a known range only: aws ec2 authorize-security-group-ingress \
          --region <REGION> --group-id <GROUP_ID> --protocol tcp --port 22 --cidr <ADMIN_CIDR>",
    references: &[
        "CIS AWS Foundations v7.0 6.3",
        "CIS AWS Foundations v7.0 6.4",
        "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-group-rules.html",
    ],
    cis: &["6.3", "6.4"],
    needs: &[Service::Ec2],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let concern = [PortRange::port(Transport::Tcp, 22)];
    evaluate_groups(ctx, &META, "SSH (22/tcp)", &concern, |group| {
        port_openings(group, &[22], &[Transport::Tcp])
    })
}

/// What the fixer closes, and what it suggests instead.
const FIX: super::sg_revoke::WorldOpenFix = super::sg_revoke::WorldOpenFix {
    meta: &META,
    subject: "SSH (22/tcp)",
    instead: "reach them through SSM Session Manager or a bastion, or admit a known range \
              (aws ec2 authorize-security-group-ingress --protocol tcp --port 22 --cidr \
              <ADMIN_CIDR>)",
    concern: super::sg_revoke::Concern::Ports {
        ports: &[22],
        transports: &[Transport::Tcp],
    },
};

/// How `rampart fix` fixes it.
pub(crate) const FIXER: crate::fix::Fixer = crate::fix::Fixer {
    meta: &META,
    how: "Revokes 0.0.0.0/0 and ::/0 from every inbound rule of the group that admits port \
          22/tcp (RevokeSecurityGroupIngress); other sources of the rule stay, and a wider \
          port range is admitted again without port 22. Disruptive when a network interface \
          uses the group or the interfaces could not be read (the reason names the instances \
          and load balancers, and suggests Session Manager, a bastion or a known range); safe \
          on a group nothing uses. Not planned when an all-traffic rule opens the port (the \
          all-ports fixer revokes it).",
    plan: fix,
    state: Some(state),
    reads: &[rampart_inventory::Service::Ec2],
};

/// The step for a group that opens SSH to the internet.
pub(crate) fn fix(
    ctx: &Context,
    finding: &Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    super::sg_revoke::world_open_fix(ctx, finding, &FIX)
}

/// The group's rules that open SSH to the internet.
fn state(
    ctx: &Context,
    step: &crate::fix::Step,
) -> Result<serde_json::Value, crate::fix::NotFixable> {
    super::sg_revoke::world_open_state(ctx, step, FIX.concern)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ec2::testing::{ec2, eni, rule, sg};
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use rampart_inventory::Collected;

    // CIS 6.3, 6.4: 22/tcp from 0.0.0.0/0, from ::/0 through a range, and through an
    // all-traffic rule fail; a private source, ICMP and other ports pass; the unattached
    // group still fails, at low severity.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        let ec2 = ec2(&mut fx);
        ec2.security_groups = Collected::Ok(vec![
            sg(
                "sg-01",
                "web",
                vec![rule("tcp", Some((22, 22)), &["0.0.0.0/0"])],
            ),
            sg(
                "sg-02",
                "old-bastion",
                vec![rule("tcp", Some((0, 1024)), &["::/0"])],
            ),
            sg(
                "sg-03",
                "wide-open",
                vec![rule("-1", None, &["0.0.0.0/0", "::/0"])],
            ),
            sg(
                "sg-04",
                "internal",
                vec![
                    rule("tcp", Some((22, 22)), &["10.0.0.0/8"]),
                    rule("icmp", Some((8, -1)), &["0.0.0.0/0"]),
                    rule("tcp", Some((443, 443)), &["0.0.0.0/0", "::/0"]),
                ],
            ),
        ]);
        ec2.network_interfaces = Collected::Ok(vec![
            eni("eni-1", &["sg-01", "sg-04"]),
            eni("eni-2", &["sg-03"]),
        ]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }

    // CIS 6.3 with reachability context: every open group fails; the group behind a public
    // instance keeps high severity and names it, the group used only in a private subnet is
    // lowered to medium saying why, and a group whose SSH rule the network ACL cuts off is
    // lowered too, saying which ports do get through.
    #[test]
    fn reachability_context() {
        use crate::checks::ec2::reachability::tests::{iface, two_subnets};
        use crate::checks::ec2::testing::{implicit_deny, inbound, instance, nacl, name, outbound};
        use rampart_inventory::{Instance, NetworkInterface};
        let mut fx = Fixture::new();
        two_subnets(&mut fx);
        let ec2 = ec2(&mut fx);
        if let Collected::Ok(groups) = &mut ec2.security_groups {
            groups.push(sg(
                "sg-db",
                "db",
                vec![rule("tcp", Some((22, 22)), &["0.0.0.0/0"])],
            ));
            groups.push(sg(
                "sg-edge",
                "edge",
                vec![rule("-1", None, &["0.0.0.0/0"])],
            ));
        }
        let mut acl_entries = vec![
            inbound(100, "6", "allow", "0.0.0.0/0", Some((443, 443))),
            outbound(100, "-1", "allow", "0.0.0.0/0", None),
        ];
        acl_entries.extend(implicit_deny());
        if let Collected::Ok(acls) = &mut ec2.network_acls {
            acls.push(nacl("acl-edge", &["subnet-edge"], acl_entries));
        }
        if let Collected::Ok(tables) = &mut ec2.route_tables {
            tables[0].subnet_ids.push("subnet-edge".into());
        }
        ec2.instances = Collected::Ok(vec![Instance {
            tags: name("web-1"),
            ..instance("i-0pub")
        }]);
        ec2.network_interfaces = Collected::Ok(vec![
            NetworkInterface {
                instance_id: Some("i-0pub".into()),
                ..iface("eni-pub", "subnet-pub", Some("3.3.3.3"))
            },
            NetworkInterface {
                security_group_ids: vec!["sg-db".into()],
                ..iface("eni-db1", "subnet-priv", Some("3.3.3.4"))
            },
            NetworkInterface {
                security_group_ids: vec!["sg-db".into()],
                ..iface("eni-db2", "subnet-priv", None)
            },
            NetworkInterface {
                security_group_ids: vec!["sg-edge".into()],
                description: "edge proxy".into(),
                ..iface("eni-edge", "subnet-edge", Some("3.3.3.5"))
            },
        ]);
        insta::assert_json_snapshot!("reachability_context", run_check(&CHECK, &fx.inv));
    }

    // CIS 6.3: when the interfaces could not be listed, an open group keeps its full severity
    // and the reason says its use is unknown.
    #[test]
    fn usage_unknown() {
        let mut fx = Fixture::new();
        let ec2 = ec2(&mut fx);
        ec2.security_groups = Collected::Ok(vec![sg(
            "sg-01",
            "web",
            vec![rule("6", Some((22, 22)), &["0.0.0.0/0"])],
        )]);
        ec2.network_interfaces = Collected::Missing(denied("ec2:DescribeNetworkInterfaces"));
        insta::assert_json_snapshot!("usage_unknown", run_check(&CHECK, &fx.inv));
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
    use rampart_inventory::{Collected, Instance, NetworkInterface, SecurityGroup};
    use serde_json::{json, Value};

    /// `web` opens 22 to 0.0.0.0/0 in a rule that also admits the VPC, and 443 to the
    /// world; `old-bastion` opens 0-1024 to ::/0; `internal` opens nothing.
    fn groups() -> Vec<SecurityGroup> {
        vec![
            sg(
                "sg-01",
                "web",
                vec![
                    rule("tcp", Some((22, 22)), &["10.0.0.0/8", "0.0.0.0/0"]),
                    rule("tcp", Some((443, 443)), &["0.0.0.0/0", "::/0"]),
                ],
            ),
            sg(
                "sg-02",
                "old-bastion",
                vec![rule("tcp", Some((0, 1024)), &["::/0"])],
            ),
            sg(
                "sg-04",
                "internal",
                vec![rule("tcp", Some((22, 22)), &["10.0.0.0/8"])],
            ),
        ]
    }

    /// `sg-01` is used by a running instance, a stopped one and a load balancer; nothing
    /// uses `sg-02`.
    fn account(groups: Vec<SecurityGroup>) -> Fixture {
        let mut fx = Fixture::new();
        let data = ec2(&mut fx);
        data.security_groups = Collected::Ok(groups);
        data.instances = Collected::Ok(vec![
            Instance {
                tags: name("web-1"),
                ..instance("i-01")
            },
            Instance {
                state: "stopped".into(),
                ..instance("i-02")
            },
        ]);
        data.network_interfaces = Collected::Ok(vec![
            NetworkInterface {
                instance_id: Some("i-01".into()),
                ..eni("eni-1", &["sg-01"])
            },
            NetworkInterface {
                instance_id: Some("i-02".into()),
                ..eni("eni-2", &["sg-01", "sg-04"])
            },
            NetworkInterface {
                description: "ELB app/web/50dc6c495c0c9188".into(),
                ..eni("eni-3", &["sg-01"])
            },
            NetworkInterface {
                description: "ELB app/web/50dc6c495c0c9188".into(),
                ..eni("eni-4", &["sg-01"])
            },
        ]);
        fx
    }

    fn step_for<'a>(steps: &'a [Step], group: &str) -> &'a Step {
        steps
            .iter()
            .find(|s| s.resource == arn("security-group", group))
            .unwrap_or_else(|| panic!("no step for {group}: {steps:#?}"))
    }

    // Issue 14: only the world source of the SSH rule is revoked (the VPC range and the
    // 443 rule stay); the step is disruptive and names what uses the group, with the
    // replacement to use; undo authorizes the same permission again.
    #[test]
    fn fix_revokes_only_the_world_source() {
        let fx = account(groups());
        let plan = plan_for(&CHECK, &fx.inv);
        assert_eq!(plan.steps.len(), 2, "{plan:#?}");
        assert!(plan.not_planned.is_empty());
        let web = step_for(&plan.steps, "sg-01");
        assert_eq!(web.risk, Risk::Disruptive);
        assert_eq!(
            web.risk_reason,
            "sg-01 (web) is used by 2 instances (i-01 (web-1), i-02 (stopped)) and 1 load \
             balancer (ELB app/web/50dc6c495c0c9188): SSH (22/tcp) from the internet to them \
             stops, and so does any client inside the VPC, a peered VPC or a VPN that only \
             this rule admits; reach them through SSM Session Manager or a bastion, or admit \
             a known range (aws ec2 authorize-security-group-ingress --protocol tcp --port 22 \
             --cidr <ADMIN_CIDR>)"
        );
        let revoked = json!({"GroupId": "sg-01", "IpPermissions": [{"IpProtocol": "tcp",
            "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]});
        assert_eq!(web.calls.len(), 1);
        assert_eq!(web.calls[0].operation, "RevokeSecurityGroupIngress");
        assert_eq!(web.calls[0].params, revoked);
        assert_eq!(web.undo_calls.len(), 1);
        assert_eq!(web.undo_calls[0].operation, "AuthorizeSecurityGroupIngress");
        assert_eq!(web.undo_calls[0].params, revoked);
        insta::assert_snapshot!("fix_step", render::json(&plan));
    }

    // Issue 14: a wider range is narrowed: its world source is revoked and the ports on
    // either side of 22 admitted again from it, so only SSH closes; undo reverses both.
    // Nothing uses the group, so the step is safe.
    #[test]
    fn fix_narrows_a_wider_range() {
        let fx = account(groups());
        let plan = plan_for(&CHECK, &fx.inv);
        let bastion = step_for(&plan.steps, "sg-02");
        assert_eq!(bastion.risk, Risk::Safe, "{}", bastion.risk_reason);
        assert!(bastion
            .risk_reason
            .starts_with("no network interface of the region uses sg-02 (old-bastion): "));
        assert!(bastion.risk_reason.ends_with(
            "the rule's other ports stay open (tcp 0-21, tcp 23-1024 admitted again from the \
             same sources)"
        ));
        let ops: Vec<&str> = bastion.calls.iter().map(|c| c.operation.as_str()).collect();
        assert_eq!(
            ops,
            [
                "RevokeSecurityGroupIngress",
                "AuthorizeSecurityGroupIngress"
            ]
        );
        let readmitted = json!({"GroupId": "sg-02", "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 0, "ToPort": 21,
             "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
            {"IpProtocol": "tcp", "FromPort": 23, "ToPort": 1024,
             "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
        ]});
        assert_eq!(bastion.calls[1].params, readmitted);
        let undo: Vec<(&str, &Value)> = bastion
            .undo_calls
            .iter()
            .map(|c| (c.operation.as_str(), &c.params))
            .collect();
        assert_eq!(
            undo,
            [
                ("AuthorizeSecurityGroupIngress", &bastion.calls[0].params),
                ("RevokeSecurityGroupIngress", &readmitted),
            ]
        );
    }

    // Issue 14: a piece of the range the group already admits from the same source is not
    // admitted again (AWS refuses a duplicate rule).
    #[test]
    fn fix_does_not_duplicate_a_rule() {
        let mut g = groups();
        g[1].ingress.push(rule("tcp", Some((0, 21)), &["::/0"]));
        let plan = plan_for(&CHECK, &account(g).inv);
        let bastion = step_for(&plan.steps, "sg-02");
        assert_eq!(
            bastion.calls[1].params["IpPermissions"],
            json!([{"IpProtocol": "tcp", "FromPort": 23, "ToPort": 1024,
                "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
        );
    }

    // Issue 14: SSH opened by an all-traffic rule is not planned here: rampart does not
    // rewrite "everything but 22", and the all-ports fixer revokes the rule.
    #[test]
    fn fix_all_traffic_rule_is_not_planned() {
        let fx = account(vec![sg(
            "sg-03",
            "wide-open",
            vec![rule("-1", None, &["0.0.0.0/0"])],
        )]);
        let plan = plan_for(&CHECK, &fx.inv);
        assert!(plan.steps.is_empty());
        assert!(
            plan.not_planned[0]
                .reason
                .contains("ec2_sg_all_ports_open_to_world's fix revokes it"),
            "{}",
            plan.not_planned[0].reason
        );
    }

    // Issue 14: network interfaces that could not be read leave the group's use unknown:
    // the step is disruptive and says so; security groups that could not be read give no
    // step at all.
    #[test]
    fn fix_gaps() {
        let mut fx = account(groups());
        ec2(&mut fx).network_interfaces =
            Collected::Missing(denied("ec2:DescribeNetworkInterfaces"));
        let plan = plan_for(&CHECK, &fx.inv);
        for step in &plan.steps {
            assert_eq!(step.risk, Risk::Disruptive);
            assert!(
                step.risk_reason
                    .contains("could not be read (AccessDenied on ec2:DescribeNetworkInterfaces"),
                "{}",
                step.risk_reason
            );
        }
        ec2(&mut fx).security_groups = Collected::Missing(denied("ec2:DescribeSecurityGroups"));
        let finding = failing(&META, &fx.inv, "us-east-1", &arn("security-group", "sg-01"));
        let plan = crate::fix::plan(&fx.inv, &Settings::default(), &[finding]);
        assert!(plan.steps.is_empty());
        assert!(plan.not_planned[0]
            .reason
            .contains("ec2:DescribeSecurityGroups"));
    }

    // Issue 14: each step's state is the group's rules that open SSH to the world: as
    // planned over the failing snapshot, and empty once AWS shows the rules revoked and
    // the narrowed ranges admitted.
    #[test]
    fn fix_states_before_and_after() {
        let fx = account(groups());
        let plan = plan_for(&CHECK, &fx.inv);
        let mut fixed_groups = groups();
        fixed_groups[0].ingress[0] = rule("tcp", Some((22, 22)), &["10.0.0.0/8"]);
        fixed_groups[1].ingress = vec![
            rule("tcp", Some((23, 1024)), &["::/0"]),
            rule("tcp", Some((0, 21)), &["::/0"]),
        ];
        let fixed = account(fixed_groups);
        for step in &plan.steps {
            assert_states(&Settings::default(), &fx.inv, &fixed.inv, step);
        }
        assert_eq!(
            step_for(&plan.steps, "sg-02").after,
            json!({"GroupId": "sg-02", "WorldOpen": []})
        );
    }

    // Issue 14: a hostile group name and Name tag stay inside the reason's comment line;
    // the permissions stay one shell word that reads back as the call's JSON.
    #[test]
    fn fix_hostile_values_are_quoted() {
        let hostile = "evil'; rm -rf ~ #\n${jndi}";
        let mut g = groups();
        g[0].name = hostile.into();
        let mut fx = account(g);
        if let Collected::Ok(instances) = &mut ec2(&mut fx).instances {
            instances[0].tags = name(hostile);
        }
        let plan = plan_for(&CHECK, &fx.inv);
        let web = step_for(&plan.steps, "sg-01");
        assert!(web.risk_reason.contains(hostile));
        for line in render::sh(&plan, true).lines().filter(|l| !l.is_empty()) {
            assert!(
                line.starts_with('#') || line == "set -euo pipefail" || line.starts_with("aws "),
                "{line}"
            );
        }
        for step in &plan.steps {
            for (line, call) in step.cli.iter().zip(&step.calls) {
                let Some(words) = cli_words(line) else { return };
                assert_eq!(words.len(), 9, "{line}");
                assert_eq!(words[6], call.params["GroupId"]);
                let perms: Value = serde_json::from_str(&words[8]).unwrap();
                assert_eq!(perms, call.params["IpPermissions"]);
            }
        }
    }
}
