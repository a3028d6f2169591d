//! CloudTrail checks: the account has a multi-region trail recording every management event,
//! and each trail logs, validates, encrypts and forwards its log files.

use crate::Check;

pub mod cloudwatch_logs;
pub mod kms_encryption;
pub mod log_file_validation;
pub mod logging;
pub mod multi_region_logging;
mod trails;

#[cfg(test)]
mod testing;

/// The CloudTrail checks.
pub const CHECKS: &[Check] = &[
    cloudwatch_logs::CHECK,
    kms_encryption::CHECK,
    log_file_validation::CHECK,
    logging::CHECK,
    multi_region_logging::CHECK,
];
