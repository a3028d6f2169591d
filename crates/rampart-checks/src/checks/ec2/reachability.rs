//! Whether the internet can reach a network interface, and on which ports: the engine behind
//! `ec2_instance_internet_exposed`, `ec2_single_bastion` and the context of the
//! `ec2_sg_*_open_to_world` checks.
//!
//! An interface is reachable from the internet over IPv4 on a port when all of these hold,
//! read in this order (the first link that is missing is the reason it is not reachable):
//!
//! 1. it has a public IPv4 address: its own, its instance's (for the primary interface), or
//!    an Elastic IP associated with either;
//! 2. its subnet's route table (the explicit association, else the VPC's main table) has
//!    active routes to internet gateways attached to its VPC that together cover the whole
//!    IPv4 space (`0.0.0.0/0`, or `0.0.0.0/1` and `128.0.0.0/1`, ...);
//! 3. its subnet's network ACL (the explicit association, else the VPC's default ACL) lets
//!    the port in from `0.0.0.0/0` (entries in rule-number order, first match wins, deny when
//!    none matches) and lets return traffic out to `0.0.0.0/0` on some port of the
//!    ephemeral range 1024-65535 over the same protocol (ACLs are stateless);
//! 4. one of its security groups admits the port from `0.0.0.0/0` (groups are stateful;
//!    rules whose source is another group or a prefix list are not the internet).
//!
//! Only sources and destinations that are the whole internet count: a network ACL entry or
//! security group rule for one address range lets part of the internet in, which is not
//! what "reachable from the internet" means here. Only TCP and UDP ports are reported; ICMP
//! and other protocols without ports are left out.
//!
//! IPv6: the inventory records no IPv6 address per interface, so IPv6 exposure can never be
//! proven and is not reported. It is not ignored either: when IPv4 is blocked but the
//! subnet routes `::/0` to an attached internet gateway, the network ACL admits something
//! from `::/0` and a group admits traffic from `::/0`, the answer is [`Reach::Unknown`], not
//! "not reachable".
//!
//! When data a link needs was not collected the answer is [`Reach::Unknown`] with the gap,
//! unless an earlier link, or another one that could be read, already blocks the way.
//! Elastic IPs: AWS reports an associated Elastic IP as the interface's and instance's public
//! address as well, so the address list only adds to what those fields say and a gap in it
//! is not a gap in the answer.

use super::exposure::{covers, is_world, port_range, protocol, Protocol, Transport};
use super::{instance_label, label};
use rampart_inventory::{
    Collected, Ec2Data, ElasticIp, Gap, Instance, InternetGateway, NaclEntry, NetworkAcl,
    NetworkInterface, RouteTable, SecurityGroup,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// An IPv4 network in CIDR notation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ipv4Net {
    /// The first address, with the host bits cleared.
    first: u32,
    /// Prefix length, 0-32.
    len: u8,
}

impl Ipv4Net {
    /// Read `a.b.c.d/len` (a bare address is a /32); `None` when it is not IPv4 CIDR.
    pub fn parse(text: &str) -> Option<Ipv4Net> {
        let text = text.trim();
        let (addr, len) = match text.split_once('/') {
            Some((a, l)) => (a, l.parse::<u8>().ok()?),
            None => (text, 32),
        };
        if len > 32 {
            return None;
        }
        let addr: std::net::Ipv4Addr = addr.parse().ok()?;
        let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
        Some(Ipv4Net {
            first: u32::from(addr) & mask,
            len,
        })
    }

    /// The first and last address, inclusive.
    pub fn bounds(&self) -> (u32, u32) {
        let size_minus_one = if self.len == 0 {
            u32::MAX
        } else {
            (1u32 << (32 - self.len)) - 1
        };
        (self.first, self.first | size_minus_one)
    }

    /// Whether every address of `other` is inside this network.
    pub fn contains(&self, other: &Ipv4Net) -> bool {
        let (a, b) = self.bounds();
        let (c, d) = other.bounds();
        a <= c && d <= b
    }
}

/// Whether the networks together cover every IPv4 address.
fn covers_ipv4_space(nets: &[Ipv4Net]) -> bool {
    let mut spans: Vec<(u64, u64)> = nets
        .iter()
        .map(|n| {
            let (a, b) = n.bounds();
            (u64::from(a), u64::from(b))
        })
        .collect();
    spans.sort_unstable();
    let mut next = 0u64;
    for (a, b) in spans {
        if a > next {
            return false;
        }
        next = next.max(b + 1);
    }
    next > u64::from(u32::MAX)
}

/// A protocol and an inclusive port range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct PortRange {
    /// TCP or UDP.
    pub transport: Transport,
    /// First port.
    pub lo: u16,
    /// Last port.
    pub hi: u16,
}

impl PortRange {
    /// One port.
    pub fn port(transport: Transport, port: u16) -> PortRange {
        PortRange {
            transport,
            lo: port,
            hi: port,
        }
    }

    /// Every port of a transport.
    pub fn all(transport: Transport) -> PortRange {
        PortRange {
            transport,
            lo: 0,
            hi: u16::MAX,
        }
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.lo == self.hi {
            write!(f, "{}/{}", self.transport, self.lo)
        } else {
            write!(f, "{}/{}-{}", self.transport, self.lo, self.hi)
        }
    }
}

/// Port ranges as a list: `tcp/22, tcp/443`.
pub(crate) fn port_list(ranges: &[PortRange]) -> String {
    let parts: Vec<String> = ranges.iter().map(PortRange::to_string).collect();
    parts.join(", ")
}

/// Sort and merge overlapping or adjacent ranges of the same transport.
pub(crate) fn normalize(mut ranges: Vec<PortRange>) -> Vec<PortRange> {
    ranges.sort();
    let mut out: Vec<PortRange> = Vec::new();
    for r in ranges {
        match out.last_mut() {
            Some(last)
                if last.transport == r.transport && u32::from(r.lo) <= u32::from(last.hi) + 1 =>
            {
                last.hi = last.hi.max(r.hi);
            }
            _ => out.push(r),
        }
    }
    out
}

