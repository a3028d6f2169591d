//! `ec2_ami_age`: running instances run recent, supported AMIs.

use super::{instance_label, over_instances};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "ec2_ami_age",
    title: "Running EC2 instances use recent, non-deprecated AMIs",
    service: "ec2",
    severity: Severity::Medium,
    what: "For each running instance, whether its AMI (DescribeImages) is deprecated at \
           collection time or was created more than `ami_max_age_days` (90 by default) \
           before it. An AMI that DescribeImages no longer returns (deregistered, or no \
           longer shared with the account) fails at low severity: the instance runs, but \
           cannot be rebuilt from it.",
    why: "An old image carries every vulnerability fixed since it was built, and every \
          instance relaunched from it starts unpatched. A deprecated image is one its owner \
          has stopped maintaining. Regular image rebuilds keep the fleet's baseline current.",
    fix: "Build or pick a current image (for AWS images: aws ssm get-parameters-by-path \
          --region <REGION> --path /aws/service/ami-amazon-linux-latest), point the launch \
          template at it: aws ec2 create-launch-template-version --region <REGION> \
          --launch-template-id <TEMPLATE_ID> --source-version <VERSION> \
          --launch-template-data ImageId=<NEW_AMI_ID>, then replace the instance.",
    references: &[
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ami-deprecate.html",
        "https://docs.aws.amazon.com/imagebuilder/latest/userguide/what-is-image-builder.html",
    ],
    cis: &[],
    needs: &[Service::Ec2],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let max = ctx.settings.ami_max_age_days;
    over_instances(
        ctx,
        &META,
        |i| i.state == "running",
        |region, instance| {
            let f = ctx.finding(&META, region, instance.arn.clone());
            let name = instance_label(instance);
            let images = match ctx.inventory.regional[region].ec2.images.get() {
                Ok(images) => images,
                Err(gap) => return f.error(gap),
            };
            let ami = &instance.image_id;
            let Some(image) = images
                .iter()
                .find(|i| &i.id == ami && i.state != "deregistered")
            else {
                return f.severity(Severity::Low).fail(format!(
                    "{name} runs {ami}, which no longer exists or is no longer visible to the \
                     account: the instance cannot be rebuilt from it"
                ));
            };
            let ami = if image.name.is_empty() {
                image.id.clone()
            } else {
                format!("{} ({})", image.id, image.name)
            };
            if let Some(t) = image.deprecation_time.filter(|t| *t <= ctx.now()) {
                return f.fail(format!(
                    "{name} runs {ami}, deprecated on {}",
                    t.format("%Y-%m-%d")
                ));
            }
            let Some(created) = image.creation_date else {
                return f.error_reason(format!(
                    "could not be evaluated: DescribeImages reported no creation date for \
                     {ami}, which {name} runs"
                ));
            };
            let age = ctx.days_since(created);
            if age > max {
                f.fail(format!(
                    "{name} runs {ami}, created {age} days ago (more than {max})"
                ))
            } else {
                f.pass(format!("{name} runs {ami}, created {age} days ago"))
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ec2::testing::{ec2, image, instance};
    use crate::checks::fixtures::{days_ago, run_check, Fixture};
    use rampart_inventory::{Collected, Image, Instance};

    fn running(id: &str, ami: &str) -> Instance {
        Instance {
            image_id: ami.into(),
            ..instance(id)
        }
    }

    // Image hygiene: a 10-day-old AMI passes; a 200-day-old one fails; one deprecated
    // yesterday fails; one deprecated next month passes; a vanished AMI fails low; stopped
    // instances are not examined.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        let data = ec2(&mut fx);
        data.images = Collected::Ok(vec![
            image("ami-new", 10),
            image("ami-old", 200),
            Image {
                deprecation_time: days_ago(1),
                ..image("ami-dep", 30)
            },
            Image {
                deprecation_time: days_ago(-30),
                ..image("ami-soon", 30)
            },
        ]);
        let mut stopped = running("i-0off", "ami-old");
        stopped.state = "stopped".into();
        data.instances = Collected::Ok(vec![
            running("i-01", "ami-new"),
            running("i-02", "ami-old"),
            running("i-03", "ami-dep"),
            running("i-04", "ami-soon"),
            running("i-05", "ami-gone"),
            stopped,
        ]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }

    // Image hygiene: the age limit comes from `ami_max_age_days`.
    #[test]
    fn limit_from_settings() {
        let mut fx = Fixture::new();
        let data = ec2(&mut fx);
        data.images = Collected::Ok(vec![image("ami-1", 40)]);
        data.instances = Collected::Ok(vec![running("i-01", "ami-1")]);
        let settings = crate::Settings {
            ami_max_age_days: 30,
            ..Default::default()
        };
        let findings = (CHECK.run)(&Context::new(&fx.inv, &settings));
        assert_eq!(findings[0].status, crate::Status::Fail);
        assert_eq!(run_check(&CHECK, &fx.inv)[0].status, crate::Status::Pass);
    }
}
