//! What a firewall rule lets in from the whole internet: the matching of protocols, port
//! ranges and sources that the `ec2_sg_*_open_to_world` checks and the network ACL check
//! share, and the loop that turns each security group's openings into one finding.

use super::label;
use crate::{CheckMeta, Context, Finding, Severity};
use rampart_inventory::{Gap, SecurityGroup, SgRule};
use std::collections::BTreeSet;
use std::fmt;
use std::net::IpAddr;

/// A transport protocol that carries ports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Transport {
    /// TCP (protocol number 6).
    Tcp,
    /// UDP (protocol number 17).
    Udp,
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Transport::Tcp => "tcp",
            Transport::Udp => "udp",
        })
    }
}

/// What the protocol field of a security group rule or network ACL entry covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Protocol {
    /// `-1`: every protocol and every port.
    All,
    /// TCP or UDP, limited to the rule's port range.
    Ports(Transport),
    /// A protocol without ports (ICMP, ICMPv6, ESP, ...): it reaches no TCP or UDP port.
    Other,
}

/// Read a protocol field: a name (`tcp`, `udp`, `icmp`, ...), a number (`6`, `17`, ...), or
/// `-1` for all.
pub(crate) fn protocol(field: &str) -> Protocol {
    match field.trim().to_ascii_lowercase().as_str() {
        "-1" | "all" => Protocol::All,
        "tcp" | "6" => Protocol::Ports(Transport::Tcp),
        "udp" | "17" => Protocol::Ports(Transport::Udp),
        _ => Protocol::Other,
    }
}

/// The inclusive port range of a rule's `from`/`to` fields; a missing or negative bound
/// leaves that end open (AWS omits both when a rule covers every port).
pub(crate) fn port_range(from: Option<i32>, to: Option<i32>) -> (i32, i32) {
    let lo = from.filter(|p| *p >= 0).unwrap_or(0);
    let hi = to.filter(|p| *p >= 0).unwrap_or(65535);
    (lo, hi)
}

/// Whether traffic to `port` over `transport` is covered by a protocol and port range.
pub(crate) fn covers(
    protocol: Protocol,
    range: (i32, i32),
    port: u16,
    transport: Transport,
) -> bool {
    match protocol {
        Protocol::All => true,
        Protocol::Ports(t) => {
            t == transport && range.0 <= i32::from(port) && i32::from(port) <= range.1
        }
        Protocol::Other => false,
    }
}

/// Whether a CIDR is the whole internet of its address family (`0.0.0.0/0`, `::/0`).
pub(crate) fn is_world(cidr: &str) -> bool {
    match cidr.trim().split_once('/') {
        Some((addr, len)) => len.parse::<u8>() == Ok(0) && addr.parse::<IpAddr>().is_ok(),
        None => false,
    }
}

/// The sources of a rule that are the whole internet, IPv4 first.
pub(crate) fn world_sources(rule: &SgRule) -> Vec<&str> {
    rule.ipv4_ranges
        .iter()
        .chain(&rule.ipv6_ranges)
        .map(String::as_str)
        .filter(|c| is_world(c))
        .collect()
}

/// One inbound rule of a security group that lets the whole internet in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Opening<'a> {
    /// What the rule lets in, such as `22/tcp` or `all traffic`.
    pub what: String,
    /// The rule's internet-wide sources.
    pub sources: Vec<&'a str>,
}

impl fmt::Display for Opening<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} from {}", self.what, self.sources.join(", "))
    }
}

/// The inbound rules of `group` that let the internet reach any of `ports` over any of
/// `transports`, each naming the ports it opens (a rule for every protocol is marked so).
pub(crate) fn port_openings<'a>(
    group: &'a SecurityGroup,
    ports: &[u16],
    transports: &[Transport],
) -> Vec<Opening<'a>> {
    let ports: BTreeSet<u16> = ports.iter().copied().collect();
    let mut openings = Vec::new();
    for rule in &group.ingress {
        let sources = world_sources(rule);
        if sources.is_empty() {
            continue;
        }
        let proto = protocol(&rule.protocol);
        let range = port_range(rule.from_port, rule.to_port);
        let hits: Vec<String> = ports
            .iter()
            .flat_map(|&port| transports.iter().map(move |&t| (port, t)))
            .filter(|&(port, t)| covers(proto, range, port, t))
            .map(|(port, t)| format!("{port}/{t}"))
            .collect();
        if hits.is_empty() {
            continue;
        }
        let mut what = hits.join(", ");
        if proto == Protocol::All {
            what.push_str(" (the rule allows all traffic)");
        }
        openings.push(Opening { what, sources });
    }
    openings
}

