//! `ec2_sg_database_ports_open_to_world`: no security group lets the internet reach a
//! database port.

use super::exposure::{evaluate_groups, port_openings, Transport};
use super::reachability::PortRange;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "ec2_sg_database_ports_open_to_world",
    title: "No security group allows database ports from the internet",
    service: "ec2",
    severity: Severity::High,
    what: "Whether any inbound rule of each security group admits, over TCP from 0.0.0.0/0 \
           or ::/0, one of the database ports in the `database_ports` setting (by default \
           MySQL, PostgreSQL, SQL Server, Oracle, MongoDB, Redis, Memcached, Cassandra, \
           Elasticsearch/OpenSearch and CouchDB). Rules for all protocols (-1) and port \
           ranges count. Every open group fails; the reason \
           says whether it matters today: a group no network interface uses is lowered to \
           low; one whose interfaces the internet cannot reach on these ports (no public \
           address, no route to an internet gateway, a network ACL in the way) is lowered to \
           medium, saying why; one behind a reachable interface names it.",
    why: "Databases reachable from the internet are found by scanners within hours and are \
          the usual source of mass data leaks and ransom notes: many listen with default or \
          no authentication. Applications should reach them from inside the VPC.",
    fix: "Find the rule: aws ec2 describe-security-group-rules --region <REGION> --filters \
          Name=group-id,Values=<GROUP_ID>; remove it: aws ec2 revoke-security-group-ingress \
          --region <REGION> --group-id <GROUP_ID> --security-group-rule-ids <RULE_ID>; admit \
          the application's group instead: aws ec2 authorize-security-group-ingress --region \
          <REGION> --group-id <GROUP_ID> --protocol tcp --port <DB_PORT> --source-group \
          <APP_GROUP_ID>",
    references: &[
        "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-group-rules.html",
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.RDSSecurityGroups.html",
    ],
    cis: &[],
    needs: &[Service::Ec2],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let ports = &ctx.settings.database_ports;
    let concern: Vec<PortRange> = ports
        .iter()
        .map(|p| PortRange::port(Transport::Tcp, *p))
        .collect();
    evaluate_groups(ctx, &META, "a database port", &concern, |group| {
        port_openings(group, ports, &[Transport::Tcp])
    })
}

/// What the fixer closes, and what it suggests instead, for the `database_ports` setting.
fn fix_for(ports: &[u16]) -> super::sg_revoke::WorldOpenFix<'_> {
    super::sg_revoke::WorldOpenFix {
        meta: &META,
        subject: "the database ports",
        instead: "admit the applications' security groups instead (aws ec2 \
                  authorize-security-group-ingress --protocol tcp --port <DB_PORT> \
                  --source-group <APP_GROUP_ID>)",
        concern: super::sg_revoke::Concern::Ports {
            ports,
            transports: &[Transport::Tcp],
        },
    }
}

/// How `rampart fix` fixes it.
pub(crate) const FIXER: crate::fix::Fixer = crate::fix::Fixer {
    meta: &META,
    how: "Revokes 0.0.0.0/0 and ::/0 from every inbound rule of the group that admits one of \
          the `database_ports` over TCP (RevokeSecurityGroupIngress); other sources of the \
          rule stay, and a wider port range is admitted again without the database ports. \
          Disruptive when a network interface uses the group or the interfaces could not be \
          read (the reason names them, and suggests admitting the applications' groups); \
          safe on a group nothing uses. Not planned when an all-traffic rule opens the ports \
          (the all-ports fixer revokes it).",
    plan: fix,
    state: Some(state),
    reads: &[rampart_inventory::Service::Ec2],
};

/// The step for a group that opens a database port to the internet.
pub(crate) fn fix(
    ctx: &Context,
    finding: &Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    super::sg_revoke::world_open_fix(ctx, finding, &fix_for(&ctx.settings.database_ports))
}