/// The ports both lists hold.
pub(crate) fn intersect(a: &[PortRange], b: &[PortRange]) -> Vec<PortRange> {
    let mut out = Vec::new();
    for x in a {
        for y in b {
            if x.transport == y.transport {
                let lo = x.lo.max(y.lo);
                let hi = x.hi.min(y.hi);
                if lo <= hi {
                    out.push(PortRange {
                        transport: x.transport,
                        lo,
                        hi,
                    });
                }
            }
        }
    }
    normalize(out)
}

/// An address family of the internet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    V4,
    V6,
}

/// The TCP and UDP ports a security group admits from the whole internet of one family.
fn group_world_ranges(group: &SecurityGroup, family: Family) -> Vec<PortRange> {
    let mut out = Vec::new();
    for rule in &group.ingress {
        let sources = match family {
            Family::V4 => &rule.ipv4_ranges,
            Family::V6 => &rule.ipv6_ranges,
        };
        if !sources.iter().any(|s| is_world(s)) {
            continue;
        }
        let (lo, hi) = port_range(rule.from_port, rule.to_port);
        let (lo, hi) = (lo.clamp(0, 65535) as u16, hi.clamp(0, 65535) as u16);
        match protocol(&rule.protocol) {
            Protocol::All => {
                out.push(PortRange::all(Transport::Tcp));
                out.push(PortRange::all(Transport::Udp));
            }
            Protocol::Ports(transport) if lo <= hi => out.push(PortRange { transport, lo, hi }),
            _ => {}
        }
    }
    normalize(out)
}

/// The TCP and UDP ports a security group admits from `0.0.0.0/0`.
pub(crate) fn world_ranges(group: &SecurityGroup) -> Vec<PortRange> {
    group_world_ranges(group, Family::V4)
}

/// The TCP and UDP ports a security group admits from `::/0`.
pub(crate) fn world_ranges_v6(group: &SecurityGroup) -> Vec<PortRange> {
    group_world_ranges(group, Family::V6)
}

/// The ports of each transport that a network ACL lets through in one direction from (or
/// to) the whole internet of one family: entries read in rule-number order, first match wins.
fn acl_ranges(acl: &NetworkAcl, egress: bool, family: Family) -> Vec<PortRange> {
    let mut entries: Vec<&NaclEntry> = acl
        .entries
        .iter()
        .filter(|e| e.egress == egress)
        .filter(|e| {
            let cidr = match family {
                Family::V4 => e.cidr_block.as_deref(),
                Family::V6 => e.ipv6_cidr_block.as_deref(),
            };
            cidr.is_some_and(is_world)
        })
        .collect();
    entries.sort_by_key(|e| e.rule_number);
    // Within two consecutive boundaries no entry starts or ends, so one port decides for all.
    let mut bounds: BTreeSet<u32> = BTreeSet::from([0]);
    for e in &entries {
        let (lo, hi) = port_range(e.from_port, e.to_port);
        bounds.insert(lo.clamp(0, 65535) as u32);
        bounds.insert(hi.clamp(0, 65535) as u32 + 1);
    }
    bounds.insert(65536);
    let bounds: Vec<u32> = bounds.into_iter().filter(|b| *b <= 65536).collect();
    let mut out = Vec::new();
    for transport in [Transport::Tcp, Transport::Udp] {
        for pair in bounds.windows(2) {
            let (lo, hi) = (pair[0] as u16, (pair[1] - 1) as u16);
            let decided = entries.iter().find(|e| {
                covers(
                    protocol(&e.protocol),
                    port_range(e.from_port, e.to_port),
                    lo,
                    transport,
                )
            });
            if decided.is_some_and(|e| e.action.eq_ignore_ascii_case("allow")) {
                out.push(PortRange { transport, lo, hi });
            }
        }
    }
    normalize(out)
}

/// The ephemeral ports return traffic of a connection from the internet goes back to.
const EPHEMERAL: (u16, u16) = (1024, 65535);

/// What a network ACL lets through for connections from the whole internet of one family:
/// the ports let in, restricted to the transports whose return traffic can get out.
struct AclPass {
    /// Ports let in from the internet.
    inbound: Vec<PortRange>,
    /// Transports for which some ephemeral port is let out to the internet.
    returns: Vec<Transport>,
}

fn acl_pass(acl: &NetworkAcl, family: Family) -> AclPass {
    let ephemeral: Vec<PortRange> = [Transport::Tcp, Transport::Udp]
        .into_iter()
        .map(|transport| PortRange {
            transport,
            lo: EPHEMERAL.0,
            hi: EPHEMERAL.1,
        })
        .collect();
    let out = intersect(&acl_ranges(acl, true, family), &ephemeral);
    let mut returns: Vec<Transport> = out.iter().map(|r| r.transport).collect();
    returns.dedup();
    AclPass {
        inbound: acl_ranges(acl, false, family),
        returns,
    }
}

/// Why an interface is not reachable from the internet: the first missing link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Blocked {
    /// It has no public IPv4 address.
    NoPublicIp,
    /// Its subnet has no route to the internet through an attached internet gateway; the text
    /// says what the route table holds.
    NoRoute(String),
    /// Its subnet's network ACL keeps the traffic out (or its return traffic in); the text
    /// says how.
    Acl(String),
    /// None of its security groups admits the internet; the text names them.
    Groups(String),
}

impl fmt::Display for Blocked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Blocked::NoPublicIp => f.write_str("it has no public IPv4 address"),
            Blocked::NoRoute(s) | Blocked::Acl(s) | Blocked::Groups(s) => f.write_str(s),
        }
    }
}

/// How an interface is reachable from the internet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Exposure {
    /// The public IPv4 address traffic arrives at.
    pub public_ip: String,
    /// The internet gateways the route table sends the internet to.
    pub gateways: Vec<String>,
    /// The route table.
    pub route_table: String,
    /// The network ACL.
    pub acl: String,
    /// The security groups that admit the exposed ports.
    pub groups: Vec<String>,
    /// The exposed ports.
    pub ports: Vec<PortRange>,
}

