//! `vpc_peering_routes_least_access`: routes to a VPC peering connection go no wider than the
//! peer VPC.

use crate::checks::ec2::exposure::is_world;
use crate::checks::ec2::reachability::Ipv4Net;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use rampart_inventory::{PeeringConnection, Route, RouteTable};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "vpc_peering_routes_least_access",
    title: "Routes to VPC peering connections cover no more than the peer VPC",
    service: "vpc",
    severity: Severity::Medium,
    what: "For each route table, whether every active route to a VPC peering connection has \
           an IPv4 destination inside the peer VPC's CIDR (the accepter's when the table is \
           in the requester VPC, and the other way round), as recorded on the peering \
           connection. Destinations wider than the peer (0.0.0.0/0, a /8 around a /16 peer) \
           fail. IPv6 routes are judged only when they are ::/0 (the inventory records no \
           peer IPv6 CIDR); blackhole routes carry no traffic and are not judged. A table \
           with no peering route passes.",
    why: "A peering route is a trust decision: what the route covers, the subnet can send \
          to the peer. A destination wider than the peer VPC is a sign the route was set up \
          for convenience and, where the peer routes on, lets traffic reach networks nobody \
          meant to connect.",
    fix: "Replace the wide route with one per peer subnet (or the peer VPC's CIDR): aws ec2 \
          delete-route --region <REGION> --route-table-id <ROUTE_TABLE_ID> \
          --destination-cidr-block <WIDE_CIDR>; aws ec2 create-route --region <REGION> \
          --route-table-id <ROUTE_TABLE_ID> --destination-cidr-block <PEER_SUBNET_CIDR> \
          --vpc-peering-connection-id <PEERING_ID>",
    references: &[
        "CIS AWS Foundations v7.0 6.6",
        "https://docs.aws.amazon.com/vpc/latest/peering/peering-configurations-partial-access.html",
        "https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-routing.html",
    ],
    cis: &["6.6"],
    needs: &[Service::Ec2],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

/// How one peering route was judged.
enum Judged {
    /// Inside the peer: the text says what it covers.
    Within(String),
    /// Wider than the peer: the text says how.
    Wider(String),
    /// Not judged: the text says why.
    Unknown(String),
}

fn judge(rt: &RouteTable, route: &Route, pcx_id: &str, peerings: &[PeeringConnection]) -> Judged {
    if let Some(dest) = route.destination_ipv6_cidr.as_deref() {
        return if is_world(dest) {
            Judged::Wider(format!("{dest} to {pcx_id}, all of IPv6"))
        } else {
            Judged::Within(format!(
                "{dest} to {pcx_id} (IPv6, not judged: the inventory has no peer IPv6 CIDR)"
            ))
        };
    }
    let Some(dest) = route.destination_cidr.as_deref() else {
        return Judged::Unknown(format!("a route to {pcx_id} has no destination"));
    };
    let Some(pcx) = peerings.iter().find(|p| p.id == pcx_id) else {
        return Judged::Unknown(format!("{pcx_id} is not in the inventory"));
    };
    let (peer_vpc, peer_cidr) = if rt.vpc_id == pcx.requester_vpc_id {
        (&pcx.accepter_vpc_id, &pcx.accepter_cidr)
    } else if rt.vpc_id == pcx.accepter_vpc_id {
        (&pcx.requester_vpc_id, &pcx.requester_cidr)
    } else {
        return Judged::Unknown(format!("{pcx_id} does not connect {}", rt.vpc_id));
    };
    let Some(peer_cidr) = peer_cidr.as_deref() else {
        return Judged::Unknown(format!("{pcx_id} records no CIDR for {peer_vpc}"));
    };
    match (Ipv4Net::parse(dest), Ipv4Net::parse(peer_cidr)) {
        (Some(d), Some(p)) if p.contains(&d) => Judged::Within(format!(
            "{dest} to {pcx_id} (peer {peer_vpc} is {peer_cidr})"
        )),
        (Some(_), Some(_)) => Judged::Wider(format!(
            "{dest} to {pcx_id}, wider than peer {peer_vpc} ({peer_cidr})"
        )),
        _ => Judged::Unknown(format!(
            "{dest} or {peer_cidr} (the CIDR of {peer_vpc}) is not an IPv4 CIDR"
        )),
    }
}

