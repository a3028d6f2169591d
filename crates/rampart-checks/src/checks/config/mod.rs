//! AWS Config checks: a configuration recorder records every resource type in every
//! scanned region.

use crate::Check;

mod recorder_enabled;

/// The AWS Config checks.
pub const CHECKS: &[Check] = &[recorder_enabled::CHECK];

/// The AWS Config fixers.
pub(crate) const FIXERS: &[crate::fix::Fixer] = &[recorder_enabled::FIXER];
