//! `ec2_launch_template_imdsv2`: launch templates require IMDSv2.

use super::{label, over_launch_templates};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "ec2_launch_template_imdsv2",
    title: "Launch templates require IMDSv2",
    service: "ec2",
    severity: Severity::Medium,
    what: "Whether the default version of each launch template sets the metadata option \
           `HttpTokens` to `required`. A template that leaves it unset fails: its instances \
           get whatever the AMI and the account default say, which allows IMDSv1 unless \
           someone changed them.",
    why: "Instances launched from the template by Auto Scaling, EKS node groups or people \
          inherit its metadata options; fixing running instances one by one (CIS 6.7) does \
          not last if the template brings IMDSv1 back with every new instance.",
    fix: "aws ec2 create-launch-template-version --region <REGION> --launch-template-id \
          <TEMPLATE_ID> --source-version <DEFAULT_VERSION> --launch-template-data \
          '{\"MetadataOptions\":{\"HttpTokens\":\"required\",\"HttpEndpoint\":\"enabled\"}}'; \
          aws ec2 modify-launch-template --region <REGION> --launch-template-id <TEMPLATE_ID> \
          --default-version <NEW_VERSION>",
    references: &[
        "Supports CIS AWS Foundations v7.0 6.7",
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html",
    ],
    cis: &[],
    needs: &[Service::Ec2],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    over_launch_templates(ctx, &META, |f, t| {
        let name = format!("{} version {}", label(&t.id, Some(&t.name)), t.version);
        let tokens = match t.http_tokens.get() {
            Ok(tokens) => tokens.as_deref(),
            Err(gap) => {
                return f.error_reason(format!(
                    "could not be evaluated: the default version of {name} could not be read: {}",
                    gap.describe()
                ))
            }
        };
        match tokens {
            Some("required") => f.pass(format!("{name} requires IMDSv2")),
            Some(other) => f.fail(format!(
                "{name} sets HttpTokens to `{other}`: its instances accept IMDSv1"
            )),
            None => f.fail(format!(
                "{name} does not set HttpTokens: its instances accept IMDSv1 unless \
                 the AMI or the account default requires tokens"
            )),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ec2::testing::ec2;
    use crate::checks::fixtures::{run_check, Fixture};
    use rampart_inventory::{Collected, LaunchTemplate};

    fn template(id: &str, tokens: Option<&str>) -> LaunchTemplate {
        LaunchTemplate {
            id: id.into(),
            name: format!("{id}-name"),
            version: 3,
            user_data: Collected::Ok(None),
            http_tokens: Collected::Ok(tokens.map(String::from)),
        }
    }

    // Relates to CIS 6.7: `required` passes; `optional` and unset fail.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        ec2(&mut fx).launch_templates = Collected::Ok(vec![
            template("lt-01", Some("required")),
            template("lt-02", Some("optional")),
            template("lt-03", None),
        ]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}
