//! Revoking security group rules for `rampart fix`: a rule as the EC2 API's `IpPermission`,
//! what uses a group (which decides the risk of revoking), and the step that closes what an
//! `ec2_sg_*_open_to_world` check counts as open to the internet, keeping the rest of a
//! wider rule's ports.

use super::exposure::{covers, is_world, port_range, protocol, Protocol, Transport};
use super::label;
use crate::fix::{render::shell_command, Call, NotFixable, Risk, Step};
use crate::{CheckMeta, Context, Finding};
use rampart_inventory::{Ec2Data, Gap, Instance, NetworkInterface, SecurityGroup, SgRule};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The sources of one permission, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Sources<'a> {
    /// IPv4 CIDRs.
    pub v4: Vec<&'a str>,
    /// IPv6 CIDRs.
    pub v6: Vec<&'a str>,
    /// Security group ids.
    pub groups: Vec<&'a str>,
    /// Prefix list ids.
    pub prefix_lists: Vec<&'a str>,
}

impl<'a> Sources<'a> {
    /// Every source of a rule.
    pub fn all(rule: &'a SgRule) -> Self {
        Sources {
            v4: rule.ipv4_ranges.iter().map(String::as_str).collect(),
            v6: rule.ipv6_ranges.iter().map(String::as_str).collect(),
            groups: rule.source_groups.iter().map(String::as_str).collect(),
            prefix_lists: rule.prefix_lists.iter().map(String::as_str).collect(),
        }
    }

    /// The sources of a rule that are the whole internet (`0.0.0.0/0`, `::/0`).
    pub fn world(rule: &'a SgRule) -> Self {
        Sources {
            v4: rule
                .ipv4_ranges
                .iter()
                .map(String::as_str)
                .filter(|c| is_world(c))
                .collect(),
            v6: rule
                .ipv6_ranges
                .iter()
                .map(String::as_str)
                .filter(|c| is_world(c))
                .collect(),
            ..Default::default()
        }
    }

    fn is_empty(&self) -> bool {
        self.v4.is_empty()
            && self.v6.is_empty()
            && self.groups.is_empty()
            && self.prefix_lists.is_empty()
    }
}

/// An `IpPermission` as `AuthorizeSecurityGroupIngress` and its kin take it: the protocol,
/// the ports when the rule has them, and each kind of source that is not empty.
pub(crate) fn ip_permission(
    protocol: &str,
    ports: (Option<i32>, Option<i32>),
    sources: &Sources,
) -> Value {
    let mut p = Map::new();
    p.insert("IpProtocol".into(), json!(protocol));
    if let Some(from) = ports.0 {
        p.insert("FromPort".into(), json!(from));
    }
    if let Some(to) = ports.1 {
        p.insert("ToPort".into(), json!(to));
    }
    let mut list = |member: &str, key: &str, values: &[&str]| {
        if !values.is_empty() {
            let items: Vec<Value> = values.iter().map(|v| json!({ key: v })).collect();
            p.insert(member.into(), Value::Array(items));
        }
    };
    list("IpRanges", "CidrIp", &sources.v4);
    list("Ipv6Ranges", "CidrIpv6", &sources.v6);
    list("UserIdGroupPairs", "GroupId", &sources.groups);
    list("PrefixListIds", "PrefixListId", &sources.prefix_lists);
    Value::Object(p)
}

/// A rule with these sources as an `IpPermission`, in the snapshot's order (for calls).
pub(crate) fn rule_permission(rule: &SgRule, sources: &Sources) -> Value {
    ip_permission(&rule.protocol, (rule.from_port, rule.to_port), sources)
}

/// Permissions as a state: each one's sources sorted, and the list sorted, so that two
/// reads of the same rules compare equal whatever order AWS listed them in.
pub(crate) fn state_permissions(mut permissions: Vec<Value>) -> Value {
    for p in &mut permissions {
        *p = crate::fix::canonical(std::mem::take(p));
        if let Value::Object(map) = p {
            for list in map.values_mut() {
                if let Value::Array(items) = list {
                    items.sort_by_key(Value::to_string);
                }
            }
        }
    }
    permissions.sort_by_key(Value::to_string);
    permissions.dedup();
    Value::Array(permissions)
}

