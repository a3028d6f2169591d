//! SSM Parameter Store checks: secret-looking parameters stored as SecureString.

use crate::Check;

mod parameter_plaintext_secret;

#[cfg(test)]
pub(crate) mod testing;

/// The SSM checks.
pub const CHECKS: &[Check] = &[parameter_plaintext_secret::CHECK];