/// The group's rules that open a database port to the internet.
fn state(
    ctx: &Context,
    step: &crate::fix::Step,
) -> Result<serde_json::Value, crate::fix::NotFixable> {
    let fix = fix_for(&ctx.settings.database_ports);
    super::sg_revoke::world_open_state(ctx, step, fix.concern)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ec2::testing::{ec2, eni, rule, sg};
    use crate::checks::fixtures::{run_check, Fixture};
    use rampart_inventory::Collected;

    // Database exposure: PostgreSQL from ::/0 and a range over MySQL and Redis from
    // 0.0.0.0/0 fail; PostgreSQL from the VPC and HTTPS from anywhere pass.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        let ec2 = ec2(&mut fx);
        ec2.security_groups = Collected::Ok(vec![
            sg(
                "sg-01",
                "pg",
                vec![rule("tcp", Some((5432, 5432)), &["::/0"])],
            ),
            sg(
                "sg-02",
                "cache",
                vec![rule("tcp", Some((3000, 7000)), &["0.0.0.0/0"])],
            ),
            sg(
                "sg-03",
                "app",
                vec![
                    rule("tcp", Some((5432, 5432)), &["10.0.0.0/16"]),
                    rule("tcp", Some((443, 443)), &["0.0.0.0/0"]),
                ],
            ),
        ]);
        ec2.network_interfaces = Collected::Ok(vec![eni("eni-1", &["sg-01", "sg-02", "sg-03"])]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }

    // Database exposure: the ports come from the `database_ports` setting.
    #[test]
    fn ports_from_settings() {
        let mut fx = Fixture::new();
        let ec2 = ec2(&mut fx);
        ec2.security_groups = Collected::Ok(vec![sg(
            "sg-01",
            "custom-db",
            vec![rule("tcp", Some((15432, 15432)), &["0.0.0.0/0"])],
        )]);
        ec2.network_interfaces = Collected::Ok(vec![eni("eni-1", &["sg-01"])]);
        let settings = crate::Settings {
            database_ports: vec![15432],
            ..Default::default()
        };
        let findings = (CHECK.run)(&Context::new(&fx.inv, &settings));
        assert_eq!(
            findings[0].reason,
            "sg-01 (custom-db) allows 15432/tcp from 0.0.0.0/0, but its interface eni-1 is not \
             reachable from the internet: it has no public IPv4 address"
        );
        // Not a default database port: with default settings the group passes.
        assert_eq!(run_check(&CHECK, &fx.inv)[0].status, crate::Status::Pass);
    }
}

#[cfg(test)]
mod fix_tests {
    use super::{CHECK, META};
    use crate::checks::ec2::testing::{ec2, eni, rule, sg};
    use crate::checks::fixtures::Fixture;
    use crate::fix::testing::assert_states;
    use crate::{Context, Settings};
    use rampart_inventory::Collected;
    use serde_json::json;

    // Issue 14: the ports closed are the `database_ports` setting's: a range over two of
    // them is narrowed around both, and the step names the replacement to use.
    #[test]
    fn fix_closes_the_configured_ports() {
        let settings = Settings {
            database_ports: vec![5432, 3306],
            ..Default::default()
        };
        let mut fx = Fixture::new();
        let data = ec2(&mut fx);
        data.security_groups = Collected::Ok(vec![sg(
            "sg-02",
            "cache",
            vec![rule("tcp", Some((3000, 7000)), &["0.0.0.0/0"])],
        )]);
        data.network_interfaces = Collected::Ok(vec![eni("eni-1", &["sg-02"])]);
        let findings = (CHECK.run)(&Context::new(&fx.inv, &settings));
        let plan = crate::fix::plan(&fx.inv, &settings, &findings);
        let step = &plan.steps[0];
        assert_eq!(step.check_id, META.id);
        assert!(step
            .risk_reason
            .contains("admit the applications' security groups"));
        let piece = |lo: i32, hi: i32| {
            json!({"IpProtocol": "tcp", "FromPort": lo, "ToPort": hi,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}]})
        };
        assert_eq!(
            step.calls[1].params["IpPermissions"],
            json!([piece(3000, 3305), piece(3307, 5431), piece(5433, 7000)])
        );
        let mut fixed = Fixture::new();
        ec2(&mut fixed).security_groups = Collected::Ok(vec![sg(
            "sg-02",
            "cache",
            vec![
                rule("tcp", Some((3000, 3305)), &["0.0.0.0/0"]),
                rule("tcp", Some((3307, 5431)), &["0.0.0.0/0"]),
                rule("tcp", Some((5433, 7000)), &["0.0.0.0/0"]),
            ],
        )]);
        assert_states(&settings, &fx.inv, &fixed.inv, step);
    }
}
