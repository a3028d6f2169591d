//! config checks.

use crate::Check;

/// The config checks.
pub const CHECKS: &[Check] = &[];
