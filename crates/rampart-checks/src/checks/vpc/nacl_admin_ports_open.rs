//! `vpc_nacl_admin_ports_open`: no network ACL admits remote administration ports from the
//! internet.

use crate::checks::ec2::exposure::{covers, is_world, port_range, protocol, Transport};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use rampart_inventory::{NaclEntry, NetworkAcl};
use std::collections::{BTreeMap, BTreeSet};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "vpc_nacl_admin_ports_open",
    title: "No network ACL allows administration ports from the internet",
    service: "vpc",
    severity: Severity::Medium,
    what: "For each network ACL and each port in the `admin_ports` setting (SSH 22 and RDP \
           3389 by default), whether TCP traffic from 0.0.0.0/0 or ::/0 is let in: the \
           inbound entries whose source is that whole address family are read in rule-number \
           order and the first that covers the port decides, as AWS evaluates them (-1 covers \
           every protocol and port, 6 is TCP). An ACL associated with no subnet is still \
           reported, at low severity.",
    why: "The network ACL is the subnet-wide layer under the security groups. When it admits \
          SSH or RDP from anywhere, a single permissive security group is all that stands \
          between the internet and a login prompt.",
    fix: "Put a deny in front of the allowing entry (a rule number below it): aws ec2 \
          create-network-acl-entry --region <REGION> --network-acl-id <ACL_ID> --ingress \
          --rule-number <RULE_NUMBER_BELOW_THE_ALLOW> --protocol tcp --port-range \
          From=<PORT>,To=<PORT> --cidr-block 0.0.0.0/0 --rule-action deny (for IPv6 use \
          --ipv6-cidr-block ::/0)",
    references: &[
        "CIS AWS Foundations v7.0 6.2",
        "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html",
        "https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html",
    ],
    cis: &["6.2"],
    needs: &[Service::Ec2],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

/// The two whole-internet sources, and whether each is IPv6.
const WORLD: [(&str, bool); 2] = [("0.0.0.0/0", false), ("::/0", true)];

fn run(ctx: &Context) -> Vec<Finding> {
    let ports: BTreeSet<u16> = ctx.settings.admin_ports.iter().copied().collect();
    let port_list: Vec<String> = ports.iter().map(|p| format!("{p}/tcp")).collect();
    let mut findings = Vec::new();
    for (region, data) in ctx.regions() {
        let gap_resource = ctx.region_resource("ec2", region);
        findings.extend(ctx.over(
            &META,
            region,
            &gap_resource,
            &data.ec2.network_acls,
            |acl| {
                let f = ctx.finding(&META, region, acl.arn.clone());
                let name = acl_label(acl);
                let open = admitted(acl, &ports);
                if open.is_empty() {
                    return f.pass(format!(
                        "{name} admits none of {} from 0.0.0.0/0 or ::/0",
                        port_list.join(", ")
                    ));
                }
                let opened: Vec<String> = open
                    .iter()
                    .map(|((rule, source), ports)| {
                        let ports: Vec<String> = ports.iter().map(|p| format!("{p}/tcp")).collect();
                        format!("{} from {source} (rule {rule})", ports.join(", "))
                    })
                    .collect();
                let reason = format!("{name} admits {}", opened.join("; "));
                if acl.subnet_ids.is_empty() {
                    f.severity(Severity::Low)
                        .fail(format!("{reason} (not associated with any subnet)"))
                } else {
                    f.fail(reason)
                }
            },
        ));
    }
    findings
}

/// How a reason names an ACL: its id and VPC (ACLs carry no tags in the inventory).
fn acl_label(acl: &NetworkAcl) -> String {
    if acl.is_default {
        format!("{} (default ACL of {})", acl.id, acl.vpc_id)
    } else {
        format!("{} (in {})", acl.id, acl.vpc_id)
    }
}

