//! CloudTrail checks: the account has a multi-region trail recording every management event
//! and S3 object-level events, and each trail logs, validates, encrypts and forwards its log
//! files to a private bucket, with access logging, in a separate account.

use crate::Check;

pub mod bucket_access_logging;
pub mod bucket_not_public;
pub mod bucket_separate_account;
pub mod cloudwatch_logs;
mod data_events;
pub mod kms_encryption;
pub mod log_file_validation;
pub mod logging;
pub mod multi_region_logging;
pub mod s3_data_events_read;
pub mod s3_data_events_write;
pub(crate) mod trails;

#[cfg(test)]
pub(crate) mod testing;

/// The CloudTrail checks.
pub const CHECKS: &[Check] = &[
    bucket_access_logging::CHECK,
    bucket_not_public::CHECK,
    bucket_separate_account::CHECK,
    cloudwatch_logs::CHECK,
    kms_encryption::CHECK,
    log_file_validation::CHECK,
    logging::CHECK,
    multi_region_logging::CHECK,
    s3_data_events_read::CHECK,
    s3_data_events_write::CHECK,
];