/// The security groups of the finding's region and the group the finding names.
pub(crate) fn finding_group<'a>(
    ctx: &Context<'a>,
    region: &str,
    resource: &str,
) -> Result<(&'a Ec2Data, &'a SecurityGroup), NotFixable> {
    let ec2 = &crate::fix::region_data(ctx, region)?.ec2;
    let groups = ec2
        .security_groups
        .get()
        .map_err(|gap| NotFixable::gap(&format!("the security groups of {region}"), gap))?;
    let group = groups
        .iter()
        .find(|g| g.arn == resource)
        .ok_or_else(|| NotFixable::new(format!("{resource} is not in the snapshot")))?;
    Ok((ec2, group))
}

/// How a reason names a group: `sg-1 (web)`.
pub(crate) fn group_label(group: &SecurityGroup) -> String {
    label(&group.id, Some(&group.name))
}

/// What uses a security group, as the region's network interfaces show it: the instances
/// (each with its `Name` and, when not running, its state), load balancers (by the
/// description AWS gives their interfaces) and other interfaces.
#[derive(Debug, Default)]
pub(crate) struct Users {
    instances: Vec<String>,
    load_balancers: Vec<String>,
    others: Vec<String>,
}

/// At most this many names of each kind in a reason.
const NAMED: usize = 3;

/// `2 instances (i-1, i-2)`, at most [`NAMED`] names shown; `None` for no names.
fn count_and_names(names: &[String], one: &str, many: &str) -> Option<String> {
    let noun = if names.len() == 1 { one } else { many };
    let mut shown: Vec<&str> = names.iter().take(NAMED).map(String::as_str).collect();
    let more = names.len().saturating_sub(NAMED);
    let extra = format!("{more} more");
    if more > 0 {
        shown.push(&extra);
    }
    (!names.is_empty()).then(|| format!("{} {noun} ({})", names.len(), shown.join(", ")))
}

impl Users {
    /// Whether nothing uses the group.
    pub fn is_empty(&self) -> bool {
        self.instances.is_empty() && self.load_balancers.is_empty() && self.others.is_empty()
    }

    /// `2 instances (i-1 (web), i-2 (db, stopped)) and 1 load balancer (ELB app/web/1)`.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = [
            count_and_names(&self.instances, "instance", "instances"),
            count_and_names(&self.load_balancers, "load balancer", "load balancers"),
            count_and_names(
                &self.others,
                "other network interface",
                "other network interfaces",
            ),
        ]
        .into_iter()
        .flatten()
        .collect();
        match parts.as_slice() {
            [] => "nothing".into(),
            [one] => one.clone(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        }
    }
}

/// Whether an interface belongs to a load balancer: its type (`network_load_balancer`,
/// `gateway_load_balancer`) or the description AWS gives Application and Classic Load
/// Balancer interfaces (`ELB app/NAME/ID`, `ELB NAME`).
fn is_load_balancer(eni: &NetworkInterface) -> bool {
    eni.interface_type.ends_with("load_balancer") || eni.description.starts_with("ELB ")
}

/// How a reason names an instance that uses a group: `i-1 (web)`, `i-2 (db, stopped)`.
fn instance_use(instance: &Instance) -> String {
    let mut parts: Vec<&str> = instance
        .name()
        .filter(|n| !n.is_empty())
        .into_iter()
        .collect();
    if instance.state != "running" {
        parts.push(&instance.state);
    }
    label(&instance.id, Some(&parts.join(", ")))
}

