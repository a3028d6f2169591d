//! Account-wide IAM data: account summary, password policy, credential report, and the
//! users, groups, roles and policies of `GetAccountAuthorizationDetails`.

use crate::{Collected, Tag};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// IAM, read once per account.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IamData {
    /// `GetAccountSummary`: counters such as `AccountMFAEnabled` and
    /// `AccountAccessKeysPresent` (root MFA and root keys come from here).
    pub account_summary: Collected<BTreeMap<String, i64>>,
    /// `GetAccountPasswordPolicy`: `None` when the account has no policy (a fact, not an error).
    pub password_policy: Collected<Option<PasswordPolicy>>,
    /// `GetCredentialReport`, decoded.
    pub credential_report: Collected<CredentialReport>,
    /// Users, with groups and policies (`GetAccountAuthorizationDetails`).
    pub users: Collected<Vec<User>>,
    /// Groups with their policies.
    pub groups: Collected<Vec<Group>>,
    /// Roles with trust and permission policies.
    pub roles: Collected<Vec<Role>>,
    /// Customer and AWS managed policies that are attached somewhere, or customer managed.
    pub policies: Collected<Vec<ManagedPolicy>>,
    /// Virtual MFA devices (`ListVirtualMFADevices`), with the user each is assigned to.
    pub virtual_mfa_devices: Collected<Vec<VirtualMfaDevice>>,
    /// Instance profiles (`ListInstanceProfiles`).
    pub instance_profiles: Collected<Vec<InstanceProfile>>,
    /// Server certificates stored in IAM (`ListServerCertificates`).
    #[serde(default)]
    pub server_certificates: Collected<Vec<ServerCertificate>>,
    /// What IAM says about each AWS access key id the secret detectors found in the
    /// configuration the collector scanned (user data, launch templates, tags, Lambda,
    /// CloudFormation, ECS), by the key id's fingerprint ([`crate::SecretMatch::fingerprint`]).
    /// Asked per key found, never per user (issue 10). Not collected in snapshots before
    /// schema 4, which hold [`User::access_keys`] instead.
    #[serde(default)]
    pub found_keys: Collected<BTreeMap<String, FoundKey>>,
    /// Access Advisor: the services each user and role was granted and when it last used
    /// them (`GenerateServiceLastAccessedDetails` then `GetServiceLastAccessedDetails`), by
    /// the principal's ARN, each principal's job with its own gap (schema 5).
    #[serde(default)]
    pub service_last_accessed: Collected<BTreeMap<String, Collected<ServiceLastAccessed>>>,
}

/// What Access Advisor reported for one principal.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ServiceLastAccessed {
    /// When the job completed: the moment the report describes.
    pub job_completion_date: Option<DateTime<Utc>>,
    /// One entry per service the principal's policies grant.
    pub services: Vec<ServiceAccess>,
}

/// One service a principal is granted, and its last use.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ServiceAccess {
    /// Service namespace (`s3`, `ec2`, `iam`, ...), the prefix of its actions.
    pub namespace: String,
    /// Service name (`Amazon S3`).
    pub name: String,
    /// Last authenticated use; `None` when never used within the tracking period.
    pub last_authenticated: Option<DateTime<Utc>>,
    /// The entity (user or role ARN) that used it last, for groups and policies.
    pub last_authenticated_entity: Option<String>,
    /// Region of the last use.
    pub last_authenticated_region: Option<String>,
    /// Actions tracked at action level (S3, EC2, IAM, Lambda, ...), each with its last use;
    /// empty for services tracked at service level only.
    pub tracked_actions: Vec<TrackedAction>,
}

/// An action Access Advisor tracks one by one.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TrackedAction {
    /// Action name without its namespace (`GetObject`).
    pub action: String,
    /// Last use; `None` when not used within the tracking period.
    pub last_accessed: Option<DateTime<Utc>>,
}

