//! CloudWatch checks: the CIS section 5 monitoring controls (one file each, sharing the
//! trail-to-subscription chain of `metric_chain`) and a billing alarm.

use crate::Check;

mod alarm_cloudtrail_changes;
mod alarm_cmk_disable_or_deletion;
mod alarm_config_changes;
mod alarm_console_auth_failures;
mod alarm_console_signin_without_mfa;
mod alarm_iam_policy_changes;
mod alarm_nacl_changes;
mod alarm_network_gateway_changes;
mod alarm_organizations_changes;
mod alarm_root_usage;
mod alarm_route_table_changes;
mod alarm_s3_bucket_policy_changes;
mod alarm_security_group_changes;
mod alarm_unauthorized_api_calls;
mod alarm_vpc_changes;
mod billing_alarm;
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

/// The CloudWatch fixers: one per CIS section 5 monitoring control, all completing the chain
/// in `metric_chain`, and the billing alarm's.
pub(crate) const FIXERS: &[crate::fix::Fixer] = &[
    alarm_cloudtrail_changes::FIXER,
    alarm_cmk_disable_or_deletion::FIXER,
    alarm_config_changes::FIXER,
    alarm_console_auth_failures::FIXER,
    alarm_console_signin_without_mfa::FIXER,
    alarm_iam_policy_changes::FIXER,
    alarm_nacl_changes::FIXER,
    alarm_network_gateway_changes::FIXER,
    alarm_organizations_changes::FIXER,
    alarm_root_usage::FIXER,
    alarm_route_table_changes::FIXER,
    alarm_s3_bucket_policy_changes::FIXER,
    alarm_security_group_changes::FIXER,
    alarm_unauthorized_api_calls::FIXER,
    alarm_vpc_changes::FIXER,
    billing_alarm::FIXER,
];
