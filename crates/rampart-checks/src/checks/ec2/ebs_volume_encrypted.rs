//! `ec2_ebs_volume_encrypted`: every EBS volume is encrypted.

use super::{label, name_tag};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "ec2_ebs_volume_encrypted",
    title: "EBS volumes are encrypted",
    service: "ec2",
    severity: Severity::Medium,
    what: "Whether each EBS volume (DescribeVolumes) is encrypted. Encryption by default \
           (CIS 6.1.1, `ec2_ebs_default_encryption`) covers only volumes created after it was \
           turned on; this check finds the ones made before, or elsewhere.",
    why: "An unencrypted volume's snapshots are unencrypted too, and can be shared with \
          another account or made public in readable form. Encryption with KMS also puts \
          every read of the data behind a key policy and in CloudTrail.",
    fix: "A volume cannot be encrypted in place: aws ec2 create-snapshot --region <REGION> \
          --volume-id <VOLUME_ID>; aws ec2 copy-snapshot --region <REGION> \
          --source-region <REGION> --source-snapshot-id <SNAPSHOT_ID> --encrypted --kms-key-id \
          <KMS_KEY_ID>; aws ec2 create-volume --region <REGION> --snapshot-id \
          <ENCRYPTED_SNAPSHOT_ID> --availability-zone <AZ>; then swap it in for the old one.",
    references: &[
        "Supports CIS AWS Foundations v7.0 6.1.1",
        "https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html",
    ],
    cis: &[],
    needs: &[Service::Ec2],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let account = &ctx.inventory.account;
    let mut findings = Vec::new();
    for (region, data) in ctx.regions() {
        let gap_resource = ctx.region_resource("ec2", region);
        findings.extend(
            ctx.over(&META, region, &gap_resource, &data.ec2.volumes, |v| {
                let arn = format!(
                    "arn:{}:ec2:{region}:{}:volume/{}",
                    account.partition, account.id, v.id
                );
                let f = ctx.finding(&META, region, arn);
                let name = label(&v.id, name_tag(&v.tags));
                let attached = if v.instance_ids.is_empty() {
                    format!("{} GiB, {}", v.size_gib, v.state)
                } else {
                    format!(
                        "{} GiB, attached to {}",
                        v.size_gib,
                        v.instance_ids.join(", ")
                    )
                };
                if v.encrypted {
                    f.pass(format!("{name} is encrypted ({attached})"))
                } else {
                    f.fail(format!("{name} is not encrypted ({attached})"))
                }
            }),
        );
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ec2::testing::{ec2, name};
    use crate::checks::fixtures::{run_check, Fixture};
    use rampart_inventory::{Collected, Volume};

    fn volume(id: &str, encrypted: bool, instances: &[&str]) -> Volume {
        Volume {
            id: id.into(),
            encrypted,
            state: if instances.is_empty() {
                "available"
            } else {
                "in-use"
            }
            .into(),
            size_gib: 8,
            instance_ids: instances.iter().map(|i| i.to_string()).collect(),
            tags: vec![],
        }
    }

    // Encryption at rest (relates to CIS 6.1.1): an encrypted volume passes; unencrypted
    // ones fail, attached or not.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        ec2(&mut fx).volumes = Collected::Ok(vec![
            volume("vol-01", true, &["i-1"]),
            Volume {
                tags: name("data"),
                ..volume("vol-02", false, &["i-1"])
            },
            volume("vol-03", false, &[]),
        ]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}
