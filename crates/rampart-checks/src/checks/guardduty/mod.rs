//! GuardDuty checks: a detector is enabled in every scanned region, and its findings are
//! routed somewhere a person will see them.

use crate::{Check, Context};
use rampart_inventory::Detector;

mod enabled;
mod findings_routed;
mod route;

#[cfg(test)]
pub(crate) mod testing;

/// The GuardDuty checks.
pub const CHECKS: &[Check] = &[enabled::CHECK, findings_routed::CHECK];

/// ARN of a detector: `arn:<partition>:guardduty:<region>:<account>:detector/<id>`.
fn detector_arn(ctx: &Context, region: &str, detector: &Detector) -> String {
    let account = &ctx.inventory.account;
    format!(
        "arn:{}:guardduty:{region}:{}:detector/{}",
        account.partition, account.id, detector.id
    )
}

/// Whether the detector's status was read and is `ENABLED`.
fn is_enabled(detector: &Detector) -> bool {
    detector.status.ok().is_some_and(|s| s == "ENABLED")
}

/// The GuardDuty fixers.
pub(crate) const FIXERS: &[crate::fix::Fixer] = &[enabled::FIXER, findings_routed::FIXER];
