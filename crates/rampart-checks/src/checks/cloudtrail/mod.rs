//! CloudTrail checks: the account has a multi-region trail recording every management event
//! and S3 object-level events, and each trail logs, validates, encrypts and forwards its log
//! files to a private bucket, with access logging, in a separate account.

use crate::Check;

mod bucket_access_logging;
mod bucket_not_public;
mod bucket_separate_account;
mod changes;
mod cloudwatch_logs;
mod data_events;
mod kms_encryption;
mod log_file_validation;
mod logging;
mod multi_region_logging;
mod s3_data_events_read;
mod s3_data_events_write;
pub(crate) mod trails;

/// The management-event reading of event selectors, shared with the CIS monitoring chain.
pub(crate) use multi_region_logging::{management_events, Management};

#[cfg(test)]
pub(crate) mod testing;

/// The CloudTrail fixers.
pub(crate) const FIXERS: &[crate::fix::Fixer] = &[
    kms_encryption::FIXER,
    log_file_validation::FIXER,
    logging::FIXER,
    multi_region_logging::FIXER,
];

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
