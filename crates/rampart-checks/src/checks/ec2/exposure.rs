//! What a firewall rule lets in from the whole internet: the matching of protocols, port
//! ranges and sources that the `ec2_sg_*_open_to_world` checks, the network ACL check and
//! the reachability engine share, and the loop that turns each security group's openings
//! into one finding, with the reachability of the interfaces that use it as context.

use super::label;
use super::reachability::{
    intersect, normalize, port_list, world_ranges, world_ranges_v6, Blocked, Network, PortRange,
    Reach,
};
use crate::{CheckMeta, Context, Finding, Severity};
use rampart_inventory::{SecurityGroup, SgRule};
use std::collections::{BTreeMap, BTreeSet};
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

/// One step less severe: the severity of an open group whose users the internet cannot
/// reach.
pub(crate) fn one_step_lower(severity: Severity) -> Severity {
    match severity {
        Severity::Critical => Severity::High,
        Severity::High => Severity::Medium,
        Severity::Medium => Severity::Low,
        Severity::Low | Severity::Info => Severity::Info,
    }
}

/// Why none of a group's interfaces is reachable through it, in one phrase: a summary when
/// they all fail for the same kind of reason, else each with its own. Each entry is the
/// interface, why it is blocked (`None`: reachable, but on other ports) and a phrase about it.
fn unreachable_summary(blocked: &[(String, Option<Blocked>, String)]) -> String {
    if let [(name, _, phrase)] = blocked {
        return format!("its interface {name} {phrase}");
    }
    let n = blocked.len();
    let all =
        |kind: fn(&Blocked) -> bool| blocked.iter().all(|(_, b, _)| b.as_ref().is_some_and(kind));
    if all(|b| matches!(b, Blocked::NoPublicIp)) {
        format!("its {n} interfaces have no public IPv4 address")
    } else if all(|b| matches!(b, Blocked::NoRoute(_))) {
        format!("its {n} interfaces are in private subnets with no route to an internet gateway")
    } else {
        let each: Vec<String> = blocked
            .iter()
            .map(|(name, _, phrase)| format!("{name} {phrase}"))
            .collect();
        format!(
            "none of its {n} interfaces is reachable from the internet on these ports ({})",
            each.join("; ")
        )
    }
}

/// Evaluate every security group of every region: FAIL when `find` returns openings,
/// naming them, else PASS saying no rule of the group opens `subject` to the internet.
///
/// Every open group fails (CIS counts each one), with context from the reachability engine
/// over the network interfaces that use it, restricted to `concern`, the ports the check is
/// about, and to the ports the group itself opens:
/// - no interface uses it: severity Low, "not attached to any network interface" (it protects
///   nothing today, but the next instance launched with it is exposed);
/// - an interface is reachable from the internet on those ports through it: full severity,
///   naming the exposed instances or interfaces;
/// - every interface is known to be unreachable on those ports: one step lower, saying why;
/// - otherwise (interfaces not listed, or reachability unknown): full severity, saying what
///   is unknown.
pub(crate) fn evaluate_groups<'a>(
    ctx: &Context<'a>,
    meta: &'static CheckMeta,
    subject: &str,
    concern: &[PortRange],
    find: impl Fn(&'a SecurityGroup) -> Vec<Opening<'a>>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (region, data) in ctx.regions() {
        let ec2 = &data.ec2;
        let net = Network::new(ec2);
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
                let enis = match net.interfaces() {
                    Ok(enis) => enis,
                    Err(gap) => {
                        return f.fail(format!(
                            "{reason} (whether any network interface uses it is unknown: {})",
                            gap.describe()
                        ))
                    }
                };
                let users: Vec<_> = enis
                    .iter()
                    .filter(|e| e.security_group_ids.contains(&group.id))
                    .collect();
                if users.is_empty() {
                    return f
                        .severity(Severity::Low)
                        .fail(format!("{reason} (not attached to any network interface)"));
                }
                let through_group = intersect(&world_ranges(group), concern);
                let mut exposed: BTreeMap<String, Vec<PortRange>> = BTreeMap::new();
                let mut unknown: Vec<String> = Vec::new();
                let mut blocked: Vec<(String, Option<Blocked>, String)> = Vec::new();
                for eni in users {
                    let who = net.interface_label(eni);
                    match net.interface(eni) {
                        Reach::Exposed(x) => {
                            let ports = intersect(&x.ports, &through_group);
                            if ports.is_empty()
                                && !intersect(&world_ranges_v6(group), concern).is_empty()
                            {
                                unknown.push(format!(
                                    "{who}: the group admits these ports from ::/0 and the \
                                     inventory does not record the interface's IPv6 addresses"
                                ));
                            } else if ports.is_empty() {
                                let phrase = format!(
                                    "is reachable from the internet only on {}",
                                    port_list(&x.ports)
                                );
                                blocked.push((who, None, phrase));
                            } else {
                                exposed.entry(who).or_default().extend(ports);
                            }
                        }
                        Reach::Blocked(b) => {
                            let phrase = format!("is not reachable from the internet: {b}");
                            blocked.push((who, Some(b), phrase));
                        }
                        Reach::Unknown(u) => unknown.push(format!("{who}: {u}")),
                    }
                }
                if !exposed.is_empty() {
                    let each: Vec<String> = exposed
                        .into_iter()
                        .map(|(who, ports)| format!("{who} on {}", port_list(&normalize(ports))))
                        .collect();
                    f.fail(format!(
                        "{reason}; reachable from the internet through it: {}",
                        each.join(", ")
                    ))
                } else if !unknown.is_empty() {
                    f.fail(format!(
                        "{reason} (whether its interfaces are reachable from the internet is \
                         unknown: {})",
                        unknown.join("; ")
                    ))
                } else {
                    f.severity(one_step_lower(meta.severity))
                        .fail(format!("{reason}, but {}", unreachable_summary(&blocked)))
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
