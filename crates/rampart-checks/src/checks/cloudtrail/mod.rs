//! cloudtrail checks.

use crate::Check;

/// The cloudtrail checks.
pub const CHECKS: &[Check] = &[];