/// An AWS access key id found in scanned configuration, and who holds it. The key id itself
/// is never stored: the map holding this is keyed by its fingerprint.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FoundKey {
    /// The key id redacted as the detectors show it (`AKIA************WXYZ`).
    pub redacted: String,
    /// Who holds it: `GetAccessKeyLastUsed(AccessKeyId)`, or the gap when IAM could not say.
    pub owner: Collected<KeyOwner>,
}

/// Who holds a found access key id.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum KeyOwner {
    /// An IAM user of this account (`GetAccessKeyLastUsed` names it).
    User {
        /// The user's name.
        name: String,
        /// Whether the key is active: `ListAccessKeys(UserName)`, once per owner.
        active: Collected<bool>,
    },
    /// Not an access key of this account: IAM knows no key with this id (`NoSuchEntity`),
    /// or STS `GetAccessKeyInfo` names another account.
    NotInAccount {
        /// The account STS names as the key's owner, when it was asked.
        account: Option<String>,
    },
    /// Not a long-term IAM user key: its prefix (`ASIA`: temporary credentials, `ABIA`,
    /// `ACCA`, `A3T...`) is not `AKIA`, so IAM is not asked.
    NotUserKey,
}

/// A TLS server certificate stored in IAM.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ServerCertificate {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// When it expires.
    pub expiration: Option<DateTime<Utc>>,
    /// When it was uploaded.
    pub upload_date: Option<DateTime<Utc>>,
}

/// The account password policy.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PasswordPolicy {
    /// Minimum length.
    pub minimum_password_length: Option<i32>,
    /// Require a symbol.
    pub require_symbols: bool,
    /// Require a number.
    pub require_numbers: bool,
    /// Require an upper-case letter.
    pub require_uppercase_characters: bool,
    /// Require a lower-case letter.
    pub require_lowercase_characters: bool,
    /// Users may change their own password.
    pub allow_users_to_change_password: bool,
    /// Passwords expire after this many days.
    pub max_password_age: Option<i32>,
    /// Number of previous passwords that cannot be reused.
    pub password_reuse_prevention: Option<i32>,
    /// An expired password must be reset by an administrator.
    pub hard_expiry: Option<bool>,
}

/// The decoded credential report.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CredentialReport {
    /// When AWS generated the report.
    pub generated_at: Option<DateTime<Utc>>,
    /// One row per user, the root user's row named `<root_account>`.
    pub rows: Vec<CredentialReportRow>,
}

/// One row of the credential report. Dates are `None` where the report says `N/A`,
/// `no_information` or `not_supported`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CredentialReportRow {
    /// User name (`<root_account>` for root).
    pub user: String,
    /// User ARN.
    pub arn: String,
    /// When the user was created.
    pub user_creation_time: Option<DateTime<Utc>>,
    /// The user has a console password.
    pub password_enabled: bool,
    /// Last console sign-in.
    pub password_last_used: Option<DateTime<Utc>>,
    /// Last password change.
    pub password_last_changed: Option<DateTime<Utc>>,
    /// An MFA device is active.
    pub mfa_active: bool,
    /// The two access key slots.
    pub access_keys: [KeyReport; 2],
    /// Signing certificate 1 and 2 are active.
    pub cert_active: [bool; 2],
}

impl CredentialReportRow {
    /// Name the credential report gives the root user's row.
    pub const ROOT: &'static str = "<root_account>";

    /// Whether this is the root user's row.
    pub fn is_root(&self) -> bool {
        self.user == Self::ROOT
    }
}

/// One access key slot of a credential report row.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KeyReport {
    /// The key is active.
    pub active: bool,
    /// Created or last rotated (`None`: no key in this slot).
    pub last_rotated: Option<DateTime<Utc>>,
    /// Last used.
    pub last_used: Option<DateTime<Utc>>,
    /// Service it was last used with.
    pub last_used_service: Option<String>,
}

