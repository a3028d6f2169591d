//! Builders for KMS fixtures: an enabled customer managed symmetric key in `us-east-1`
//! with rotation on and a policy for the account only.

use crate::checks::fixtures::{Fixture, ACCOUNT};
use rampart_inventory::*;
use serde_json::json;

/// The KMS data of `us-east-1`.
pub(crate) fn kms(fx: &mut Fixture) -> &mut KmsData {
    &mut fx.region("us-east-1").kms
}

/// An enabled customer managed symmetric key with rotation on and the default key policy.
pub(crate) fn key(id: &str) -> KmsKey {
    KmsKey {
        id: id.into(),
        arn: format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/{id}"),
        manager: "CUSTOMER".into(),
        state: "Enabled".into(),
        spec: "SYMMETRIC_DEFAULT".into(),
        origin: "AWS_KMS".into(),
        deletion_date: None,
        rotation_enabled: Collected::Ok(true),
        policy: Collected::Ok(Some(
            json!({"Statement": [{"Sid": "Enable IAM User Permissions",
            "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")},
            "Action": "kms:*", "Resource": "*"}]}),
        )),
    }
}

/// An AWS managed key (rotation and policy not read, as the collector does).
pub(crate) fn aws_managed(id: &str) -> KmsKey {
    KmsKey {
        manager: "AWS".into(),
        rotation_enabled: Collected::default(),
        policy: Collected::default(),
        ..key(id)
    }
}
