//! `ec2_instance_internet_exposed`: running instances cannot be reached from the internet,
//! worked out over the whole path (address, route, network ACL, security groups).

use super::reachability::{Network, PortRange, Reach};
use super::{instance_label, over_instances};
use crate::{Check, CheckMeta, Context, Finding, Service, Settings, Severity};
use rampart_inventory::Instance;
use std::collections::BTreeMap;

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "ec2_instance_internet_exposed",
    title: "Running EC2 instances are not reachable from the internet",
    service: "ec2",
    severity: Severity::High,
    what: "For each running instance and each of its network interfaces, whether a \
           connection from anywhere on the internet can reach it over IPv4, and on which TCP \
           and UDP ports: it needs a public IPv4 address (its own or an Elastic IP), a route \
           table sending 0.0.0.0/0 to an internet gateway attached to its VPC, a network ACL \
           letting the port in from 0.0.0.0/0 and the return traffic out on ports \
           1024-65535, and a security group admitting the port from 0.0.0.0/0. Exposure of \
           administration or database ports (`admin_ports`, `database_ports`) is critical; \
           exposure of the `public_web_ports` alone is low. A pass names the missing link; \
           when a link could not be read the instance is not evaluated. IPv6 exposure is not \
           reported, because the inventory records no IPv6 address per interface; an \
           instance that IPv4 cannot reach but IPv6 might (its subnet routes ::/0 to an \
           internet gateway and ::/0 is admitted) is reported as not evaluated, not passed.",
    why: "A security group rule only matters where the network lets the traffic through. \
          Following the whole path tells the instances the internet can actually reach, on \
          which ports, apart from those whose open rules sit behind a private subnet; the \
          first are where an attacker starts.",
    fix: "Close the path at the cheapest link: remove the world-open rule (aws ec2 \
          revoke-security-group-ingress --region <REGION> --group-id <GROUP_ID> \
          --security-group-rule-ids <RULE_ID>), or take away the public address (aws ec2 \
          disassociate-address --region <REGION> --association-id <ASSOCIATION_ID>), or move \
          the instance behind a load balancer in a private subnet.",
    references: &[
        "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html",
        "https://docs.aws.amazon.com/vpc/latest/userguide/infrastructure-security.html",
        "https://docs.aws.amazon.com/vpc/latest/reachability/what-is-reachability-analyzer.html",
    ],
    cis: &[],
    needs: &[Service::Ec2],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let networks: BTreeMap<&str, Network> = ctx
        .regions()
        .map(|(region, data)| (region, Network::new(&data.ec2)))
        .collect();
    over_instances(
        ctx,
        &META,
        |i| i.state == "running",
        |region, instance| {
            let f = ctx.finding(&META, region, instance.arn.clone());
            let reach = networks[region].instance(instance);
            let verdict = Verdict::of(instance, &reach);
            match verdict {
                Verdict::Exposed { reason, ports } => match classify(&ports, ctx.settings) {
                    Class::Sensitive(which) => f
                        .severity(Severity::Critical)
                        .fail(format!("{reason}; {which} exposed")),
                    Class::WebOnly => f
                        .severity(Severity::Low)
                        .fail(format!("{reason}; only web ports")),
                    Class::Other => f.fail(reason),
                },
                Verdict::Unknown(gaps) => f.error_reason(format!(
                    "could not be evaluated: whether {} is reachable from the internet is \
                     unknown: {gaps}",
                    instance_label(instance)
                )),
                Verdict::Blocked(reason) => f.pass(reason),
            }
        },
    )
}

/// What the reachability of an instance's interfaces comes to.
pub(crate) enum Verdict {
    /// Reachable: the reason, and every exposed port.
    Exposed {
        /// One line naming the instance, ports and path.
        reason: String,
        /// Every exposed port range, over all interfaces.
        ports: Vec<PortRange>,
    },
    /// Not reachable: the reason names the missing link.
    Blocked(String),
    /// The inventory does not tell: the gaps, per interface.
    Unknown(String),
}

