//! `ec2_ebs_default_encryption`: EBS encryption by default is on in every region.

use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use rampart_inventory::Collected;

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "ec2_ebs_default_encryption",
    title: "EBS encryption by default is enabled in every region",
    service: "ec2",
    severity: Severity::Medium,
    what: "Whether each scanned region encrypts new EBS volumes and snapshot copies by \
           default (GetEbsEncryptionByDefault).",
    why: "Without the default, every volume is encrypted only if whoever creates it \
          remembers to ask; unencrypted volumes and their snapshots can be shared or copied \
          out of the account in readable form. The setting is per region, so a region \
          nobody watches is where the unencrypted volume appears.",
    fix: "aws ec2 enable-ebs-encryption-by-default --region <REGION>",
    references: &[
        "CIS AWS Foundations v7.0 6.1.1",
        "https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html",
    ],
    cis: &["6.1.1"],
    needs: &[Service::Ec2],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    ctx.regions()
        .map(|(region, data)| {
            let f = ctx.finding(&META, region, ctx.region_resource("ec2", region));
            match &data.ec2.ebs_encryption_by_default {
                Collected::Ok(true) => {
                    f.pass(format!("EBS encryption by default is enabled in {region}"))
                }
                Collected::Ok(false) => {
                    f.fail(format!("EBS encryption by default is disabled in {region}"))
                }
                Collected::Missing(gap) => f.error(gap),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{denied, run_check, Fixture};

    // CIS 6.1.1: one finding per region; enabled passes, disabled fails, unreadable is an
    // ERROR.
    #[test]
    fn one_finding_per_region() {
        let mut fx = Fixture::new();
        fx.region("eu-west-1").ec2.ebs_encryption_by_default = Collected::Ok(false);
        fx.region("ap-south-1").ec2.ebs_encryption_by_default =
            Collected::Missing(denied("ec2:GetEbsEncryptionByDefault"));
        insta::assert_json_snapshot!("regions", run_check(&CHECK, &fx.inv));
    }
}
