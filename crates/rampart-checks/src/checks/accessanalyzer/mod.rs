//! IAM Access Analyzer checks: an external access analyzer watches every scanned region.

use crate::Check;

mod enabled;

/// The Access Analyzer checks.
pub const CHECKS: &[Check] = &[enabled::CHECK];

/// The Access Analyzer fixers.
pub(crate) const FIXERS: &[crate::fix::Fixer] = &[enabled::FIXER];
