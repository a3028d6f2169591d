//! CloudWatch checks.

use crate::Check;

/// The CloudWatch checks.
pub const CHECKS: &[Check] = &[];
