//! SNS checks: topic access policies not open to everyone.

use crate::Check;

mod topic_policy_public;

#[cfg(test)]
pub(crate) mod testing;

/// The SNS checks.
pub const CHECKS: &[Check] = &[topic_policy_public::CHECK];
