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
pub(crate) const FIXERS: &[crate::fix::Fixer] = &[
    password_policy_complexity::FIXER,
    password_policy_length::FIXER,
    password_policy_reuse::FIXER,
    unused_credentials::FIXER,
];

/// How `rampart fix` fixes the password policy checks (one step for all three).
const PASSWORD_POLICY_FIX: &str =
    "Sets the whole password policy (UpdateAccountPasswordPolicy resets every member it \
          is not given, so each is sent): the minimum length and reuse prevention raised to \
          the configured minimums, all four character classes required, and every stricter \
          setting of the current policy kept. Safe: existing passwords stay valid until \
          they are next changed.";

/// The step that sets the whole password policy, for a failing finding of one of the
/// password policy checks (`meta`): every check's minimum at once, so the three checks'
/// steps are one change.
fn fix_password_policy(
    meta: &'static crate::CheckMeta,
    ctx: &crate::Context,
    finding: &crate::Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    use crate::fix::{Call, NotFixable, Risk, Step};
    use serde_json::json;
    let current = ctx
        .inventory
        .iam
        .password_policy
        .get()
        .map_err(|gap| NotFixable::gap("the account password policy", gap))?;
    let s = ctx.settings;
    let cur = current.clone().unwrap_or_default();
    let length = cur
        .minimum_password_length
        .unwrap_or(0)
        .max(s.password_min_length);
    let reuse = cur
        .password_reuse_prevention
        .unwrap_or(0)
        .max(s.password_reuse_prevention);
    let mut params = json!({
        "MinimumPasswordLength": length,
        "RequireSymbols": true,
        "RequireNumbers": true,
        "RequireUppercaseCharacters": true,
        "RequireLowercaseCharacters": true,
        "AllowUsersToChangePassword": true,
        "PasswordReusePrevention": reuse,
    });
    let mut cli: Vec<String> = [
        "aws",
        "iam",
        "update-account-password-policy",
        "--minimum-password-length",
        &length.to_string(),
        "--require-symbols",
        "--require-numbers",
        "--require-uppercase-characters",
        "--require-lowercase-characters",
        "--allow-users-to-change-password",
        "--password-reuse-prevention",
        &reuse.to_string(),
    ]
    .map(String::from)
    .to_vec();
    let mut tf_extra = String::new();
    if let Some(age) = cur.max_password_age {
        params["MaxPasswordAge"] = json!(age);
        cli.extend(["--max-password-age".into(), age.to_string()]);
        tf_extra.push_str(&format!("  max_password_age               = {age}\n"));
    }
    if let Some(hard) = cur.hard_expiry {
        params["HardExpiry"] = json!(hard);
        cli.push(
            if hard {
                "--hard-expiry"
            } else {
                "--no-hard-expiry"
            }
            .into(),
        );
        tf_extra.push_str(&format!("  hard_expiry                    = {hard}\n"));
    }
    let state = |p: Option<&rampart_inventory::PasswordPolicy>| match p {
        None => serde_json::Value::Null,
        Some(p) => json!({
            "MinimumPasswordLength": p.minimum_password_length,
            "RequireSymbols": p.require_symbols,
            "RequireNumbers": p.require_numbers,
            "RequireUppercaseCharacters": p.require_uppercase_characters,
            "RequireLowercaseCharacters": p.require_lowercase_characters,
            "AllowUsersToChangePassword": p.allow_users_to_change_password,
            // 0 is how some endpoints say "never expires", which AWS says by leaving it out.
            "MaxPasswordAge": p.max_password_age.filter(|age| *age > 0),
            "PasswordReusePrevention": p.password_reuse_prevention,
            // Absent means false, the API's default.
            "HardExpiry": p.hard_expiry.unwrap_or(false),
        }),
    };
    let after = rampart_inventory::PasswordPolicy {
        minimum_password_length: Some(length),
        require_symbols: true,
        require_numbers: true,
        require_uppercase_characters: true,
        require_lowercase_characters: true,
        allow_users_to_change_password: true,
        max_password_age: cur.max_password_age,
        password_reuse_prevention: Some(reuse),
        hard_expiry: cur.hard_expiry,
    };
    let mut step = Step::new(
        meta.id,
        &finding.resource,
        "global",
        Risk::Safe,
        "a password policy applies when a password is next set; no user is locked out",
        vec![Call::new("iam", "UpdateAccountPasswordPolicy", params)],
    )
    .states(state(current.as_ref()), state(Some(&after)))
    .terraform(format!(
        "resource \"aws_iam_account_password_policy\" \"rampart\" {{\n  minimum_password_length        = {length}\n  require_symbols                = true\n  require_numbers                = true\n  require_uppercase_characters   = true\n  require_lowercase_characters   = true\n  allow_users_to_change_password = true\n  password_reuse_prevention      = {reuse}\n{tf_extra}}}\n"
    ))
    .undo(if current.is_some() {
        "update-account-password-policy with the `before` values; nothing is lost"
    } else {
        "aws iam delete-account-password-policy; nothing is lost"
    })
    .undo_calls(vec![restore_password_policy(current.as_ref())]);
    step.cli = vec![crate::fix::render::shell_command(
        &cli.iter().map(String::as_str).collect::<Vec<_>>(),
    )];
    Ok(vec![step])
}

/// The call that puts a password policy back as it was: every member it had (the API
/// resets what it is not given), or deleting the policy an account did not have.
fn restore_password_policy(before: Option<&rampart_inventory::PasswordPolicy>) -> crate::fix::Call {
    use crate::fix::Call;
    use serde_json::json;
    let Some(p) = before else {
        return Call::new("iam", "DeleteAccountPasswordPolicy", json!({}));
    };
    let mut params = json!({
        "RequireSymbols": p.require_symbols,
        "RequireNumbers": p.require_numbers,
        "RequireUppercaseCharacters": p.require_uppercase_characters,
        "RequireLowercaseCharacters": p.require_lowercase_characters,
        "AllowUsersToChangePassword": p.allow_users_to_change_password,
        "HardExpiry": p.hard_expiry.unwrap_or(false),
    });
    if let Some(length) = p.minimum_password_length {
        params["MinimumPasswordLength"] = json!(length);
    }
    if let Some(age) = p.max_password_age {
        params["MaxPasswordAge"] = json!(age);
    }
    if let Some(reuse) = p.password_reuse_prevention {
        params["PasswordReusePrevention"] = json!(reuse);
    }
    Call::new("iam", "UpdateAccountPasswordPolicy", params)
}