impl Exposure {
    /// `on tcp/22 through igw-1 (public IP 3.3.3.3; route table rtb-1, network ACL acl-1,
    /// security groups sg-1)`.
    pub fn describe(&self) -> String {
        format!(
            "on {} through {} (public IP {}; route table {}, network ACL {}, security group{} {})",
            port_list(&self.ports),
            self.gateways.join(", "),
            self.public_ip,
            self.route_table,
            self.acl,
            if self.groups.len() == 1 { "" } else { "s" },
            self.groups.join(", ")
        )
    }
}

/// Whether the internet can reach an interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reach {
    /// It can, on these ports.
    Exposed(Exposure),
    /// It cannot, for this reason.
    Blocked(Blocked),
    /// The inventory does not tell: the gaps or missing pieces.
    Unknown(String),
}

/// The result of one link of the path.
enum Link<T> {
    Open(T),
    Blocked(Blocked),
    Unknown(String),
}

/// One interface (or an instance read as one when its interfaces are not listed) as the
/// engine sees it.
struct Target<'a> {
    vpc_id: &'a str,
    subnet_id: &'a str,
    public_ip: Option<String>,
    group_ids: &'a [String],
}

/// The network of one region, as the inventory describes it.
pub(crate) struct Network<'a> {
    route_tables: &'a Collected<Vec<RouteTable>>,
    gateways: &'a Collected<Vec<InternetGateway>>,
    acls: &'a Collected<Vec<NetworkAcl>>,
    groups: &'a Collected<Vec<SecurityGroup>>,
    interfaces: &'a Collected<Vec<NetworkInterface>>,
    instances: &'a Collected<Vec<Instance>>,
    addresses: &'a [ElasticIp],
}

fn gap_text(what: &str, gap: &Gap) -> String {
    format!("{what} could not be read ({})", gap.describe())
}

impl<'a> Network<'a> {
    /// The network of a region's EC2 data.
    pub fn new(ec2: &'a Ec2Data) -> Network<'a> {
        Network {
            route_tables: &ec2.route_tables,
            gateways: &ec2.internet_gateways,
            acls: &ec2.network_acls,
            groups: &ec2.security_groups,
            interfaces: &ec2.network_interfaces,
            instances: &ec2.instances,
            addresses: ec2.addresses.ok().map(Vec::as_slice).unwrap_or(&[]),
        }
    }

    /// The network interfaces, or the gap.
    pub fn interfaces(&self) -> Result<&'a [NetworkInterface], &'a Gap> {
        self.interfaces.get().map(Vec::as_slice)
    }

    /// The instance an interface is attached to, when the instances were listed.
    pub fn instance_of(&self, eni: &NetworkInterface) -> Option<&'a Instance> {
        let id = eni.instance_id.as_deref()?;
        self.instances.ok()?.iter().find(|i| i.id == id)
    }

    /// How a reason names an interface: its instance when it has one, else the interface
    /// with its description.
    pub fn interface_label(&self, eni: &NetworkInterface) -> String {
        match (self.instance_of(eni), eni.instance_id.as_deref()) {
            (Some(instance), _) => instance_label(instance),
            (None, Some(id)) => format!("{} of {id}", eni.id),
            (None, None) => label(&eni.id, Some(eni.description.as_str())),
        }
    }

    /// Whether the internet can reach an interface.
    pub fn interface(&self, eni: &NetworkInterface) -> Reach {
        let instance = self.instance_of(eni);
        let primary = instance.is_some_and(|i| {
            i.network_interface_ids.len() <= 1
                || (eni.private_ip.is_some() && eni.private_ip == i.private_ip)
        });
        let public_ip = eni
            .public_ip
            .clone()
            .or_else(|| self.address_of(|a| a.network_interface_id.as_deref() == Some(&eni.id)))
            .or_else(|| {
                let i = instance.filter(|_| primary)?;
                i.public_ip
                    .clone()
                    .or_else(|| self.address_of(|a| a.instance_id.as_deref() == Some(&i.id)))
            });
        self.evaluate(&Target {
            vpc_id: &eni.vpc_id,
            subnet_id: &eni.subnet_id,
            public_ip,
            group_ids: &eni.security_group_ids,
        })
    }

    /// Whether the internet can reach an instance, for each of its interfaces (by interface
    /// id; by the instance id when the interfaces are not listed and the instance's own
    /// fields describe its only interface).
    pub fn instance(&self, instance: &Instance) -> Vec<(String, Reach)> {
        match self.interfaces.get() {
            Ok(enis) => {
                let mine: Vec<&NetworkInterface> = enis
                    .iter()
                    .filter(|e| {
                        e.instance_id.as_deref() == Some(instance.id.as_str())
                            || instance.network_interface_ids.contains(&e.id)
                    })
                    .collect();
                if !mine.is_empty() {
                    return mine
                        .into_iter()
                        .map(|e| (e.id.clone(), self.interface(e)))
                        .collect();
                }
            }
            Err(gap) if instance.network_interface_ids.len() > 1 => {
                return vec![(
                    instance.id.clone(),
                    Reach::Unknown(gap_text(
                        "the network interfaces of this multi-interface instance",
                        gap,
                    )),
                )];
            }
            Err(_) => {}
        }
        // Read the instance as its one interface.
        let (Some(vpc_id), Some(subnet_id)) = (&instance.vpc_id, &instance.subnet_id) else {
            return vec![(
                instance.id.clone(),
                Reach::Unknown("DescribeInstances reported no VPC subnet for it".into()),
            )];
        };
        let public_ip = instance
            .public_ip
            .clone()
            .or_else(|| self.address_of(|a| a.instance_id.as_deref() == Some(&instance.id)));
        let reach = self.evaluate(&Target {
            vpc_id,
            subnet_id,
            public_ip,
            group_ids: &instance.security_group_ids,
        });
        vec![(instance.id.clone(), reach)]
    }

    fn address_of(&self, matches: impl Fn(&ElasticIp) -> bool) -> Option<String> {
        self.addresses
            .iter()
            .find(|a| matches(a))
            .map(|a| a.public_ip.clone())
    }

