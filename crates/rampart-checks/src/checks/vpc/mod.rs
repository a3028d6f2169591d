//! vpc checks.

use crate::Check;

/// The vpc checks.
pub const CHECKS: &[Check] = &[];
