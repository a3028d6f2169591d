//! Data stores: S3 (read once per account), RDS, EFS and KMS (per region).

use crate::{Collected, Tag};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// S3, read once per account (ListBuckets is global; each bucket is then read in its own
/// region).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct S3Data {
    /// The account-level Block Public Access settings (`s3control:GetPublicAccessBlock`);
    /// `None` when the account has none configured (a fact, not an error).
    pub account_public_access_block: Collected<Option<PublicAccessBlock>>,
    /// Buckets, each with its settings.
    pub buckets: Collected<Vec<Bucket>>,
}

/// The four Block Public Access settings (account or bucket).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PublicAccessBlock {
    /// Reject new public ACLs.
    pub block_public_acls: bool,
    /// Ignore existing public ACLs.
    pub ignore_public_acls: bool,
    /// Reject public bucket policies.
    pub block_public_policy: bool,
    /// Restrict access to buckets with public policies to the account and AWS services.
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    /// Whether all four settings are on.
    pub fn all(&self) -> bool {
        self.block_public_acls
            && self.ignore_public_acls
            && self.block_public_policy
            && self.restrict_public_buckets
    }

    /// Names of the settings that are off.
    pub fn off(&self) -> Vec<&'static str> {
        [
            ("BlockPublicAcls", self.block_public_acls),
            ("IgnorePublicAcls", self.ignore_public_acls),
            ("BlockPublicPolicy", self.block_public_policy),
            ("RestrictPublicBuckets", self.restrict_public_buckets),
        ]
        .into_iter()
        .filter(|(_, on)| !on)
        .map(|(n, _)| n)
        .collect()
    }
}

/// An S3 bucket.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Bucket {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Region the bucket lives in (`GetBucketLocation`; empty when it could not be read).
    pub region: String,
    /// Creation time.
    pub creation_date: Option<DateTime<Utc>>,
    /// Bucket-level Block Public Access; `None` when not configured.
    pub public_access_block: Collected<Option<PublicAccessBlock>>,
    /// Bucket policy; `None` when the bucket has none.
    pub policy: Collected<Option<serde_json::Value>>,
    /// ACL grants.
    pub acl_grants: Collected<Vec<AclGrant>>,
    /// Versioning and MFA delete.
    pub versioning: Collected<BucketVersioning>,
    /// Server access logging target bucket; `None` when logging is off.
    pub logging_target: Collected<Option<String>>,
    /// Default encryption algorithm (`AES256`, `aws:kms`, ...); `None` when none is set.
    pub default_encryption: Collected<Option<String>>,
    /// Tags (an untagged bucket has an empty list).
    pub tags: Collected<Vec<Tag>>,
}

/// One ACL grant.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AclGrant {
    /// Grantee group URI (such as `http://acs.amazonaws.com/groups/global/AllUsers`).
    pub grantee_uri: Option<String>,
    /// Grantee canonical user id.
    pub grantee_id: Option<String>,
    /// Permission (`READ`, `WRITE`, `FULL_CONTROL`, ...).
    pub permission: String,
}

impl AclGrant {
    /// Whether the grant is to everyone or to every authenticated AWS user.
    pub fn is_public(&self) -> bool {
        self.grantee_uri.as_deref().is_some_and(|u| {
            u.ends_with("/global/AllUsers") || u.ends_with("/global/AuthenticatedUsers")
        })
    }
}

/// Versioning state of a bucket.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BucketVersioning {
    /// `Enabled`, `Suspended`, or `None` when versioning was never turned on.
    pub status: Option<String>,
    /// `Enabled` or `Disabled`; `None` when never configured.
    pub mfa_delete: Option<String>,
}

/// RDS, per region.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RdsData {
    /// DB instances.
    pub instances: Collected<Vec<DbInstance>>,
}

/// An RDS DB instance.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DbInstance {
    /// Identifier.
    pub id: String,
    /// ARN.
    pub arn: String,
    /// Engine (`postgres`, `mysql`, ...).
    pub engine: String,
    /// Engine version.
    pub engine_version: String,
    /// Status (`available`, ...).
    pub status: String,
    /// Storage encrypted at rest.
    pub storage_encrypted: bool,
    /// Has a public DNS name reachable from outside the VPC.
    pub publicly_accessible: bool,
    /// Minor version upgrades are applied automatically.
    pub auto_minor_version_upgrade: bool,
    /// Multi-AZ deployment.
    pub multi_az: bool,
    /// Days automated backups are kept (0: off).
    pub backup_retention_period: i32,
    /// Deletion protection.
    pub deletion_protection: bool,
    /// VPC.
    pub vpc_id: Option<String>,
    /// Subnets of its subnet group.
    pub subnet_ids: Vec<String>,
    /// VPC security groups.
    pub security_group_ids: Vec<String>,
    /// Port it listens on.
    pub port: Option<i32>,
    /// Tags.
    pub tags: Vec<Tag>,
}

/// EFS, per region.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EfsData {
    /// File systems.
    pub file_systems: Collected<Vec<FileSystem>>,
}

/// An EFS file system.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FileSystem {
    /// Id (`fs-...`).
    pub id: String,
    /// ARN.
    pub arn: String,
    /// Name tag.
    pub name: Option<String>,
    /// Encrypted at rest.
    pub encrypted: bool,
    /// KMS key used for encryption.
    pub kms_key_id: Option<String>,
    /// Resource policy; `None` when it has none.
    pub policy: Collected<Option<serde_json::Value>>,
    /// Tags.
    pub tags: Vec<Tag>,
}

/// KMS, per region.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KmsData {
    /// Keys (customer managed and AWS managed).
    pub keys: Collected<Vec<KmsKey>>,
}

/// A KMS key.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KmsKey {
    /// Key id.
    pub id: String,
    /// ARN.
    pub arn: String,
    /// `CUSTOMER` or `AWS`.
    pub manager: String,
    /// `Enabled`, `Disabled`, `PendingDeletion`, ...
    pub state: String,
    /// Key spec (`SYMMETRIC_DEFAULT`, `RSA_2048`, ...).
    pub spec: String,
    /// Origin (`AWS_KMS`, `EXTERNAL`, `AWS_CLOUDHSM`, ...).
    pub origin: String,
    /// When deletion is scheduled, for keys pending deletion.
    pub deletion_date: Option<DateTime<Utc>>,
    /// Automatic rotation (`GetKeyRotationStatus`), read for the keys [`KmsKey::rotatable`]
    /// names (enabled or disabled); `NotCollected` for the others.
    pub rotation_enabled: Collected<bool>,
    /// Key policy (`GetKeyPolicy`, policy `default`), read for customer managed keys.
    pub policy: Collected<Option<serde_json::Value>>,
}

impl KmsKey {
    /// Whether the key is one whose rotation CIS asks for: customer managed, symmetric,
    /// generated by KMS, and not pending deletion.
    pub fn rotatable(&self) -> bool {
        self.manager == "CUSTOMER"
            && self.spec == "SYMMETRIC_DEFAULT"
            && self.origin == "AWS_KMS"
            && self.state != "PendingDeletion"
            && self.state != "PendingReplicaDeletion"
    }
}
