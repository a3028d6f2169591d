//! CloudWatch checks: the CIS section 5 monitoring controls (one file each, sharing the
//! trail-to-subscription chain of `metric_chain`) and a billing alarm.

use crate::Check;

pub mod alarm_cloudtrail_changes;
pub mod alarm_cmk_disable_or_deletion;
pub mod alarm_config_changes;
pub mod alarm_console_auth_failures;
pub mod alarm_console_signin_without_mfa;
pub mod alarm_iam_policy_changes;
pub mod alarm_nacl_changes;
pub mod alarm_network_gateway_changes;
pub mod alarm_organizations_changes;
pub mod alarm_root_usage;
pub mod alarm_route_table_changes;
pub mod alarm_s3_bucket_policy_changes;
pub mod alarm_security_group_changes;
pub mod alarm_unauthorized_api_calls;
pub mod alarm_vpc_changes;
pub mod billing_alarm;
mod metric_chain;

#[cfg(test)]
pub(crate) mod testing;

/// The benchmark's metric filter pattern of every section 5 check, for tests that need
/// every chain complete.
#[cfg(test)]
pub(crate) const PATTERNS: &[&str] = &[
    alarm_cloudtrail_changes::PATTERN,
    alarm_cmk_disable_or_deletion::PATTERN,
    alarm_config_changes::PATTERN,
    alarm_console_auth_failures::PATTERN,
    alarm_console_signin_without_mfa::PATTERN,
    alarm_iam_policy_changes::PATTERN,
    alarm_nacl_changes::PATTERN,
    alarm_network_gateway_changes::PATTERN,
    alarm_organizations_changes::PATTERN,
    alarm_root_usage::PATTERN,
    alarm_route_table_changes::PATTERN,
    alarm_s3_bucket_policy_changes::PATTERN,
    alarm_security_group_changes::PATTERN,
    alarm_unauthorized_api_calls::PATTERN,
    alarm_vpc_changes::PATTERN,
];

/// The CloudWatch checks.
pub const CHECKS: &[Check] = &[
    alarm_cloudtrail_changes::CHECK,
    alarm_cmk_disable_or_deletion::CHECK,
    alarm_config_changes::CHECK,
    alarm_console_auth_failures::CHECK,
    alarm_console_signin_without_mfa::CHECK,
    alarm_iam_policy_changes::CHECK,
    alarm_nacl_changes::CHECK,
    alarm_network_gateway_changes::CHECK,
    alarm_organizations_changes::CHECK,
    alarm_root_usage::CHECK,
    alarm_route_table_changes::CHECK,
    alarm_s3_bucket_policy_changes::CHECK,
    alarm_security_group_changes::CHECK,
    alarm_unauthorized_api_calls::CHECK,
    alarm_vpc_changes::CHECK,
    billing_alarm::CHECK,
];
