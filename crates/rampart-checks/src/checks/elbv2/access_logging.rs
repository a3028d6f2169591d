//! `elbv2_access_logging`: load balancers write access logs.

use super::{attribute_true, over_load_balancers};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "elbv2_access_logging",
    title: "Load balancers have access logging enabled",
    service: "elbv2",
    severity: Severity::Low,
    what: "For each application and network load balancer, whether its attribute \
           `access_logs.s3.enabled` is `true`. Gateway load balancers have no access logs \
           and are not examined.",
    why: "Access logs record every request or connection with its client address, path, \
          status and timing. Without them an attack on the application, or its reach, \
          cannot be reconstructed afterwards.",
    fix: "aws elbv2 modify-load-balancer-attributes --region <REGION> --load-balancer-arn \
          <LOAD_BALANCER_ARN> --attributes Key=access_logs.s3.enabled,Value=true \
          Key=access_logs.s3.bucket,Value=<LOG_BUCKET>",
    references: &[
        "CIS AWS Foundations v7.0 4.10",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-access-logs.html",
    ],
    cis: &["4.10"],
    needs: &[Service::Elbv2],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    over_load_balancers(
        ctx,
        &META,
        |lb| lb.kind == "application" || lb.kind == "network",
        |region, lb| {
            attribute_true(
                ctx,
                &META,
                region,
                lb,
                "access_logs.s3.enabled",
                "writes access logs to S3",
                "does not write access logs (access_logs.s3.enabled is false)",
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::elbv2::testing::{lb, set_load_balancers};
    use crate::checks::fixtures::{run_check, Fixture};

    // CIS 4.10: logging on passes, off fails, for ALBs and NLBs; a gateway load balancer is
    // not examined; an attribute not reported has its default (off) and fails.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        set_load_balancers(
            &mut fx,
            vec![
                lb(
                    "on",
                    "application",
                    "internet-facing",
                    &[("access_logs.s3.enabled", "true")],
                ),
                lb(
                    "off",
                    "application",
                    "internal",
                    &[("access_logs.s3.enabled", "false")],
                ),
                lb(
                    "nlb",
                    "network",
                    "internet-facing",
                    &[("access_logs.s3.enabled", "false")],
                ),
                lb("gwlb", "gateway", "internal", &[]),
                lb("odd", "application", "internal", &[]),
            ],
        );
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}
