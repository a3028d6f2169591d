//! `ec2_single_bastion`: at most one instance per region is reachable from the internet on
//! an administration port.

use super::instance_internet_exposed::Verdict;
use super::instance_label;
use super::reachability::{intersect, port_list, Network, PortRange};
use crate::checks::ec2::exposure::Transport;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "ec2_single_bastion",
    title: "At most one instance per region is reachable from the internet for administration",
    service: "ec2",
    severity: Severity::Medium,
    what: "For each region, how many running instances the internet can reach on an \
           administration port (`admin_ports`: SSH 22 and RDP 3389 by default), over the \
           whole path worked out as for `ec2_instance_internet_exposed` (public address, \
           route to an internet gateway, network ACL, security groups). More than one \
           fails, naming them; one (a bastion) or none passes.",
    why: "Each instance reachable for remote administration is one more login prompt for the \
          internet to brute-force and one more host to patch in a hurry. A single hardened \
          bastion, or Session Manager with none at all, keeps that surface to one place \
          that is watched.",
    fix: "Keep one bastion and close SSH/RDP from 0.0.0.0/0 on the others: aws ec2 \
          revoke-security-group-ingress --region <REGION> --group-id <GROUP_ID> \
          --security-group-rule-ids <RULE_ID>; reach them through the bastion or with aws \
          ssm start-session --target <INSTANCE_ID>",
    references: &[
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager.html",
        "https://docs.aws.amazon.com/whitepapers/latest/aws-overview/security-services.html",
    ],
    cis: &[],
    needs: &[Service::Ec2],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let admin: Vec<PortRange> = ctx
        .settings
        .admin_ports
        .iter()
        .flat_map(|&p| {
            [
                PortRange::port(Transport::Tcp, p),
                PortRange::port(Transport::Udp, p),
            ]
        })
        .collect();
    let mut findings = Vec::new();
    for (region, data) in ctx.regions() {
        let f = ctx.finding(&META, region, ctx.region_resource("ec2", region));
        let instances = match data.ec2.instances.get() {
            Ok(i) => i,
            Err(gap) => {
                findings.push(f.error(gap));
                continue;
            }
        };
        let net = Network::new(&data.ec2);
        let mut exposed = Vec::new();
        let mut unknown = Vec::new();
        for instance in instances.iter().filter(|i| i.state == "running") {
            match Verdict::of(instance, &net.instance(instance)) {
                Verdict::Exposed { ports, .. } => {
                    let on = intersect(&ports, &admin);
                    if !on.is_empty() {
                        exposed.push(format!(
                            "{} on {}",
                            instance_label(instance),
                            port_list(&on)
                        ));
                    }
                }
                Verdict::Unknown(gaps) => {
                    unknown.push(format!("{}: {gaps}", instance_label(instance)))
                }
                Verdict::Blocked(_) => {}
            }
        }
        let finding = match exposed.len() {
            n if n > 1 => f.fail(format!(
                "{n} instances in {region} are reachable from the internet on administration \
                 ports: {}",
                exposed.join(", ")
            )),
            _ if !unknown.is_empty() => f.error_reason(format!(
                "could not be evaluated: whether {} reachable from the internet on an \
                 administration port is unknown{}: {}",
                if unknown.len() == 1 {
                    "this instance is".to_owned()
                } else {
                    format!("these {} instances are", unknown.len())
                },
                match exposed.first() {
                    Some(one) => format!(" (one other is: {one})"),
                    None => String::new(),
                },
                unknown.join("; ")
            )),
            1 => f.pass(format!(
                "only one instance in {region} is reachable from the internet on an \
                 administration port: {}",
                exposed[0]
            )),
            _ => f.pass(format!(
                "no instance in {region} is reachable from the internet on an administration \
                 port ({})",
                port_list(&crate::checks::ec2::reachability::normalize(admin.clone()))
            )),
        };
        findings.push(finding);
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ec2::reachability::tests::{iface, two_subnets};
    use crate::checks::ec2::testing::{ec2, instance, name};
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use rampart_inventory::{Collected, Instance, NetworkInterface};

    fn placed(fx: &mut Fixture, id: &str, subnet: &str, ip: Option<&str>) {
        let data = ec2(fx);
        let eni_id = format!("eni-{}", id.trim_start_matches("i-"));
        if let Collected::Ok(list) = &mut data.instances {
            list.push(Instance {
                subnet_id: Some(subnet.into()),
                public_ip: ip.map(String::from),
                network_interface_ids: vec![eni_id.clone()],
                tags: name(id.trim_start_matches("i-0")),
                ..instance(id)
            });
        }
        if let Collected::Ok(list) = &mut data.network_interfaces {
            list.push(NetworkInterface {
                instance_id: Some(id.into()),
                ..iface(&eni_id, subnet, ip)
            });
        }
    }

    // Bastions: one instance reachable on SSH passes; two fail, naming both; private ones
    // with the same open group do not count.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        two_subnets(&mut fx);
        placed(&mut fx, "i-0bastion", "subnet-pub", Some("3.3.3.3"));
        placed(&mut fx, "i-0app", "subnet-priv", None);
        let mut findings = run_check(&CHECK, &fx.inv);
        placed(&mut fx, "i-0second", "subnet-pub", Some("3.3.3.4"));
        findings.extend(run_check(&CHECK, &fx.inv));
        insta::assert_json_snapshot!("pass_and_fail", findings);
    }

    // Bastions: none reachable passes; an instance whose path is unknown gives ERROR while at
    // most one is known to be reachable; the instance list missing gives ERROR.
    #[test]
    fn none_and_error() {
        let mut fx = Fixture::new();
        two_subnets(&mut fx);
        placed(&mut fx, "i-0app", "subnet-priv", None);
        let mut findings = run_check(&CHECK, &fx.inv);
        placed(&mut fx, "i-0bastion", "subnet-pub", Some("3.3.3.3"));
        ec2(&mut fx).network_acls = Collected::Missing(denied("ec2:DescribeNetworkAcls"));
        findings.extend(run_check(&CHECK, &fx.inv));
        ec2(&mut fx).instances = Collected::Missing(denied("ec2:DescribeInstances"));
        findings.extend(run_check(&CHECK, &fx.inv));
        insta::assert_json_snapshot!("none_and_error", findings);
    }
}
