//! IAM checks: the root user, users and their credentials, the password policy, policies.

use crate::Check;

pub mod root_access_keys;

/// The IAM checks.
pub const CHECKS: &[Check] = &[root_access_keys::CHECK];
