//! Checks across every text the collector scanned for secrets: the account's own live
//! access keys found in them.

use crate::Check;

mod live_key_leaked;

/// The secrets checks.
pub const CHECKS: &[Check] = &[live_key_leaked::CHECK];
