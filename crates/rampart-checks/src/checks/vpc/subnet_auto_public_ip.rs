//! `vpc_subnet_auto_public_ip`: subnets do not give instances a public IPv4 address on
//! launch.

use crate::checks::ec2::{label, name_tag};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "vpc_subnet_auto_public_ip",
    title: "Subnets do not assign public IPv4 addresses on launch",
    service: "vpc",
    severity: Severity::Low,
    what: "Whether each subnet's `MapPublicIpOnLaunch` attribute is on, which gives every \
           instance launched in it a public IPv4 address unless the launch says otherwise.",
    why: "With the attribute on, every instance launched in the subnet is addressable from \
          the internet by default, and only its security groups and network ACL stand in the \
          way; a public address should be a decision per instance, not a subnet default.",
    fix: "aws ec2 modify-subnet-attribute --region <REGION> --subnet-id <SUBNET_ID> \
          --no-map-public-ip-on-launch",
    references: &["https://docs.aws.amazon.com/vpc/latest/userguide/subnet-public-ip.html"],
    cis: &[],
    needs: &[Service::Ec2],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (region, data) in ctx.regions() {
        let gap_resource = ctx.region_resource("ec2", region);
        findings.extend(
            ctx.over(&META, region, &gap_resource, &data.ec2.subnets, |subnet| {
                let f = ctx.finding(&META, region, subnet.arn.clone());
                let name = label(&subnet.id, name_tag(&subnet.tags));
                let default = if subnet.default_for_az {
                    ", the default subnet of its zone,"
                } else {
                    ""
                };
                if subnet.map_public_ip_on_launch {
                    f.fail(format!(
                        "{name}{default} gives every instance launched in it a public IPv4 \
                     address (MapPublicIpOnLaunch is on)"
                    ))
                } else {
                    f.pass(format!(
                        "{name}{default} does not give instances a public IPv4 address on launch"
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
    use crate::checks::ec2::testing::{ec2, name, subnet};
    use crate::checks::fixtures::{run_check, Fixture};
    use rampart_inventory::{Collected, Subnet};

    // Public by default: subnets with MapPublicIpOnLaunch fail (a default subnet says so),
    // private ones pass.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        ec2(&mut fx).subnets = Collected::Ok(vec![
            Subnet {
                tags: name("public-a"),
                ..subnet("subnet-01", true)
            },
            Subnet {
                default_for_az: true,
                ..subnet("subnet-02", true)
            },
            Subnet {
                tags: name("private-a"),
                ..subnet("subnet-03", false)
            },
        ]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}