/// What uses `group` in its region, or the gap when the network interfaces were not read.
pub(crate) fn users<'a>(ec2: &'a Ec2Data, group: &SecurityGroup) -> Result<Users, &'a Gap> {
    let enis = ec2.network_interfaces.get()?;
    let instances = ec2.instances.ok().map(Vec::as_slice).unwrap_or(&[]);
    let mut users = Users::default();
    for eni in enis
        .iter()
        .filter(|e| e.security_group_ids.contains(&group.id))
    {
        let (list, name) = match eni.instance_id.as_deref() {
            Some(id) => {
                let name = instances
                    .iter()
                    .find(|i| i.id == id)
                    .map_or_else(|| id.to_owned(), instance_use);
                (&mut users.instances, name)
            }
            None if is_load_balancer(eni) => {
                let name = if eni.description.is_empty() {
                    eni.id.clone()
                } else {
                    eni.description.clone()
                };
                (&mut users.load_balancers, name)
            }
            None => (&mut users.others, label(&eni.id, Some(&eni.description))),
        };
        if !list.contains(&name) {
            list.push(name);
        }
    }
    Ok(users)
}

/// What a `*_open_to_world` check counts as open.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Concern<'a> {
    /// These ports over these transports. A wider rule is narrowed: its other ports are
    /// admitted again from the same sources.
    Ports {
        /// The ports.
        ports: &'a [u16],
        /// The transports.
        transports: &'a [Transport],
    },
    /// Every port: a rule for all protocols (`-1`), or a TCP or UDP rule over 0-65535.
    AllPorts,
}

impl Concern<'_> {
    /// Whether a rule opens what the check is about (to any source).
    fn opens(&self, rule: &SgRule) -> bool {
        let proto = protocol(&rule.protocol);
        let range = port_range(rule.from_port, rule.to_port);
        match self {
            Concern::Ports { ports, transports } => ports
                .iter()
                .any(|&p| transports.iter().any(|&t| covers(proto, range, p, t))),
            Concern::AllPorts => match proto {
                Protocol::All => true,
                Protocol::Ports(_) => range.0 <= 0 && range.1 >= 65535,
                Protocol::Other => false,
            },
        }
    }

    /// The parts of a TCP or UDP rule's port range that stay open once the check's ports
    /// are closed.
    fn remainder(&self, transport: Transport, range: (i32, i32)) -> Vec<(i32, i32)> {
        let Concern::Ports { ports, transports } = self else {
            return Vec::new();
        };
        if !transports.contains(&transport) {
            return vec![range];
        }
        let mut closed: Vec<i32> = ports
            .iter()
            .map(|&p| i32::from(p))
            .filter(|p| (range.0..=range.1).contains(p))
            .collect();
        closed.sort_unstable();
        closed.dedup();
        let mut pieces = Vec::new();
        let mut next = range.0;
        for p in closed {
            if p > next {
                pieces.push((next, p - 1));
            }
            next = p + 1;
        }
        if next <= range.1 {
            pieces.push((next, range.1));
        }
        pieces
    }
}

/// The inbound rules of a group that open the concern to the internet, each as a
/// permission holding only its internet-wide sources: the state the step changes.
pub(crate) fn world_open(group: &SecurityGroup, concern: Concern) -> Value {
    let open: Vec<Value> = group
        .ingress
        .iter()
        .filter(|r| concern.opens(r))
        .map(|r| (r, Sources::world(r)))
        .filter(|(_, world)| !world.is_empty())
        .map(|(r, world)| rule_permission(r, &world))
        .collect();
    state_permissions(open)
}

/// The state of a world-open step's group: `{"GroupId", "WorldOpen"}`.
pub(crate) fn world_open_state(
    ctx: &Context,
    step: &Step,
    concern: Concern,
) -> Result<Value, NotFixable> {
    let (_, group) = finding_group(ctx, &step.region, &step.resource)?;
    Ok(json!({"GroupId": group.id, "WorldOpen": world_open(group, concern)}))
}

