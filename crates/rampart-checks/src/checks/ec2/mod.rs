//! ec2 checks.

use crate::Check;

/// The ec2 checks.
pub const CHECKS: &[Check] = &[];
