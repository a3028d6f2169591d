//! `ec2_instance_profile_attached`: every instance has an IAM instance profile.

use super::{instance_label, over_instances};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "ec2_instance_profile_attached",
    title: "EC2 instances have an IAM instance profile",
    service: "ec2",
    severity: Severity::Medium,
    what: "Whether each instance that is not terminated has an IAM instance profile \
           attached (DescribeInstances `IamInstanceProfile`).",
    why: "An instance profile hands the instance short-lived role credentials through the \
          metadata service. An instance without one that needs to call AWS gets long-lived \
          access keys copied onto its disk or into its user data, where they leak and are \
          never rotated.",
    fix: "aws ec2 associate-iam-instance-profile --region <REGION> --instance-id <INSTANCE_ID> \
          --iam-instance-profile Name=<INSTANCE_PROFILE_NAME>",
    references: &[
        "CIS AWS Foundations v7.0 2.16",
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html",
    ],
    cis: &["2.16"],
    needs: &[Service::Ec2],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    over_instances(
        ctx,
        &META,
        |_| true,
        |region, instance| {
            let f = ctx.finding(&META, region, instance.arn.clone());
            let name = instance_label(instance);
            match &instance.iam_instance_profile_arn {
                Some(profile) => f.pass(format!("{name} has instance profile {profile}")),
                None => f.fail(format!("{name} has no IAM instance profile")),
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

    // CIS 2.16: an instance with a profile passes, one without fails, a terminated one is
    // not examined.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        ec2(&mut fx).instances = Collected::Ok(vec![
            instance("i-0aaa"),
            Instance {
                iam_instance_profile_arn: None,
                tags: name("bastion"),
                ..instance("i-0bbb")
            },
            Instance {
                iam_instance_profile_arn: None,
                state: "terminated".into(),
                ..instance("i-0ccc")
            },
        ]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}
