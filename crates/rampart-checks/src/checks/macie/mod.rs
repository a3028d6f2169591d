//! Amazon Macie checks: Macie, AWS's service for discovering and classifying sensitive data
//! in S3, is enabled in every scanned region.

use crate::Check;

mod enabled;

/// The Macie checks.
pub const CHECKS: &[Check] = &[enabled::CHECK];
