//! `ec2_sg_all_ports_open_to_world`: no security group lets the internet reach every port.

use super::exposure::{all_port_openings, evaluate_groups, Transport};
use super::reachability::PortRange;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "ec2_sg_all_ports_open_to_world",
    title: "No security group allows all ports from the internet",
    service: "ec2",
    severity: Severity::High,
    what: "Whether any inbound rule of each security group admits all traffic (protocol -1) \
           or a whole TCP or UDP port range (0-65535) from 0.0.0.0/0 or ::/0. Every open group fails; the reason \
           says whether it matters today: a group no network interface uses is lowered to \
           low; one whose interfaces the internet cannot reach on these ports (no public \
           address, no route to an internet gateway, a network ACL in the way) is lowered to \
           medium, saying why; one behind a reachable interface names it.",
    why: "A rule for every port exposes every service on the instance, including the \
          administration ports and whatever a developer starts for a test, and leaves the \
          security group doing no filtering at all.",
    fix: "Find the rule: aws ec2 describe-security-group-rules --region <REGION> --filters \
          Name=group-id,Values=<GROUP_ID>; remove it: aws ec2 revoke-security-group-ingress \
          --region <REGION> --group-id <GROUP_ID> --security-group-rule-ids <RULE_ID>; then \
          admit only the ports the service needs: aws ec2 authorize-security-group-ingress \
          --region <REGION> --group-id <GROUP_ID> --protocol tcp --port <PORT> --cidr <CIDR>",
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
    let every_port = [
        PortRange::all(Transport::Tcp),
        PortRange::all(Transport::Udp),
    ];
    evaluate_groups(ctx, &META, "all ports", &every_port, all_port_openings)
}

/// What the fixer closes, and what it suggests instead.
const FIX: super::sg_revoke::WorldOpenFix = super::sg_revoke::WorldOpenFix {
    meta: &META,
    subject: "every port",
    instead: "admit only the ports their services need (aws ec2 \
              authorize-security-group-ingress --protocol tcp --port <PORT> --cidr <CIDR>)",
    concern: super::sg_revoke::Concern::AllPorts,
};

/// How `rampart fix` fixes it.
pub(crate) const FIXER: crate::fix::Fixer = crate::fix::Fixer {
    meta: &META,
    how: "Revokes 0.0.0.0/0 and ::/0 from every inbound rule of the group that admits all \
          traffic or a whole TCP or UDP port range (RevokeSecurityGroupIngress); other \
          sources of the rule stay. Disruptive when a network interface uses the group or \
          the interfaces could not be read (everything the internet reaches through the rule \
          stops: the reason names what uses the group); safe on a group nothing uses.",
    plan: fix,
    state: Some(state),
    reads: &[rampart_inventory::Service::Ec2],
};

/// The step for a group that opens every port to the internet.
pub(crate) fn fix(
    ctx: &Context,
    finding: &Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    super::sg_revoke::world_open_fix(ctx, finding, &FIX)
}

/// The group's rules that open every port to the internet.
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
    use crate::checks::fixtures::{run_check, Fixture};
    use rampart_inventory::Collected;

    // CIS 6.3, 6.4: all traffic from 0.0.0.0/0 and 0-65535/udp from ::/0 fail; a wide but
    // partial range, all traffic from a private range and ICMP from anywhere pass.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        let ec2 = ec2(&mut fx);
        ec2.security_groups = Collected::Ok(vec![
            sg("sg-01", "anything", vec![rule("-1", None, &["0.0.0.0/0"])]),
            sg(
                "sg-02",
                "udp-all",
                vec![rule("udp", Some((0, 65535)), &["::/0"])],
            ),
            sg(
                "sg-03",
                "careful",
                vec![
                    rule("tcp", Some((1024, 65535)), &["0.0.0.0/0"]),
                    rule("-1", None, &["10.0.0.0/8"]),
                    rule("icmp", Some((-1, -1)), &["0.0.0.0/0"]),
                ],
            ),
        ]);
        ec2.network_interfaces = Collected::Ok(vec![eni("eni-1", &["sg-01", "sg-03"])]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}

#[cfg(test)]
mod fix_tests {
    use super::CHECK;
    use crate::checks::ec2::testing::{ec2, rule, sg};
    use crate::checks::fixtures::Fixture;
    use crate::fix::testing::{assert_states, plan_for};
    use rampart_inventory::Collected;
    use serde_json::json;

    // Issue 14: an all-traffic rule and a whole TCP range lose their world sources (no
    // port is admitted again: every port is what the check is about); the all-traffic rule
    // from the VPC and the wide but partial UDP range stay.
    #[test]
    fn fix_revokes_all_port_rules() {
        let mut fx = Fixture::new();
        ec2(&mut fx).security_groups = Collected::Ok(vec![sg(
            "sg-01",
            "wide-open",
            vec![
                rule("-1", None, &["0.0.0.0/0", "::/0"]),
                rule("-1", None, &["10.0.0.0/8"]),
                rule("tcp", Some((0, 65535)), &["::/0"]),
                rule("udp", Some((1024, 65535)), &["0.0.0.0/0"]),
            ],
        )]);
        let plan = plan_for(&CHECK, &fx.inv);
        let step = &plan.steps[0];
        assert_eq!(step.calls.len(), 1);
        assert_eq!(
            step.calls[0].params["IpPermissions"],
            json!([
                {"IpProtocol": "-1",
                 "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
                {"IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535,
                 "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
            ])
        );
        assert!(step
            .risk_reason
            .contains("nothing running today sends or receives"));
        let mut fixed = Fixture::new();
        ec2(&mut fixed).security_groups = Collected::Ok(vec![sg(
            "sg-01",
            "wide-open",
            vec![
                rule("-1", None, &["10.0.0.0/8"]),
                rule("udp", Some((1024, 65535)), &["0.0.0.0/0"]),
            ],
        )]);
        assert_states(&crate::Settings::default(), &fx.inv, &fixed.inv, step);
    }
}