/// An IAM user.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// User name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Unique id (`AIDA...`).
    pub id: String,
    /// Path.
    pub path: String,
    /// Creation time.
    pub create_date: Option<DateTime<Utc>>,
    /// Names of the groups the user belongs to.
    pub groups: Vec<String>,
    /// Managed policies attached to the user directly.
    pub attached_policies: Vec<AttachedPolicy>,
    /// Inline policies of the user.
    pub inline_policies: Vec<InlinePolicy>,
    /// ARN of the managed policy set as the user's permissions boundary (schema 5; `None`
    /// when it has none, and in older snapshots, which did not record it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<String>,
    /// The user's access keys (`ListAccessKeys(UserName)`) when they were read, `None` when
    /// they were not. Snapshots of schema 2 and 3 read them for every user; those of schema
    /// 4 and 5 for none (issue 10: key ages and activity come from the credential report,
    /// found keys from [`IamData::found_keys`]). Since schema 6 (issue 14) they are read
    /// for the users whose credential report row has a key, active or not, unused (or,
    /// never used, created) the collection's `idle_key_days` (the scan's
    /// `unused_credentials_days`, 45 by default) or more before the collection: the ids
    /// `rampart fix` needs to deactivate idle keys. Every other user has `None`, which says
    /// nothing about its keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_keys: Option<Collected<Vec<AccessKey>>>,
    /// Tags.
    pub tags: Vec<Tag>,
}

/// An access key's metadata (never the secret), as `ListAccessKeys` gave it (see
/// [`User::access_keys`] for which users are listed).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AccessKey {
    /// Access key id (`AKIA...`).
    pub id: String,
    /// `Active` or `Inactive`.
    pub active: bool,
    /// Creation time.
    pub create_date: Option<DateTime<Utc>>,
}

/// An IAM group.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Group name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Managed policies attached.
    pub attached_policies: Vec<AttachedPolicy>,
    /// Inline policies.
    pub inline_policies: Vec<InlinePolicy>,
}

/// An IAM role.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// Role name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Path.
    pub path: String,
    /// Creation time.
    pub create_date: Option<DateTime<Utc>>,
    /// Trust policy document (JSON).
    pub assume_role_policy: serde_json::Value,
    /// Managed policies attached.
    pub attached_policies: Vec<AttachedPolicy>,
    /// Inline policies.
    pub inline_policies: Vec<InlinePolicy>,
    /// Names of the instance profiles that hold this role.
    pub instance_profiles: Vec<String>,
    /// ARN of the managed policy set as the role's permissions boundary (schema 5; `None`
    /// when it has none, and in older snapshots, which did not record it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<String>,
    /// Last time the role was used, where IAM reports it.
    pub last_used: Option<DateTime<Utc>>,
    /// Tags.
    pub tags: Vec<Tag>,
}

/// A managed policy attached to a principal.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AttachedPolicy {
    /// Policy name.
    pub name: String,
    /// Policy ARN.
    pub arn: String,
}

/// An inline policy.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct InlinePolicy {
    /// Policy name.
    pub name: String,
    /// Policy document (JSON, URL-decoded).
    pub document: serde_json::Value,
}

/// A managed policy and its default version's document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ManagedPolicy {
    /// Policy name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// AWS managed (`arn:aws:iam::aws:policy/...`) rather than customer managed.
    pub aws_managed: bool,
    /// Number of principals it is attached to.
    pub attachment_count: i32,
    /// Default version id.
    pub default_version_id: String,
    /// The default version's document (JSON, URL-decoded); `Null` if absent.
    pub document: serde_json::Value,
}

/// A virtual MFA device.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct VirtualMfaDevice {
    /// Serial number (an ARN).
    pub serial_number: String,
    /// ARN of the user it is assigned to (`arn:aws:iam::ID:root` for root), if any.
    pub user_arn: Option<String>,
    /// When it was enabled.
    pub enable_date: Option<DateTime<Utc>>,
}

/// An instance profile.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct InstanceProfile {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Names of the roles it holds.
    pub roles: Vec<String>,
}
