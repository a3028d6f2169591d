//! `vpc_s3_gateway_endpoint`: VPCs in use reach S3 through a VPC endpoint.

use crate::checks::ec2::{label, name_tag};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use std::collections::BTreeSet;

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "vpc_s3_gateway_endpoint",
    title: "VPCs reach S3 through a VPC endpoint",
    service: "vpc",
    severity: Severity::Low,
    what: "For each VPC that has subnets (or, when subnets could not be listed, instances), \
           whether a VPC endpoint for `com.amazonaws.<region>.s3` exists in it, of the \
           Gateway or the Interface kind, in a state other than deleted, deleting, failed, \
           rejected or expired. VPCs with no subnets are not examined.",
    why: "Without an endpoint, S3 traffic from the VPC goes out through an internet or NAT \
          gateway: it needs a path to the internet, costs NAT processing, and cannot be \
          limited with an endpoint policy or matched by `aws:SourceVpce` in bucket policies.",
    fix: "aws ec2 create-vpc-endpoint --region <REGION> --vpc-id <VPC_ID> --vpc-endpoint-type \
          Gateway --service-name com.amazonaws.<REGION>.s3 --route-table-ids <ROUTE_TABLE_IDS>",
    references: &[
        "CIS AWS Foundations v7.0 6.8",
        "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html",
    ],
    cis: &["6.8"],
    needs: &[Service::Ec2],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

/// Endpoint states in which it does not carry traffic, lowercased.
const DEAD: [&str; 5] = ["deleted", "deleting", "failed", "rejected", "expired"];

fn run(ctx: &Context) -> Vec<Finding> {
    let account = &ctx.inventory.account;
    let mut findings = Vec::new();
    for (region, data) in ctx.regions() {
        let ec2 = &data.ec2;
        let region_error = |gap| {
            ctx.finding(&META, region, ctx.region_resource("ec2", region))
                .error(gap)
        };
        // Subnets unread: the VPCs with instances are in use; whether the others have
        // subnets is unknown, and they are ERROR rather than passed over (issue 9).
        let subnets_gap = ec2.subnets.get().err();
        let in_use: BTreeSet<&str> = match (ec2.subnets.get(), ec2.instances.get()) {
            (Ok(subnets), _) => subnets.iter().map(|s| s.vpc_id.as_str()).collect(),
            (Err(_), Ok(instances)) => instances
                .iter()
                .filter_map(|i| i.vpc_id.as_deref())
                .collect(),
            (Err(gap), Err(_)) => {
                findings.push(region_error(gap));
                continue;
            }
        };
        let (vpcs, endpoints) = match (ec2.vpcs.get(), ec2.vpc_endpoints.get()) {
            (Ok(v), Ok(e)) => (v, e),
            (Err(gap), _) | (_, Err(gap)) => {
                findings.push(region_error(gap));
                continue;
            }
        };
        let service = format!("com.amazonaws.{region}.s3");
        for vpc in vpcs {
            let arn = format!(
                "arn:{}:ec2:{region}:{}:vpc/{}",
                account.partition, account.id, vpc.id
            );
            let f = ctx.finding(&META, region, arn);
            let name = label(&vpc.id, name_tag(&vpc.tags));
            if !in_use.contains(vpc.id.as_str()) {
                if let Some(gap) = subnets_gap {
                    findings.push(f.error_reason(format!(
                        "could not be evaluated: whether {name} has subnets is unknown, as the \
                         subnets could not be listed: {}",
                        gap.describe()
                    )));
                }
                continue;
            }
            let live: Vec<String> = endpoints
                .iter()
                .filter(|e| e.vpc_id == vpc.id && e.service_name == service)
                .filter(|e| !DEAD.contains(&e.state.to_ascii_lowercase().as_str()))
                .map(|e| format!("{} ({}, {})", e.id, e.kind, e.state))
                .collect();
            findings.push(if live.is_empty() {
                f.fail(format!(
                    "{name} has no working VPC endpoint for {service}: its S3 traffic needs a \
                     path to the internet"
                ))
            } else {
                f.pass(format!("{name} reaches S3 through {}", live.join(", ")))
            });
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ec2::testing::{ec2, subnet, vpc};
    use crate::checks::fixtures::{run_check, Fixture};
    use rampart_inventory::{Collected, Subnet, VpcEndpoint};

    fn endpoint(id: &str, vpc: &str, service: &str, kind: &str, state: &str) -> VpcEndpoint {
        VpcEndpoint {
            id: id.into(),
            vpc_id: vpc.into(),
            service_name: service.into(),
            kind: kind.into(),
            state: state.into(),
        }
    }

    // CIS 6.8: a gateway or interface S3 endpoint passes; no endpoint, one for another
    // service or region, or a failed one fails; a VPC without subnets is not examined.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        let data = ec2(&mut fx);
        data.vpcs = Collected::Ok(
            ["vpc-1", "vpc-2", "vpc-3", "vpc-4", "vpc-5"]
                .map(vpc)
                .to_vec(),
        );
        data.subnets = Collected::Ok(
            ["vpc-1", "vpc-2", "vpc-3", "vpc-4"]
                .iter()
                .map(|v| Subnet {
                    vpc_id: v.to_string(),
                    ..subnet(&format!("subnet-{v}"), false)
                })
                .collect(),
        );
        data.vpc_endpoints = Collected::Ok(vec![
            endpoint(
                "vpce-1",
                "vpc-1",
                "com.amazonaws.us-east-1.s3",
                "Gateway",
                "available",
            ),
            endpoint(
                "vpce-2",
                "vpc-2",
                "com.amazonaws.us-east-1.s3",
                "Interface",
                "available",
            ),
            endpoint(
                "vpce-3",
                "vpc-3",
                "com.amazonaws.us-east-1.dynamodb",
                "Gateway",
                "available",
            ),
            endpoint(
                "vpce-4",
                "vpc-3",
                "com.amazonaws.eu-west-1.s3",
                "Gateway",
                "available",
            ),
            endpoint(
                "vpce-5",
                "vpc-4",
                "com.amazonaws.us-east-1.s3",
                "Gateway",
                "Failed",
            ),
        ]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}