/// A protocol as a key that treats `tcp` and `6`, `udp` and `17` alike.
fn protocol_key(field: &str) -> String {
    match protocol(field) {
        Protocol::Ports(t) => t.to_string(),
        Protocol::All => "-1".into(),
        Protocol::Other => field.trim().to_ascii_lowercase(),
    }
}

/// What a world-open step does to a group: the permissions revoked (internet-wide sources
/// only) and the narrower ones admitted again (the rest of a wider rule's ports).
struct Narrowing {
    revoke: Vec<Value>,
    readmit: Vec<Value>,
    /// `tcp 0-21, tcp 23-1024`.
    kept: Vec<String>,
}

/// The narrowing that closes `concern` on `group`, or why it cannot: a rule for every
/// protocol opens more than the check is about, and no set of rules re-admits "everything
/// but these ports" (all-traffic rules are the all-ports check's to revoke).
fn narrowing<'a>(
    group: &'a SecurityGroup,
    concern: Concern,
    subject: &str,
) -> Result<Narrowing, NotFixable> {
    let mut revoke = Vec::new();
    // Pieces to admit again, by (protocol, from, to): the IPv4 and IPv6 sources.
    let mut pieces: BTreeMap<(String, i32, i32), Sources> = BTreeMap::new();
    for rule in group.ingress.iter().filter(|r| concern.opens(r)) {
        let world = Sources::world(rule);
        if world.is_empty() {
            continue;
        }
        revoke.push(rule_permission(rule, &world));
        let range = port_range(rule.from_port, rule.to_port);
        match (protocol(&rule.protocol), concern) {
            (_, Concern::AllPorts) => {}
            (Protocol::Ports(t), _) => {
                for (lo, hi) in concern.remainder(t, range) {
                    let entry = pieces.entry((t.to_string(), lo, hi)).or_default();
                    entry.v4.extend(&world.v4);
                    entry.v6.extend(&world.v6);
                }
            }
            _ => {
                return Err(NotFixable::new(format!(
                    "{} admits all traffic (protocol {}) from {}: revoking it would close every \
                     port, not only {subject}, and rampart does not rewrite it as rules for \
                     every other port; ec2_sg_all_ports_open_to_world's fix revokes it",
                    group_label(group),
                    rule.protocol,
                    [world.v4, world.v6].concat().join(", ")
                )))
            }
        }
    }
    // A piece the group already has (same protocol, ports and source) is not admitted
    // again: AWS refuses a duplicate rule.
    let exists = |proto: &str, lo: i32, hi: i32, cidr: &str| {
        group.ingress.iter().any(|r| {
            protocol_key(&r.protocol) == proto
                && port_range(r.from_port, r.to_port) == (lo, hi)
                && r.ipv4_ranges
                    .iter()
                    .chain(&r.ipv6_ranges)
                    .any(|c| c == cidr)
        })
    };
    let mut readmit = Vec::new();
    let mut kept = Vec::new();
    for ((proto, lo, hi), world) in pieces {
        let new = |mut cidrs: Vec<&'a str>| {
            cidrs.sort_unstable();
            cidrs.dedup();
            cidrs.retain(|c| !exists(&proto, lo, hi, c));
            cidrs
        };
        let sources = Sources {
            v4: new(world.v4),
            v6: new(world.v6),
            ..Default::default()
        };
        if sources.is_empty() {
            continue;
        }
        kept.push(if lo == hi {
            format!("{proto} {lo}")
        } else {
            format!("{proto} {lo}-{hi}")
        });
        readmit.push(ip_permission(&proto, (Some(lo), Some(hi)), &sources));
    }
    Ok(Narrowing {
        revoke,
        readmit,
        kept,
    })
}

/// What a world-open check's fixer needs to say: its check, what it closes, the
/// replacement to suggest, and what it counts as open.
pub(crate) struct WorldOpenFix<'a> {
    /// The check.
    pub meta: &'static CheckMeta,
    /// What closes, as the check says it: `SSH (22/tcp)`.
    pub subject: &'a str,
    /// How to reach the service instead: `reach them through SSM Session Manager ...`.
    pub instead: &'a str,
    /// What the check counts as open.
    pub concern: Concern<'a>,
}

