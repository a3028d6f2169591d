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

/// How `rampart fix` fixes it.
pub(crate) const FIXER: crate::fix::Fixer = crate::fix::Fixer {
    meta: &META,
    how: "Turns public accessibility off (ModifyDBInstance with PubliclyAccessible false, \
          applied immediately): the endpoint's DNS name then resolves to the private address, \
          reachable from the VPC, peered VPCs and VPNs. Disruptive: clients that connect \
          over the internet lose access (the reason names the security group rules that \
          admit them). Not planned for an instance that is not `available` (RDS modifies \
          only those) or has no VPC. Aurora instances are modified the same way; a member of \
          a Multi-AZ DB cluster (not Aurora) takes the setting on its cluster, which the \
          snapshot does not record, so RDS would refuse that call.",
    plan: fix,
    state: Some(state),
    reads: &[rampart_inventory::Service::Ec2],
};

/// The DB instance a finding or step names.
fn find_db<'a>(
    ctx: &Context<'a>,
    region: &str,
    resource: &str,
) -> Result<&'a rampart_inventory::DbInstance, crate::fix::NotFixable> {
    use crate::fix::NotFixable;
    crate::fix::region_data(ctx, region)?
        .rds
        .instances
        .get()
        .map_err(|gap| NotFixable::gap(&format!("the DB instances of {region}"), gap))?
        .iter()
        .find(|d| d.arn == resource)
        .ok_or_else(|| NotFixable::new(format!("{resource} is not in the snapshot")))
}

/// What the instance's security groups admit from the internet, as a phrase after "is
/// publicly accessible".
fn admits(ec2: &rampart_inventory::Ec2Data, db: &rampart_inventory::DbInstance) -> String {
    let groups = match &ec2.security_groups {
        Collected::Ok(groups) => groups,
        Collected::Missing(gap) => {
            return format!(
                " (what its security groups admit could not be read: {})",
                gap.describe()
            )
        }
    };
    let open: Vec<String> = db
        .security_group_ids
        .iter()
        .filter_map(|id| groups.iter().find(|g| &g.id == id))
        .flat_map(|g| openings(g, db.port))
        .collect();
    if open.is_empty() {
        " (no security group of it admits 0.0.0.0/0 or ::/0 on its port, but one may admit a \
         narrower public range)"
            .to_owned()
    } else {
        format!(" and {}", open.join("; "))
    }
}

/// The step for a publicly accessible DB instance.
pub(crate) fn fix(
    ctx: &Context,
    finding: &Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    use crate::fix::{render::shell_command, Call, NotFixable, Risk, Step};
    let region = finding.region.as_str();
    let db = find_db(ctx, region, &finding.resource)?;
    let name = label(db);
    if db.status != "available" {
        return Err(NotFixable::new(format!(
            "{name} is `{}`: RDS modifies only an available DB instance",
            db.status
        )));
    }
    if db.vpc_id.is_none() {
        return Err(NotFixable::new(format!(
            "{name} is in no VPC: PubliclyAccessible applies only to DB instances in a VPC"
        )));
    }
    let ec2 = &crate::fix::region_data(ctx, region)?.ec2;
    let id = db.id.as_str();
    let params = |public: bool| {
        serde_json::json!({
            "DBInstanceIdentifier": id,
            "PubliclyAccessible": public,
            "ApplyImmediately": true,
        })
    };
    let command = |flag: &'static str| {
        [
            "aws",
            "rds",
            "modify-db-instance",
            "--region",
            region,
            "--db-instance-identifier",
            id,
            flag,
            "--apply-immediately",
        ]
    };
    let step = Step::new(
        META.id,
        &db.arn,
        region,
        Risk::Disruptive,
        format!(
            "{name} is publicly accessible{}: clients that connect to it over the internet lose \
             access (its DNS name then resolves to the private address, reachable from the VPC, \
             peered VPCs and VPNs)",
            admits(ec2, db)
        ),
        vec![Call::new("rds", "ModifyDBInstance", params(false))],
    )
    .states(
        serde_json::json!({"PubliclyAccessible": db.publicly_accessible}),
        serde_json::json!({"PubliclyAccessible": false}),
    )
    .cli(&[&command("--no-publicly-accessible")])
    .undo(format!(
        "{}; nothing is lost",
        shell_command(&command("--publicly-accessible"))
    ))
    .undo_calls(vec![Call::new("rds", "ModifyDBInstance", params(true))]);
    Ok(vec![step])
}