    fn evaluate(&self, t: &Target) -> Reach {
        let v4 = self.evaluate_v4(t);
        match v4 {
            Reach::Blocked(_) => match self.ipv6_possible(t) {
                Some(why) => Reach::Unknown(why),
                None => v4,
            },
            other => other,
        }
    }

    fn evaluate_v4(&self, t: &Target) -> Reach {
        let Some(public_ip) = t.public_ip.clone() else {
            return Reach::Blocked(Blocked::NoPublicIp);
        };
        let route = self.route(t);
        let acl = self.acl(t);
        let groups = self.groups(t, Family::V4);
        // The first link that blocks decides, whatever the others say.
        let acl_blocks = match &acl {
            Link::Open((id, pass)) => {
                if pass.inbound.is_empty() {
                    Some(Blocked::Acl(format!(
                        "network ACL {id} admits nothing from 0.0.0.0/0"
                    )))
                } else if pass.returns.is_empty() {
                    Some(Blocked::Acl(format!(
                        "network ACL {id} lets no return traffic out to 0.0.0.0/0 on ports \
                         {}-{}",
                        EPHEMERAL.0, EPHEMERAL.1
                    )))
                } else {
                    None
                }
            }
            Link::Blocked(b) => Some(b.clone()),
            Link::Unknown(_) => None,
        };
        if let Link::Blocked(b) = &route {
            return Reach::Blocked(b.clone());
        }
        if let Some(b) = acl_blocks {
            return Reach::Blocked(b);
        }
        if let Link::Blocked(b) = &groups {
            return Reach::Blocked(b.clone());
        }
        let mut unknown = Vec::new();
        for link in [route.unknown(), acl.unknown(), groups.unknown()]
            .into_iter()
            .flatten()
        {
            unknown.push(link);
        }
        let (Link::Open((route_table, gateways)), Link::Open((acl_id, pass)), Link::Open(opened)) =
            (route, acl, groups)
        else {
            return Reach::Unknown(unknown.join("; "));
        };
        let all_open: Vec<PortRange> =
            normalize(opened.values().flatten().copied().collect::<Vec<_>>());
        let admitted = intersect(&all_open, &pass.inbound);
        if admitted.is_empty() {
            return Reach::Blocked(Blocked::Acl(format!(
                "network ACL {acl_id} admits none of the ports its security groups open to \
                 0.0.0.0/0 ({})",
                port_list(&all_open)
            )));
        }
        let ports: Vec<PortRange> = admitted
            .into_iter()
            .filter(|r| pass.returns.contains(&r.transport))
            .collect();
        if ports.is_empty() {
            return Reach::Blocked(Blocked::Acl(format!(
                "network ACL {acl_id} lets no return traffic of the admitted ports out to \
                 0.0.0.0/0 on ports {}-{}",
                EPHEMERAL.0, EPHEMERAL.1
            )));
        }
        let groups = opened
            .iter()
            .filter(|(_, r)| !intersect(r, &ports).is_empty())
            .map(|(g, _)| g.to_string())
            .collect();
        Reach::Exposed(Exposure {
            public_ip,
            gateways,
            route_table,
            acl: acl_id,
            groups,
            ports,
        })
    }

