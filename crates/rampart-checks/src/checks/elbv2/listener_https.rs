//! `elbv2_listener_https`: internet-facing application load balancers serve HTTP only to
//! redirect to HTTPS.

use super::{lb_label, over_load_balancers};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "elbv2_listener_https",
    title: "Internet-facing application load balancers redirect HTTP to HTTPS",
    service: "elbv2",
    severity: Severity::Medium,
    what: "For each internet-facing application load balancer, whether every HTTP listener's \
           default action redirects to HTTPS. Internal load balancers are not examined, and \
           network load balancers (TCP, TLS, UDP listeners) are not judged: they do not \
           speak HTTP.",
    why: "Plain HTTP from the internet carries sessions, credentials and content that anyone \
          on the path can read or change. An HTTP listener should exist only to send the \
          browser to HTTPS.",
    fix: "aws elbv2 modify-listener --region <REGION> --listener-arn <LISTENER_ARN> \
          --default-actions \
          'Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301}'",
    references: &[
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-update-rules.html",
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
        |lb| lb.internet_facing() && lb.kind == "application",
        |region, lb| {
            let f = ctx.finding(&META, region, lb.arn.clone());
            let name = lb_label(lb);
            let listeners = match lb.listeners.get() {
                Ok(l) => l,
                Err(gap) => return f.error(gap),
            };
            let plain: Vec<String> = listeners
                .iter()
                .filter(|l| l.protocol.eq_ignore_ascii_case("HTTP") && !l.redirects_to_https)
                .map(|l| format!("HTTP:{}", l.port))
                .collect();
            if !plain.is_empty() {
                return f.fail(format!(
                    "{name} serves plain HTTP without redirecting to HTTPS on {}",
                    plain.join(", ")
                ));
            }
            let all: Vec<String> = listeners
                .iter()
                .map(|l| {
                    if l.protocol.eq_ignore_ascii_case("HTTP") {
                        format!("HTTP:{} (redirects to HTTPS)", l.port)
                    } else {
                        format!("{}:{}", l.protocol, l.port)
                    }
                })
                .collect();
            if all.is_empty() {
                f.pass(format!("{name} has no listeners"))
            } else {
                f.pass(format!("{name} listens on {}", all.join(", ")))
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::elbv2::testing::{lb, listener, set_load_balancers};
    use crate::checks::fixtures::{run_check, Fixture};
    use rampart_inventory::{Collected, LoadBalancer};

    // Transport security: an HTTP listener that redirects passes, one that forwards fails;
    // internal ALBs and NLBs with TCP listeners are not examined.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        let with = |name: &str, kind: &str, scheme: &str, l| LoadBalancer {
            listeners: Collected::Ok(l),
            ..lb(name, kind, scheme, &[])
        };
        set_load_balancers(
            &mut fx,
            vec![
                with(
                    "shop",
                    "application",
                    "internet-facing",
                    vec![listener(443, "HTTPS", false), listener(80, "HTTP", true)],
                ),
                with(
                    "legacy",
                    "application",
                    "internet-facing",
                    vec![listener(80, "HTTP", false), listener(8080, "HTTP", false)],
                ),
                with(
                    "admin",
                    "application",
                    "internal",
                    vec![listener(80, "HTTP", false)],
                ),
                with(
                    "tcp",
                    "network",
                    "internet-facing",
                    vec![listener(80, "TCP", false)],
                ),
            ],
        );
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}