fn run(ctx: &Context) -> Vec<Finding> {
    let account = &ctx.inventory.account;
    let mut findings = Vec::new();
    for (region, data) in ctx.regions() {
        let ec2 = &data.ec2;
        let gap_resource = ctx.region_resource("ec2", region);
        findings.extend(
            ctx.over(&META, region, &gap_resource, &ec2.route_tables, |rt| {
                let arn = format!(
                    "arn:{}:ec2:{region}:{}:route-table/{}",
                    account.partition, account.id, rt.id
                );
                let f = ctx.finding(&META, region, arn);
                let name = format!("{} (in {})", rt.id, rt.vpc_id);
                let peering: Vec<(&Route, &str)> = rt
                    .routes
                    .iter()
                    .filter(|r| r.state == "active")
                    .filter_map(|r| Some((r, r.vpc_peering_connection_id.as_deref()?)))
                    .collect();
                if peering.is_empty() {
                    return f.pass(format!("{name} has no route to a VPC peering connection"));
                }
                let peerings = match ec2.vpc_peering_connections.get() {
                    Ok(p) => p,
                    Err(gap) => {
                        return f.error_reason(format!(
                            "could not be evaluated: {name} routes to VPC peering connections, \
                             which could not be listed: {}",
                            gap.describe()
                        ))
                    }
                };
                let (mut within, mut wider, mut unknown) = (Vec::new(), Vec::new(), Vec::new());
                for (route, pcx) in peering {
                    match judge(rt, route, pcx, peerings) {
                        Judged::Within(s) => within.push(s),
                        Judged::Wider(s) => wider.push(s),
                        Judged::Unknown(s) => unknown.push(s),
                    }
                }
                if !wider.is_empty() {
                    f.fail(format!("{name} routes {}", wider.join("; ")))
                } else if !unknown.is_empty() {
                    f.error_reason(format!(
                        "could not be evaluated: {name}: {}",
                        unknown.join("; ")
                    ))
                } else {
                    f.pass(format!(
                        "{name} routes only inside its peers: {}",
                        within.join("; ")
                    ))
                }
            }),
        );
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ec2::reachability::tests::{route, table};
    use crate::checks::ec2::testing::ec2;
    use crate::checks::fixtures::{run_check, Fixture};
    use rampart_inventory::Collected;

    fn pcx(id: &str, requester: (&str, &str), accepter: (&str, &str)) -> PeeringConnection {
        PeeringConnection {
            id: id.into(),
            requester_vpc_id: requester.0.into(),
            requester_owner_id: "111122223333".into(),
            requester_cidr: Some(requester.1.into()),
            accepter_vpc_id: accepter.0.into(),
            accepter_owner_id: "444455556666".into(),
            accepter_cidr: Some(accepter.1.into()),
            status: "active".into(),
        }
    }

    // CIS 6.6: a route to the peer's CIDR, a subnet of it or a single host passes; 0.0.0.0/0
    // and a /8 around the /16 peer fail; the accepter side reads the requester's CIDR; a
    // blackhole route and a table without peering routes pass; ::/0 fails.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        let data = ec2(&mut fx);
        data.vpc_peering_connections = Collected::Ok(vec![
            pcx("pcx-1", ("vpc-1", "10.0.0.0/16"), ("vpc-2", "10.2.0.0/16")),
            pcx("pcx-2", ("vpc-3", "10.3.0.0/16"), ("vpc-1", "10.0.0.0/16")),
        ]);
        let mut hole = route("0.0.0.0/0", "pcx-1");
        hole.state = "blackhole".into();
        data.route_tables = Collected::Ok(vec![
            table(
                "rtb-01",
                &["subnet-1"],
                vec![
                    route("10.2.0.0/16", "pcx-1"),
                    route("10.2.5.0/24", "pcx-1"),
                    route("10.3.0.7/32", "pcx-2"),
                    hole,
                ],
            ),
            table("rtb-02", &["subnet-2"], vec![route("0.0.0.0/0", "pcx-1")]),
            table(
                "rtb-03",
                &["subnet-3"],
                vec![route("10.0.0.0/8", "pcx-2"), route("::/0", "pcx-2")],
            ),
            table("rtb-04", &[], vec![route("0.0.0.0/0", "igw-1")]),
        ]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}