/// `aws ec2 <operation> --region R --group-id G --ip-permissions JSON`, as its words.
pub(crate) fn permissions_cli(
    operation: &str,
    region: &str,
    group_id: &str,
    permissions: &[Value],
) -> Vec<String> {
    let json = serde_json::to_string(permissions).unwrap_or_default();
    [
        "aws",
        "ec2",
        operation,
        "--region",
        region,
        "--group-id",
        group_id,
        "--ip-permissions",
    ]
    .into_iter()
    .map(String::from)
    .chain([json])
    .collect()
}

/// The step with these commands (each as its words) as its `cli` lines.
pub(crate) fn with_commands(step: Step, commands: &[Vec<String>]) -> Step {
    let words: Vec<Vec<&str>> = commands
        .iter()
        .map(|c| c.iter().map(String::as_str).collect())
        .collect();
    let lines: Vec<&[&str]> = words.iter().map(Vec::as_slice).collect();
    step.cli(&lines)
}

/// Commands (each as its words) as one text for an `undo` note: quoted, joined by `; `.
pub(crate) fn commands_text(commands: &[Vec<String>]) -> String {
    commands
        .iter()
        .map(|c| shell_command(&c.iter().map(String::as_str).collect::<Vec<_>>()))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The risk of revoking rules of `group` (named `name` in the reason): safe when the
/// snapshot lists every network interface of the region and none uses the group (nothing
/// running today sends or receives through it); else disruptive, naming what uses it and
/// what `effect` the change has on them.
pub(crate) fn revoke_risk(
    ec2: &Ec2Data,
    group: &SecurityGroup,
    name: &str,
    effect: &str,
) -> (Risk, String) {
    match users(ec2, group) {
        Ok(u) if u.is_empty() => (
            Risk::Safe,
            format!(
                "no network interface of the region uses {name}: DescribeNetworkInterfaces \
                 lists every interface (instances, load balancers, Lambda functions, \
                 databases, endpoints), so nothing running today sends or receives through \
                 its rules"
            ),
        ),
        Ok(u) => (
            Risk::Disruptive,
            format!("{name} is used by {}: {effect}", u.describe()),
        ),
        Err(gap) => (
            Risk::Disruptive,
            format!(
                "what uses {name} could not be read ({}), so it may be in use: {effect}",
                gap.describe()
            ),
        ),
    }
}

/// The step for a group that a world-open check fails: revoke the internet-wide sources
/// of every rule that opens the concern, admit the rest of a wider rule's ports again from
/// the same sources, and undo by the reverse calls.
pub(crate) fn world_open_fix(
    ctx: &Context,
    finding: &Finding,
    fix: &WorldOpenFix,
) -> Result<Vec<Step>, NotFixable> {
    let region = finding.region.as_str();
    let (ec2, group) = finding_group(ctx, region, &finding.resource)?;
    let n = narrowing(group, fix.concern, fix.subject)?;
    if n.revoke.is_empty() {
        return Err(NotFixable::new(format!(
            "{} has no rule that opens {} to 0.0.0.0/0 or ::/0 in this snapshot",
            group_label(group),
            fix.subject
        )));
    }
    let effect = format!(
        "{} from the internet to them stops, and so does any client inside the VPC, a peered \
         VPC or a VPN that only this rule admits; {}",
        fix.subject, fix.instead
    );
    let (risk, mut reason) = revoke_risk(ec2, group, &group_label(group), &effect);
    if !n.kept.is_empty() {
        reason.push_str(&format!(
            "; the rule's other ports stay open ({} admitted again from the same sources)",
            n.kept.join(", ")
        ));
    }
    let params = |perms: &[Value]| json!({"GroupId": group.id, "IpPermissions": perms});
    let mut calls = vec![Call::new(
        "ec2",
        "RevokeSecurityGroupIngress",
        params(&n.revoke),
    )];
    let mut undo_calls = vec![Call::new(
        "ec2",
        "AuthorizeSecurityGroupIngress",
        params(&n.revoke),
    )];
    let mut cli = vec![permissions_cli(
        "revoke-security-group-ingress",
        region,
        &group.id,
        &n.revoke,
    )];
    let mut undo_cli = vec![permissions_cli(
        "authorize-security-group-ingress",
        region,
        &group.id,
        &n.revoke,
    )];
    if !n.readmit.is_empty() {
        calls.push(Call::new(
            "ec2",
            "AuthorizeSecurityGroupIngress",
            params(&n.readmit),
        ));
        undo_calls.push(Call::new(
            "ec2",
            "RevokeSecurityGroupIngress",
            params(&n.readmit),
        ));
        cli.push(permissions_cli(
            "authorize-security-group-ingress",
            region,
            &group.id,
            &n.readmit,
        ));
        undo_cli.push(permissions_cli(
            "revoke-security-group-ingress",
            region,
            &group.id,
            &n.readmit,
        ));
    }
    let step = Step::new(fix.meta.id, &group.arn, region, risk, reason, calls)
        .states(
            json!({"GroupId": group.id, "WorldOpen": world_open(group, fix.concern)}),
            json!({"GroupId": group.id, "WorldOpen": []}),
        )
        .undo(format!(
            "{}; the rules' descriptions are not in the snapshot and are not restored",
            commands_text(&undo_cli)
        ))
        .undo_calls(undo_calls);
    Ok(vec![with_commands(step, &cli)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ec2::testing::{rule, sg};

    const SSH: Concern = Concern::Ports {
        ports: &[22],
        transports: &[Transport::Tcp],
    };

    // Issue 14: closing a port in a wider range keeps the ports on either side, and a
    // range that holds only the port leaves nothing.
    #[test]
    fn remainder_splits_around_the_ports() {
        assert_eq!(
            SSH.remainder(Transport::Tcp, (0, 1024)),
            [(0, 21), (23, 1024)]
        );
        assert_eq!(SSH.remainder(Transport::Tcp, (22, 22)), []);
        assert_eq!(SSH.remainder(Transport::Tcp, (22, 30)), [(23, 30)]);
        assert_eq!(SSH.remainder(Transport::Udp, (0, 100)), [(0, 100)]);
        let db = Concern::Ports {
            ports: &[5432, 3306, 5432],
            transports: &[Transport::Tcp],
        };
        assert_eq!(
            db.remainder(Transport::Tcp, (3000, 7000)),
            [(3000, 3305), (3307, 5431), (5433, 7000)]
        );
        assert_eq!(Concern::AllPorts.remainder(Transport::Tcp, (0, 65535)), []);
    }

    // Issue 14: the world-open state lists only the internet-wide sources of the rules
    // that open the concern, sorted, whatever the order of the rules.
    #[test]
    fn world_open_state_is_ordered() {
        let a = sg(
            "sg-1",
            "g",
            vec![
                rule("tcp", Some((22, 22)), &["::/0", "10.0.0.0/8", "0.0.0.0/0"]),
                rule("tcp", Some((443, 443)), &["0.0.0.0/0"]),
                rule("tcp", Some((0, 100)), &["::/0"]),
            ],
        );
        let mut b = a.clone();
        b.ingress.reverse();
        assert_eq!(world_open(&a, SSH), world_open(&b, SSH));
        assert_eq!(
            world_open(&a, SSH),
            json!([
                {"FromPort": 0, "IpProtocol": "tcp",
                 "Ipv6Ranges": [{"CidrIpv6": "::/0"}], "ToPort": 100},
                {"FromPort": 22, "IpProtocol": "tcp", "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                 "Ipv6Ranges": [{"CidrIpv6": "::/0"}], "ToPort": 22},
            ])
        );
    }
}
