//! IAM checks: the root user, users and their credentials, the password policy, policies.

use crate::Check;

mod access_key_at_user_setup;
mod access_key_rotation;
mod admin_star_policies;
mod cloudshell_full_access;
mod password_policy_complexity;
mod password_policy_length;
mod password_policy_reuse;
pub(crate) mod policy_document;
mod policy_privilege_escalation;
mod principal_escalates_to_admin;
mod role_cross_account_no_external_id;
mod role_trusts_everyone;
mod role_unused;
mod root_access_keys;
mod root_hardware_mfa;
mod root_mfa;
mod root_recent_use;
mod server_certificates_expired;
mod support_role;
mod unused_credentials;
mod unused_services;
mod user_console_mfa;
mod user_direct_policies;
mod user_in_group;
mod user_multiple_active_keys;
mod users_federated;

#[cfg(test)]
pub(crate) mod testing;

/// The IAM checks.
pub const CHECKS: &[Check] = &[
    access_key_at_user_setup::CHECK,
    access_key_rotation::CHECK,
    admin_star_policies::CHECK,
    cloudshell_full_access::CHECK,
    password_policy_complexity::CHECK,
    password_policy_length::CHECK,
    password_policy_reuse::CHECK,
    policy_privilege_escalation::CHECK,
    principal_escalates_to_admin::CHECK,
    role_cross_account_no_external_id::CHECK,
    role_trusts_everyone::CHECK,
    role_unused::CHECK,
    root_access_keys::CHECK,
    root_hardware_mfa::CHECK,
    root_mfa::CHECK,
    root_recent_use::CHECK,
    server_certificates_expired::CHECK,
    support_role::CHECK,
    unused_credentials::CHECK,
    unused_services::CHECK,
    user_console_mfa::CHECK,
    user_direct_policies::CHECK,
    user_in_group::CHECK,
    user_multiple_active_keys::CHECK,
    users_federated::CHECK,
];

/// `1 day`, `45 days`: a count of days for a finding's reason.
fn days(n: i64) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

/// Who holds an AWS managed policy (by name, in any partition), read from the attached
/// policies of users, groups and roles.
pub(crate) struct Holders<'a> {
    /// `role Admin`, `user alice`, `group ops`: each principal the policy is attached to.
    pub principals: Vec<String>,
    /// The principal lists that could not be read (`users`, `groups`, `roles`) with the gap.
    pub unread: Vec<(&'static str, &'a rampart_inventory::Gap)>,
}

impl<'a> Holders<'a> {
    /// The users, groups and roles that have the AWS managed policy `name` attached.
    pub fn of(iam: &'a rampart_inventory::IamData, name: &str) -> Self {
        let suffix = format!(":iam::aws:policy/{name}");
        let has = |policies: &[rampart_inventory::AttachedPolicy]| {
            policies
                .iter()
                .any(|p| p.arn.starts_with("arn:") && p.arn.ends_with(&suffix))
        };
        let mut principals = Vec::new();
        let mut unread = Vec::new();
        match iam.users.get() {
            Ok(users) => principals.extend(
                users
                    .iter()
                    .filter(|u| has(&u.attached_policies))
                    .map(|u| format!("user {}", u.name)),
            ),
            Err(gap) => unread.push(("users", gap)),
        }
        match iam.groups.get() {
            Ok(groups) => principals.extend(
                groups
                    .iter()
                    .filter(|g| has(&g.attached_policies))
                    .map(|g| format!("group {}", g.name)),
            ),
            Err(gap) => unread.push(("groups", gap)),
        }
        match iam.roles.get() {
            Ok(roles) => principals.extend(
                roles
                    .iter()
                    .filter(|r| has(&r.attached_policies))
                    .map(|r| format!("role {}", r.name)),
            ),
            Err(gap) => unread.push(("roles", gap)),
        }
        Holders { principals, unread }
    }

    /// `users not read (AccessDenied on ...); roles not read (...)`.
    pub fn unread_text(&self) -> String {
        self.unread
            .iter()
            .map(|(kind, gap)| format!("{kind} not read ({})", gap.describe()))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The IAM fixers.
pub(crate) const FIXERS: &[crate::fix::Fixer] = &[password_policy_length::FIXER];
