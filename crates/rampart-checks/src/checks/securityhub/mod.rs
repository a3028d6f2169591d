//! Security Hub checks: Security Hub is enabled in every scanned region.

use crate::Check;

mod enabled;

/// The Security Hub checks.
pub const CHECKS: &[Check] = &[enabled::CHECK];

/// The Security Hub fixers.
pub(crate) const FIXERS: &[crate::fix::Fixer] = &[enabled::FIXER];
