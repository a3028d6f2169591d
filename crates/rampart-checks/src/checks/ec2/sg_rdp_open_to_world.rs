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
