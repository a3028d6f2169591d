//! The checks, one file each, grouped by service.

use crate::Check;

pub mod cloudtrail;
pub mod config;
pub mod ec2;
pub mod elbv2;
pub mod guardduty;
pub mod iam;
pub mod resource_policy;
pub mod vpc;

#[cfg(test)]
pub(crate) mod fixtures;

/// Each service's list of checks.
pub(crate) fn by_service() -> [&'static [Check]; 7] {
    [
        cloudtrail::CHECKS,
        config::CHECKS,
        ec2::CHECKS,
        elbv2::CHECKS,
        guardduty::CHECKS,
        iam::CHECKS,
        vpc::CHECKS,
    ]
}
