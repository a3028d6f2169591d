//! `ec2_ami_public`: the account's AMIs are not shared with everyone.

use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "ec2_ami_public",
    title: "AMIs owned by the account are not public",
    service: "ec2",
    severity: Severity::High,
    what: "For each AMI the account owns (owner id equal to the account id), whether its \
           launch permission is public (DescribeImages `Public`). AMIs of other owners that \
           instances run are not examined.",
    why: "Anyone can launch a public AMI and read its disks: the application code, \
          configuration files, keys and credentials baked into the image, and whatever was \
          left in home directories and logs when it was made.",
    fix: "aws ec2 modify-image-attribute --region <REGION> --image-id <AMI_ID> \
          --launch-permission \"Remove=[{Group=all}]\"; to stop it happening again: aws ec2 \
          enable-image-block-public-access --region <REGION> --image-block-public-access-state \
          block-new-sharing",
    references: &[
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-intro.html",
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/block-public-access-to-amis.html",
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
        let images = match data.ec2.images.get() {
            Ok(images) => images,
            Err(gap) => {
                findings.push(ctx.finding(&META, region, gap_resource).error(gap));
                continue;
            }
        };
        for image in images.iter().filter(|i| i.owner_id == account.id) {
            let arn = format!("arn:{}:ec2:{region}::image/{}", account.partition, image.id);
            let f = ctx.finding(&META, region, arn);
            let name = super::label(&image.id, Some(&image.name));
            findings.push(if image.public {
                f.fail(format!("{name} can be launched by any AWS account"))
            } else {
                f.pass(format!("{name} is not public"))
            });
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ec2::testing::{ec2, image};
    use crate::checks::fixtures::{run_check, Fixture};
    use rampart_inventory::{Collected, Image};

    // Image sharing: the account's public AMI fails, its private one passes, a public AMI of
    // another owner is not examined.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        ec2(&mut fx).images = Collected::Ok(vec![
            Image {
                public: true,
                ..image("ami-01", 10)
            },
            image("ami-02", 10),
            Image {
                public: true,
                owner_id: "137112412989".into(),
                ..image("ami-03", 10)
            },
        ]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}
