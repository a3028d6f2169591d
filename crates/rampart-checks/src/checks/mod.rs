//! The checks, one file each, grouped by service.

use crate::Check;

pub mod accessanalyzer;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod config;
pub mod ec2;
pub mod guardduty;
pub mod iam;
pub mod resource_policy;
pub mod securityhub;
pub mod vpc;

#[cfg(test)]
pub(crate) mod fixtures;

/// Each service's list of checks.
pub(crate) fn by_service() -> [&'static [Check]; 9] {
    [
        accessanalyzer::CHECKS,
        cloudtrail::CHECKS,
        cloudwatch::CHECKS,
        config::CHECKS,
        ec2::CHECKS,
        guardduty::CHECKS,
        iam::CHECKS,
        securityhub::CHECKS,
        vpc::CHECKS,
    ]
}
