//! `elbv2_drop_invalid_headers`: application load balancers drop malformed HTTP headers.

use super::{attribute_true, over_load_balancers};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "elbv2_drop_invalid_headers",
    title: "Application load balancers drop invalid HTTP headers",
    service: "elbv2",
    severity: Severity::Low,
    what: "For each application load balancer, whether its attribute \
           `routing.http.drop_invalid_header_fields.enabled` is `true`, so that headers \
           whose names are not valid HTTP are removed before the request reaches the \
           targets.",
    why: "Header names the load balancer and the application parse differently are a \
          classic ingredient of HTTP request smuggling and header injection. Dropping them \
          at the edge leaves the targets only well-formed requests.",
    fix: "aws elbv2 modify-load-balancer-attributes --region <REGION> --load-balancer-arn \
          <LOAD_BALANCER_ARN> --attributes \
          Key=routing.http.drop_invalid_header_fields.enabled,Value=true",
    references: &[
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#load-balancer-attributes",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html",
    ],
    cis: &[],
    needs: &[Service::Elbv2],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    over_load_balancers(
        ctx,
        &META,
        |lb| lb.kind == "application",
        |region, lb| {
            attribute_true(
                ctx,
                &META,
                region,
                lb,
                "routing.http.drop_invalid_header_fields.enabled",
                "drops invalid HTTP header fields",
                "passes invalid HTTP header fields to its targets",
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::elbv2::testing::{lb, set_load_balancers};
    use crate::checks::fixtures::{run_check, Fixture};

    const KEY: &str = "routing.http.drop_invalid_header_fields.enabled";

    // Header hygiene: on passes, off fails; network load balancers are not examined.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        set_load_balancers(
            &mut fx,
            vec![
                lb("on", "application", "internet-facing", &[(KEY, "true")]),
                lb("off", "application", "internal", &[(KEY, "false")]),
                lb("nlb", "network", "internet-facing", &[]),
            ],
        );
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}