impl Verdict {
    /// Combine the interfaces: any exposed one makes the instance exposed; else any unknown
    /// one makes it unknown; else it is not reachable.
    pub(crate) fn of(instance: &Instance, reach: &[(String, Reach)]) -> Verdict {
        let name = instance_label(instance);
        let exposed: Vec<(&String, &super::reachability::Exposure)> = reach
            .iter()
            .filter_map(|(id, r)| match r {
                Reach::Exposed(x) => Some((id, x)),
                _ => None,
            })
            .collect();
        if let [(_, x)] = exposed.as_slice() {
            return Verdict::Exposed {
                reason: format!("{name} is reachable from the internet {}", x.describe()),
                ports: x.ports.clone(),
            };
        }
        if !exposed.is_empty() {
            let each: Vec<String> = exposed
                .iter()
                .map(|(id, x)| format!("{id} {}", x.describe()))
                .collect();
            let ports = exposed.iter().flat_map(|(_, x)| x.ports.clone()).collect();
            return Verdict::Exposed {
                reason: format!("{name} is reachable from the internet: {}", each.join("; ")),
                ports: super::reachability::normalize(ports),
            };
        }
        let unknown: Vec<String> = reach
            .iter()
            .filter_map(|(id, r)| match r {
                Reach::Unknown(u) if id == &instance.id => Some(u.clone()),
                Reach::Unknown(u) => Some(format!("{id}: {u}")),
                _ => None,
            })
            .collect();
        if !unknown.is_empty() {
            return Verdict::Unknown(unknown.join("; "));
        }
        let blocked: Vec<String> = reach
            .iter()
            .filter_map(|(id, r)| match r {
                Reach::Blocked(b) if reach.len() == 1 => Some(b.to_string()),
                Reach::Blocked(b) => Some(format!("{id}: {b}")),
                _ => None,
            })
            .collect();
        Verdict::Blocked(format!(
            "{name} is not reachable from the internet: {}",
            blocked.join("; ")
        ))
    }
}

/// How sensitive the exposed ports are.
enum Class {
    /// An administration or database port is exposed; the text lists which.
    Sensitive(String),
    /// Only the public web ports are exposed.
    WebOnly,
    /// Anything else.
    Other,
}