    /// The route table of the target's subnet.
    fn route_table(&self, t: &Target) -> Link<&'a RouteTable> {
        let tables = match self.route_tables.get() {
            Ok(tables) => tables,
            Err(gap) => return Link::Unknown(gap_text("route tables", gap)),
        };
        tables
            .iter()
            .find(|rt| rt.subnet_ids.iter().any(|s| s == t.subnet_id))
            .or_else(|| tables.iter().find(|rt| rt.main && rt.vpc_id == t.vpc_id))
            .map_or_else(
                || {
                    Link::Unknown(format!(
                        "no route table of {} for {} is in the inventory",
                        t.vpc_id, t.subnet_id
                    ))
                },
                Link::Open,
            )
    }

    /// The internet gateways attached to the target's VPC that the route table sends the
    /// whole IPv4 internet to.
    fn route(&self, t: &Target) -> Link<(String, Vec<String>)> {
        let rt = match self.route_table(t) {
            Link::Open(rt) => rt,
            Link::Blocked(b) => return Link::Blocked(b),
            Link::Unknown(u) => return Link::Unknown(u),
        };
        let table = if rt.subnet_ids.iter().any(|s| s == t.subnet_id) {
            format!("route table {} of {}", rt.id, t.subnet_id)
        } else {
            format!(
                "route table {} (main table of {}, used by {})",
                rt.id, t.vpc_id, t.subnet_id
            )
        };
        let igw_routes: Vec<(&str, &str, bool)> = rt
            .routes
            .iter()
            .filter_map(|r| {
                let gw = r.gateway_id.as_deref().filter(|g| g.starts_with("igw-"))?;
                let dest = r.destination_cidr.as_deref()?;
                Some((dest, gw, r.state == "active"))
            })
            .collect();
        if igw_routes.is_empty() {
            return Link::Blocked(Blocked::NoRoute(format!(
                "{table} has no route to an internet gateway"
            )));
        }
        let gateways = match self.gateways.get() {
            Ok(g) => g,
            Err(gap) => return Link::Unknown(gap_text("internet gateways", gap)),
        };
        let attached = |gw: &str| {
            gateways
                .iter()
                .any(|g| g.id == gw && g.vpc_ids.iter().any(|v| v == t.vpc_id))
        };
        let live: Vec<(&str, &str)> = igw_routes
            .iter()
            .filter(|(_, gw, active)| *active && attached(gw))
            .map(|(d, g, _)| (*d, *g))
            .collect();
        if live.is_empty() {
            let (dest, gw, active) = igw_routes[0];
            let why = if !active {
                "a blackhole".to_owned()
            } else {
                format!("not attached to {}", t.vpc_id)
            };
            return Link::Blocked(Blocked::NoRoute(format!(
                "{table} routes {dest} to {gw}, which is {why}"
            )));
        }
        let nets: Vec<Ipv4Net> = live.iter().filter_map(|(d, _)| Ipv4Net::parse(d)).collect();
        if !covers_ipv4_space(&nets) {
            let dests: Vec<&str> = live.iter().map(|(d, _)| *d).collect();
            return Link::Blocked(Blocked::NoRoute(format!(
                "{table} sends only {} to an internet gateway, not the whole internet",
                dests.join(", ")
            )));
        }
        let gws: BTreeSet<String> = live.iter().map(|(_, g)| g.to_string()).collect();
        Link::Open((rt.id.clone(), gws.into_iter().collect()))
    }

    /// The network ACL of the target's subnet.
    fn acl_of(&self, t: &Target) -> Link<&'a NetworkAcl> {
        let acls = match self.acls.get() {
            Ok(a) => a,
            Err(gap) => return Link::Unknown(gap_text("network ACLs", gap)),
        };
        acls.iter()
            .find(|a| a.subnet_ids.iter().any(|s| s == t.subnet_id))
            .or_else(|| acls.iter().find(|a| a.is_default && a.vpc_id == t.vpc_id))
            .map_or_else(
                || {
                    Link::Unknown(format!(
                        "no network ACL of {} for {} is in the inventory",
                        t.vpc_id, t.subnet_id
                    ))
                },
                Link::Open,
            )
    }

    fn acl(&self, t: &Target) -> Link<(String, AclPass)> {
        match self.acl_of(t) {
            Link::Open(acl) => Link::Open((acl.id.clone(), acl_pass(acl, Family::V4))),
            Link::Blocked(b) => Link::Blocked(b),
            Link::Unknown(u) => Link::Unknown(u),
        }
    }

    /// The ports each of the target's groups opens to the whole internet of a family.
    fn groups(&self, t: &Target, family: Family) -> Link<BTreeMap<&'a str, Vec<PortRange>>> {
        let all = match self.groups.get() {
            Ok(g) => g,
            Err(gap) => return Link::Unknown(gap_text("security groups", gap)),
        };
        let mut opened = BTreeMap::new();
        let mut absent = Vec::new();
        for id in t.group_ids {
            match all.iter().find(|g| &g.id == id) {
                Some(g) => {
                    let r = group_world_ranges(g, family);
                    if !r.is_empty() {
                        opened.insert(g.id.as_str(), r);
                    }
                }
                None => absent.push(id.as_str()),
            }
        }
        let world = match family {
            Family::V4 => "0.0.0.0/0",
            Family::V6 => "::/0",
        };
        if !opened.is_empty() {
            Link::Open(opened)
        } else if !absent.is_empty() {
            Link::Unknown(format!(
                "security group {} is not in the inventory",
                absent.join(", ")
            ))
        } else if t.group_ids.is_empty() {
            Link::Blocked(Blocked::Groups("it has no security group".into()))
        } else {
            Link::Blocked(Blocked::Groups(format!(
                "none of its security groups ({}) admits traffic from {world}",
                t.group_ids.join(", ")
            )))
        }
    }

    /// Why IPv6 might reach the target when IPv4 does not: its route table sends `::/0` to
    /// an attached internet gateway, its network ACL admits something from `::/0` and lets
    /// return traffic out, and one of its groups admits `::/0`. `None` when any of these
    /// is known not to hold.
    fn ipv6_possible(&self, t: &Target) -> Option<String> {
        let Link::Open(rt) = self.route_table(t) else {
            return None;
        };
        let gateways = self.gateways.ok()?;
        let gw = rt.routes.iter().find_map(|r| {
            let gw = r.gateway_id.as_deref().filter(|g| g.starts_with("igw-"))?;
            let world = r.destination_ipv6_cidr.as_deref().is_some_and(is_world);
            let attached = gateways
                .iter()
                .any(|g| g.id == gw && g.vpc_ids.iter().any(|v| v == t.vpc_id));
            (world && r.state == "active" && attached).then_some(gw)
        })?;
        let Link::Open(acl) = self.acl_of(t) else {
            return None;
        };
        let pass = acl_pass(acl, Family::V6);
        if pass.inbound.is_empty() || pass.returns.is_empty() {
            return None;
        }
        let Link::Open(opened) = self.groups(t, Family::V6) else {
            return None;
        };
        let ports = normalize(opened.values().flatten().copied().collect::<Vec<_>>());
        let ports = intersect(&ports, &pass.inbound);
        if ports.is_empty() {
            return None;
        }
        Some(format!(
            "not reachable over IPv4, but {} routes ::/0 to {gw} and its security groups admit \
             {} from ::/0; the inventory does not record the interface's IPv6 addresses",
            rt.id,
            port_list(&ports)
        ))
    }
}