/// The inbound rules of `group` that let the internet reach every port: protocol `-1`, or a
/// TCP or UDP rule over 0-65535.
pub(crate) fn all_port_openings(group: &SecurityGroup) -> Vec<Opening<'_>> {
    let mut openings = Vec::new();
    for rule in &group.ingress {
        let sources = world_sources(rule);
        if sources.is_empty() {
            continue;
        }
        let (lo, hi) = port_range(rule.from_port, rule.to_port);
        let what = match protocol(&rule.protocol) {
            Protocol::All => "all traffic".to_owned(),
            Protocol::Ports(t) if lo <= 0 && hi >= 65535 => format!("all ports {lo}-{hi}/{t}"),
            _ => continue,
        };
        openings.push(Opening { what, sources });
    }
    openings
}

/// Which security groups of a region some network interface uses, as far as the inventory
/// tells.
enum GroupUse<'a> {
    /// The interfaces were listed: these group ids are in use.
    Known(BTreeSet<&'a str>),
    /// The interfaces could not be listed.
    Unknown(&'a Gap),
}

/// Evaluate every security group of every region: FAIL when `find` returns openings,
/// naming them, else PASS saying no rule of the group opens `subject` to the internet.
///
/// A failing group that no network interface uses stays FAIL (it protects nothing today,
/// but the next instance launched with it is exposed) with its severity lowered to Low; when
/// the interfaces could not be listed the full severity is kept and the reason says so.
pub(crate) fn evaluate_groups<'a>(
    ctx: &Context<'a>,
    meta: &'static CheckMeta,
    subject: &str,
    find: impl Fn(&'a SecurityGroup) -> Vec<Opening<'a>>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (region, data) in ctx.regions() {
        let ec2 = &data.ec2;
        let usage = match ec2.network_interfaces.get() {
            Ok(enis) => GroupUse::Known(
                enis.iter()
                    .flat_map(|e| e.security_group_ids.iter().map(String::as_str))
                    .collect(),
            ),
            Err(gap) => GroupUse::Unknown(gap),
        };
        let gap_resource = ctx.region_resource("ec2", region);
        findings.extend(
            ctx.over(meta, region, &gap_resource, &ec2.security_groups, |group| {
                let f = ctx.finding(meta, region, group.arn.clone());
                let name = label(&group.id, Some(&group.name));
                let openings = find(group);
                if openings.is_empty() {
                    return f.pass(format!(
                        "{name} has no rule that opens {subject} to 0.0.0.0/0 or ::/0"
                    ));
                }
                let opened: Vec<String> = openings.iter().map(Opening::to_string).collect();
                let reason = format!("{name} allows {}", opened.join("; "));
                match &usage {
                    GroupUse::Known(used) if used.contains(group.id.as_str()) => f.fail(reason),
                    GroupUse::Known(_) => f
                        .severity(Severity::Low)
                        .fail(format!("{reason} (not attached to any network interface)")),
                    GroupUse::Unknown(gap) => f.fail(format!(
                        "{reason} (whether any network interface uses it is unknown: {})",
                        gap.describe()
                    )),
                }
            }),
        );
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ec2::testing::{rule, sg};

    fn world_open(rule: SgRule, port: u16, t: Transport) -> bool {
        !port_openings(&sg("sg-1", "g", vec![rule]), &[port], &[t]).is_empty()
    }

    // CIS 6.3: an IPv4 rule from 0.0.0.0/0 over the port opens it; a narrower source does not.
    #[test]
    fn ipv4_world_sources() {
        assert!(world_open(
            rule("tcp", Some((22, 22)), &["0.0.0.0/0"]),
            22,
            Transport::Tcp
        ));
        assert!(!world_open(
            rule("tcp", Some((22, 22)), &["10.0.0.0/8"]),
            22,
            Transport::Tcp
        ));
        assert!(!world_open(
            rule("tcp", Some((22, 22)), &["0.0.0.0/1"]),
            22,
            Transport::Tcp
        ));
        assert!(is_world("0.0.0.0/0"));
        assert!(!is_world("0.0.0.0"));
        assert!(!is_world("nonsense/0"));
    }

    // CIS 6.4: the same for IPv6, ::/0.
    #[test]
    fn ipv6_world_sources() {
        assert!(world_open(
            rule("tcp", Some((22, 22)), &["::/0"]),
            22,
            Transport::Tcp
        ));
        assert!(!world_open(
            rule("tcp", Some((22, 22)), &["2001:db8::/32"]),
            22,
            Transport::Tcp
        ));
        let r = rule("tcp", Some((22, 22)), &["::/0", "10.0.0.0/8", "0.0.0.0/0"]);
        assert_eq!(world_sources(&r), vec!["0.0.0.0/0", "::/0"]);
    }

    // CIS 6.3: a port range covers the ports inside it and no other; the transport must match.
    #[test]
    fn port_ranges_and_transports() {
        let r = rule("tcp", Some((20, 25)), &["0.0.0.0/0"]);
        assert!(world_open(r.clone(), 20, Transport::Tcp));
        assert!(world_open(r.clone(), 22, Transport::Tcp));
        assert!(world_open(r.clone(), 25, Transport::Tcp));
        assert!(!world_open(r.clone(), 26, Transport::Tcp));
        assert!(!world_open(r, 22, Transport::Udp));
        // Protocol numbers mean the same as names.
        assert!(world_open(
            rule("6", Some((22, 22)), &["0.0.0.0/0"]),
            22,
            Transport::Tcp
        ));
        assert!(world_open(
            rule("17", Some((3389, 3389)), &["0.0.0.0/0"]),
            3389,
            Transport::Udp
        ));
        // No bounds: every port.
        assert!(world_open(
            rule("tcp", None, &["0.0.0.0/0"]),
            3389,
            Transport::Tcp
        ));
    }

    // CIS 6.3: protocol -1 covers every port of every transport, whatever the port fields say.
    #[test]
    fn all_protocols() {
        let r = rule("-1", None, &["0.0.0.0/0"]);
        assert!(world_open(r.clone(), 22, Transport::Tcp));
        assert!(world_open(r.clone(), 3389, Transport::Udp));
        let g = sg("sg-1", "g", vec![r]);
        assert_eq!(
            port_openings(&g, &[22], &[Transport::Tcp])[0].to_string(),
            "22/tcp (the rule allows all traffic) from 0.0.0.0/0"
        );
        assert_eq!(
            all_port_openings(&g)[0].to_string(),
            "all traffic from 0.0.0.0/0"
        );
    }

    // ICMP carries no ports: an ICMP rule from anywhere opens no TCP or UDP port.
    #[test]
    fn icmp_is_not_counted() {
        let icmp = rule("icmp", Some((8, -1)), &["0.0.0.0/0", "::/0"]);
        assert!(!world_open(icmp.clone(), 22, Transport::Tcp));
        assert!(!world_open(icmp.clone(), 8, Transport::Udp));
        assert!(!world_open(
            rule("icmpv6", Some((-1, -1)), &["::/0"]),
            22,
            Transport::Tcp
        ));
        assert!(!world_open(rule("58", None, &["::/0"]), 22, Transport::Tcp));
        assert!(all_port_openings(&sg("sg-1", "g", vec![icmp])).is_empty());
    }

    // CIS 6.3: "all ports" is protocol -1 or a full 0-65535 TCP/UDP range, not a wide one.
    #[test]
    fn all_ports() {
        let g = sg(
            "sg-1",
            "g",
            vec![
                rule("tcp", Some((0, 65535)), &["::/0"]),
                rule("udp", Some((1024, 65535)), &["0.0.0.0/0"]),
                rule("-1", None, &["10.0.0.0/8"]),
            ],
        );
        let all: Vec<String> = all_port_openings(&g)
            .iter()
            .map(|o| o.to_string())
            .collect();
        assert_eq!(all, vec!["all ports 0-65535/tcp from ::/0"]);
    }

    // Ports listed twice in the settings are reported once.
    #[test]
    fn ports_are_deduplicated() {
        let g = sg(
            "sg-1",
            "g",
            vec![rule("tcp", Some((0, 65535)), &["0.0.0.0/0"])],
        );
        let o = port_openings(&g, &[5432, 22, 5432], &[Transport::Tcp]);
        assert_eq!(o[0].what, "22/tcp, 5432/tcp");
    }
}
