//! Elastic Load Balancing (v2) checks: HTTPS on internet-facing listeners, access logs, and
//! the handling of malformed headers.

use crate::{Check, CheckMeta, Context, Finding};
use rampart_inventory::{Collected, LoadBalancer};

mod access_logging;
mod drop_invalid_headers;
mod listener_https;

#[cfg(test)]
pub(crate) mod testing;

/// The elbv2 checks.
pub const CHECKS: &[Check] = &[
    access_logging::CHECK,
    drop_invalid_headers::CHECK,
    listener_https::CHECK,
];

/// How a reason names a load balancer: its name, kind and scheme.
pub(crate) fn lb_label(lb: &LoadBalancer) -> String {
    format!("{} ({} load balancer, {})", lb.name, lb.kind, lb.scheme)
}

/// The usual shape of a load balancer check: for every region, one ERROR finding when its
/// load balancers could not be listed, else `each` for every load balancer `keep` selects.
pub(crate) fn over_load_balancers<'a>(
    ctx: &Context<'a>,
    meta: &'static CheckMeta,
    keep: impl Fn(&LoadBalancer) -> bool,
    mut each: impl FnMut(&str, &'a LoadBalancer) -> Finding,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (region, data) in ctx.regions() {
        match data.elbv2.load_balancers.get() {
            Ok(lbs) => findings.extend(lbs.iter().filter(|lb| keep(lb)).map(|lb| each(region, lb))),
            Err(gap) => findings.push(
                ctx.finding(
                    meta,
                    region,
                    ctx.region_resource("elasticloadbalancing", region),
                )
                .error(gap),
            ),
        }
    }
    findings
}

/// The finding of a check over one load balancer attribute that should be `true`: PASS when
/// it is, FAIL when it is `false` (saying `off`), ERROR when the attributes could not be
/// read. An attribute the list does not report has its AWS default, which for the attributes
/// these checks read is `false`: that fails, and the reason says the value is the default.
pub(crate) fn attribute_true(
    ctx: &Context,
    meta: &'static CheckMeta,
    region: &str,
    lb: &LoadBalancer,
    key: &str,
    on: &str,
    off: &str,
) -> Finding {
    let f = ctx.finding(meta, region, lb.arn.clone());
    let name = lb_label(lb);
    let attributes = match &lb.attributes {
        Collected::Ok(a) => a,
        Collected::Missing(gap) => return f.error(gap),
    };
    match attributes.get(key).map(|v| v.trim().to_ascii_lowercase()) {
        Some(v) if v == "true" => f.pass(format!("{name} {on}")),
        Some(_) => f.fail(format!("{name} {off}")),
        None => f.fail(format!(
            "{name} {off}: DescribeLoadBalancerAttributes does not report `{key}`, so it has \
             its default, false"
        )),
    }
}
