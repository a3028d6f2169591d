//! KMS checks: rotation of customer managed keys, key policies not open to everyone, and
//! keys scheduled for deletion.

use crate::{Check, CheckMeta, Context, Finding, FindingBuilder};
use rampart_inventory::KmsKey;

mod key_pending_deletion;
mod key_policy_public;
mod key_rotation;

#[cfg(test)]
pub(crate) mod testing;

/// The KMS checks.
pub const CHECKS: &[Check] = &[
    key_pending_deletion::CHECK,
    key_policy_public::CHECK,
    key_rotation::CHECK,
];

/// For every region, one ERROR when its keys could not be listed, else `each` for every key
/// `keep` selects.
fn over_keys<'a>(
    ctx: &Context<'a>,
    meta: &'static CheckMeta,
    keep: impl Fn(&KmsKey) -> bool,
    mut each: impl FnMut(FindingBuilder, &'a KmsKey) -> Finding,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (region, data) in ctx.regions() {
        match data.kms.keys.get() {
            Ok(keys) => findings.extend(
                keys.iter()
                    .filter(|k| keep(k))
                    .map(|k| each(ctx.finding(meta, region, k.arn.clone()), k)),
            ),
            Err(gap) => findings.push(
                ctx.finding(meta, region, ctx.region_resource("kms", region))
                    .error(gap),
            ),
        }
    }
    findings
}

/// Whether a key is customer managed (AWS managed keys are AWS's to rotate and govern).
fn customer_managed(key: &KmsKey) -> bool {
    key.manager == "CUSTOMER"
}

/// The KMS fixers.
pub(crate) const FIXERS: &[crate::fix::Fixer] = &[key_rotation::FIXER];