fn classify(ports: &[PortRange], settings: &Settings) -> Class {
    let hit = |list: &[u16]| -> Vec<String> {
        let mut found: Vec<String> = Vec::new();
        for r in ports {
            for &p in list {
                if r.lo <= p && p <= r.hi {
                    let s = format!("{}/{p}", r.transport);
                    if !found.contains(&s) {
                        found.push(s);
                    }
                }
            }
        }
        found
    };
    let admin = hit(&settings.admin_ports);
    let db = hit(&settings.database_ports);
    let mut which = Vec::new();
    if !admin.is_empty() {
        which.push(format!("administration port {}", admin.join(", ")));
    }
    if !db.is_empty() {
        which.push(format!("database port {}", db.join(", ")));
    }
    if !which.is_empty() {
        return Class::Sensitive(which.join(" and "));
    }
    let web_only = ports.iter().all(|r| {
        r.transport == super::exposure::Transport::Tcp
            && (r.lo..=r.hi).all(|p| settings.public_web_ports.contains(&p))
    });
    if web_only {
        Class::WebOnly
    } else {
        Class::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ec2::reachability::tests::{iface, two_subnets};
    use crate::checks::ec2::testing::{ec2, instance, name, rule, sg};
    use crate::checks::fixtures::{run_check, Fixture};
    use crate::{evaluate, Selection, Status};
    use rampart_inventory::{Collected, NetworkInterface};

    /// An instance of `sg-web` in `subnet` with its one interface `eni-<id>`.
    fn placed(fx: &mut Fixture, id: &str, label: &str, subnet: &str, ip: Option<&str>) {
        let data = ec2(fx);
        let eni_id = format!("eni-{}", id.trim_start_matches("i-"));
        let i = Instance {
            subnet_id: Some(subnet.into()),
            public_ip: ip.map(String::from),
            security_group_ids: vec!["sg-web".into()],
            network_interface_ids: vec![eni_id.clone()],
            tags: name(label),
            ..instance(id)
        };
        let e = NetworkInterface {
            instance_id: Some(id.into()),
            private_ip: i.private_ip.clone(),
            ..iface(&eni_id, subnet, ip)
        };
        if let Collected::Ok(list) = &mut data.instances {
            list.push(i);
        }
        if let Collected::Ok(list) = &mut data.network_interfaces {
            list.push(e);
        }
    }

    fn set_group(fx: &mut Fixture, rules: Vec<rampart_inventory::SgRule>) {
        ec2(fx).security_groups = Collected::Ok(vec![sg("sg-web", "web", rules)]);
    }

    // Exposure: SSH through the igw is critical and names the ports and path; web ports only
    // are low; another port is high; a private instance passes naming the missing link; a
    // stopped instance is not examined.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        two_subnets(&mut fx);
        placed(&mut fx, "i-0ssh", "bastion", "subnet-pub", Some("3.3.3.3"));
        placed(&mut fx, "i-0priv", "app", "subnet-priv", None);
        placed(&mut fx, "i-0odd", "odd", "subnet-priv", Some("3.3.3.4"));
        let mut stopped = instance("i-0off");
        stopped.state = "stopped".into();
        if let Collected::Ok(list) = &mut ec2(&mut fx).instances {
            list.push(stopped);
        }
        let mut findings = run_check(&CHECK, &fx.inv);
        // Web ports only.
        set_group(
            &mut fx,
            vec![
                rule("tcp", Some((80, 80)), &["0.0.0.0/0"]),
                rule("tcp", Some((443, 443)), &["0.0.0.0/0", "::/0"]),
            ],
        );
        findings.extend(run_check(&CHECK, &fx.inv));
        // Another port.
        set_group(
            &mut fx,
            vec![rule("tcp", Some((8080, 8081)), &["0.0.0.0/0"])],
        );
        findings.extend(run_check(&CHECK, &fx.inv));
        insta::assert_json_snapshot!("pass_and_fail", findings);
    }

    // Exposure: an instance with two interfaces is exposed when one of them is, naming each
    // exposed interface; not reachable when none is, with each interface's reason.
    #[test]
    fn several_interfaces() {
        use crate::checks::ec2::reachability::{Blocked, Exposure};
        let exposure = |ip: &str| Exposure {
            public_ip: ip.into(),
            gateways: vec!["igw-1".into()],
            route_table: "rtb-1".into(),
            acl: "acl-1".into(),
            groups: vec!["sg-1".into()],
            ports: vec![PortRange::port(super::super::exposure::Transport::Tcp, 22)],
        };
        let i = instance("i-0two");
        let Verdict::Exposed { reason, ports } = Verdict::of(
            &i,
            &[
                ("eni-a".into(), Reach::Exposed(exposure("3.3.3.3"))),
                ("eni-b".into(), Reach::Blocked(Blocked::NoPublicIp)),
                ("eni-c".into(), Reach::Exposed(exposure("3.3.3.4"))),
            ],
        ) else {
            panic!("not exposed")
        };
        assert_eq!(
            reason,
            "i-0two is reachable from the internet: eni-a on tcp/22 through igw-1 (public IP \
             3.3.3.3; route table rtb-1, network ACL acl-1, security group sg-1); eni-c on \
             tcp/22 through igw-1 (public IP 3.3.3.4; route table rtb-1, network ACL acl-1, \
             security group sg-1)"
        );
        assert_eq!(ports.len(), 1);
        let Verdict::Blocked(reason) = Verdict::of(
            &i,
            &[
                ("eni-a".into(), Reach::Blocked(Blocked::NoPublicIp)),
                (
                    "eni-b".into(),
                    Reach::Blocked(Blocked::Groups("it has no security group".into())),
                ),
            ],
        ) else {
            panic!("not blocked")
        };
        assert_eq!(
            reason,
            "i-0two is not reachable from the internet: eni-a: it has no public IPv4 address; \
             eni-b: it has no security group"
        );
        // One unknown interface and no exposed one: unknown.
        assert!(matches!(
            Verdict::of(
                &i,
                &[
                    ("eni-a".into(), Reach::Blocked(Blocked::NoPublicIp)),
                    ("eni-b".into(), Reach::Unknown("route tables could not be read".into())),
                ],
            ),
            Verdict::Unknown(u) if u == "eni-b: route tables could not be read"
        ));
    }

    /// Whether a reason says the instance `id` is exposed to the internet.
    fn says_exposed(reason: &str, id: &str) -> bool {
        reason.split(';').any(|part| {
            part.contains(id)
                && (part.contains("is reachable from the internet") || part.contains("exposed"))
        }) || (reason.contains("reachable from the internet through it")
            && reason
                .split("through it:")
                .nth(1)
                .is_some_and(|who| who.contains(id)))
    }

    // Issue acceptance: for a private instance whose groups are open to the world, no finding
    // says it is exposed to the internet; for a public one, the exposed ports are named. Both
    // share one world-open group; every check of the registry runs.
    #[test]
    fn private_instance_is_not_called_exposed() {
        let mut fx = Fixture::new();
        two_subnets(&mut fx);
        placed(&mut fx, "i-0pub", "web-1", "subnet-pub", Some("3.3.3.3"));
        placed(&mut fx, "i-0priv", "app", "subnet-priv", None);
        let findings = evaluate(&fx.inv, &Settings::default(), &Selection::default());
        let about_private: Vec<_> = findings
            .iter()
            .filter(|f| f.resource.contains("i-0priv") || f.reason.contains("i-0priv"))
            .collect();
        // The private instance is examined (so the assertion below is not vacuous) ...
        assert!(about_private
            .iter()
            .any(|f| f.check_id == META.id && f.status == Status::Pass));
        // ... and nothing says it is exposed.
        for f in &about_private {
            assert!(
                !says_exposed(&f.reason, "i-0priv"),
                "{}: {}",
                f.check_id,
                f.reason
            );
        }
        // The shared group's findings name the public instance, not the private one.
        let ssh_group = findings
            .iter()
            .find(|f| f.check_id == "ec2_sg_ssh_open_to_world")
            .unwrap();
        assert!(ssh_group.reason.contains("i-0pub (web-1) on tcp/22"));
        assert!(!ssh_group.reason.contains("i-0priv"));
        // The public instance's finding names its exposed ports.
        let public = findings
            .iter()
            .find(|f| f.check_id == META.id && f.resource.ends_with("i-0pub"))
            .unwrap();
        assert_eq!(public.status, Status::Fail);
        assert!(
            public.reason.starts_with(
                "i-0pub (web-1) is reachable from the internet on tcp/22, tcp/443 through igw-1 \
                 (public IP 3.3.3.3;"
            ),
            "{}",
            public.reason
        );
        // The detector itself: it would catch a reason that called the private one exposed.
        assert!(says_exposed(
            "i-0priv (app) is reachable from the internet on tcp/22",
            "i-0priv"
        ));
        assert!(says_exposed(
            "sg-web (web) allows 22/tcp; reachable from the internet through it: i-0priv (app) \
             on tcp/22",
            "i-0priv"
        ));
    }

    // Web tier: a group open only on HTTPS, used by an internet-facing load balancer, gives no
    // high-severity finding in any check.
    #[test]
    fn https_on_a_load_balancer_is_not_high() {
        use rampart_inventory::{Collected, LoadBalancer};
        let mut fx = Fixture::new();
        two_subnets(&mut fx);
        set_group(
            &mut fx,
            vec![rule("tcp", Some((443, 443)), &["0.0.0.0/0", "::/0"])],
        );
        ec2(&mut fx).network_interfaces = Collected::Ok(vec![NetworkInterface {
            description: "ELB app/shop/50dc6c495c0c9188".into(),
            ..iface("eni-lb", "subnet-pub", Some("3.3.3.9"))
        }]);
        fx.region("us-east-1").elbv2.load_balancers = Collected::Ok(vec![LoadBalancer {
            name: "shop".into(),
            arn: "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/shop/1"
                .into(),
            kind: "application".into(),
            scheme: "internet-facing".into(),
            security_group_ids: vec!["sg-web".into()],
            listeners: Collected::Ok(vec![]),
            attributes: Collected::Ok(Default::default()),
            ..Default::default()
        }]);
        let findings = evaluate(&fx.inv, &Settings::default(), &Selection::default());
        let sg_findings: Vec<_> = findings
            .iter()
            .filter(|f| f.resource.ends_with("security-group/sg-web"))
            .collect();
        assert!(sg_findings.len() >= 5);
        let about_lb = findings.iter().filter(|f| {
            ["sg-web", "eni-lb", "loadbalancer/"]
                .iter()
                .any(|s| f.resource.contains(s) || f.reason.contains(s))
        });
        for f in about_lb {
            assert!(
                f.status != Status::Fail || f.severity < Severity::High,
                "{}: {}",
                f.check_id,
                f.reason
            );
        }
    }
}
