//! `ec2_instance_public_ip`: instances have no public IPv4 address.

use super::{instance_label, over_instances};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "ec2_instance_public_ip",
    title: "EC2 instances have no public IPv4 address",
    service: "ec2",
    severity: Severity::Medium,
    what: "Whether each running or stopped instance has a public IPv4 address (an \
           auto-assigned one or an Elastic IP), from DescribeInstances `PublicIpAddress`.",
    why: "An instance with a public address can be reached from the internet whenever a \
          security group or network ACL rule allows it, so one mistaken rule exposes it. \
          Instances behind a load balancer, NAT gateway or Session Manager need no public \
          address.",
    fix: "For an auto-assigned address: aws ec2 modify-network-interface-attribute --region \
          <REGION> --network-interface-id <ENI_ID> --no-associate-public-ip-address; for an \
          Elastic IP: aws ec2 disassociate-address --region <REGION> --association-id \
          <ASSOCIATION_ID>",
    references: &[
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html",
        "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-ip-addressing.html",
    ],
    cis: &[],
    needs: &[Service::Ec2],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    over_instances(
        ctx,
        &META,
        |i| i.state == "running" || i.state == "stopped",
        |region, instance| {
            let f = ctx.finding(&META, region, instance.arn.clone());
            let name = instance_label(instance);
            match &instance.public_ip {
                Some(ip) => f.fail(format!("{name} has public IPv4 address {ip}")),
                None => f.pass(format!("{name} has no public IPv4 address")),
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ec2::testing::{ec2, instance, name};
    use crate::checks::fixtures::{run_check, Fixture};
    use rampart_inventory::{Collected, Instance};

    // Exposure: a running instance with a public IP fails, one without passes, a stopped one
    // with an Elastic IP fails, a pending one is not examined.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        ec2(&mut fx).instances = Collected::Ok(vec![
            instance("i-0aaa"),
            Instance {
                public_ip: Some("203.0.113.10".into()),
                tags: name("web"),
                ..instance("i-0bbb")
            },
            Instance {
                public_ip: Some("203.0.113.11".into()),
                state: "stopped".into(),
                ..instance("i-0ccc")
            },
            Instance {
                public_ip: Some("203.0.113.12".into()),
                state: "pending".into(),
                ..instance("i-0ddd")
            },
        ]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}