/// The instance's public accessibility (not its status, which the change itself moves
/// through `modifying`).
fn state(
    ctx: &Context,
    step: &crate::fix::Step,
) -> Result<serde_json::Value, crate::fix::NotFixable> {
    let db = find_db(ctx, &step.region, &step.resource)?;
    Ok(serde_json::json!({"PubliclyAccessible": db.publicly_accessible}))
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

#[cfg(test)]
mod fix_tests {
    use super::{CHECK, META};
    use crate::checks::ec2::testing::{ec2, rule, sg};
    use crate::checks::fixtures::{denied, Fixture};
    use crate::checks::rds::testing::{db, rds};
    use crate::fix::testing::{assert_states, cli_words, failing, plan_for};
    use crate::fix::{render, Risk};
    use crate::Settings;
    use rampart_inventory::{Collected, DbInstance};
    use serde_json::json;

    fn public(id: &str, groups: &[&str]) -> DbInstance {
        DbInstance {
            publicly_accessible: true,
            security_group_ids: groups.iter().map(|g| g.to_string()).collect(),
            ..db(id)
        }
    }

    fn account(instances: Vec<DbInstance>) -> Fixture {
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
        ]);
        rds(&mut fx).instances = Collected::Ok(instances);
        fx
    }

    // Issue 14: a publicly accessible instance gets one disruptive ModifyDBInstance step
    // (PubliclyAccessible false, applied immediately), its reason naming the rule that
    // admits the internet; undo sets it back; a private instance gets none; an Aurora
    // instance is modified the same way.
    #[test]
    fn fix_fail_and_pass() {
        let fx = account(vec![
            db("private"),
            public("exposed", &["sg-closed", "sg-open"]),
            DbInstance {
                engine: "aurora-postgresql".into(),
                ..public("reader-1", &["sg-closed"])
            },
        ]);
        let plan = plan_for(&CHECK, &fx.inv);
        assert_eq!(plan.steps.len(), 2, "{plan:#?}");
        let exposed = &plan.steps[0];
        assert_eq!(exposed.risk, Risk::Disruptive);
        assert!(
            exposed.risk_reason.starts_with(
                "DB instance exposed (postgres 16.3) is publicly accessible and \
                    sg-open allows 5432/tcp from 0.0.0.0/0: clients that connect to it over the \
                    internet lose access"
            ),
            "{}",
            exposed.risk_reason
        );
        assert_eq!(exposed.calls[0].operation, "ModifyDBInstance");
        assert_eq!(
            exposed.calls[0].params,
            json!({"DBInstanceIdentifier": "exposed", "PubliclyAccessible": false,
                "ApplyImmediately": true})
        );
        assert_eq!(
            exposed.undo_calls[0].params["PubliclyAccessible"],
            json!(true)
        );
        let reader = &plan.steps[1];
        assert!(reader
            .risk_reason
            .contains("(no security group of it admits 0.0.0.0/0 or ::/0 on its port"));
        insta::assert_snapshot!("fix_step", render::json(&plan));
    }

    // Issue 14: an instance RDS would not modify (stopped) is not planned, saying why; a
    // DB instance list that could not be read gives no step.
    #[test]
    fn fix_not_planned() {
        let fx = account(vec![DbInstance {
            status: "stopped".into(),
            ..public("paused", &["sg-open"])
        }]);
        let plan = plan_for(&CHECK, &fx.inv);
        assert!(plan.steps.is_empty());
        assert_eq!(
            plan.not_planned[0].reason,
            "DB instance paused (postgres 16.3) is `stopped`: RDS modifies only an available \
             DB instance"
        );
        let mut fx = account(vec![]);
        rds(&mut fx).instances = Collected::Missing(denied("rds:DescribeDBInstances"));
        let arn = "arn:aws:rds:us-east-1:111122223333:db:exposed";
        let finding = failing(&META, &fx.inv, "us-east-1", arn);
        let plan = crate::fix::plan(&fx.inv, &Settings::default(), &[finding]);
        assert!(plan.not_planned[0]
            .reason
            .contains("rds:DescribeDBInstances"));
    }

    // Issue 14: the state is PubliclyAccessible alone: true as planned, false once AWS
    // shows it, while the instance is still `modifying`.
    #[test]
    fn fix_states_before_and_after() {
        let fx = account(vec![public("exposed", &["sg-open"])]);
        let plan = plan_for(&CHECK, &fx.inv);
        let fixed = account(vec![DbInstance {
            status: "modifying".into(),
            ..db("exposed")
        }]);
        assert_states(&Settings::default(), &fx.inv, &fixed.inv, &plan.steps[0]);
    }

    // Issue 14: a hostile instance identifier stays one shell word.
    #[test]
    fn fix_hostile_identifier_is_quoted() {
        let hostile = "evil'; rm -rf ~ #\n${jndi}";
        let fx = account(vec![public(hostile, &["sg-open"])]);
        let plan = plan_for(&CHECK, &fx.inv);
        let Some(words) = cli_words(&plan.steps[0].cli[0]) else {
            return;
        };
        assert_eq!(words[6], hostile);
        assert_eq!(words.len(), 9);
    }
}