/// The admin ports the ACL lets in from the internet, by the rule number that allows them
/// and the source.
fn admitted(acl: &NetworkAcl, ports: &BTreeSet<u16>) -> BTreeMap<(i32, &'static str), Vec<u16>> {
    let mut inbound: Vec<&NaclEntry> = acl.entries.iter().filter(|e| !e.egress).collect();
    inbound.sort_by_key(|e| e.rule_number);
    let mut open: BTreeMap<(i32, &'static str), Vec<u16>> = BTreeMap::new();
    for &port in ports {
        for (source, ipv6) in WORLD {
            if let Some(entry) = deciding_entry(&inbound, port, ipv6) {
                if entry.action.eq_ignore_ascii_case("allow") {
                    open.entry((entry.rule_number, source))
                        .or_default()
                        .push(port);
                }
            }
        }
    }
    open
}

/// The inbound entry that decides TCP traffic to `port` from the whole IPv4 (or IPv6)
/// internet: the lowest-numbered one whose source is that family's `/0` and whose protocol
/// and port range cover the port. `None`: no entry matches and the traffic is denied.
fn deciding_entry<'a>(inbound: &[&'a NaclEntry], port: u16, ipv6: bool) -> Option<&'a NaclEntry> {
    inbound.iter().copied().find(|e| {
        let source = if ipv6 {
            e.ipv6_cidr_block.as_deref()
        } else {
            e.cidr_block.as_deref()
        };
        source.is_some_and(is_world)
            && covers(
                protocol(&e.protocol),
                port_range(e.from_port, e.to_port),
                port,
                Transport::Tcp,
            )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ec2::testing::{ec2, implicit_deny, inbound, nacl, outbound};
    use crate::checks::fixtures::{run_check, Fixture};
    use rampart_inventory::Collected;

    fn with_deny(mut entries: Vec<NaclEntry>) -> Vec<NaclEntry> {
        entries.extend(implicit_deny());
        entries
    }

    // CIS 6.2: the first matching inbound entry decides. An allow-all ACL fails; a deny in
    // front of an allow protects that port only; narrow sources, other ports, UDP and
    // outbound entries do not count; entries are read by rule number, not list order; an
    // ACL on no subnet fails at low severity.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        ec2(&mut fx).network_acls = Collected::Ok(vec![
            NetworkAcl {
                is_default: true,
                ..nacl(
                    "acl-01",
                    &["subnet-1"],
                    with_deny(vec![inbound(100, "-1", "allow", "0.0.0.0/0", None)]),
                )
            },
            nacl(
                "acl-02",
                &["subnet-2"],
                with_deny(vec![
                    inbound(90, "6", "deny", "0.0.0.0/0", Some((22, 22))),
                    inbound(100, "6", "allow", "0.0.0.0/0", Some((0, 65535))),
                    inbound(101, "-1", "allow", "::/0", None),
                ]),
            ),
            nacl(
                "acl-03",
                &["subnet-3"],
                with_deny(vec![
                    inbound(100, "6", "allow", "10.0.0.0/8", Some((22, 22))),
                    inbound(110, "6", "allow", "0.0.0.0/0", Some((443, 443))),
                    inbound(120, "17", "allow", "0.0.0.0/0", Some((3389, 3389))),
                    outbound(100, "-1", "allow", "0.0.0.0/0", None),
                ]),
            ),
            nacl(
                "acl-04",
                &[],
                with_deny(vec![inbound(
                    100,
                    "6",
                    "allow",
                    "0.0.0.0/0",
                    Some((3389, 3389)),
                )]),
            ),
            nacl(
                "acl-05",
                &["subnet-5"],
                with_deny(vec![
                    inbound(200, "6", "allow", "0.0.0.0/0", Some((22, 22))),
                    inbound(100, "-1", "deny", "0.0.0.0/0", None),
                ]),
            ),
        ]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }

    // CIS 6.2: the ports come from the `admin_ports` setting, not a fixed list.
    #[test]
    fn admin_ports_from_settings() {
        let mut fx = Fixture::new();
        ec2(&mut fx).network_acls = Collected::Ok(vec![nacl(
            "acl-01",
            &["subnet-1"],
            with_deny(vec![inbound(
                100,
                "6",
                "allow",
                "0.0.0.0/0",
                Some((2222, 2222)),
            )]),
        )]);
        let settings = crate::Settings {
            admin_ports: vec![2222],
            ..Default::default()
        };
        let findings = (CHECK.run)(&Context::new(&fx.inv, &settings));
        assert_eq!(
            findings[0].reason,
            "acl-01 (in vpc-1) admits 2222/tcp from 0.0.0.0/0 (rule 100)"
        );
        // With the default ports (22, 3389) the same ACL passes.
        assert_eq!(run_check(&CHECK, &fx.inv)[0].status, crate::Status::Pass);
    }
}
