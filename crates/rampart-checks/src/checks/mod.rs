//! The checks, one file each, grouped by service.

use crate::Check;

mod accessanalyzer;
mod account;
mod cloudformation;
mod cloudtrail;
mod cloudwatch;
mod config;
mod ec2;
mod ecs;
mod efs;
mod elbv2;
mod guardduty;
mod iam;
mod kms;
mod lambda;
mod macie;
mod organizations;
pub(crate) mod paths;
mod rds;
mod resource_policy;
mod s3;
mod secrets;
mod securityhub;
mod sns;
mod ssm;
mod vpc;

pub(crate) mod public_policy;
pub(crate) mod scanned;
pub(crate) mod secret_names;

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod registry_tests;

/// Each service's list of checks.
pub(crate) fn by_service() -> Vec<&'static [Check]> {
    vec![
        accessanalyzer::CHECKS,
        account::CHECKS,
        cloudformation::CHECKS,
        cloudtrail::CHECKS,
        cloudwatch::CHECKS,
        config::CHECKS,
        ec2::CHECKS,
        ecs::CHECKS,
        efs::CHECKS,
        elbv2::CHECKS,
        guardduty::CHECKS,
        iam::CHECKS,
        kms::CHECKS,
        lambda::CHECKS,
        macie::CHECKS,
        organizations::CHECKS,
        paths::CHECKS,
        rds::CHECKS,
        s3::CHECKS,
        secrets::CHECKS,
        securityhub::CHECKS,
        sns::CHECKS,
        ssm::CHECKS,
        vpc::CHECKS,
    ]
}

/// Every check's fixer (`rampart fix`), service by service.
pub(crate) fn fixers() -> Vec<crate::fix::Fixer> {
    [
        accessanalyzer::FIXERS,
        cloudtrail::FIXERS,
        cloudwatch::FIXERS,
        config::FIXERS,
        ec2::FIXERS,
        guardduty::FIXERS,
        iam::FIXERS,
        kms::FIXERS,
        rds::FIXERS,
        s3::FIXERS,
        securityhub::FIXERS,
        vpc::FIXERS,
    ]
    .into_iter()
    .flatten()
    .cloned()
    .collect()
}
