//! `rds_not_publicly_accessible`: RDS DB instances are not publicly accessible.

use super::{label, over_instances};
use crate::checks::ec2::exposure::{port_openings, world_sources, Transport};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use rampart_inventory::{Collected, SecurityGroup};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "rds_not_publicly_accessible",
    title: "RDS DB instances are not publicly accessible",
    service: "rds",
    severity: Severity::Critical,
    what: "Whether each DB instance has `PubliclyAccessible` on (a public DNS name that \
           resolves to a public address). Such an instance fails; the finding is lowered to \
           medium when none of its VPC security groups lets 0.0.0.0/0 or ::/0 reach its port \
           (it is not reachable from the internet today, but one rule change away).",
    why: "A publicly accessible database is reachable by anyone on the internet who finds it: \
          its authentication is the only barrier against password guessing and exploits of \
          the engine.",
    fix: "aws rds modify-db-instance --db-instance-identifier <DB_INSTANCE> \
          --no-publicly-accessible --apply-immediately",
    references: &[
        "CIS AWS Foundations v7.0 3.2.3",
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Hiding",
    ],
    cis: &["3.2.3"],
    needs: &[Service::Rds, Service::Ec2],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    over_instances(ctx, &META, |f, region, db| {
        let name = label(db);
        if !db.publicly_accessible {
            return f.pass(format!("{name} is not publicly accessible"));
        }
        let base = format!("{name} is publicly accessible");
        let groups = match &ctx.inventory.regional[region].ec2.security_groups {
            Collected::Ok(g) => g,
            Collected::Missing(gap) => {
                return f.fail(format!(
                    "{base} (whether its security groups let the internet in is unknown: {})",
                    gap.describe()
                ))
            }
        };
        let mut open = Vec::new();
        let mut unknown = Vec::new();
        for id in &db.security_group_ids {
            match groups.iter().find(|g| &g.id == id) {
                Some(g) => open.extend(openings(g, db.port)),
                None => unknown.push(id.as_str()),
            }
        }
        let port = db
            .port
            .map_or_else(|| "its port".to_owned(), |p| format!("port {p}"));
        if !open.is_empty() {
            f.fail(format!(
                "{base} and reachable from the internet: {}",
                open.join("; ")
            ))
        } else if !unknown.is_empty() {
            f.fail(format!(
                "{base} (security group(s) {} not found in the region's list, so whether the \
                 internet reaches {port} is unknown)",
                unknown.join(", ")
            ))
        } else {
            let ids = if db.security_group_ids.is_empty() {
                "it has no security group".to_owned()
            } else {
                format!(
                    "none of its security groups ({}) allows 0.0.0.0/0 or ::/0 on {port}",
                    db.security_group_ids.join(", ")
                )
            };
            f.severity(Severity::Medium).fail(format!(
                "{base}, but {ids}: not reachable from the internet today"
            ))
        }
    })
}

/// The rules of `group` that let the internet reach `port` over TCP (any port when the
/// instance's port is unknown), as `sg-1 allows 5432/tcp from 0.0.0.0/0`.
fn openings(group: &SecurityGroup, port: Option<i32>) -> Vec<String> {
    match port.and_then(|p| u16::try_from(p).ok()) {
        Some(p) => port_openings(group, &[p], &[Transport::Tcp])
            .iter()
            .map(|o| format!("{} allows {o}", group.id))
            .collect(),
        None => group
            .ingress
            .iter()
            .filter(|r| !world_sources(r).is_empty())
            .map(|r| {
                format!(
                    "{} allows protocol {} from {}",
                    group.id,
                    r.protocol,
                    world_sources(r).join(", ")
                )
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ec2::testing::{ec2, rule, sg};
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use crate::checks::rds::testing::{db, rds};

    fn public(id: &str, groups: &[&str]) -> rampart_inventory::DbInstance {
        let mut d = db(id);
        d.publicly_accessible = true;
        d.security_group_ids = groups.iter().map(|g| g.to_string()).collect();
        d
    }

    // CIS 3.2.3: a private instance passes; a public one whose group opens its port to the
    // world fails critical; a public one behind closed groups fails medium, saying so; a
    // group missing from the list keeps it critical.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        ec2(&mut fx).security_groups = Collected::Ok(vec![
            sg(
                "sg-open",
                "db-open",
                vec![rule("tcp", Some((5432, 5432)), &["0.0.0.0/0"])],
            ),
            sg(
                "sg-closed",
                "db-closed",
                vec![rule("tcp", Some((5432, 5432)), &["10.0.0.0/8"])],
            ),
            sg(
                "sg-web",
                "web",
                vec![rule("tcp", Some((443, 443)), &["::/0"])],
            ),
        ]);
        rds(&mut fx).instances = Collected::Ok(vec![
            db("private"),
            public("exposed", &["sg-closed", "sg-open"]),
            public("closed", &["sg-closed", "sg-web"]),
            public("orphan", &["sg-gone"]),
        ]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }

    // CIS 3.2.3: unreadable security groups keep the finding critical; unlisted instances
    // give one ERROR for the region.
    #[test]
    fn unknown_and_error() {
        let mut fx = Fixture::new();
        ec2(&mut fx).security_groups = Collected::Missing(denied("ec2:DescribeSecurityGroups"));
        rds(&mut fx).instances = Collected::Ok(vec![public("exposed", &["sg-open"])]);
        insta::assert_json_snapshot!("groups_unknown", run_check(&CHECK, &fx.inv));

        rds(&mut fx).instances = Collected::Missing(denied("rds:DescribeDBInstances"));
        insta::assert_json_snapshot!("error", run_check(&CHECK, &fx.inv));
    }
}
