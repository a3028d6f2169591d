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
