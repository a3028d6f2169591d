//! The checks, one file each, grouped by service.

use crate::Check;

pub mod accessanalyzer;
pub mod account;
pub mod cloudformation;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod config;
pub mod ec2;
pub mod ecs;
pub mod efs;
pub mod elbv2;
pub mod guardduty;
pub mod iam;
pub mod kms;
pub mod lambda;
pub mod macie;
pub mod organizations;
pub mod rds;
pub mod resource_policy;
pub mod s3;
pub mod secrets;
pub mod securityhub;
pub mod sns;
pub mod ssm;
pub mod vpc;

pub(crate) mod public_policy;
pub(crate) mod scanned;
pub(crate) mod secret_names;

#[cfg(test)]
pub(crate) mod fixtures;

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
        rds::CHECKS,
        s3::CHECKS,
        secrets::CHECKS,
        securityhub::CHECKS,
        sns::CHECKS,
        ssm::CHECKS,
        vpc::CHECKS,
    ]
}
