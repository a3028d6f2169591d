//! Builders for S3 fixtures: buckets in `us-east-1` of the fixture account that pass every
//! check, and Block Public Access settings.

use crate::checks::fixtures::Fixture;
use rampart_inventory::*;
use serde_json::{json, Value};

/// All four Block Public Access settings on.
pub(crate) const ALL_ON: PublicAccessBlock = PublicAccessBlock {
    block_public_acls: true,
    ignore_public_acls: true,
    block_public_policy: true,
    restrict_public_buckets: true,
};

/// All four settings off.
pub(crate) const ALL_OFF: PublicAccessBlock = PublicAccessBlock {
    block_public_acls: false,
    ignore_public_acls: false,
    block_public_policy: false,
    restrict_public_buckets: false,
};

/// A policy denying every S3 action over plain HTTP on the bucket and its objects.
pub(crate) fn deny_http(name: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [format!("arn:aws:s3:::{name}"), format!("arn:aws:s3:::{name}/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    }]})
}

/// A bucket in `us-east-1` with its own block all on, an HTTPS-only policy, a private ACL,
/// versioning and MFA delete enabled.
pub(crate) fn bucket(name: &str) -> Bucket {
    Bucket {
        name: name.into(),
        arn: format!("arn:aws:s3:::{name}"),
        region: "us-east-1".into(),
        creation_date: None,
        public_access_block: Collected::Ok(Some(ALL_ON)),
        policy: Collected::Ok(Some(deny_http(name))),
        acl_grants: Collected::Ok(vec![AclGrant {
            grantee_uri: None,
            grantee_id: Some(
                "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be".into(),
            ),
            permission: "FULL_CONTROL".into(),
        }]),
        versioning: Collected::Ok(BucketVersioning {
            status: Some("Enabled".into()),
            mfa_delete: Some("Enabled".into()),
        }),
        logging_target: Collected::Ok(None),
        default_encryption: Collected::Ok(Some("AES256".into())),
        tags: Collected::Ok(vec![]),
    }
}

/// Replace the fixture's buckets.
pub(crate) fn set_buckets(fx: &mut Fixture, buckets: Vec<Bucket>) {
    fx.inv.s3.buckets = Collected::Ok(buckets);
}

/// Set the account-level block (`None`: not configured).
pub(crate) fn set_account_block(fx: &mut Fixture, block: Option<PublicAccessBlock>) {
    fx.inv.s3.account_public_access_block = Collected::Ok(block);
}
