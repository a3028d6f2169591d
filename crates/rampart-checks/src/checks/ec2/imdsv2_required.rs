//! `ec2_imdsv2_required`: instances accept only IMDSv2 (token) metadata requests.

use super::{instance_label, over_instances};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "ec2_imdsv2_required",
    title: "EC2 instances require IMDSv2",
    service: "ec2",
    severity: Severity::Medium,
    what: "Whether each instance's metadata service requires session tokens (`HttpTokens` \
           is `required`) or is turned off (`HttpEndpoint` is `disabled`), from \
           DescribeInstances `MetadataOptions`.",
    why: "IMDSv1 answers any plain GET from the instance, so a server-side request forgery \
          or an open proxy on the instance hands an attacker the instance role's \
          credentials. IMDSv2 needs a PUT-issued token that such requests cannot obtain.",
    fix: "aws ec2 modify-instance-metadata-options --region <REGION> --instance-id \
          <INSTANCE_ID> --http-tokens required --http-endpoint enabled",
    references: &[
        "CIS AWS Foundations v7.0 6.7",
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html",
    ],
    cis: &["6.7"],
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
            let md = &instance.metadata;
            if md.http_endpoint == "disabled" {
                f.pass(format!(
                    "{name} has the instance metadata service turned off"
                ))
            } else if md.http_tokens == "required" {
                f.pass(format!("{name} requires IMDSv2 session tokens"))
            } else if md.http_tokens.is_empty() {
                f.error_reason(format!(
                    "could not be evaluated: DescribeInstances reported no metadata options for \
                 {name}"
                ))
            } else {
                f.fail(format!(
                    "{name} accepts IMDSv1 requests (HttpTokens is `{}`)",
                    md.http_tokens
                ))
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ec2::testing::{ec2, instance, name};
    use crate::checks::fixtures::{run_check, Fixture};
    use rampart_inventory::{Collected, Instance, MetadataOptions};

    fn metadata(tokens: &str, endpoint: &str) -> MetadataOptions {
        MetadataOptions {
            http_tokens: tokens.into(),
            http_endpoint: endpoint.into(),
            http_put_response_hop_limit: Some(1),
        }
    }

    // CIS 6.7: tokens required passes, optional fails, a disabled endpoint passes whatever the
    // token setting, and options that were not reported are an ERROR, not a verdict.
    #[test]
    fn pass_fail_and_unreported() {
        let mut fx = Fixture::new();
        ec2(&mut fx).instances = Collected::Ok(vec![
            instance("i-0aaa"),
            Instance {
                metadata: metadata("optional", "enabled"),
                tags: name("legacy"),
                ..instance("i-0bbb")
            },
            Instance {
                metadata: metadata("optional", "disabled"),
                ..instance("i-0ccc")
            },
            Instance {
                metadata: metadata("", ""),
                state: "pending".into(),
                ..instance("i-0ddd")
            },
        ]);
        insta::assert_json_snapshot!("pass_fail_and_unreported", run_check(&CHECK, &fx.inv));
    }
}
