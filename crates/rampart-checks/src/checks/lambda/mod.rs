//! Lambda checks: function policies not open to everyone, no secrets in environment
//! variables, and runtimes still supported.

use crate::{Check, CheckMeta, Context, Finding, FindingBuilder};
use rampart_inventory::Function;

mod env_secrets;
mod function_policy_public;
mod runtime_supported;

#[cfg(test)]
pub(crate) mod testing;

/// The Lambda checks.
pub const CHECKS: &[Check] = &[
    env_secrets::CHECK,
    function_policy_public::CHECK,
    runtime_supported::CHECK,
];

/// For every region, one ERROR when its functions could not be listed, else `each` for
/// every function.
fn over_functions<'a>(
    ctx: &Context<'a>,
    meta: &'static CheckMeta,
    mut each: impl FnMut(FindingBuilder, &'a Function) -> Finding,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (region, data) in ctx.regions() {
        let gap_resource = ctx.region_resource("lambda", region);
        findings.extend(
            ctx.over(meta, region, &gap_resource, &data.lambda.functions, |f| {
                each(ctx.finding(meta, region, f.arn.clone()), f)
            }),
        );
    }
    findings
}