impl<T> Link<T> {
    fn unknown(&self) -> Option<String> {
        match self {
            Link::Unknown(u) => Some(u.clone()),
            _ => None,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::checks::ec2::testing::{
        ec2, eni, implicit_deny, inbound, instance, nacl, outbound, rule, sg,
    };
    use crate::checks::fixtures::{denied, Fixture};
    use rampart_inventory::{Collected, Route};

    /// A route to `target` (an `igw-`, `nat-` or `pcx-` id, or `local`).
    pub(crate) fn route(dest: &str, target: &str) -> Route {
        Route {
            destination_cidr: (!dest.contains(':')).then(|| dest.into()),
            destination_ipv6_cidr: dest.contains(':').then(|| dest.into()),
            gateway_id: (target.starts_with("igw-") || target == "local").then(|| target.into()),
            nat_gateway_id: target.starts_with("nat-").then(|| target.into()),
            vpc_peering_connection_id: target.starts_with("pcx-").then(|| target.into()),
            other_target: None,
            state: "active".into(),
        }
    }

    /// A route table of `vpc-1` for these subnets (none: the main table).
    pub(crate) fn table(id: &str, subnets: &[&str], routes: Vec<Route>) -> RouteTable {
        let mut all = vec![route("10.0.0.0/16", "local")];
        all.extend(routes);
        RouteTable {
            id: id.into(),
            vpc_id: "vpc-1".into(),
            main: subnets.is_empty(),
            subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
            routes: all,
        }
    }

    /// An ACL that lets everything in and out, as the default ACL does.
    pub(crate) fn open_acl(id: &str, subnets: &[&str]) -> NetworkAcl {
        let mut entries = vec![
            inbound(100, "-1", "allow", "0.0.0.0/0", None),
            outbound(100, "-1", "allow", "0.0.0.0/0", None),
        ];
        entries.extend(implicit_deny());
        nacl(id, subnets, entries)
    }

    /// A region with a public subnet (`subnet-pub`, routed to `igw-1`) and a private one
    /// (`subnet-priv`, main table with a NAT route), both under an open ACL, and the world-open
    /// group `sg-web` (22 and 443 from 0.0.0.0/0).
    pub(crate) fn two_subnets(fx: &mut Fixture) {
        let ec2 = ec2(fx);
        ec2.route_tables = Collected::Ok(vec![
            table(
                "rtb-pub",
                &["subnet-pub"],
                vec![route("0.0.0.0/0", "igw-1")],
            ),
            table("rtb-main", &[], vec![route("0.0.0.0/0", "nat-1")]),
        ]);
        ec2.internet_gateways = Collected::Ok(vec![InternetGateway {
            id: "igw-1".into(),
            vpc_ids: vec!["vpc-1".into()],
        }]);
        ec2.network_acls = Collected::Ok(vec![NetworkAcl {
            is_default: true,
            ..open_acl("acl-1", &["subnet-pub", "subnet-priv"])
        }]);
        ec2.security_groups = Collected::Ok(vec![sg(
            "sg-web",
            "web",
            vec![
                rule("tcp", Some((22, 22)), &["0.0.0.0/0"]),
                rule("tcp", Some((443, 443)), &["0.0.0.0/0"]),
            ],
        )]);
    }

    /// An interface of `sg-web` in `subnet`, with a public IP or not.
    pub(crate) fn iface(id: &str, subnet: &str, public_ip: Option<&str>) -> NetworkInterface {
        NetworkInterface {
            subnet_id: subnet.into(),
            public_ip: public_ip.map(String::from),
            ..eni(id, &["sg-web"])
        }
    }

    fn reach(fx: &Fixture, e: &NetworkInterface) -> Reach {
        Network::new(&fx.inv.regional["us-east-1"].ec2).interface(e)
    }

    fn ports(r: &Reach) -> String {
        match r {
            Reach::Exposed(e) => port_list(&e.ports),
            other => panic!("not exposed: {other:?}"),
        }
    }

    fn blocked(r: &Reach) -> String {
        match r {
            Reach::Blocked(b) => b.to_string(),
            other => panic!("not blocked: {other:?}"),
        }
    }

    // Reachability: a public IP, a default route to an attached igw, an open ACL and a
    // world-open group expose the group's ports, with the whole path named.
    #[test]
    fn public_interface_is_exposed() {
        let mut fx = Fixture::new();
        two_subnets(&mut fx);
        let r = reach(&fx, &iface("eni-1", "subnet-pub", Some("3.3.3.3")));
        let Reach::Exposed(e) = &r else {
            panic!("{r:?}")
        };
        assert_eq!(
            e.describe(),
            "on tcp/22, tcp/443 through igw-1 (public IP 3.3.3.3; route table rtb-pub, network \
             ACL acl-1, security group sg-web)"
        );
    }

    // Reachability: each missing link is the reason, in order: public IP, route, ACL, group.
    #[test]
    fn first_missing_link_is_the_reason() {
        let mut fx = Fixture::new();
        two_subnets(&mut fx);
        assert_eq!(
            blocked(&reach(&fx, &iface("eni-1", "subnet-pub", None))),
            "it has no public IPv4 address"
        );
        assert_eq!(
            blocked(&reach(&fx, &iface("eni-1", "subnet-priv", Some("3.3.3.3")))),
            "route table rtb-main (main table of vpc-1, used by subnet-priv) has no route to an \
             internet gateway"
        );
        // Route table missing too: the public IP still decides.
        ec2(&mut fx).route_tables = Collected::Missing(denied("ec2:DescribeRouteTables"));
        assert_eq!(
            blocked(&reach(&fx, &iface("eni-1", "subnet-pub", None))),
            "it has no public IPv4 address"
        );
        assert!(matches!(
            reach(&fx, &iface("eni-1", "subnet-pub", Some("3.3.3.3"))),
            Reach::Unknown(u) if u.contains("route tables could not be read")
        ));
    }

    // Reachability: a blackhole route, a detached gateway and a route for part of the
    // internet do not make a path.
    #[test]
    fn routes_that_do_not_reach_the_internet() {
        let mut fx = Fixture::new();
        two_subnets(&mut fx);
        let e = iface("eni-1", "subnet-pub", Some("3.3.3.3"));
        let set = |fx: &mut Fixture, routes: Vec<Route>| {
            ec2(fx).route_tables = Collected::Ok(vec![table("rtb-pub", &["subnet-pub"], routes)]);
        };
        let mut hole = route("0.0.0.0/0", "igw-1");
        hole.state = "blackhole".into();
        set(&mut fx, vec![hole]);
        assert_eq!(
            blocked(&reach(&fx, &e)),
            "route table rtb-pub of subnet-pub routes 0.0.0.0/0 to igw-1, which is a blackhole"
        );
        set(&mut fx, vec![route("0.0.0.0/0", "igw-9")]);
        assert_eq!(
            blocked(&reach(&fx, &e)),
            "route table rtb-pub of subnet-pub routes 0.0.0.0/0 to igw-9, which is not attached \
             to vpc-1"
        );
        set(&mut fx, vec![route("203.0.113.0/24", "igw-1")]);
        assert_eq!(
            blocked(&reach(&fx, &e)),
            "route table rtb-pub of subnet-pub sends only 203.0.113.0/24 to an internet gateway, \
             not the whole internet"
        );
        // Two halves cover the internet as well as 0.0.0.0/0.
        set(
            &mut fx,
            vec![route("0.0.0.0/1", "igw-1"), route("128.0.0.0/1", "igw-1")],
        );
        assert_eq!(ports(&reach(&fx, &e)), "tcp/22, tcp/443");
    }

    // Reachability: the ACL is read in rule-number order, first match wins, and the
    // exposure is what both the ACL and the groups let in.
    #[test]
    fn acl_narrows_the_ports() {
        let mut fx = Fixture::new();
        two_subnets(&mut fx);
        let e = iface("eni-1", "subnet-pub", Some("3.3.3.3"));
        let set = |fx: &mut Fixture, entries: Vec<NaclEntry>| {
            let mut all = entries;
            all.extend(implicit_deny());
            ec2(fx).network_acls = Collected::Ok(vec![nacl("acl-2", &["subnet-pub"], all)]);
        };
        set(
            &mut fx,
            vec![
                inbound(200, "6", "allow", "0.0.0.0/0", Some((0, 65535))),
                inbound(100, "6", "deny", "0.0.0.0/0", Some((22, 22))),
                inbound(50, "6", "allow", "10.0.0.0/8", Some((22, 22))),
                outbound(100, "6", "allow", "0.0.0.0/0", Some((1024, 65535))),
            ],
        );
        assert_eq!(ports(&reach(&fx, &e)), "tcp/443");
        set(
            &mut fx,
            vec![
                inbound(100, "6", "allow", "0.0.0.0/0", Some((80, 80))),
                outbound(100, "-1", "allow", "0.0.0.0/0", None),
            ],
        );
        assert_eq!(
            blocked(&reach(&fx, &e)),
            "network ACL acl-2 admits none of the ports its security groups open to 0.0.0.0/0 \
             (tcp/22, tcp/443)"
        );
        set(
            &mut fx,
            vec![outbound(100, "-1", "allow", "0.0.0.0/0", None)],
        );
        assert_eq!(
            blocked(&reach(&fx, &e)),
            "network ACL acl-2 admits nothing from 0.0.0.0/0"
        );
    }

    // Reachability: ACLs are stateless; no return traffic on the ephemeral ports, no
    // connection; some ephemeral ports are enough.
    #[test]
    fn acl_return_traffic() {
        let mut fx = Fixture::new();
        two_subnets(&mut fx);
        let e = iface("eni-1", "subnet-pub", Some("3.3.3.3"));
        let set = |fx: &mut Fixture, out: Vec<NaclEntry>| {
            let mut all = vec![inbound(100, "-1", "allow", "0.0.0.0/0", None)];
            all.extend(out);
            all.extend(implicit_deny());
            ec2(fx).network_acls = Collected::Ok(vec![nacl("acl-2", &["subnet-pub"], all)]);
        };
        set(
            &mut fx,
            vec![outbound(100, "6", "allow", "0.0.0.0/0", Some((443, 443)))],
        );
        assert_eq!(
            blocked(&reach(&fx, &e)),
            "network ACL acl-2 lets no return traffic out to 0.0.0.0/0 on ports 1024-65535"
        );
        set(
            &mut fx,
            vec![outbound(
                100,
                "17",
                "allow",
                "0.0.0.0/0",
                Some((1024, 65535)),
            )],
        );
        assert_eq!(
            blocked(&reach(&fx, &e)),
            "network ACL acl-2 lets no return traffic of the admitted ports out to 0.0.0.0/0 on \
             ports 1024-65535"
        );
        set(
            &mut fx,
            vec![
                outbound(90, "6", "deny", "0.0.0.0/0", Some((1024, 32767))),
                outbound(100, "6", "allow", "0.0.0.0/0", Some((1024, 65535))),
            ],
        );
        assert_eq!(ports(&reach(&fx, &e)), "tcp/22, tcp/443");
    }

    // Reachability: rules from another group, a prefix list or a private range are not the
    // internet; an all-traffic rule opens every TCP and UDP port.
    #[test]
    fn group_sources() {
        let mut fx = Fixture::new();
        two_subnets(&mut fx);
        let mut from_group = rule("tcp", Some((22, 22)), &[]);
        from_group.source_groups = vec!["sg-lb".into()];
        let mut from_list = rule("tcp", Some((443, 443)), &[]);
        from_list.prefix_lists = vec!["pl-1".into()];
        ec2(&mut fx).security_groups = Collected::Ok(vec![
            sg(
                "sg-web",
                "web",
                vec![from_group, from_list, rule("-1", None, &["10.0.0.0/8"])],
            ),
            sg("sg-all", "all", vec![rule("-1", None, &["0.0.0.0/0"])]),
        ]);
        let e = iface("eni-1", "subnet-pub", Some("3.3.3.3"));
        assert_eq!(
            blocked(&reach(&fx, &e)),
            "none of its security groups (sg-web) admits traffic from 0.0.0.0/0"
        );
        let e = NetworkInterface {
            security_group_ids: vec!["sg-web".into(), "sg-all".into()],
            ..e
        };
        assert_eq!(ports(&reach(&fx, &e)), "tcp/0-65535, udp/0-65535");
        // A group not in the inventory leaves the answer open when no other group opens.
        let e = NetworkInterface {
            security_group_ids: vec!["sg-web".into(), "sg-gone".into()],
            ..e
        };
        assert!(matches!(reach(&fx, &e), Reach::Unknown(u) if u.contains("sg-gone")));
    }

    // Reachability: a missing ACL or group list gives Unknown, unless another link blocks.
    #[test]
    fn gaps_give_unknown() {
        let mut fx = Fixture::new();
        two_subnets(&mut fx);
        ec2(&mut fx).network_acls = Collected::Missing(denied("ec2:DescribeNetworkAcls"));
        let e = iface("eni-1", "subnet-pub", Some("3.3.3.3"));
        assert!(matches!(reach(&fx, &e), Reach::Unknown(u) if u.contains("network ACLs")));
        ec2(&mut fx).security_groups = Collected::Ok(vec![sg("sg-web", "web", vec![])]);
        assert_eq!(
            blocked(&reach(&fx, &e)),
            "none of its security groups (sg-web) admits traffic from 0.0.0.0/0"
        );
        ec2(&mut fx).security_groups = Collected::Missing(denied("ec2:DescribeSecurityGroups"));
        let private = iface("eni-2", "subnet-priv", Some("3.3.3.3"));
        assert!(matches!(
            blocked(&reach(&fx, &private)).as_str(),
            s if s.contains("has no route to an internet gateway")
        ));
        ec2(&mut fx).internet_gateways = Collected::Missing(denied("ec2:DescribeInternetGateways"));
        assert!(matches!(reach(&fx, &e), Reach::Unknown(u) if u.contains("internet gateways")));
    }

    // Reachability: an Elastic IP associated with the interface, or with the instance of its
    // primary interface, is a public address.
    #[test]
    fn elastic_ips() {
        let mut fx = Fixture::new();
        two_subnets(&mut fx);
        let ec2 = ec2(&mut fx);
        ec2.addresses = Collected::Ok(vec![ElasticIp {
            allocation_id: "eipalloc-1".into(),
            public_ip: "52.0.0.1".into(),
            instance_id: Some("i-1".into()),
            network_interface_id: None,
        }]);
        ec2.instances = Collected::Ok(vec![Instance {
            subnet_id: Some("subnet-pub".into()),
            network_interface_ids: vec!["eni-1".into()],
            security_group_ids: vec!["sg-web".into()],
            ..instance("i-1")
        }]);
        let e = NetworkInterface {
            instance_id: Some("i-1".into()),
            ..iface("eni-1", "subnet-pub", None)
        };
        ec2.network_interfaces = Collected::Ok(vec![e.clone()]);
        let Reach::Exposed(x) = reach(&fx, &e) else {
            panic!()
        };
        assert_eq!(x.public_ip, "52.0.0.1");
        let net = Network::new(&fx.inv.regional["us-east-1"].ec2);
        let i = &fx.inv.regional["us-east-1"].ec2.instances.ok().unwrap()[0];
        assert!(matches!(&net.instance(i)[..], [(id, Reach::Exposed(_))] if id == "eni-1"));
    }

    // Reachability: without the interface list, a one-interface instance is read from its own
    // fields; a multi-interface one is unknown.
    #[test]
    fn instance_without_interface_list() {
        let mut fx = Fixture::new();
        two_subnets(&mut fx);
        ec2(&mut fx).network_interfaces =
            Collected::Missing(denied("ec2:DescribeNetworkInterfaces"));
        let one = Instance {
            subnet_id: Some("subnet-pub".into()),
            public_ip: Some("3.3.3.3".into()),
            security_group_ids: vec!["sg-web".into()],
            network_interface_ids: vec!["eni-1".into()],
            ..instance("i-1")
        };
        let two = Instance {
            network_interface_ids: vec!["eni-1".into(), "eni-2".into()],
            ..one.clone()
        };
        let net = Network::new(&fx.inv.regional["us-east-1"].ec2);
        assert!(matches!(&net.instance(&one)[..], [(_, Reach::Exposed(_))]));
        assert!(matches!(&net.instance(&two)[..], [(_, Reach::Unknown(_))]));
    }

    // Reachability: IPv6 is never reported as exposure, but a subnet routing ::/0 to an igw
    // with a group open to ::/0 is not called unreachable either.
    #[test]
    fn ipv6_is_unknown_not_unreachable() {
        let mut fx = Fixture::new();
        two_subnets(&mut fx);
        let mut entries = vec![
            inbound(100, "-1", "allow", "::/0", None),
            outbound(100, "-1", "allow", "::/0", None),
        ];
        entries.extend(implicit_deny());
        let data = ec2(&mut fx);
        data.network_acls = Collected::Ok(vec![nacl("acl-6", &["subnet-pub"], entries)]);
        data.route_tables = Collected::Ok(vec![table(
            "rtb-pub",
            &["subnet-pub"],
            vec![route("::/0", "igw-1")],
        )]);
        data.security_groups = Collected::Ok(vec![sg(
            "sg-web",
            "web",
            vec![rule("tcp", Some((22, 22)), &["::/0"])],
        )]);
        let e = iface("eni-1", "subnet-pub", None);
        assert!(matches!(reach(&fx, &e), Reach::Unknown(u) if u.contains("::/0 to igw-1")));
        // Without a ::/0 rule in the groups, it is not reachable.
        ec2(&mut fx).security_groups = Collected::Ok(vec![sg("sg-web", "web", vec![])]);
        assert!(matches!(
            reach(&fx, &e),
            Reach::Blocked(Blocked::NoPublicIp)
        ));
    }

    // CIDR arithmetic used by the route and peering checks.
    #[test]
    fn cidrs() {
        let p = |s| Ipv4Net::parse(s).unwrap();
        assert!(p("10.0.0.0/8").contains(&p("10.1.0.0/16")));
        assert!(!p("10.1.0.0/16").contains(&p("10.0.0.0/8")));
        assert!(p("0.0.0.0/0").contains(&p("192.168.1.1")));
        assert_eq!(p("10.1.2.3/16"), p("10.1.0.0/16"));
        assert!(Ipv4Net::parse("::/0").is_none());
        assert!(Ipv4Net::parse("10.0.0.0/33").is_none());
        assert!(covers_ipv4_space(&[p("0.0.0.0/0")]));
        assert!(covers_ipv4_space(&[p("128.0.0.0/1"), p("0.0.0.0/1")]));
        assert!(!covers_ipv4_space(&[p("0.0.0.0/1"), p("192.0.0.0/2")]));
        assert!(!covers_ipv4_space(&[]));
    }

    // Port range arithmetic.
    #[test]
    fn port_ranges() {
        let t = |lo, hi| PortRange {
            transport: Transport::Tcp,
            lo,
            hi,
        };
        assert_eq!(
            normalize(vec![t(5, 9), t(1, 4), t(20, 30)]),
            vec![t(1, 9), t(20, 30)]
        );
        assert_eq!(
            intersect(&[t(0, 100), PortRange::all(Transport::Udp)], &[t(50, 200)]),
            vec![t(50, 100)]
        );
        assert_eq!(
            port_list(&[t(22, 22), t(8000, 8080)]),
            "tcp/22, tcp/8000-8080"
        );
    }
}
