//! `ec2_sg_rdp_open_to_world`: no security group lets the internet reach RDP (3389/tcp and
//! 3389/udp).

use super::exposure::{evaluate_groups, port_openings, Transport};
use super::reachability::PortRange;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "ec2_sg_rdp_open_to_world",
    title: "No security group allows RDP from the internet",
    service: "ec2",
    severity: Severity::High,
    what: "Whether any inbound rule of each security group admits port 3389 over TCP or UDP \
           (RDP uses both) from 0.0.0.0/0 or ::/0, counting rules for all protocols (-1) and \
           port ranges that include 3389. Every open group fails; the reason \
           says whether it matters today: a group no network interface uses is lowered to \
           low; one whose interfaces the internet cannot reach on these ports (no public \
           address, no route to an internet gateway, a network ACL in the way) is lowered to \
           medium, saying why; one behind a reachable interface names it.",
    why: "RDP open to the internet is among the most scanned and brute-forced services, and \
          its vulnerabilities have been wormable. Administration should come through Fleet \
          Manager, a VPN or a known address range.",
    fix: "Find the rule: aws ec2 describe-security-group-rules --region <REGION> --filters \
          Name=group-id,Values=<GROUP_ID>; remove it: aws ec2 revoke-security-group-ingress \
          --region <REGION> --group-id <GROUP_ID> --security-group-rule-ids <RULE_ID>; if \
          RDP is needed, admit a known range only: aws ec2 authorize-security-group-ingress \
          --region <REGION> --group-id <GROUP_ID> --protocol tcp --port 3389 --cidr \
          <ADMIN_CIDR>",
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
    let concern = [
        PortRange::port(Transport::Tcp, 3389),
        PortRange::port(Transport::Udp, 3389),
    ];
    evaluate_groups(ctx, &META, "RDP (3389/tcp, 3389/udp)", &concern, |group| {
        port_openings(group, &[3389], &[Transport::Tcp, Transport::Udp])
    })
}

/// What the fixer closes, and what it suggests instead.
const FIX: super::sg_revoke::WorldOpenFix = super::sg_revoke::WorldOpenFix {
    meta: &META,
    subject: "RDP (3389/tcp, 3389/udp)",
    instead: "reach them through Fleet Manager (Systems Manager) or a bastion, or admit a \
              known range (aws ec2 authorize-security-group-ingress --protocol tcp --port \
              3389 --cidr <ADMIN_CIDR>)",
    concern: super::sg_revoke::Concern::Ports {
        ports: &[3389],
        transports: &[Transport::Tcp, Transport::Udp],
    },
};

/// How `rampart fix` fixes it.
pub(crate) const FIXER: crate::fix::Fixer = crate::fix::Fixer {
    meta: &META,
    how: "Revokes 0.0.0.0/0 and ::/0 from every inbound rule of the group that admits port \
          3389 over TCP or UDP (RevokeSecurityGroupIngress); other sources of the rule stay, \
          and a wider port range is admitted again without 3389. Disruptive when a network \
          interface uses the group or the interfaces could not be read (the reason names \
          them, and suggests Fleet Manager, a bastion or a known range); safe on a group \
          nothing uses. Not planned when an all-traffic rule opens the port (the all-ports \
          fixer revokes it).",
    plan: fix,
    state: Some(state),
    reads: &[rampart_inventory::Service::Ec2],
};

/// The step for a group that opens RDP to the internet.
pub(crate) fn fix(
    ctx: &Context,
    finding: &Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    super::sg_revoke::world_open_fix(ctx, finding, &FIX)
}

/// The group's rules that open RDP to the internet.
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

    // CIS 6.3, 6.4: 3389 over TCP or over UDP from the internet fails, SSH alone passes, an
    // unused open group fails at low severity.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        let ec2 = ec2(&mut fx);
        ec2.security_groups = Collected::Ok(vec![
            sg(
                "sg-01",
                "windows",
                vec![
                    rule("tcp", Some((3389, 3389)), &["0.0.0.0/0"]),
                    rule("udp", Some((3389, 3389)), &["0.0.0.0/0"]),
                ],
            ),
            sg(
                "sg-02",
                "rdp-udp",
                vec![rule("17", Some((3000, 4000)), &["::/0"])],
            ),
            sg(
                "sg-03",
                "linux",
                vec![rule("tcp", Some((22, 22)), &["0.0.0.0/0"])],
            ),
        ]);
        ec2.network_interfaces = Collected::Ok(vec![eni("eni-1", &["sg-01", "sg-03"])]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}

#[cfg(test)]
mod fix_tests {
    use super::CHECK;
    use crate::checks::ec2::testing::{ec2, eni, rule, sg};
    use crate::checks::fixtures::Fixture;
    use crate::fix::testing::{assert_states, plan_for};
    use crate::fix::Risk;
    use rampart_inventory::{Collected, SecurityGroup};
    use serde_json::json;

    fn account(groups: Vec<SecurityGroup>) -> Fixture {
        let mut fx = Fixture::new();
        let data = ec2(&mut fx);
        data.security_groups = Collected::Ok(groups);
        data.network_interfaces = Collected::Ok(vec![eni("eni-1", &["sg-01"])]);
        fx
    }

    // Issue 14: RDP is closed over both transports: the TCP and UDP rules on 3389 lose their
    // world source (disruptive: an interface uses the group), and a UDP range around 3389
    // written as protocol 17 is narrowed to the ports on either side (safe: unused).
    #[test]
    fn fix_closes_tcp_and_udp() {
        let fx = account(vec![
            sg(
                "sg-01",
                "windows",
                vec![
                    rule("tcp", Some((3389, 3389)), &["0.0.0.0/0"]),
                    rule("udp", Some((3389, 3389)), &["0.0.0.0/0"]),
                ],
            ),
            sg(
                "sg-02",
                "rdp-udp",
                vec![rule("17", Some((3000, 4000)), &["::/0"])],
            ),
        ]);
        let plan = plan_for(&CHECK, &fx.inv);
        assert_eq!(plan.steps.len(), 2, "{plan:#?}");
        let (windows, udp) = (&plan.steps[0], &plan.steps[1]);
        assert_eq!(windows.risk, Risk::Disruptive);
        assert!(windows
            .risk_reason
            .contains("RDP (3389/tcp, 3389/udp) from the internet"));
        assert!(windows.risk_reason.contains("Fleet Manager"));
        assert_eq!(windows.calls.len(), 1);
        assert_eq!(
            windows.calls[0].params["IpPermissions"],
            json!([
                {"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389,
                 "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
                {"IpProtocol": "udp", "FromPort": 3389, "ToPort": 3389,
                 "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
            ])
        );
        assert_eq!(udp.risk, Risk::Safe);
        assert_eq!(
            udp.calls[0].params["IpPermissions"],
            json!([{"IpProtocol": "17", "FromPort": 3000, "ToPort": 4000,
                "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
        );
        assert_eq!(
            udp.calls[1].params["IpPermissions"],
            json!([
                {"IpProtocol": "udp", "FromPort": 3000, "ToPort": 3388,
                 "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
                {"IpProtocol": "udp", "FromPort": 3390, "ToPort": 4000,
                 "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
            ])
        );
        let fixed = account(vec![
            sg("sg-01", "windows", vec![]),
            sg(
                "sg-02",
                "rdp-udp",
                vec![
                    rule("udp", Some((3000, 3388)), &["::/0"]),
                    rule("udp", Some((3390, 4000)), &["::/0"]),
                ],
            ),
        ]);
        for step in &plan.steps {
            assert_states(&crate::Settings::default(), &fx.inv, &fixed.inv, step);
        }
    }
}
