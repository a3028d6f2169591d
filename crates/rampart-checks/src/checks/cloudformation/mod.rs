//! CloudFormation checks: no secrets in the parameter values and outputs DescribeStacks
//! shows, and secret-looking parameters declared NoEcho.

use crate::{Check, CheckMeta, Context, Finding, FindingBuilder};
use rampart_inventory::Stack;

mod parameter_no_echo;
mod stack_secrets;

#[cfg(test)]
pub(crate) mod testing;

/// The CloudFormation checks.
pub const CHECKS: &[Check] = &[parameter_no_echo::CHECK, stack_secrets::CHECK];

/// For every region, one ERROR when its stacks could not be listed, else `each` for every
/// stack.
fn over_stacks<'a>(
    ctx: &Context<'a>,
    meta: &'static CheckMeta,
    mut each: impl FnMut(FindingBuilder, &'a Stack) -> Finding,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (region, data) in ctx.regions() {
        let gap_resource = ctx.region_resource("cloudformation", region);
        findings.extend(ctx.over(
            meta,
            region,
            &gap_resource,
            &data.cloudformation.stacks,
            |s| each(ctx.finding(meta, region, s.arn.clone()), s),
        ));
    }
    findings
}
