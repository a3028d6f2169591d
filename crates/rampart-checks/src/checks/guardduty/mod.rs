//! guardduty checks.

use crate::Check;

/// The guardduty checks.
pub const CHECKS: &[Check] = &[];
