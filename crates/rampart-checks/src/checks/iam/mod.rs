//! IAM checks: the root user, users and their credentials, the password policy, policies.

use crate::Check;

pub mod access_key_rotation;
pub mod admin_star_policies;
pub mod password_policy_complexity;
pub mod password_policy_length;
pub mod password_policy_reuse;
pub mod policy_document;
pub mod root_access_keys;
pub mod root_hardware_mfa;
pub mod root_mfa;
pub mod unused_credentials;
pub mod user_console_mfa;
pub mod user_direct_policies;
pub mod user_multiple_active_keys;

#[cfg(test)]
pub(crate) mod testing;

/// The IAM checks.
pub const CHECKS: &[Check] = &[
    access_key_rotation::CHECK,
    admin_star_policies::CHECK,
    password_policy_complexity::CHECK,
    password_policy_length::CHECK,
    password_policy_reuse::CHECK,
    root_access_keys::CHECK,
    root_hardware_mfa::CHECK,
    root_mfa::CHECK,
    unused_credentials::CHECK,
    user_console_mfa::CHECK,
    user_direct_policies::CHECK,
    user_multiple_active_keys::CHECK,
];

/// `1 day`, `45 days`: a count of days for a finding's reason.
fn days(n: i64) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}
